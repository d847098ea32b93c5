import Foundation
import GRDB
import GatehouseServer
import GatehouseStorage
import HummingbirdTesting
import Testing

/// `gatehouse audit verify` and `gatehouse audit export`, run as the real binary on a data
/// directory the gateway wrote.
@Suite("gatehouse audit")
struct AuditCommandTests {
    func run(_ arguments: [String]) async throws -> (status: Int32, output: String) {
        try await runGatehouse(arguments)
    }

    @Test("export writes one JSON object per entry, no text; verify names a tampered entry and exits 1")
    func exportAndVerify() async throws {
        let directory = try TemporaryDirectory()
        let configuration = testConfiguration(directory)
        let texts = ["Ring 07700 900123 about the physio", "The podiatrist was a twat", "Thanks to the speech therapist"]
        do {
            let gateway = try Gateway(configuration: configuration)
            try await buildApplication(gateway: gateway).test(.router) { client in
                for text in texts {
                    try await client.execute(uri: "/v1/submissions", method: .post, headers: bearer(.intake), body: json(["text": text])) { _ in }
                }
            }
        }
        let dataDir = configuration.dataDirectory

        let verified = try await run(["audit", "verify", "--data-dir", dataDir])
        #expect(verified.status == 0)
        #expect(verified.output.contains("3 entries verified"), "\(verified.output)")

        let exported = try await run(["audit", "export", "--data-dir", dataDir])
        #expect(exported.status == 0)
        let lines = exported.output.split(separator: "\n")
        #expect(lines.count == 3)
        let entries = try lines.map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        #expect(entries.map { $0["seq"] as? Int } == [1, 2, 3])
        #expect(entries.map { $0["event"] as? String } == ["submission.accepted", "submission.held", "submission.accepted"])
        #expect((entries[0]["findings"] as? [[String: Any]])?.first?["rule"] as? String == "pii.uk_phone")
        #expect((entries[1]["time"] as? String)?.contains(".") == true, "times carry the milliseconds the hash covers")
        #expect(entries[1]["prevHash"] as? String == entries[0]["hash"] as? String)
        for text in texts { #expect(!exported.output.contains(text)) }
        #expect(!exported.output.contains("07700"))

        let database = try DatabaseQueue(path: (dataDir as NSString).appendingPathComponent("gatehouse.sqlite"))
        try await database.write { db in try db.execute(sql: "UPDATE auditEntry SET actor = 'admin' WHERE seq = 2") }
        let broken = try await run(["audit", "verify", "--data-dir", dataDir])
        #expect(broken.status == 1)
        #expect(broken.output.contains("BROKEN at entry 2"), "\(broken.output)")
    }

    @Test("an anchor from an earlier check catches a log cut short or rewritten with fresh hashes")
    func anchors() async throws {
        let directory = try TemporaryDirectory()
        let configuration = testConfiguration(directory)
        do {
            let gateway = try Gateway(configuration: configuration)
            try await buildApplication(gateway: gateway).test(.router) { client in
                for text in ["The physio was great", "The radiographer was kind", "Thanks to the paramedics"] {
                    try await client.execute(uri: "/v1/submissions", method: .post, headers: bearer(.intake), body: json(["text": text])) { _ in }
                }
                try await client.execute(uri: "/v1/audit/verify", method: .get, headers: bearer(.moderator)) { response in
                    #expect((decode(response)["anchor"] as? String)?.hasPrefix("3:") == true)
                }
                try await client.execute(uri: "/v1/audit/verify?anchor=3:nothex", method: .get, headers: bearer(.moderator)) { response in
                    #expect(response.status == .badRequest)
                    #expect(String(buffer: response.body).contains("'anchor' must be SEQ:HASH"))
                }
            }
        }
        let dataDir = configuration.dataDirectory
        let first = try await run(["audit", "verify", "--data-dir", dataDir])
        let newest = try #require(first.output.split(separator: "\n").first { $0.hasPrefix("anchor: ") }?.dropFirst(8))
        #expect(newest.hasPrefix("3:"))
        let database = try DatabaseQueue(path: (dataDir as NSString).appendingPathComponent("gatehouse.sqlite"))
        let second = try await database.read { db in try String.fetchOne(db, sql: "SELECT hash FROM auditEntry WHERE seq = 2") }
        #expect(try await run(["audit", "verify", "--data-dir", dataDir, "--anchor", String(newest)]).status == 0)

        // Cut short: the chain alone still checks out; the anchor does not.
        try await database.write { db in try db.execute(sql: "DELETE FROM auditEntry WHERE seq = 3") }
        #expect(try await run(["audit", "verify", "--data-dir", dataDir]).status == 0)
        let cut = try await run(["audit", "verify", "--data-dir", dataDir, "--anchor", String(newest)])
        #expect(cut.status == 1)
        #expect(cut.output.contains("BROKEN at entry 3: the log ends at entry 2, but entry 3 was recorded"), "\(cut.output)")

        // Rewritten from entry 2 on, with a consistent chain of fresh hashes.
        try await database.write { db in
            try db.execute(sql: "DELETE FROM auditEntry WHERE seq >= 2")
            _ = try SQLiteAuditLog.append(
                in: db, time: Date(), actor: "intake:forged", event: "submission.accepted", itemId: "forged", decision: "accepted",
                findings: [], textHash: nil)
        }
        #expect(try await run(["audit", "verify", "--data-dir", dataDir]).status == 0)
        let rewritten = try await run(["audit", "verify", "--data-dir", dataDir, "--anchor", "2:\(try #require(second))"])
        #expect(rewritten.status == 1)
        #expect(rewritten.output.contains("BROKEN at entry 2: the hash is not the one recorded"), "\(rewritten.output)")
        #expect(try await run(["audit", "verify", "--data-dir", dataDir, "--anchor", "2:zz"]).status == 64)
    }

    @Test("a data directory without a database is an error that names the path")
    func missingDatabase() async throws {
        let directory = try TemporaryDirectory()
        let result = try await run(["audit", "verify", "--data-dir", directory.path])
        #expect(result.status == 2)
        #expect(result.output.contains(directory.path))
    }
}
