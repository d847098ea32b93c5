import Foundation
@testable import GatehousePostgres
import GatehouseCore
import Synchronization
import Testing

/// The wait every shared-store call runs under: the caller is told the store is unavailable at
/// the limit, and the timer ends with the operation.
@Suite("Deadlines on shared-store calls")
struct DeadlineTests {
    @Test("a thousand quick operations leave nothing watched behind (each once slept out its whole limit)")
    func timersEndWithTheirOperation() async throws {
        try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<1_000 { group.addTask { try await Deadline.run(.seconds(600)) { index } } }
            var sum = 0
            for try await value in group { sum += value }
            #expect(sum == 999 * 1_000 / 2)
        }
        // An operation leaves the watch as it ends; other suites' calls may be watched at any
        // moment, but a thousand left behind is the bug (each would be watched for 600 s).
        #expect(Deadline.watched < 100)
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

    @Test("the watch calls an operation past due once, within a tick or two, and never one removed in time")
    func watch() async throws {
        let watch = DeadlineWatch(tick: .milliseconds(20))
        let expired = Mutex<[String]>([])
        let clock = ContinuousClock()
        let start = clock.now
        _ = watch.add(due: start.advanced(by: .milliseconds(60))) { expired.withLock { $0.append("late") } }
        let ended = watch.add(due: start.advanced(by: .milliseconds(60))) { expired.withLock { $0.append("ended") } }
        watch.remove(ended)
        #expect(watch.count == 1)
        // Generous waits, as above: other suites can keep both threads busy for a minute.
        while expired.withLock({ $0.isEmpty }), clock.now < start.advanced(by: .seconds(120)) { try await Task.sleep(for: .milliseconds(5)) }
        #expect(clock.now - start >= .milliseconds(60))
        // The one removed in time was due in the same tick: had it been kept, it would be called by now.
        try await Task.sleep(for: .milliseconds(200))
        #expect(expired.withLock { $0 } == ["late"])
        #expect(watch.count == 0)

        // Nothing watched, the watch stopped looking; the next operation starts it again.
        let again = clock.now
        _ = watch.add(due: again.advanced(by: .milliseconds(40))) { expired.withLock { $0.append("again") } }
        while expired.withLock({ $0.count < 2 }), clock.now < again.advanced(by: .seconds(120)) { try await Task.sleep(for: .milliseconds(5)) }
        #expect(expired.withLock { $0 } == ["late", "again"])
    }

    @Test("an operation's own error reaches the caller")
    func failure() async {
        struct Broken: Error {}
        await #expect(throws: Broken.self) { try await Deadline.run(.seconds(60)) { () async throws -> Int in throw Broken() } }
    }
}
