import Foundation
import GRDB
import GatehouseCore
import Synchronization

/// The answers kept for submissions sent with a `clientRef`, in the SQLite database, and where
/// each key's answer is.
///
/// The table has no index on its key. Keys are keyed hashes, so in a B-tree each landed on a
/// random page, and every group commit wrote a score of such pages more than one without
/// `clientRef`s (commits a third slower on average, twice as slow at the slowest; the p99 of
/// submissions with a `clientRef` went from 15 to 26–28 ms). Instead this process keeps a map
/// from each key's hash to the rows that may hold it: loaded when the database opens, a row
/// added as it is inserted (before its transaction commits) and dropped after its deletion has
/// committed, so every row of every key is always listed. The map is only a hint: a key counts
/// as taken when a row read back through the transaction holds it, so an entry left by a
/// rolled-back savepoint (or a row id used again) costs a read and decides nothing. Only one
/// process writes a data directory (`DataDirectoryLock`), so no other writer can add a row
/// the map does not list.
final class SQLiteIdempotencyAnswers: Sendable {
    private let rows = Mutex(RowMap())
    /// A key's hash: the standard library's, seeded afresh in each process (the map never
    /// leaves it). Tests pass one that collides.
    private let hash: @Sendable (String) -> Int

    /// Lists the rows already in `database`.
    init(database: GatehouseDatabase, hash: @escaping @Sendable (String) -> Int = { $0.hashValue }) throws {
        self.hash = hash
        try database.pool.read { db in
            let cursor = try Row.fetchCursor(db, sql: "SELECT rowid, key FROM idempotency")
            try rows.withLock { map in
                while let row = try cursor.next() {
                    map.add(row[0], for: hash(row[1]))
                }
            }
        }
    }

    /// The number of rows listed (stale ones included).
    var listedCount: Int { rows.withLock { $0.count } }

    /// The answer stored under `key`, as `db`'s transaction sees it.
    func answer(in db: Database, key: String) throws -> StoredResponse? {
        for rowid in rows.withLock({ $0.rows(for: hash(key)) }) {
            let statement = try db.cachedStatement(sql: "SELECT key, status, body, request FROM idempotency WHERE rowid = ?")
            if let row = try Row.fetchOne(statement, arguments: [rowid]), row["key"] as String == key {
                return StoredResponse(status: row["status"], body: row["body"], request: row["request"])
            }
        }
        return nil
    }

    /// Claims `key` inside `db`'s transaction for `response`; returns the answer already stored
    /// under it when another submission got there first.
    func claim(in db: Database, key: String, response: StoredResponse, at time: Date) throws -> StoredResponse? {
        if let existing = try answer(in: db, key: key) { return existing }
        try db.cachedStatement(sql: "INSERT INTO idempotency (key, status, body, request, createdAt) VALUES (?, ?, ?, ?, ?)")
            .execute(arguments: [key, response.status, response.body, response.request, time.timeIntervalSince1970])
        let rowid = db.lastInsertedRowID
        rows.withLock { $0.add(rowid, for: hash(key)) }
        return nil
    }

    /// Deletes the answers stored before `before`, `batch` rows per transaction of `committer`,
    /// and unlists each batch once it has committed. Returns how many went.
    func prune(before: Date, batch: Int, committer: GroupCommitter) async throws -> Int {
        try await committer.deleteInBatches(
            from: "idempotency", key: "rowid", time: "createdAt", before: before, batch: batch, returning: "rowid, key",
            as: { (rowid: $0[0] as Int64, key: $0[1] as String) }
        ) { deleted in
            rows.withLock { map in
                for row in deleted { map.remove(row.rowid, for: hash(row.key)) }
            }
        }
    }
}

/// Row ids by key hash: one for nearly every hash, a list for the rare hash two keys share.
private struct RowMap {
    private var first: [Int: Int64] = [:]
    private var more: [Int: [Int64]] = [:]

    var count: Int { first.count + more.values.reduce(0) { $0 + $1.count } }

    func rows(for hash: Int) -> [Int64] {
        guard let row = first[hash] else { return [] }
        return [row] + (more[hash] ?? [])
    }

    mutating func add(_ row: Int64, for hash: Int) {
        if first[hash] == nil {
            first[hash] = row
        } else {
            more[hash, default: []].append(row)
        }
    }

    mutating func remove(_ row: Int64, for hash: Int) {
        if first[hash] == row {
            first[hash] = more[hash]?.first
            more[hash]?.removeFirst()
        } else {
            more[hash]?.removeAll { $0 == row }
        }
        if more[hash]?.isEmpty == true { more[hash] = nil }
    }
}
