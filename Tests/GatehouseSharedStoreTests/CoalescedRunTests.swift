import Foundation
import GatehouseCore
@testable import GatehousePostgres
import Synchronization
import Testing

/// The catch-up reads' runner: overlapping callers share a run, and a run that never returns
/// (a query left waiting on a connection the server dropped) does not hold up later ones.
@Suite("Coalesced runs")
struct CoalescedRunTests {
    /// A job whose first call waits until `release` is called, ignoring cancellation, as a
    /// query on a dead connection did; later calls return at once. Counts its calls.
    final class Job: Sendable {
        private let state = Mutex<(calls: Int, waiting: CheckedContinuation<Void, Never>?)>((0, nil))

        var calls: Int { state.withLock { $0.calls } }

        func run() async {
            let first = state.withLock { state in
                state.calls += 1
                return state.calls == 1
            }
            guard first else { return }
            await withCheckedContinuation { continuation in state.withLock { $0.waiting = continuation } }
        }

        func release() {
            state.withLock { state in
                state.waiting?.resume()
                state.waiting = nil
            }
        }
    }

    @Test("a run that never returns fails at its limit, and the next run goes ahead")
    func hungRunDoesNotBlockLaterRuns() async throws {
        let job = Job()
        // A second, not less: on two busy cores a run's task can wait that long for a thread.
        let runner = CoalescedRun(limit: .seconds(1)) { await job.run() }
        await #expect(throws: StoreUnavailable.self) { try await runner.run() }
        // Without the limit this waits for ever behind the first run.
        try await runner.run()
        try await runner.run()
        #expect(job.calls == 3)
        job.release()
    }

    @Test("callers that arrive while a run is going share the next one")
    func overlappingCallersShare() async throws {
        let calls = Mutex(0)
        let runner = CoalescedRun(limit: .seconds(30)) {
            calls.withLock { $0 += 1 }
            try await Task.sleep(for: .milliseconds(200))
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<20 { group.addTask { try await runner.run() } }
            try await group.waitForAll()
        }
        // Twenty callers: the first run and at most one more that every later caller shares.
        #expect(calls.withLock { $0 } <= 2)
    }
}
