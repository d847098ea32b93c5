import Foundation
import GatehouseCore
@testable import GatehousePostgres
import GatehouseTestSupport
import Logging
import Testing

@Suite("PostgreSQL: what only a shared store does", .serialized, .enabled(if: TestPostgres.isAvailable, "no PostgreSQL server: set GATEHOUSE_TEST_POSTGRES or install postgresql (scripts/test-postgres start)"))
struct PostgresStoreTests {
    @Test("gateways starting together migrate once; a gateway with another key is refused, naming the key")
    func migrationsAndKeyCheck() async throws {
        let settings = try await TestPostgres.freshDatabase()
        defer { Task { await TestPostgres.drop(settings) } }
        let opened = try await withThrowingTaskGroup(of: PostgresStores.self) { group in
            for _ in 0..<3 {
                group.addTask { try await PostgresStores.open(settings, keyCheck: "same-key", logger: Logger(label: "test")) }
            }
            var all: [PostgresStores] = []
            for try await stores in group { all.append(stores) }
            return all
        }
        #expect(opened.count == 3)
        let migrations = try await TestPostgres.execute("SELECT COUNT(*) FROM gatehouse_migration", on: settings)
        #expect(try migrations.first?.decode(Int.self) == 1)
        do {
            let other = try await PostgresStores.open(settings, keyCheck: "another-key", logger: Logger(label: "test"))
            await other.close()
            Issue.record("a gateway with another secret key was let in")
        } catch let error as StorageConfigurationError {
            #expect(error.description.contains("secret key"))
        }
        for stores in opened { await stores.close() }
    }

    @Test("what one gateway stores, another finds as earlier after catching up: repeats, campaigns, floods")
    func catchUpAcrossGateways() async throws {
        let settings = try await TestPostgres.freshDatabase()
        defer { Task { await TestPostgres.drop(settings) } }
        let a = try await PostgresStores.open(settings, keyCheck: "k", logger: Logger(label: "a"))
        let b = try await PostgresStores.open(settings, keyCheck: "k", logger: Logger(label: "b"))
        let rulesA = try duplicateRules(a)
        let rulesB = try duplicateRules(b)
        let text = "We need the community podiatry clinic back in Rotherham; the bus to the hospital takes two hours each way."
        let now = Date()
        #expect(rulesA.evaluate(Submission(text: text, contributor: "alice", receivedAt: now), itemId: "a-1").decision == .accepted)
        _ = try await a.recorder.record(record("a-1", .accepted, text: text, at: now))
        // Before catching up, B has not seen it: this is the window the docs describe.
        try await b.catchUp()
        let repeatOnB = rulesB.evaluate(Submission(text: text, contributor: "alice", receivedAt: now.addingTimeInterval(1)), itemId: "b-1")
        #expect(repeatOnB.decision == .rejected)
        #expect(repeatOnB.findings.first { $0.rule == "duplicate.exact_repeat" }?.attributes["duplicate_of"] == "a-1")
        _ = try await b.recorder.record(record("b-1", .rejected, at: now.addingTimeInterval(1)))
        // A campaign: two more contributors, one on each gateway; the third is counted over both.
        let copy = rulesB.evaluate(Submission(text: text, contributor: "bob", receivedAt: now.addingTimeInterval(2)), itemId: "b-2")
        _ = try await b.recorder.record(record("b-2", .accepted, text: text, at: now.addingTimeInterval(2)))
        #expect(copy.findings.contains { ["a-1", "b-1"].contains($0.attributes["duplicate_of"] ?? "") }, "\(copy.findings)")
        try await a.catchUp()
        let third = rulesA.evaluate(Submission(text: text, contributor: "carol", receivedAt: now.addingTimeInterval(3)), itemId: "a-3")
        #expect(third.findings.first { $0.rule == "duplicate.campaign" }?.attributes["campaign"] == "a-1")
        // B's own rows are not read back into B.
        try await b.catchUp()
        #expect(b.gatewayId != a.gatewayId)
        await a.close()
        await b.close()
    }

    @Test("a gateway alone reads past its own rows: each catch-up starts after the newest row, not at the first")
    func catchUpPassesOwnRows() async throws {
        let settings = try await TestPostgres.freshDatabase()
        defer { Task { await TestPostgres.drop(settings) } }
        let a = try await PostgresStores.open(settings, keyCheck: "k", logger: Logger(label: "a"))
        let rules = try duplicateRules(a)
        for index in 0..<5 {
            let text = "Item \(index): the hydrotherapy pool at the district hospital has been closed since the spring."
            let verdict = rules.evaluate(Submission(text: text, contributor: "c\(index)"), itemId: "a-\(index)")
            _ = try await a.recorder.record(record("a-\(index)", verdict.decision, text: text))
        }
        try await a.catchUp()
        let newest = try await TestPostgres.execute("SELECT MAX(seq) FROM fingerprint", on: settings)
        let seq = try #require(try newest.first?.decode(Int64?.self))
        #expect(seq > 0)
        // Before, own rows were left unread, and every read went through all of them again.
        #expect((a.fingerprints as? PostgresFingerprintIndex)?.lastRead == seq)
        await a.close()
    }

    @Test("two gateways writing at once, the same keys in opposite orders and reviews among them: no deadlock, one item a key, one chain")
    func concurrentBatchesAcrossGateways() async throws {
        let settings = try await TestPostgres.freshDatabase()
        defer { Task { await TestPostgres.drop(settings) } }
        let a = try await PostgresStores.open(settings, keyCheck: "k", logger: Logger(label: "a"))
        let b = try await PostgresStores.open(settings, keyCheck: "k", logger: Logger(label: "b"))
        let heldIds = (0..<8).map { "held-\($0)" }
        for id in heldIds { _ = try await a.recorder.record(record(id, .held)) }
        let keys = (0..<40).map { "key-\($0)" }
        // Each gateway's submissions go into shared batches (sent at once); B sends the keys
        // in the opposite order, and moderators on both claim the same held items in
        // opposite orders: batches that take the chain's head late must never wait on each
        // other's keys or rows in a cycle (PostgreSQL would abort one as a deadlock, a 503).
        let answers = try await withThrowingTaskGroup(of: (String, Data?).self) { group in
            for (gateway, stores, order) in [("a", a, Array(keys.indices)), ("b", b, Array(keys.indices.reversed()))] {
                for index in order {
                    group.addTask {
                        let outcome = try await stores.recorder.record(record("\(gateway)-\(index)", .accepted, key: keys[index]))
                        return (keys[index], outcome.response.body)
                    }
                }
                for id in gateway == "a" ? heldIds : heldIds.reversed() {
                    group.addTask {
                        do {
                            _ = try await stores.reviews.claim(ClaimRequest(itemId: id, moderator: "moderator-\(gateway)", version: nil, time: Date()))
                        } catch is ReviewError {
                            // The other gateway's moderator claimed it first: an answer, not a failure.
                        }
                        return (id, nil)
                    }
                }
            }
            var answers: [String: Set<Data>] = [:]
            for try await (key, body) in group { if let body { answers[key, default: []].insert(body) } }
            return answers
        }
        #expect(answers.count == keys.count)
        #expect(answers.values.allSatisfy { $0.count == 1 }, "both gateways' answers for a key are the same")
        let stored = try await a.contributions.contributions(conversation: nil, after: 0, limit: 1_000)
        #expect(stored.count == keys.count, "one item per key")
        let claimed = try await TestPostgres.execute("SELECT COUNT(*) FROM held_item WHERE claimed_by IS NOT NULL", on: settings)
        #expect(try claimed.first?.decode(Int.self) == heldIds.count)
        #expect(try await b.audit.verify(anchor: nil).ok)
        await a.close()
        await b.close()
    }

    @Test("the store unreachable: writes fail as StoreUnavailable, never as success")
    func unreachable() async throws {
        let settings = try await TestPostgres.freshDatabase()
        defer { Task { await TestPostgres.drop(settings) } }
        let stores = try await PostgresStores.open(settings, keyCheck: "k", logger: Logger(label: "test"))
        // End every connection this store holds, from outside, and refuse new ones.
        _ = try await TestPostgres.execute("ALTER DATABASE \(settings.database) WITH ALLOW_CONNECTIONS false", on: try TestPostgres.server.get())
        _ = try await TestPostgres.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '\(settings.database)'", on: try TestPostgres.server.get())
        let started = ContinuousClock.now
        await #expect(throws: StoreUnavailable.self) { try await stores.recorder.record(record("x", .accepted)) }
        #expect(ContinuousClock.now - started < .seconds(8), "a write is refused within its deadline, not after the pool's minute")
        await #expect(throws: StoreUnavailable.self) { try await stores.ping() }
        _ = try await TestPostgres.execute("ALTER DATABASE \(settings.database) WITH ALLOW_CONNECTIONS true", on: try TestPostgres.server.get())
        // Back: the same stores work again without being reopened.
        var recovered = false
        for _ in 0..<300 where !recovered {
            recovered = (try? await stores.recorder.record(record("y", .accepted))) != nil
            if !recovered { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(recovered)
        #expect(try await stores.contributions.contributions(conversation: nil, after: 0, limit: 10).map(\.id) == ["y"])
        await stores.close()
    }
}
