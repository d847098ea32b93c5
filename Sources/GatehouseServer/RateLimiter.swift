import Foundation
import GatehouseCore
import Synchronization

/// A fixed one-minute window per token. On a shared store the gateways also tell each other,
/// every second, how many requests each token made this clock minute (`exchange`), and a
/// token's count here includes the others': the limit holds over all the gateways, give or
/// take the last second of the others' requests.
final class RateLimiter: Sendable {
    private let limit: Int
    private let windows = Mutex([Int: (start: UInt64, count: Int)]())
    /// This gateway's requests per token label in the current clock minute, and the other
    /// gateways' as last heard.
    private let shared = Mutex(SharedCounts())

    private struct SharedCounts {
        var minute: Int64 = 0
        var mine: [String: Int] = [:]
        var elsewhere: [String: Int] = [:]

        mutating func turn(to minute: Int64) {
            guard minute != self.minute else { return }
            self.minute = minute
            mine.removeAll(keepingCapacity: true)
            elsewhere.removeAll(keepingCapacity: true)
        }
    }

    init(perMinute: Int) { limit = perMinute }

    private static let window: UInt64 = 60_000_000_000

    static func minute(of date: Date) -> Int64 { Int64((date.timeIntervalSince1970 / 60).rounded(.down)) }

    /// Counts one request by the token at `key` (its `label` when the count is shared), made
    /// at `now` (monotonic nanoseconds): nil within the limit, else the whole seconds until
    /// the token's window reopens (at least 1).
    ///
    /// Requests race for the lock, so one that read the clock earlier may come in after a
    /// later one has opened a new window: `now` can be before `window.start`.
    func secondsToWait(_ key: Int, label: String? = nil, now: UInt64 = DispatchTime.now().uptimeNanoseconds) -> Int? {
        var elsewhere = 0
        if let label {
            let minute = Self.minute(of: Date())
            elsewhere = shared.withLock { shared in
                shared.turn(to: minute)
                shared.mine[label, default: 0] += 1
                return shared.elsewhere[label] ?? 0
            }
        }
        return windows.withLock { windows in
            var window = windows[key] ?? (now, 0)
            if now > window.start, now - window.start > Self.window { window = (now, 0) }
            window.count += 1
            windows[key] = window
            guard window.count + elsewhere > limit else { return nil }
            let elapsed = now > window.start ? now - window.start : 0
            return max(1, Int((Self.window - elapsed + 999_999_999) / 1_000_000_000))
        }
    }

    /// Tells the other gateways this gateway's counts for the current minute and learns theirs.
    func exchange(with coordination: any GatewayCoordination, now: Date) async throws {
        let minute = Self.minute(of: now)
        let mine = shared.withLock { shared in
            shared.turn(to: minute)
            return shared.mine
        }
        let totals = try await coordination.exchangeRequestCounts(minute: minute, counts: mine)
        shared.withLock { shared in
            guard shared.minute == minute else { return }
            for (label, total) in totals { shared.elsewhere[label] = max(0, total - (mine[label] ?? 0)) }
        }
    }
}
