import Foundation

/// A transaction that answers every query from another and hands each insert to a hook: the
/// durable index records inserts for the database; the dry-run view drops them.
public struct ForwardingTransaction: FingerprintTransaction {
    public var inner: any FingerprintTransaction
    /// Called for each insert, instead of inserting.
    public let onInsert: (inout any FingerprintTransaction, StoredFingerprint, StoredFingerprint?) throws -> Void

    public init(
        inner: any FingerprintTransaction, onInsert: @escaping (inout any FingerprintTransaction, StoredFingerprint, StoredFingerprint?) throws -> Void
    ) {
        self.inner = inner
        self.onInsert = onInsert
    }

    public func items(exact: UInt64, since: Date, limit: Int) throws -> [StoredFingerprint] {
        try inner.items(exact: exact, since: since, limit: limit)
    }
    public func latest(exact: UInt64, contributor: UInt64, since: Date) throws -> StoredFingerprint? {
        try inner.latest(exact: exact, contributor: contributor, since: since)
    }
    public func items(
        similarTo signature: [UInt32], bands: [UInt64], sentences: [SentenceMark], atLeast minimum: Double, since: Date, limit: Int
    ) throws
        -> [(item: StoredFingerprint, similarity: Double)]
    {
        try inner.items(similarTo: signature, bands: bands, sentences: sentences, atLeast: minimum, since: since, limit: limit)
    }
    public func items<Judgement>(
        similarTo signature: [UInt32], bands: [UInt64], sentences: [SentenceMark], atLeast minimum: Double, since: Date, limit: Int,
        judging judge: (FingerprintCandidate) throws -> Judgement?
    ) throws -> [(item: StoredFingerprint, judgement: Judgement)] {
        try inner.items(similarTo: signature, bands: bands, sentences: sentences, atLeast: minimum, since: since, limit: limit, judging: judge)
    }
    public func items(contributor: UInt64, similarTo signature: [UInt32], atLeast minimum: Double, since: Date) throws
        -> [(item: StoredFingerprint, similarity: Double)]
    {
        try inner.items(contributor: contributor, similarTo: signature, atLeast: minimum, since: since)
    }
    public func count(sentence hash: UInt32) throws -> Int { try inner.count(sentence: hash) }
    public func count(contributor: UInt64, since: Date) throws -> Int { try inner.count(contributor: contributor, since: since) }
    public func count(conversation: String, since: Date) throws -> Int { try inner.count(conversation: conversation, since: since) }
    public func contributors(inCluster cluster: String) throws -> Int { try inner.contributors(inCluster: cluster) }
    public mutating func insert(_ fingerprint: StoredFingerprint, joining match: StoredFingerprint?) throws {
        try onInsert(&inner, fingerprint, match)
    }
}
