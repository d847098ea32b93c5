import Foundation
import GRDB
import Testing
@testable import GatehouseCore
@testable import GatehouseStorage

@Suite("Background WAL checkpoints")
struct WALCheckpointerTests {
    func fileSize(_ path: String) throws -> Int {
        try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
    }

    /// Commits 300 items (far fewer pages than any automatic checkpoint waits for).
    func write(_ database: GatehouseDatabase) async throws {
        try await database.pool.write { db in
            for number in 0..<300 {
                try SQLiteContributionStore.insertAccepted(
                    in: db, id: ItemID.make(), conversation: nil, text: String(repeating: "text \(number) ", count: 40),
                    receivedAt: Date(), decidedAt: Date())
            }
        }
    }

    @Test("committed pages reach the database file without any commit checkpointing")
    func checkpointsInBackground() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("gatehouse.sqlite")
        let database = try GatehouseDatabase(path: path)
        let before = try fileSize(path)
        try await write(database)
        var after = before
        for _ in 0..<100 where after == before {
            try await Task.sleep(for: .milliseconds(50))
            after = try fileSize(path)
        }
        #expect(after > before + 300 * 400, "the database file grew from \(before) to \(after) bytes")
        // Everything is still there, through the pool's own connections.
        let count = try await database.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM contribution") }
        #expect(count == 300)
    }

    @Test("without it, the same commit stays in the WAL (so the test above measures the checkpointer)")
    func noCheckpointsWithout() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("gatehouse.sqlite")
        let database = try GatehouseDatabase(path: path, backgroundCheckpoints: false)
        let before = try fileSize(path)
        try await write(database)
        try await Task.sleep(for: .milliseconds(300))
        #expect(try fileSize(path) == before)
        #expect(try fileSize(path + "-wal") > 300 * 400)
    }
}

@Suite("Item ids")
struct ItemIDTests {
    @Test("UUID version 7: well formed, time first, so ids made later sort later")
    func timeOrdered() throws {
        let first = ItemID.make(at: Date(timeIntervalSince1970: 1_790_000_000))
        let second = ItemID.make(at: Date(timeIntervalSince1970: 1_790_000_000.002))
        #expect(first < second)
        #expect(UUID(uuidString: first) != nil)
        let characters = Array(first)
        #expect(characters.count == 36)
        #expect(characters[14] == "7")
        #expect("89ab".contains(characters[19]))
        // The first 12 hex digits are the time in milliseconds.
        let milliseconds = UInt64(String(first.prefix(8) + first.dropFirst(9).prefix(4)), radix: 16)
        #expect(milliseconds == 1_790_000_000_000)
        #expect(ItemID.make() != ItemID.make())
    }
}

@Suite("Erasing older page versions")
struct EraseOldVersionsTests {
    @Test("a reader of an older snapshot holds the truncation off (and writers are not stuck behind it); afterwards the WAL is emptied")
    func waitsForReaders() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("gatehouse.sqlite")
        let database = try GatehouseDatabase(path: path)
        let insert: @Sendable (Database) throws -> Void = { db in
            try SQLiteContributionStore.insertAccepted(
                in: db, id: ItemID.make(), conversation: nil, text: "a text", receivedAt: Date(), decidedAt: Date())
        }
        try await database.pool.write(insert)
        // A reader opens a snapshot and keeps it while a later commit lands.
        let reading = AsyncStream<Void>.makeStream()
        let release = AsyncStream<Void>.makeStream()
        let reader = Task {
            try await database.pool.read { db in
                _ = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM contribution")
                reading.continuation.yield()
                // Hold the snapshot until told: a semaphore, as this closure is synchronous.
                let semaphore = DispatchSemaphore(value: 0)
                Task {
                    for await _ in release.stream { break }
                    semaphore.signal()
                }
                semaphore.wait()
            }
        }
        for await _ in reading.stream { break }
        try await database.pool.write(insert)
        await #expect(throws: DatabaseError.self) { try await database.eraseOldVersions(attempts: 3) }
        // The intake still commits while the reader holds on.
        try await database.pool.write(insert)
        release.continuation.yield()
        try await reader.value
        try await database.eraseOldVersions()
        let walSize = try FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int
        #expect(walSize == 0)
        let count = try await database.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM contribution") }
        #expect(count == 3)
    }
}
