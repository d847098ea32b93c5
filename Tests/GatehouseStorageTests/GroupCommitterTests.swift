import Foundation
import GRDB
import Testing
@testable import GatehouseStorage

@Suite("Group commit")
struct GroupCommitterTests {
    @Test("concurrent writes share transactions; each caller resumes after its write committed")
    func batches() async throws {
        let directory = try TemporaryDirectory()
        let database = try GatehouseDatabase(path: directory.path("gatehouse.sqlite"))
        let committer = GroupCommitter(database: database)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for number in 0..<200 {
                group.addTask {
                    try await committer.write { db in
                        try SQLiteContributionStore.insertAccepted(
                            in: db, id: "item-\(number)", conversation: nil, text: "text \(number)", receivedAt: Date(), decidedAt: Date())
                    }
                    // Committed before the caller resumes: another connection sees it.
                    let seen = try await database.pool.read { db in
                        try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM contribution WHERE id = ?", arguments: ["item-\(number)"])
                    }
                    #expect(seen == 1)
                }
            }
            try await group.waitForAll()
        }
        let commits = committer.statistics.transactions
        let largest = committer.statistics.largestBatch
        #expect(commits < 200, "200 writes took \(commits) transactions")
        #expect(largest > 1)
    }

    @Test("a failing write is rolled back alone; the others in its batch commit")
    func isolation() async throws {
        let directory = try TemporaryDirectory()
        let database = try GatehouseDatabase(path: directory.path("gatehouse.sqlite"))
        let committer = GroupCommitter(database: database)
        struct Refused: Error {}
        let results = await withTaskGroup(of: Bool.self) { group in
            for number in 0..<20 {
                group.addTask {
                    do {
                        try await committer.write { db in
                            try SQLiteContributionStore.insertAccepted(
                                in: db, id: "item-\(number)", conversation: nil, text: "t", receivedAt: Date(), decidedAt: Date())
                            if number == 7 { throw Refused() }
                        }
                        return true
                    } catch {
                        return false
                    }
                }
            }
            var all: [Bool] = []
            for await result in group { all.append(result) }
            return all
        }
        #expect(results.filter { !$0 }.count == 1)
        let stored = try await database.pool.read { db in try String.fetchAll(db, sql: "SELECT id FROM contribution") }
        #expect(stored.count == 19)
        #expect(!stored.contains("item-7"))
    }
}
