import Foundation
import GatehouseCore
import GatehouseServer
import GatehouseStorage
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Synchronization

let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// A fresh temporary directory, removed when the test ends.
final class TemporaryDirectory: Sendable {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(at: url) }
    var path: String { url.path }
}

/// The token of each role in the tests.
let tokens: [Role: String] = [.intake: "intake-token-1", .moderator: "moderator-token-1", .author: "author-token-1", .admin: "admin-token-1"]

/// A configuration over a temporary data directory, the shipped rules, and one token a role.
func testConfiguration(_ directory: TemporaryDirectory, rules: [String]? = nil) -> ServerConfiguration {
    var configuration = ServerConfiguration()
    configuration.port = 0
    configuration.dataDirectory = directory.url.appendingPathComponent("data").path
    configuration.rules = rules ?? [repositoryRoot.appendingPathComponent("rules").path]
    configuration.tokens = tokens.map { ($0.value, $0.key) }
    return configuration
}

/// Every log line, kept in memory so that tests can read what the server logged.
final class LogCapture: Sendable {
    let lines = Mutex<[String]>([])

    var logger: Logger {
        var logger = Logger(label: "gatehouse.test") { _ in CaptureHandler(capture: self) }
        logger.logLevel = .trace
        return logger
    }

    var text: String { lines.withLock { $0.joined(separator: "\n") } }

    struct CaptureHandler: LogHandler {
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String, file: String, function: String, line: UInt) {
            let all = self.metadata.merging(metadata ?? [:]) { $1 }
            let rendered = all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            capture.lines.withLock { $0.append("\(level) \(message) \(rendered)") }
        }
    }
}

func bearer(_ role: Role) -> HTTPFields { [.authorization: "Bearer \(tokens[role]!)"] }

func json(_ object: [String: Any]) -> ByteBuffer {
    ByteBuffer(bytes: try! JSONSerialization.data(withJSONObject: object))
}

func decode(_ response: TestResponse) -> [String: Any] {
    (try? JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]) ?? [:]
}

/// A plain TCP connection to 127.0.0.1, for tests that need to control what is sent when.
///
/// Its reads block, so tests call the `async` ones, which wait on a thread of their own: a
/// blocking read on one of the two cooperative threads would hold up the live server's
/// handlers, which run there too, and a read waiting for an answer the server cannot give
/// until a thread frees up waits out its whole timeout. (`@unchecked Sendable`: one task uses
/// a connection at a time.)
final class RawConnection: @unchecked Sendable {
    let descriptor: Int32
    /// When it connected: the server's limits count from its accepting the connection.
    let opened = ContinuousClock.now

    init(port: Int) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(descriptor)
            throw POSIXError(.init(rawValue: errno) ?? .ECONNREFUSED)
        }
    }

    deinit { close(descriptor) }

    func send(_ text: String) {
        var bytes = Array(text.utf8)
        _ = bytes.withUnsafeMutableBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, 0) }
    }

    /// Everything the server sends until it closes the connection or `seconds` pass without a byte.
    func receiveUntilClosed(seconds: Int) -> String {
        var timeout = timeval(tv_sec: seconds, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count <= 0 { break }
            received += chunk[0..<count]
        }
        return String(decoding: received, as: UTF8.self)
    }

    /// What the server sends until the text received so far contains `marker`, the server
    /// closes the connection, or `seconds` pass without a byte.
    func receive(until marker: String, seconds: Int) -> String {
        var timeout = timeval(tv_sec: seconds, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while !String(decoding: received, as: UTF8.self).contains(marker) {
            let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count <= 0 { break }
            received += chunk[0..<count]
        }
        return String(decoding: received, as: UTF8.self)
    }

    /// True if the server closes the connection within `seconds` without sending anything;
    /// false if it is still open when the wait runs out.
    func closedWhenIdle(within seconds: Int) -> Bool {
        var timeout = timeval(tv_sec: seconds, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var byte: UInt8 = 0
        // 0: the server closed the connection; -1 with EAGAIN: still open when the wait ran out.
        return recv(descriptor, &byte, 1, 0) == 0
    }
}

extension RawConnection {
    /// `receiveUntilClosed(seconds:)`, waiting on a thread of its own.
    func receivedUntilClosed(seconds: Int) async -> String { await onOwnThread { self.receiveUntilClosed(seconds: seconds) } }

    /// `receive(until:seconds:)`, waiting on a thread of its own.
    func received(until marker: String, seconds: Int) async -> String { await onOwnThread { self.receive(until: marker, seconds: seconds) } }

    /// `closedWhenIdle(within:)`, waiting on a thread of its own.
    func isClosedWhenIdle(within seconds: Int) async -> Bool { await onOwnThread { self.closedWhenIdle(within: seconds) } }
}

/// Runs blocking `body` on a new thread, off Swift's cooperative threads, and returns its result.
func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        Thread.detachNewThread { continuation.resume(returning: body()) }
    }
}

extension Gateway {
    /// The SQLite database of a gateway on the embedded store, for tests that look inside it.
    var database: GatehouseDatabase { (stores as! SQLiteStores).database }
}
