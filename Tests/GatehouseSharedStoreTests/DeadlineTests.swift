import Foundation
@testable import GatehousePostgres
import GatehouseCore
import Synchronization
import Testing

/// The wait every shared-store call runs under: the caller is told the store is unavailable at
/// the limit, and the timer ends with the operation.
@Suite("Deadlines on shared-store calls")
struct DeadlineTests {
    @Test("a thousand quick operations leave no timer behind (each slept out its whole limit before)")
    func timersEndWithTheirOperation() async throws {
        try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<1_000 { group.addTask { try await Deadline.run(.seconds(600)) { index } } }
            var sum = 0
            for try await value in group { sum += value }
            #expect(sum == 999 * 1_000 / 2)
        }
        // Other suites' calls may hold a few timers at any moment; a thousand left sleeping is the
        // bug. A cancelled timer still needs a free thread to end, and other suites keep the
        // threads busy for a while (the wait is generous; a leaked timer sleeps for 600 s).
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: .seconds(120))
        while Deadline.pendingTimers.load(ordering: .relaxed) >= 100, clock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        #expect(Deadline.pendingTimers.load(ordering: .relaxed) < 100)
    }

    @Test("an operation past its limit: the caller is told the store is unavailable, and the operation is cancelled")
    func timeout() async throws {
        let cancelled = Mutex(false)
        // Were the limit not kept, the operation would return 1 after its 30 s and nothing would throw.
        await #expect(throws: StoreUnavailable.self) {
            try await Deadline.run(.milliseconds(200)) {
                do {
                    try await Task.sleep(for: .seconds(30))
                } catch {
                    cancelled.withLock { $0 = true }
                    throw error
                }
                return 1
            }
        }
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: .seconds(120))
        while !cancelled.withLock({ $0 }), clock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        #expect(cancelled.withLock { $0 }, "the operation was not cancelled at the limit")
    }

    @Test("an operation's own error reaches the caller")
    func failure() async {
        struct Broken: Error {}
        await #expect(throws: Broken.self) { try await Deadline.run(.seconds(60)) { () async throws -> Int in throw Broken() } }
    }
}
