import Foundation

/// What the group committer has done so far: transactions, the writes they held, and the
/// time from starting each transaction to its commit (fsync included).
public struct CommitStatistics: Sendable, Equatable {
    public var transactions = 0
    public var writes = 0
    public var seconds = 0.0
    public var slowestSeconds = 0.0
    /// The most writes one transaction held.
    public var largestBatch = 0

    public init() {}

    public mutating func count(writes batch: Int, seconds duration: Double) {
        transactions += 1
        writes += batch
        largestBatch = max(largestBatch, batch)
        seconds += duration
        slowestSeconds = max(slowestSeconds, duration)
    }
}

