import Foundation
import GRDB
import Testing
@testable import GatehouseCore
@testable import GatehouseStorage

@Suite("Migrations")
struct MigrationTests {
    @Test("a database from before v4 is brought up to date and keeps its idempotency answers")
    func upgradeFromV3() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("gatehouse.sqlite")
        // The schema as the previous release left it, with one stored answer.
        let old = try DatabaseQueue(path: path)
        try GatehouseDatabase.migrator.migrate(old, upTo: "v3-idempotency-created")
        try await old.write { db in
            try db.execute(sql: "INSERT INTO idempotency (key, status, body, createdAt) VALUES ('k1', 201, x'7B7D', 1790000000)")
        }
        try old.close()

        let database = try GatehouseDatabase(path: path)
        let applied = try await database.pool.read { db in try GatehouseDatabase.migrator.appliedIdentifiers(db) }
        #expect(applied.contains("v4-idempotency-request"))
        @Sendable func stored(_ key: String) async throws -> StoredResponse? {
            try await database.pool.read { db in try SQLiteContributionStore.storedResponse(in: db, key: key) }
        }
        #expect(try await stored("k1") == StoredResponse(status: 201, body: Data("{}".utf8), request: nil))
        // New answers keep their request digest.
        try await database.pool.write { db in
            _ = try SQLiteContributionStore.claim(
                in: db, key: "k2", response: StoredResponse(status: 202, body: Data("{}".utf8), request: "digest"), at: Date())
        }
        #expect(try await stored("k2")?.request == "digest")
    }
}
