import Foundation
import Synchronization
import GatehouseCore
import PostgresNIO

/// PostgreSQL's errors as the server sees every store's: `StoreUnavailable`, with the
/// SQLSTATE (or the client's own code when the server never answered) and the server's
/// message. PostgresNIO's `PSQLError` hides the server's message from `description`, so it is
/// read from `serverInfo` here. Errors that are not the database's (a review conflict raised
/// inside a transaction) pass through unchanged.
enum PostgresErrors {
    static func unavailable(_ error: any Error) -> any Error {
        if let transaction = error as? PostgresTransactionError {
            if let closure = transaction.closureError, !(closure is PSQLError) { return closure }
            return unavailable(transaction.closureError ?? transaction.beginError ?? transaction.commitError ?? transaction.rollbackError!)
        }
        if error is StoreUnavailable { return error }
        if let psql = error as? PSQLError {
            let code = psql.serverInfo?[.sqlState] ?? psql.code.description
            let message = psql.serverInfo?[.message] ?? "\(psql.code)"
            return StoreUnavailable(backend: "postgres", code: code, message: message)
        }
        if error is CancellationError { return error }
        if "\(type(of: error))".contains("Pool") || "\(type(of: error))".contains("Connection") {
            return StoreUnavailable(backend: "postgres", code: "connection", message: "\(error)")
        }
        return error
    }

    /// How long a caller waits for the shared store before it is told the store is
    /// unavailable. PostgresNIO's pool queues requests for up to a minute while it cannot
    /// connect; a submission must be refused (503, retry) long before that.
    static let deadline: Duration = .seconds(5)

    /// Runs `body` within `deadline`, turning the database's errors into `StoreUnavailable`.
    static func mapping<T: Sendable>(deadline: Duration = deadline, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        do {
            return try await Deadline.run(deadline, body)
        } catch {
            throw unavailable(error)
        }
    }
}

/// Waits for an operation at most a given time: past it, the caller gets `StoreUnavailable`
/// and the operation is cancelled. A write still queued is dropped; one already inside a
/// transaction may yet commit (a retry with the same `clientRef` then gets its answer, and
/// without one the retry is judged an exact repeat: the text is kept once either way).
enum Deadline {
    static func run<T: Sendable>(_ limit: Duration, _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
        let once = OneShot<T>()
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            once.set(continuation)
            let work = Task {
                do {
                    once.resume(with: .success(try await operation()))
                } catch {
                    once.resume(with: .failure(error))
                }
            }
            // The timer ends when the operation does (`resume` cancels it): one left sleeping for
            // the whole limit after every transaction was thousands of idle tasks under load.
            once.setTimer(Task {
                pendingTimers.add(1, ordering: .relaxed)
                defer { pendingTimers.subtract(1, ordering: .relaxed) }
                try? await Task.sleep(for: limit)
                guard !Task.isCancelled else { return }
                if once.resume(with: .failure(StoreUnavailable(backend: "postgres", code: "timeout", message: "the shared store did not answer within \(limit)"))) {
                    // A write still waiting in its committer's queue is then dropped from it.
                    work.cancel()
                }
            })
        }
    }

    /// Timers still running (for tests: none should outlive its operation for long).
    static let pendingTimers = Atomic<Int>(0)

    /// A continuation resumed once, by whichever of the operation and the timer comes first.
    private final class OneShot<T: Sendable>: @unchecked Sendable {
        // @unchecked Sendable: `continuation`, `timer` and `done` are only touched while `lock` is held.
        private let lock = NSLock()
        private var continuation: CheckedContinuation<T, any Error>?
        private var timer: Task<Void, Never>?
        private var done = false

        func set(_ continuation: CheckedContinuation<T, any Error>) {
            lock.withLock { self.continuation = continuation }
        }

        /// Keeps the timer to cancel when the continuation is resumed; cancels it at once if
        /// that already happened.
        func setTimer(_ timer: Task<Void, Never>) {
            let finished = lock.withLock { () -> Bool in
                if !done { self.timer = timer }
                return done
            }
            if finished { timer.cancel() }
        }

        @discardableResult
        func resume(with result: Result<T, any Error>) -> Bool {
            let (continuation, timer) = lock.withLock { () -> (CheckedContinuation<T, any Error>?, Task<Void, Never>?) in
                defer {
                    self.continuation = nil
                    self.timer = nil
                    done = true
                }
                return (self.continuation, self.timer)
            }
            guard let continuation else { return false }
            timer?.cancel()
            continuation.resume(with: result)
            return true
        }
    }
}
