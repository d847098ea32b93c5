import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A child process started with posix_spawn, its output going to a file. Foundation's `Process`
/// on Linux watches each child and pipe with dispatch sources, and with many children started
/// and ended at once beside the other suites' it crashed the test runner inside libdispatch
/// (seen in CI); these helpers use none.
public final class Spawned: @unchecked Sendable {
    // @unchecked Sendable: `status` is only touched while `lock` is held.
    public let pid: pid_t
    public let logFile: URL
    private let lock = NSLock()
    private var status: Int32?

    /// Starts `executable` with `arguments` and this process's environment plus `environment`.
    public init(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws {
        logFile = FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-child-\(UUID().uuidString).log")
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logFile.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // The child starts with no signal blocked (the test runner blocks some) and default handlers.
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let merged = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = merged.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var child: pid_t = 0
        let result = posix_spawn(&child, executable, &actions, &attributes, argv, envp)
        guard result == 0 else { throw POSIXError(POSIXErrorCode(rawValue: result) ?? .EINVAL) }
        pid = child
    }

    /// Whether it is still running (reaps it once it has ended).
    public var isRunning: Bool {
        lock.withLock {
            guard status == nil else { return false }
            var raw: Int32 = 0
            if waitpid(pid, &raw, WNOHANG) == pid {
                status = (raw & 0x7f) == 0 ? (raw >> 8) & 0xff : 128 + (raw & 0x7f)
                return false
            }
            return true
        }
    }

    /// Its exit status (128 + the signal when a signal ended it), once it has ended.
    public var exitStatus: Int32? { isRunning ? nil : lock.withLock { status } }

    /// Waits up to `seconds` for it to end; its exit status, or nil if it is still running.
    @discardableResult
    public func wait(seconds: Double) -> Int32? {
        let deadline = Date().addingTimeInterval(seconds)
        while isRunning, Date() < deadline { usleep(10_000) }
        return exitStatus
    }

    /// `wait(seconds:)` for async code: it polls with `Task.sleep`, holding no cooperative
    /// thread (a blocking wait there held up the live servers of other suites).
    public func exited(within seconds: Double) async -> Int32? {
        let deadline = Date().addingTimeInterval(seconds)
        while isRunning, Date() < deadline { try? await Task.sleep(for: .milliseconds(10)) }
        return exitStatus
    }

    public func signal(_ signal: Int32) {
        if isRunning { _ = Glibc.kill(pid, signal) }
    }

    /// Everything it has written so far.
    public var output: String { (try? String(contentsOf: logFile, encoding: .utf8)) ?? "" }

    deinit {
        if status == nil { _ = Glibc.kill(pid, SIGKILL); var raw: Int32 = 0; _ = waitpid(pid, &raw, 0) }
        try? FileManager.default.removeItem(at: logFile)
    }
}
