import Foundation
import GatehouseTestSupport
import GRDB
import GatehouseStorage
import Synchronization
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Bytes a child process wrote, gathered as they arrive.
final class OutputBuffer: Sendable {
    let text = Mutex<String>("")
}

/// Runs the real `gatehouse serve` binary, built with the package.
final class ServerProcess {
    let process = Process()
    let port: Int

    static var binary: URL? {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("gatehouse"),
            repositoryRoot.appendingPathComponent(".build/debug/gatehouse"),
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    /// What the server wrote to standard output and standard error, when `captureLog` was set.
    let log = OutputBuffer()

    init(binary: URL, dataDirectory: String, port: Int, rules: String? = nil, captureLog: Bool = false) throws {
        self.port = port
        process.executableURL = binary
        process.arguments = [
            "serve", "--listen", "127.0.0.1:\(port)", "--data-dir", dataDirectory,
            "--rules", rules ?? repositoryRoot.appendingPathComponent("rules").path, "--log-level", captureLog ? "info" : "warning",
        ]
        var environment = ProcessInfo.processInfo.environment
        environment["GATEHOUSE_TOKEN_INTAKE"] = tokens[.intake]
        process.environment = environment
        if captureLog {
            let pipe = Pipe()
            let log = self.log
            pipe.fileHandleForReading.readabilityHandler = { handle in
                let data = handle.availableData
                guard !data.isEmpty else { handle.readabilityHandler = nil; return }
                log.text.withLock { $0 += String(decoding: data, as: UTF8.self) }
            }
            process.standardOutput = pipe
            process.standardError = pipe
        } else {
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
        }
        try process.run()
    }

    /// Waits until the server's log holds `text` `count` times; false if it does not within `seconds`.
    func waitForLog(_ text: String, count: Int = 1, seconds: Double = 20) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if log.text.withLock({ $0.components(separatedBy: text).count - 1 }) >= count { return true }
            try await Task.sleep(nanoseconds: 20_000_000)
        }
        return false
    }

    struct NotReady: Error, CustomStringConvertible {
        let port: Int
        var exited = false
        var description: String {
            exited ? "gatehouse serve on port \(port) exited before answering (is the port taken?)"
                : "gatehouse serve on port \(port) did not answer /healthz within 60 s"
        }
    }

    /// Waits until /healthz answers (a debug build on a busy machine can take many seconds).
    func waitUntilReady() async throws {
        for _ in 0..<1_200 {
            guard process.isRunning else { throw NotReady(port: port, exited: true) }
            if let (_, response) = try? await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/healthz")!),
                (response as? HTTPURLResponse)?.statusCode == 200
            {
                // Another process answering on the port while this one exited is no readiness.
                guard process.isRunning else { throw NotReady(port: port, exited: true) }
                return
            }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        throw NotReady(port: port)
    }

    /// SIGTERM, then a blocking wait for the exit status (for a `defer`).
    func terminate() -> Int32 {
        process.terminate()
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// `terminate()` for async code: its wait holds no cooperative thread.
    func terminated() async -> Int32 {
        process.terminate()
        return await exited()
    }

    /// Its exit status once it has ended, polled: a blocking wait on one of the cooperative
    /// threads held up the live servers of other suites, which run there too.
    func exited() async -> Int32 {
        while process.isRunning { try? await Task.sleep(for: .milliseconds(10)) }
        return process.terminationStatus
    }
}

/// Runs the `gatehouse` binary with `arguments` and `input` on standard input; its exit status
/// and everything it wrote to standard output and standard error. It waits for the command on a
/// thread of its own: a blocking wait on one of the two cooperative threads held up the live
/// servers of other suites, which run there too.
func runGatehouse(
    _ arguments: [String], input: String = "", in directory: URL? = nil, environment: [String: String]? = nil
) async throws -> (status: Int32, output: String) {
    let binary = try #require(ServerProcess.binary, "build the gatehouse binary first (swift build)")
    let result = await onOwnThread { Result { try runGatehouseBlocking(binary, arguments, input: input, in: directory, environment: environment) } }
    return try result.get()
}

private func runGatehouseBlocking(
    _ binary: URL, _ arguments: [String], input: String, in directory: URL?, environment: [String: String]?
) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = binary
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = directory }
    if let environment { process.environment = environment }
    let output = Pipe()
    let standardInput = Pipe()
    process.standardOutput = output
    process.standardError = output
    process.standardInput = standardInput
    try process.run()
    standardInput.fileHandleForWriting.write(Data(input.utf8))
    try standardInput.fileHandleForWriting.close()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}

@Suite("Crash safety", .serialized)
struct CrashTests {
    /// POSTs one submission; its status and JSON answer, nil when no answer came.
    static func post(port: Int, text: String) async -> (status: Int, body: [String: Any])? {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/v1/submissions")!)
        request.httpMethod = "POST"
        request.setValue("Bearer \(tokens[.intake]!)", forHTTPHeaderField: "Authorization")
        request.httpBody = try? JSONSerialization.data(withJSONObject: ["text": text, "conversation": "crash"])
        request.timeoutInterval = 5
        guard let (data, response) = try? await URLSession.shared.data(for: request),
            let status = (response as? HTTPURLResponse)?.statusCode
        else { return nil }
        return (status, (try? JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:])
    }

    /// POSTs one submission; the id when the answer is 201 or 202.
    static func submit(port: Int, text: String) async -> String? {
        guard let (status, body) = await post(port: port, text: text), status == 201 || status == 202 else { return nil }
        return body["id"] as? String
    }

    @Test("killed with SIGKILL under load, three times: every answered submission is stored and the chain verifies")
    func sigkillUnderLoad() async throws {
        let binary = try #require(ServerProcess.binary, "build the gatehouse executable first (swift build)")
        let directory = try TemporaryDirectory()
        let data = directory.url.appendingPathComponent("data").path
        var answered: [String] = []
        for round in 0..<3 {
            let port = try freePort()
            let server = try ServerProcess(binary: binary, dataDirectory: data, port: port)
            try await server.waitUntilReady()
            let pid = server.process.processIdentifier
            // Killed once the load has had 50 answers (or after 10 s): a fixed half second gave
            // too few on a machine the rest of the suite keeps busy.
            let answers = AnswerCount()
            let ids = await withTaskGroup(of: [String].self) { group in
                for worker in 0..<16 {
                    group.addTask {
                        var ids: [String] = []
                        let deadline = Date().addingTimeInterval(15)
                        var number = 0
                        while Date() < deadline {
                            number += 1
                            guard let id = await Self.submit(port: port, text: "Round \(round) worker \(worker) item \(number) about the physio service")
                            else { break }
                            ids.append(id)
                            answers.add()
                        }
                        return ids
                    }
                }
                group.addTask {
                    let start = Date()
                    while answers.value < 50, Date().timeIntervalSince(start) < 10 {
                        try? await Task.sleep(nanoseconds: 20_000_000)
                    }
                    Foundation.kill(pid, SIGKILL)
                    return []
                }
                var all: [String] = []
                for await ids in group { all += ids }
                return all
            }
            _ = await server.exited()
            answered += ids
        }
        #expect(answered.count > 100, "the load should get many answers before each kill")
        // A clean start and SIGTERM: graceful shutdown exits 0.
        let last = try ServerProcess(binary: binary, dataDirectory: data, port: try freePort())
        try await last.waitUntilReady()
        let status = await last.terminated()
        #expect(status == 0, "graceful shutdown exit status \(status)")

        let database = try GatehouseDatabase(path: (data as NSString).appendingPathComponent("gatehouse.sqlite"))
        let stored = try await database.pool.read { db in
            Set(try String.fetchAll(db, sql: "SELECT id FROM contribution UNION SELECT id FROM heldItem"))
        }
        let missing = answered.filter { !stored.contains($0) }
        #expect(missing.isEmpty, "\(missing.count) answered submissions are not in the store")
        let verification = try await SQLiteAuditLog(database: database).verify()
        #expect(verification.ok, "\(verification)")
        #expect(verification.checked >= answered.count)
    }
}

/// Answers counted across the load's tasks (`sigkillUnderLoad` kills once it has enough).
private final class AnswerCount: Sendable {
    private let count = Mutex(0)
    func add() { count.withLock { $0 += 1 } }
    var value: Int { count.withLock { $0 } }
}
