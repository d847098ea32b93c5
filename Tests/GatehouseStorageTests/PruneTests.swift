import Foundation
import GRDB
import Testing
@testable import GatehouseCore
@testable import GatehouseStorage

@Suite("Retention")
struct PruneTests {
    @Test("old fingerprints and idempotency answers go, in batches; newer ones stay")
    func prune() async throws {
        let directory = try TemporaryDirectory()
        let database = try GatehouseDatabase(path: directory.path("gatehouse.sqlite"))
        let recorder = try SQLiteSubmissionRecorder(database: database, fingerprints: nil)
        let now = Date(timeIntervalSince1970: 1_790_000_000)
        try await database.pool.write { db in
            for day in 0..<10 {
                let time = now.addingTimeInterval(-Double(day) * 86_400).timeIntervalSince1970
                try db.execute(
                    sql: """
                        INSERT INTO fingerprint (itemId, contributor, conversation, time, exact, signature, bands, cluster)
                        VALUES (?, NULL, NULL, ?, 0, x'00', x'00', ?)
                        """, arguments: ["item-\(day)", time, "item-\(day)"])
                try db.execute(
                    sql: "INSERT INTO idempotency (key, status, body, createdAt) VALUES (?, 201, x'7B7D', ?)",
                    arguments: ["key-\(day)", time])
            }
        }
        // Fingerprints older than 7 days (days 8 and 9); answers older than 2 days (days 3 to 9).
        let pruned = try await recorder.prune(
            fingerprintsBefore: now.addingTimeInterval(-7.5 * 86_400), answersBefore: now.addingTimeInterval(-2.5 * 86_400), batch: 2)
        #expect(pruned.fingerprints == 2)
        #expect(pruned.answers == 7)
        let left = try await database.pool.read { db in
            (try String.fetchAll(db, sql: "SELECT itemId FROM fingerprint ORDER BY time DESC"),
             try String.fetchAll(db, sql: "SELECT key FROM idempotency ORDER BY createdAt DESC"))
        }
        #expect(left.0 == (0..<8).map { "item-\($0)" })
        #expect(left.1 == ["key-0", "key-1", "key-2"])
        // Nothing more to do the second time.
        let again = try await recorder.prune(fingerprintsBefore: now.addingTimeInterval(-7.5 * 86_400), answersBefore: now.addingTimeInterval(-2.5 * 86_400))
        #expect(again.fingerprints == 0 && again.answers == 0)
    }
}
