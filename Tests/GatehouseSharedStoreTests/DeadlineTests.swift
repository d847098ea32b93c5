import Foundation
@testable import GatehousePostgres
import GatehouseCore
import Testing

/// The wait every shared-store call runs under: the caller is told the store is unavailable at
/// the limit, and the timer ends with the operation.
@Suite("Deadlines on shared-store calls")
struct DeadlineTests {
    @Test("a thousand quick operations leave no timer behind (each waited the full minute before)")
    func timersEndWithTheirOperation() async throws {
        try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<1_000 { group.addTask { try await Deadline.run(.seconds(60)) { index } } }
            var sum = 0
            for try await value in group { sum += value }
            #expect(sum == 999 * 1_000 / 2)
        }
        // Other suites' calls may hold a few timers at any moment; a thousand left sleeping is the bug.
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: .seconds(5))
        while Deadline.pendingTimers.load(ordering: .relaxed) >= 100, clock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        #expect(Deadline.pendingTimers.load(ordering: .relaxed) < 100)
    }

    @Test("an operation past its limit: the caller is told the store is unavailable, and the operation is cancelled")
    func timeout() async throws {
        let started = ContinuousClock.now
        await #expect(throws: StoreUnavailable.self) {
            try await Deadline.run(.milliseconds(200)) {
                try await Task.sleep(for: .seconds(30))
                return 1
            }
        }
        #expect(ContinuousClock.now - started < .seconds(10))
    }

    @Test("an operation's own error reaches the caller")
    func failure() async {
        struct Broken: Error {}
        await #expect(throws: Broken.self) { try await Deadline.run(.seconds(60)) { () async throws -> Int in throw Broken() } }
    }
}
