import Foundation
import GatehouseCore
import Synchronization

/// Waits for an operation at most a given time: past it, the caller gets `StoreUnavailable`
/// and the operation is cancelled. A write still queued is dropped; one already inside a
/// transaction may yet commit (a retry with the same `clientRef` then gets its answer, and
/// without one the retry is judged an exact repeat: the text is kept once either way).
///
/// The operation runs in a task of its own, so that one that never returns (PostgresNIO can
/// wait for ever on a connection the server dropped) cannot keep its caller. The limits are
/// seconds long and every submission runs two such calls, so they share one watch
/// (`DeadlineWatch`) that looks at them every `DeadlineWatch.tick`, rather than each starting a
/// timer task and a dispatch timer of its own (which took a sixth of a gateway's CPU under load).
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
            once.watch(DeadlineWatch.shared.add(due: .now.advanced(by: limit)) {
                if once.resume(with: .failure(StoreUnavailable(backend: "postgres", code: "timeout", message: "the shared store did not answer within \(limit)"))) {
                    // A write still waiting in its committer's queue is then dropped from it.
                    work.cancel()
                }
            })
        }
    }

    /// Operations watched now (none outlives its operation).
    static var watched: Int { DeadlineWatch.shared.count }

    /// A continuation resumed once, by whichever of the operation and the watch comes first.
    private final class OneShot<T: Sendable>: Sendable {
        private struct State {
            var continuation: CheckedContinuation<T, any Error>?
            var watched: DeadlineWatch.Ticket?
            var done = false
        }
        private let state = Mutex(State())

        func set(_ continuation: CheckedContinuation<T, any Error>) {
            state.withLock { $0.continuation = continuation }
        }

        /// Keeps the watch's ticket to end when the continuation is resumed; ends it at once if
        /// that already happened.
        func watch(_ ticket: DeadlineWatch.Ticket) {
            let finished = state.withLock { state -> Bool in
                if !state.done { state.watched = ticket }
                return state.done
            }
            if finished { DeadlineWatch.shared.remove(ticket) }
        }

        @discardableResult
        func resume(with result: Result<T, any Error>) -> Bool {
            let (continuation, ticket) = state.withLock { state in
                defer {
                    state.continuation = nil
                    state.watched = nil
                    state.done = true
                }
                return (state.continuation, state.watched)
            }
            guard let continuation else { return false }
            if let ticket { DeadlineWatch.shared.remove(ticket) }
            continuation.resume(with: result)
            return true
        }
    }
}

/// The one timer behind every `Deadline`: operations are added with the instant they are due
/// and a closure to call then, and removed when they end; a task looks every `tick` for those
/// past due (so a limit is kept to within a tick) and runs while any is watched.
final class DeadlineWatch: Sendable {
    static let shared = DeadlineWatch(tick: .milliseconds(50))

    struct Ticket: Sendable, Hashable {
        fileprivate let id: UInt64
    }

    private struct Entry {
        let due: ContinuousClock.Instant
        let expire: @Sendable () -> Void
    }

    private struct State {
        var nextId: UInt64 = 0
        var entries: [UInt64: Entry] = [:]
        var looking = false
    }

    private let state = Mutex(State())
    let tick: Duration

    init(tick: Duration) {
        self.tick = tick
    }

    /// Watches an operation due at `due`; `expire` is called once if it is not removed by then.
    func add(due: ContinuousClock.Instant, expire: @escaping @Sendable () -> Void) -> Ticket {
        let (ticket, start) = state.withLock { state -> (Ticket, Bool) in
            state.nextId &+= 1
            state.entries[state.nextId] = Entry(due: due, expire: expire)
            defer { state.looking = true }
            return (Ticket(id: state.nextId), !state.looking)
        }
        if start { Task { await self.look() } }
        return ticket
    }

    func remove(_ ticket: Ticket) {
        _ = state.withLock { $0.entries.removeValue(forKey: ticket.id) }
    }

    /// Operations watched now.
    var count: Int { state.withLock { $0.entries.count } }

    /// Every tick, calls and forgets the entries past due; ends when none is left (the next
    /// `add` starts it again).
    private func look() async {
        while true {
            try? await Task.sleep(for: tick, tolerance: tick / 2)
            let now = ContinuousClock.now
            // An operation whose work became runnable in time but has waited for a thread (two
            // cores, every thread busy) gets to run first: the watch goes to the back of the
            // queue before it expires anything, and what finished meanwhile is no longer watched.
            if state.withLock({ $0.entries.values.contains { $0.due <= now } }) { await Task.yield() }
            let (expired, more) = state.withLock { state -> ([UInt64: Entry], Bool) in
                let due = state.entries.filter { $0.value.due <= now }
                for id in due.keys { state.entries[id] = nil }
                state.looking = !state.entries.isEmpty
                return (due, state.looking)
            }
            for entry in expired.values { entry.expire() }
            if !more { return }
        }
    }
}
