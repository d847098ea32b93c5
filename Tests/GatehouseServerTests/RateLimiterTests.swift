import Testing
@testable import GatehouseServer

@Suite("Rate limiter")
struct RateLimiterTests {
    @Test("a fixed one-minute window per token; separate tokens, separate windows")
    func window() {
        let limiter = RateLimiter(perMinute: 2)
        #expect(limiter.allow(0, now: 1_000))
        #expect(limiter.allow(0, now: 2_000))
        #expect(!limiter.allow(0, now: 3_000))
        #expect(limiter.allow(1, now: 3_000))
        // A minute later the window starts again.
        #expect(limiter.allow(0, now: 1_000 + 60_000_000_001))
    }

    @Test("a request that read the clock before the window opened is counted, not a crash")
    func clockReadBeforeWindow() {
        let limiter = RateLimiter(perMinute: 2)
        #expect(limiter.allow(0, now: 5_000))
        // Read the clock earlier, took the lock later: UInt64 subtraction would have trapped.
        #expect(limiter.allow(0, now: 4_000))
        #expect(!limiter.allow(0, now: 4_500))
    }
}
