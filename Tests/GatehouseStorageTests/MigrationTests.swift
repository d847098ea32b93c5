import Foundation
import GRDB
import Testing
@testable import GatehouseCore
@testable import GatehouseStorage

@Suite("Migrations")
struct MigrationTests {
    /// A database file in `directory` with the schema as of `migration`, holding what `fill` writes.
    private func oldDatabase(in directory: TemporaryDirectory, upTo migration: String, _ fill: @escaping @Sendable (Database) throws -> Void) async throws -> String {
        let path = directory.path("gatehouse.sqlite")
        let old = try DatabaseQueue(path: path)
        try GatehouseDatabase.migrator.migrate(old, upTo: migration)
        try await old.write(fill)
        try old.close()
        return path
    }

    @Test("a database from before v4 is brought up to date and keeps its idempotency answers")
    func upgradeFromV3() async throws {
        let directory = try TemporaryDirectory()
        // The schema as the previous release left it, with one stored answer.
        let path = try await oldDatabase(in: directory, upTo: "v3-idempotency-created") { db in
            try db.execute(sql: "INSERT INTO idempotency (key, status, body, createdAt) VALUES ('k1', 201, x'7B7D', 1790000000)")
        }

        let database = try GatehouseDatabase(path: path)
        let applied = try await database.pool.read { db in try GatehouseDatabase.migrator.appliedIdentifiers(db) }
        #expect(applied.contains("v4-idempotency-request"))
        let answers = try SQLiteIdempotencyAnswers(database: database)
        @Sendable func stored(_ key: String) async throws -> StoredResponse? {
            try await database.pool.read { db in try answers.answer(in: db, key: key) }
        }
        #expect(try await stored("k1") == StoredResponse(status: 201, body: Data("{}".utf8), request: nil))
        // New answers keep their request digest.
        try await database.pool.write { db in
            _ = try answers.claim(in: db, key: "k2", response: StoredResponse(status: 202, body: Data("{}".utf8), request: "digest"), at: Date())
        }
        #expect(try await stored("k2")?.request == "digest")
    }

    @Test("v8 drops the index on clientRef keys and keeps every answer, found again after the upgrade and after a reopen")
    func upgradeToUnindexedAnswers() async throws {
        let directory = try TemporaryDirectory()
        let path = try await oldDatabase(in: directory, upTo: "v7-review-queue") { db in
            for index in 0..<50 {
                try db.execute(
                    sql: "INSERT INTO idempotency (key, status, body, request, createdAt) VALUES (?, 201, ?, ?, 1790000000)",
                    arguments: ["key-\(index)", Data("{\"n\":\(index)}".utf8), "digest-\(index)"])
            }
            // A gap in the row ids, as retention leaves.
            try db.execute(sql: "DELETE FROM idempotency WHERE key = 'key-7'")
        }

        for _ in 0..<2 {
            let database = try GatehouseDatabase(path: path)
            let indexes = try await database.pool.read { db in
                try String.fetchAll(db, sql: "SELECT name FROM pragma_index_list('idempotency') ORDER BY name")
            }
            #expect(indexes == ["idempotency_created"])
            let answers = try SQLiteIdempotencyAnswers(database: database)
            #expect(answers.listedCount == 49)
            for index in 0..<50 {
                let stored = try await database.pool.read { db in try answers.answer(in: db, key: "key-\(index)") }
                #expect(stored == (index == 7 ? nil : StoredResponse(status: 201, body: Data("{\"n\":\(index)}".utf8), request: "digest-\(index)")))
            }
        }
    }
}

@Suite("clientRef answers without a key index")
struct IdempotencyAnswersTests {
    private func response(_ n: Int) -> StoredResponse { StoredResponse(status: 201, body: Data("{\"n\":\(n)}".utf8), request: nil) }

    @Test("keys whose hashes collide are told apart by the row read back; each is claimed once")
    func collidingHashes() async throws {
        let directory = try TemporaryDirectory()
        let database = try GatehouseDatabase(path: directory.path("gatehouse.sqlite"))
        // Every key in one of three buckets.
        let answers = try SQLiteIdempotencyAnswers(database: database, hash: { $0.utf8.count % 3 })
        let keys = (0..<30).map { "k" + String(repeating: "x", count: $0) }
        let first = try await database.pool.write { db in
            try keys.enumerated().map { index, key in try answers.claim(in: db, key: key, response: self.response(index), at: Date()) }
        }
        #expect(first.allSatisfy { $0 == nil }, "no key was taken before")
        let second = try await database.pool.write { db in
            try keys.map { key in try answers.claim(in: db, key: key, response: self.response(99), at: Date()) }
        }
        #expect(second == keys.indices.map { self.response($0) }, "each key answers with its own first answer")
        let reopened = try SQLiteIdempotencyAnswers(database: database, hash: { $0.utf8.count % 3 })
        let third = try await database.pool.read { db in try keys.map { try reopened.answer(in: db, key: $0) } }
        #expect(third == keys.indices.map { self.response($0) })
    }

    @Test("retention deletes old answers in batches and unlists them; newer ones stay listed and found")
    func pruneUnlists() async throws {
        let directory = try TemporaryDirectory()
        let database = try GatehouseDatabase(path: directory.path("gatehouse.sqlite"))
        let answers = try SQLiteIdempotencyAnswers(database: database)
        let now = Date()
        try await database.pool.write { db in
            for index in 0..<5 {
                _ = try answers.claim(in: db, key: "old-\(index)", response: self.response(index), at: now.addingTimeInterval(-3_600))
            }
            _ = try answers.claim(in: db, key: "new", response: self.response(9), at: now)
        }
        #expect(answers.listedCount == 6)
        let pruned = try await answers.prune(before: now.addingTimeInterval(-60), batch: 2, committer: GroupCommitter(database: database))
        #expect(pruned == 5)
        #expect(answers.listedCount == 1)
        #expect(try await database.pool.read { db in try answers.answer(in: db, key: "new") } == response(9))
        #expect(try await database.pool.read { db in try answers.answer(in: db, key: "old-0") } == nil)
    }

    @Test("a claim rolled back with its transaction takes nothing: the key is free afterwards")
    func rolledBack() async throws {
        let directory = try TemporaryDirectory()
        let database = try GatehouseDatabase(path: directory.path("gatehouse.sqlite"))
        let answers = try SQLiteIdempotencyAnswers(database: database)
        struct Abandon: Error {}
        await #expect(throws: Abandon.self) {
            try await database.pool.write { db in
                #expect(try answers.claim(in: db, key: "key-1", response: self.response(1), at: Date()) == nil)
                // Within the transaction the key is taken.
                #expect(try answers.claim(in: db, key: "key-1", response: self.response(2), at: Date()) == self.response(1))
                throw Abandon()
            }
        }
        let after = try await database.pool.write { db in
            (try answers.claim(in: db, key: "key-1", response: self.response(3), at: Date()),
             try answers.claim(in: db, key: "key-1", response: self.response(4), at: Date()))
        }
        #expect(after.0 == nil)
        #expect(after.1 == response(3))
    }
}
