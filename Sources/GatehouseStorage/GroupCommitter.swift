import Foundation
import GRDB
import GatehouseCore
import Synchronization

/// Batches concurrent writes into shared transactions (group commit), so that durability does
/// not cost one fsync per request. Each write runs in its own savepoint: one that fails is
/// rolled back alone and its caller gets the error; the others commit together. A caller
/// resumes only after the transaction holding its write has committed.
public actor GroupCommitter {
    private struct Pending {
        let work: @Sendable (Database) throws -> Void
        let continuation: CheckedContinuation<Void, any Error>
    }

    private let database: GatehouseDatabase
    private var queue: [Pending] = []
    private var running = false
    private let counters = Mutex(CommitStatistics())

    public init(database: GatehouseDatabase) {
        self.database = database
    }

    /// Runs `work` in the next shared transaction and returns once that transaction has committed.
    public func write<T: Sendable>(_ work: @escaping @Sendable (Database) throws -> T) async throws -> T {
        let box = ResultBox<T>()
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            queue.append(Pending(work: { db in box.value = try work(db) }, continuation: continuation))
            if !running {
                running = true
                Task { await self.drain() }
            }
        }
        return box.value!
    }

    /// SQLite's own errors as the server sees every store's: `StoreUnavailable`, with the
    /// result code and message. Other errors (a review conflict) pass through.
    static func unavailable(_ error: any Error) -> any Error {
        guard let error = error as? DatabaseError else { return error }
        return StoreUnavailable(backend: "sqlite", code: "\(error.resultCode)", message: error.message ?? "")
    }

    private func drain() async {
        while !queue.isEmpty {
            let batch = queue
            queue.removeAll()
            var outcomes: [Result<Void, any Error>] = []
            let started = DispatchTime.now().uptimeNanoseconds
            do {
                outcomes = try await database.pool.write { db in
                    var outcomes: [Result<Void, any Error>] = []
                    for pending in batch {
                        do {
                            try db.inSavepoint {
                                try pending.work(db)
                                return .commit
                            }
                            outcomes.append(.success(()))
                        } catch {
                            outcomes.append(.failure(Self.unavailable(error)))
                        }
                    }
                    return outcomes
                }
                let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
                counters.withLock { $0.count(writes: batch.count, seconds: seconds) }
            } catch {
                outcomes = Array(repeating: .failure(Self.unavailable(error)), count: batch.count)
            }
            for (pending, outcome) in zip(batch, outcomes) {
                pending.continuation.resume(with: outcome)
            }
        }
        running = false
    }
}

extension GroupCommitter {
    /// A snapshot of the counters; readable from anywhere without waiting for the actor.
    public nonisolated var statistics: CommitStatistics { counters.withLock { $0 } }

    /// Deletes the rows of `table` whose `time` column is before `before`, oldest first, `batch`
    /// at a time, each batch a transaction of its own, so writers never wait long. `committed`
    /// gets each batch's rows (the `returning` columns, as `decode` reads them) once that batch
    /// has committed. Nothing to delete costs one indexed read and no transaction. Returns how
    /// many rows went.
    nonisolated func deleteInBatches<Deleted: Sendable>(
        from table: String, key: String, time: String, before: Date, batch: Int, returning columns: String,
        as decode: @escaping @Sendable (Row) -> Deleted, committed: ([Deleted]) -> Void = { _ in }
    ) async throws -> Int {
        let cutoff = before.timeIntervalSince1970
        let due = try await database.pool.read { db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM \(table) WHERE \(time) < ?)", arguments: [cutoff])
        }
        guard due == true else { return 0 }
        let sql = """
            DELETE FROM \(table) WHERE \(key) IN (SELECT \(key) FROM \(table) WHERE \(time) < ? ORDER BY \(time) LIMIT ?)
            RETURNING \(columns)
            """
        var total = 0
        while true {
            let deleted = try await write { db in
                try Row.fetchAll(db.cachedStatement(sql: sql), arguments: [cutoff, batch]).map(decode)
            }
            committed(deleted)
            total += deleted.count
            if deleted.count < batch { return total }
        }
    }
}

/// Carries a write's result out of the transaction closure.
private final class ResultBox<T>: @unchecked Sendable {
    // @unchecked Sendable: written once inside the transaction, read after the caller resumes,
    // which the continuation orders after the write.
    var value: T?
}
