import Testing
@testable import GatehouseServer

@Suite("Rate limiter")
struct RateLimiterTests {
    @Test("a fixed one-minute window per token; separate tokens, separate windows; the wait is what is left of the window")
    func window() {
        let limiter = RateLimiter(perMinute: 2)
        #expect(limiter.secondsToWait(0, now: 1_000) == nil)
        #expect(limiter.secondsToWait(0, now: 2_000) == nil)
        // 3 µs into the window: the whole minute is left, rounded up.
        #expect(limiter.secondsToWait(0, now: 3_000) == 60)
        #expect(limiter.secondsToWait(1, now: 3_000) == nil)
        // 45.5 s in: 14.5 s left, rounded up to 15.
        #expect(limiter.secondsToWait(0, now: 1_000 + 45_500_000_000) == 15)
        // At the very end of the window, never 0.
        #expect(limiter.secondsToWait(0, now: 1_000 + 60_000_000_000) == 1)
        // A minute later the window starts again.
        #expect(limiter.secondsToWait(0, now: 1_000 + 60_000_000_001) == nil)
    }

    @Test("a request that read the clock before the window opened is counted, not a crash")
    func clockReadBeforeWindow() {
        let limiter = RateLimiter(perMinute: 2)
        #expect(limiter.secondsToWait(0, now: 5_000) == nil)
        // Read the clock earlier, took the lock later: UInt64 subtraction would have trapped.
        #expect(limiter.secondsToWait(0, now: 4_000) == nil)
        #expect(limiter.secondsToWait(0, now: 4_500) == 60)
    }
}
