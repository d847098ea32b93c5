import Foundation
import GRDB
import GatehouseCore
import GatehouseRuntime
import Testing
@testable import GatehouseStorage

let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// A fresh temporary directory, removed when the test ends.
final class TemporaryDirectory {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(at: url) }
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
}

@Suite("Durable fingerprint index")
struct DurableFingerprintIndexTests {
    let hasher = KeyedHasher(secret: Data("storage tests key 0123456789abcdef".utf8))
    let start = Date(timeIntervalSince1970: 1_780_000_000)

    private func rules(_ index: DurableFingerprintIndex) throws -> RuleSet {
        try RuleSet.load(
            paths: [repositoryRoot.appendingPathComponent("rules/duplicate.yaml").path],
            environment: PluginEnvironment(fingerprints: index, hasher: hasher))
    }

    @Test("a restart forgets nothing: repeats and campaigns are still found after reopening")
    func survivesRestart() throws {
        let directory = try TemporaryDirectory()
        let text = "Please keep the hydrotherapy pool open, it is the only exercise I can do."
        do {
            let database = try GatehouseDatabase(path: directory.path("gatehouse.sqlite"))
            let index = try DurableFingerprintIndex(database: database, now: start)
            let ruleSet = try rules(index)
            #expect(ruleSet.evaluate(Submission(text: text, contributor: "alice", receivedAt: start), itemId: "first").decision == .accepted)
            _ = ruleSet.evaluate(Submission(text: text, contributor: "bob", receivedAt: start.addingTimeInterval(10)), itemId: "second")
            try database.pool.write { db in
                try index.persist(itemId: "first", into: db)
                try index.persist(itemId: "second", into: db)
            }
            // Persisted once: a second call writes nothing more.
            try database.pool.write { db in try index.persist(itemId: "first", into: db) }
            #expect(try database.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM fingerprint") } == 2)
        }
        let database = try GatehouseDatabase(path: directory.path("gatehouse.sqlite"))
        let index = try DurableFingerprintIndex(database: database, now: start.addingTimeInterval(60))
        #expect(index.count == 2)
        let ruleSet = try rules(index)
        let again = ruleSet.evaluate(Submission(text: text, contributor: "alice", receivedAt: start.addingTimeInterval(60)), itemId: "third")
        #expect(again.decision == .rejected)
        #expect(again.findings.first { $0.rule == "duplicate.exact_repeat" }?.attributes["duplicate_of"] == "first")
        let third = ruleSet.evaluate(Submission(text: text, contributor: "carol", receivedAt: start.addingTimeInterval(70)), itemId: "fourth")
        let campaign = try #require(third.findings.first { $0.rule == "duplicate.campaign" })
        #expect(campaign.attributes["campaign"] == "first")
    }

    @Test("a fingerprint dated in the future (an earlier version let one in) is not loaded, so it cannot empty the index")
    func futureFingerprintIgnored() throws {
        let directory = try TemporaryDirectory()
        let text = "The wheelchair service fixed my chair in two days, a real help."
        do {
            let database = try GatehouseDatabase(path: directory.path("gatehouse.sqlite"))
            let index = try DurableFingerprintIndex(database: database, now: start)
            let ruleSet = try rules(index)
            _ = ruleSet.evaluate(Submission(text: text, contributor: "alice", receivedAt: start), itemId: "present")
            _ = ruleSet.evaluate(
                Submission(text: "Something else about the orthotics clinic and its long wait.", contributor: "bob",
                           receivedAt: start.addingTimeInterval(40 * 365 * 86_400)),
                itemId: "future")
            try database.pool.write { db in
                try index.persist(itemId: "present", into: db)
                try index.persist(itemId: "future", into: db)
            }
        }
        let database = try GatehouseDatabase(path: directory.path("gatehouse.sqlite"))
        let index = try DurableFingerprintIndex(database: database, now: start.addingTimeInterval(60))
        #expect(index.count == 1)
        let again = try rules(index).evaluate(Submission(text: text, contributor: "alice", receivedAt: start.addingTimeInterval(60)), itemId: "again")
        #expect(again.findings.first { $0.rule == "duplicate.exact_repeat" }?.attributes["duplicate_of"] == "present")
    }

    @Test("fingerprints on disk hold keyed hashes only, never the text or the contributor token")
    func noTextOnDisk() throws {
        let directory = try TemporaryDirectory()
        let database = try GatehouseDatabase(path: directory.path("gatehouse.sqlite"))
        let index = try DurableFingerprintIndex(database: database)
        let ruleSet = try rules(index)
        _ = ruleSet.evaluate(Submission(text: "A distinctive sentence about podiatry waits", contributor: "token-xyz-123"), itemId: "i1")
        try database.pool.write { db in try index.persist(itemId: "i1", into: db) }
        try database.pool.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
        let bytes = try Data(contentsOf: URL(fileURLWithPath: directory.path("gatehouse.sqlite")))
        #expect(bytes.range(of: Data("podiatry".utf8)) == nil)
        #expect(bytes.range(of: Data("token-xyz-123".utf8)) == nil)
        #expect(bytes.range(of: Data("i1".utf8)) != nil)
    }

    @Test("a withdrawn item is not found as an earlier one and never reaches the disk")
    func withdrawn() throws {
        let directory = try TemporaryDirectory()
        let database = try GatehouseDatabase(path: directory.path("gatehouse.sqlite"))
        let index = try DurableFingerprintIndex(database: database, now: start)
        let ruleSet = try rules(index)
        let text = "The hand therapist made me a splint the same day, which was wonderful."
        #expect(ruleSet.evaluate(Submission(text: text, contributor: "alice", receivedAt: start), itemId: "never-stored").decision == .accepted)
        index.withdraw(itemId: "never-stored")
        // The retry is judged on its own, not as a repeat of the item that was never stored.
        let retry = ruleSet.evaluate(Submission(text: text, contributor: "alice", receivedAt: start.addingTimeInterval(1)), itemId: "retry")
        #expect(retry.decision == .accepted)
        #expect(retry.findings.isEmpty)
        try database.pool.write { db in
            try index.persist(itemId: "never-stored", into: db)
            try index.persist(itemId: "retry", into: db)
        }
        #expect(try database.pool.read { db in try String.fetchAll(db, sql: "SELECT itemId FROM fingerprint") } == ["retry"])
        // And the stored one is found as usual.
        let again = ruleSet.evaluate(Submission(text: text, contributor: "alice", receivedAt: start.addingTimeInterval(2)), itemId: "again")
        #expect(again.findings.first { $0.rule == "duplicate.exact_repeat" }?.attributes["duplicate_of"] == "retry")
    }
}
