import Foundation
import GatehouseTestSupport
import GRDB
import GatehouseStorage
import Testing

/// The signals `gatehouse serve` documents, sent to the real binary.
@Suite("Signals", .serialized)
struct SignalTests {
    @Test("SIGHUP reloads the rules; a bad set is refused, logged, and the old rules stay")
    func hangupReloads() async throws {
        let binary = try #require(ServerProcess.binary, "build the gatehouse executable first (swift build)")
        let directory = try TemporaryDirectory()
        let rules = directory.url.appendingPathComponent("rules")
        try FileManager.default.copyItem(at: repositoryRoot.appendingPathComponent("rules"), to: rules)
        let server = try ServerProcess(
            binary: binary, dataDirectory: directory.url.appendingPathComponent("data").path,
            port: try freePort(), rules: rules.path, captureLog: true)
        defer { _ = server.terminate() }
        try await server.waitUntilReady()
        let pid = server.process.processIdentifier

        #expect(await CrashTests.post(port: server.port, text: "The physio was a twat about my knee")?.status == 202)

        // Without the profanity pack, the same kind of text is accepted after the reload.
        try FileManager.default.removeItem(at: rules.appendingPathComponent("profanity"))
        kill(pid, SIGHUP)
        #expect(try await server.waitForLog("rules reloaded"))
        #expect(await CrashTests.post(port: server.port, text: "Waited four months for podiatry and the receptionist was a twat on the phone")?.status == 201)

        // A pack that does not load: refused, and the set without profanity stays in force.
        try "rules:\n  - id: broken\n    pattern: [unclosed\n".write(
            to: rules.appendingPathComponent("broken.yaml"), atomically: true, encoding: .utf8)
        kill(pid, SIGHUP)
        #expect(try await server.waitForLog("rule reload refused"))
        #expect(server.process.isRunning)
        #expect(await CrashTests.post(port: server.port, text: "My radiographer explained the scan well but the porter was a twat")?.status == 201)
    }

    @Test("SIGTERM: a request already being read is finished and answered, then the server truncates the WAL and exits 0")
    func terminateFinishesInFlight() async throws {
        let binary = try #require(ServerProcess.binary, "build the gatehouse executable first (swift build)")
        let directory = try TemporaryDirectory()
        let data = directory.url.appendingPathComponent("data").path
        let server = try ServerProcess(binary: binary, dataDirectory: data, port: try freePort(), captureLog: true)
        try await server.waitUntilReady()

        // The head and half the body, then SIGTERM, then the rest of the body.
        let body = #"{"text":"The speech and language therapist helped my son a great deal","conversation":"signals"}"#
        let half = body.utf8.count / 2
        let connection = try RawConnection(port: server.port)
        connection.send(
            "POST /v1/submissions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(tokens[.intake]!)\r\n"
                + "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n" + String(body.utf8.prefix(half))!)
        // Time for the server to read the head even on a busy machine (the suites run in parallel).
        try await Task.sleep(nanoseconds: 1_000_000_000)
        kill(server.process.processIdentifier, SIGTERM)
        try await Task.sleep(nanoseconds: 300_000_000)
        #expect(server.process.isRunning, "the server waits for the request in flight")
        connection.send(String(body.utf8.dropFirst(half))!)
        let answer = await connection.receivedUntilClosed(seconds: 10)
        #expect(answer.hasPrefix("HTTP/1.1 201"), "\(answer)")

        #expect(await server.exited() == 0)
        // The WAL was folded into the database file and cut on the way out.
        let wal = (data as NSString).appendingPathComponent("gatehouse.sqlite-wal")
        let walSize = (try? FileManager.default.attributesOfItem(atPath: wal)[.size] as? Int) ?? 0
        #expect(walSize == 0)
        let id = try #require(answer.split(separator: "\r\n\r\n").last.flatMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }?["id"] as? String)
        let database = try GatehouseDatabase(path: (data as NSString).appendingPathComponent("gatehouse.sqlite"))
        let stored = try await database.pool.read { db in try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM contribution WHERE id = ?)", arguments: [id]) }
        #expect(stored == true)
    }
}
