import Foundation
import GatehouseCore
@testable import GatehousePostgres
import GatehouseTestSupport
import Logging
import PostgresNIO
import Testing

@Suite("PostgreSQL batches: the order locks are taken in", .serialized, .enabled(if: TestPostgres.isAvailable, "no PostgreSQL server: set GATEHOUSE_TEST_POSTGRES or install postgresql (scripts/test-postgres start)"))
struct PostgresBatchTests {
    @Test("two batches claiming the same keys in opposite orders wait for each other in turn, never in a cycle")
    func claimsInKeyOrder() async throws {
        let settings = try await TestPostgres.freshDatabase()
        defer { Task { await TestPostgres.drop(settings) } }
        let logger = Logger(label: "test")
        let stores = try await PostgresStores.open(settings, keyCheck: "k", logger: logger)  // the schema
        let (client, running) = try await PostgresStores.connect(settings, logger: logger)
        let claims = (0..<3_000).map { index in
            PostgresBatch.Claim(key: "key-\(index)", response: StoredResponse(status: 201, body: Data("{}".utf8), request: nil), time: Date())
        }
        // Listed in opposite orders and sent at once: rows inserted in the order listed would
        // have each transaction holding keys the other waits for (PostgreSQL aborts one).
        try await withThrowingTaskGroup(of: Void.self) { group in
            for order in [claims, claims.reversed()] {
                group.addTask {
                    try await client.withTransaction(logger: logger) { connection in
                        let batch = PostgresBatch(connection: connection, logger: logger)
                        try await batch.preclaim(order)
                        try await Task.sleep(for: .milliseconds(20))
                    }
                }
            }
            try await group.waitForAll()
        }
        let stored = try await TestPostgres.execute("SELECT COUNT(*) FROM idempotency", on: settings)
        #expect(try stored.first?.decode(Int.self) == claims.count)
        running.cancel()
        await stores.close()
    }
}
