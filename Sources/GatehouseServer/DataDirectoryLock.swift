import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One gateway per data directory: an exclusive `flock` on `gatehouse.lock` in it, held for the
/// gateway's life and released by the kernel when the process ends, however it ends.
///
/// Two gateways on one SQLite file both run and share the file, but each keeps its own
/// duplicate index, idempotency ordering and rate limits in memory, so each silently misses the
/// other's repeats. The second one is refused instead, naming the first (its process id and
/// when it started, written into the lock file). Several gateways need a shared store.
final class DataDirectoryLock: Sendable {
    let path: String
    private let descriptor: Int32

    /// Takes the lock in `directory`, or throws naming the gateway that holds it.
    init(directory: String) throws {
        path = (directory as NSString).appendingPathComponent("gatehouse.lock")
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw ConfigurationError("\(path): cannot open the lock file (\(String(cString: strerror(errno))))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let holder = Self.holder(descriptor)
            close(descriptor)
            throw ConfigurationError(
                """
                the data directory \((directory as NSString).standardizingPath) is in use by another gateway\
                \(holder.map { " (\($0))" } ?? ""). One gateway runs on one SQLite data directory: it \
                keeps the duplicate index, rate limits and idempotency order in memory, and a second one \
                would miss the first one's repeats. Stop the other gateway, or give this one its own \
                --data-dir.
                """)
        }
        self.descriptor = descriptor
        let note = "pid \(getpid()), started \(Date().formatted(Date.ISO8601FormatStyle()))\n"
        _ = ftruncate(descriptor, 0)
        _ = note.withCString { pwrite(descriptor, $0, strlen($0), 0) }
    }

    /// What the holder wrote into the lock file: its process id and start time.
    private static func holder(_ descriptor: Int32) -> String? {
        var buffer = [UInt8](repeating: 0, count: 200)
        let count = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return nil }
        let text = String(decoding: buffer[0..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        // The file is the gateway's own, but its bytes are shown in an error: printable ASCII only.
        guard !text.isEmpty, text.unicodeScalars.allSatisfy({ (0x20..<0x7F).contains($0.value) }) else { return nil }
        return text
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
