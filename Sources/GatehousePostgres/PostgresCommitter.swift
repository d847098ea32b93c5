import Foundation
import GatehouseCore
import Logging
import PostgresNIO
import Synchronization

/// Batches one gateway's concurrent writes into shared transactions on the shared database
/// (group commit), as the SQLite store's committer does: each transaction runs its writes in
/// order, takes the audit chain's head (`PostgresBatch`) and commits; a caller resumes only after the
/// transaction holding its write has committed. A write that fails on its own (a review
/// conflict) is dropped from the batch alone; a database error fails the whole batch, whose
/// callers each get `StoreUnavailable` (nothing of it was kept, so each may retry).
actor PostgresCommitter {
    private struct Pending {
        let work: @Sendable (PostgresBatch) async throws -> Void
        /// The idempotency key the write claims, taken with the batch's others before it runs.
        let claim: PostgresBatch.Claim?
        /// Whether the write locks rows besides its own new ones (see `write`).
        let locksRows: Bool
        let continuation: CheckedContinuation<Void, any Error>
        /// Set when the caller stopped waiting (its deadline passed): the write is not run.
        let abandoned: Abandoned
    }

    private final class Abandoned: Sendable {
        private let flag = Mutex(false)
        var isSet: Bool { flag.withLock { $0 } }
        func set() { flag.withLock { $0 = true } }
    }

    private let client: PostgresClient
    private let logger: Logger
    private var queue: [Pending] = []
    private var running = false
    private let counters = Mutex(CommitStatistics())
    /// The most writes one transaction takes; the rest wait for the next.
    static let largestBatch = 256
    /// How long one transaction may take, lease included, before it is given up and its writes
    /// refused: longer than any caller waits (`PostgresErrors.deadline`), so it only ends a
    /// transaction that would never finish — PostgresNIO can leave one waiting for ever on a
    /// connection the server dropped (an outage under load), and every later write would queue
    /// behind it. Cancelling it closes nothing on a live connection, but a connection the
    /// server dropped has already rolled the transaction back.
    static let transactionDeadline: Duration = .seconds(15)

    init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// Runs `work` in the next shared transaction and returns once that transaction has
    /// committed; `StoreUnavailable` if the store fails, or does not answer within the deadline.
    /// A write that will claim an idempotency key names it (`claim`), so that the batch claims
    /// all its keys at once (`PostgresBatch.preclaim`). A write that only inserts rows of its
    /// own and appends audit entries says so (`locksRows: false`), and its batch takes the
    /// chain's head only at the end; a write that may lock existing rows (a review reads its
    /// held item for update) makes its batch take the head before any write runs.
    nonisolated func write<T: Sendable>(
        claiming claim: PostgresBatch.Claim? = nil, locksRows: Bool = true, _ work: @escaping @Sendable (PostgresBatch) async throws -> T
    ) async throws -> T {
        try await PostgresErrors.mapping { try await self.enqueue(claim, locksRows, work) }
    }

    private func enqueue<T: Sendable>(
        _ claim: PostgresBatch.Claim?, _ locksRows: Bool, _ work: @escaping @Sendable (PostgresBatch) async throws -> T
    ) async throws -> T {
        let box = ResultBox<T>()
        let abandoned = Abandoned()
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                queue.append(
                    Pending(
                        work: { batch in box.value = try await work(batch) }, claim: claim, locksRows: locksRows, continuation: continuation,
                        abandoned: abandoned))
                if !running {
                    running = true
                    Task { await self.drain() }
                }
            }
        } onCancel: {
            abandoned.set()
        }
        return box.value!
    }

    private func drain() async {
        while !queue.isEmpty {
            var batch = Array(queue.prefix(Self.largestBatch))
            queue.removeFirst(batch.count)
            for pending in batch where pending.abandoned.isSet { pending.continuation.resume(throwing: CancellationError()) }
            batch.removeAll { $0.abandoned.isSet }
            if batch.isEmpty { continue }
            let writes = batch
            let started = DispatchTime.now().uptimeNanoseconds
            var outcomes: [Result<Void, any Error>]
            do {
                outcomes = try await Deadline.run(Self.transactionDeadline) { [client, logger] in
                    try await Self.commit(writes, client: client, logger: logger)
                }
                let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
                counters.withLock { $0.count(writes: batch.count, seconds: seconds) }
            } catch {
                let failure = PostgresErrors.unavailable(error)
                outcomes = Array(repeating: .failure(failure), count: batch.count)
            }
            for (pending, outcome) in zip(batch, outcomes) {
                pending.continuation.resume(with: outcome)
            }
        }
        running = false
    }

    /// Runs `writes` in one transaction and commits it; each write's outcome, in order.
    private static func commit(_ writes: [Pending], client: PostgresClient, logger: Logger) async throws -> [Result<Void, any Error>] {
        try await client.withTransaction(logger: logger) { connection in
            let writer = PostgresBatch(connection: connection, logger: logger)
            // Keys first, the head after: a batch holding the head never waits for a key.
            try await writer.preclaim(writes.compactMap { $0.abandoned.isSet ? nil : $0.claim })
            if writes.contains(where: { $0.locksRows && !$0.abandoned.isSet }) { try await writer.lockHead() }
            var outcomes: [Result<Void, any Error>] = []
            for pending in writes {
                // Its caller may have given up while the transaction waited for a connection
                // (the store was down): it is not run, so a 503 never hides a write that
                // commits later.
                if pending.abandoned.isSet {
                    outcomes.append(.failure(CancellationError()))
                    continue
                }
                let mark = writer.mark()
                do {
                    try await pending.work(writer)
                    outcomes.append(.success(()))
                } catch let error as PSQLError {
                    // The transaction is aborted: nothing in it can commit.
                    throw error
                } catch {
                    writer.rollback(to: mark)
                    outcomes.append(.failure(error))
                }
            }
            try await writer.flush()
            return outcomes
        }
    }

    /// A snapshot of the counters.
    nonisolated var statistics: CommitStatistics { counters.withLock { $0 } }
}

/// Carries a write's result out of the transaction closure.
private final class ResultBox<T>: @unchecked Sendable {
    // @unchecked Sendable: written once inside the transaction, read after the caller resumes,
    // which the continuation orders after the write.
    var value: T?
}
