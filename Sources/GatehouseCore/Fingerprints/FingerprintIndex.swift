import Foundation

/// A fingerprint of one earlier item, as the duplicate plugin stores it. Never the text:
/// keyed hashes only, and the contributor as a keyed 64-bit value.
public struct StoredFingerprint: Sendable, Hashable {
    /// The item's id (for `duplicate_of`).
    public var itemId: String
    /// The contributor's keyed hash, or nil for an anonymous item.
    public var contributor: UInt64?
    /// The conversation, if any.
    public var conversation: String?
    /// When the item was received.
    public var time: Date
    /// Keyed hash of the normalised text: equal for exact repeats.
    public var exact: UInt64
    /// MinHash signature (empty for texts too short for near-duplicate detection).
    public var signature: [UInt32]
    /// LSH band keys of the signature (empty with it).
    public var bands: [UInt64]
    /// The id of the first item of the cluster of near-identical texts it belongs to.
    public var cluster: String
    /// The marks of its sentences, in order (empty with the signature, or when not known).
    public var sentences: [SentenceMark]

    public init(
        itemId: String, contributor: UInt64?, conversation: String?, time: Date, exact: UInt64,
        signature: [UInt32], bands: [UInt64], cluster: String, sentences: [SentenceMark] = []
    ) {
        self.itemId = itemId
        self.contributor = contributor
        self.conversation = conversation
        self.time = time
        self.exact = exact
        self.signature = signature
        self.bands = bands
        self.cluster = cluster
        self.sentences = sentences
    }
}

extension StoredFingerprint {
    /// The estimated Jaccard similarity of two MinHash signatures: the share of equal values.
    /// (The memory index compares its stored signatures with `SignatureLanes`.)
    public static func similarity(_ left: [UInt32], _ right: [UInt32]) -> Double {
        guard !left.isEmpty, left.count == right.count else { return 0 }
        return Double(zip(left, right).filter { $0 == $1 }.count) / Double(left.count)
    }
}

/// The queries and the insert the duplicate plugin needs, inside one atomic transaction.
public protocol FingerprintTransaction {
    /// Items with this exact hash received at or after `since`, newest first, at most `limit`
    /// (without signatures or sentence marks: the same text needs no comparing).
    func items(exact: UInt64, since: Date, limit: Int) throws -> [StoredFingerprint]
    /// The newest item with this exact hash from this contributor, at or after `since`:
    /// found directly, however many others sent the same text (without signature or marks).
    func latest(exact: UInt64, contributor: UInt64, since: Date) throws -> StoredFingerprint?
    /// Items sharing at least one LSH band key with `bands`, or one of `sentences` (a text that
    /// keeps two of three sentences shares too few shingles for the bands to find it reliably),
    /// whose signature is at least `minimum` similar to `signature`, received at or after
    /// `since`, with their similarity. At most `limit` candidates are examined in each band and
    /// for each sentence, newest first: a large campaign never makes one lookup slow (its newest
    /// copies stand for it). The items come back with their sentence marks and without their
    /// signatures.
    func items(
        similarTo signature: [UInt32], bands: [UInt64], sentences: [SentenceMark], atLeast minimum: Double, since: Date, limit: Int
    ) throws -> [(item: StoredFingerprint, similarity: Double)]
    /// The same candidates, each judged by `judge` before it is built (see `FingerprintCandidate`):
    /// only those given a judgement come back, in the order `items(similarTo:…)` gives them.
    func items<Judgement>(
        similarTo signature: [UInt32], bands: [UInt64], sentences: [SentenceMark], atLeast minimum: Double, since: Date, limit: Int,
        judging judge: (FingerprintCandidate) throws -> Judgement?
    ) throws -> [(item: StoredFingerprint, judgement: Judgement)]
    /// This contributor's items received at or after `since` whose signature is at least
    /// `minimum` similar to `signature`, newest first, with their similarity: every one of them,
    /// however many others sent similar texts, so that a contributor's own near repeat is never
    /// lost in a campaign.
    func items(
        contributor: UInt64, similarTo signature: [UInt32], atLeast minimum: Double, since: Date
    ) throws -> [(item: StoredFingerprint, similarity: Double)]
    /// How many items held have a sentence with this mark hash (a quoted question or a
    /// template's sentence is in many; most sentences are in one).
    func count(sentence hash: UInt32) throws -> Int
    /// How many items this contributor sent at or after `since`.
    func count(contributor: UInt64, since: Date) throws -> Int
    /// How many items the conversation received at or after `since`.
    func count(conversation: String, since: Date) throws -> Int
    /// How many different contributors have items in `cluster` (1 for a cluster of one).
    func contributors(inCluster cluster: String) throws -> Int
    /// Records a new item. `match` is the earlier item whose cluster it joins (nil when it
    /// starts a cluster of its own).
    mutating func insert(_ fingerprint: StoredFingerprint, joining match: StoredFingerprint?) throws
}

/// Where fingerprints of earlier items live: in memory for `scan` and tests, in the gateway's
/// database for `serve`, so that a restart forgets nothing.
public protocol FingerprintIndex: Sendable {
    /// Runs `body` atomically: two concurrent submissions of one text cannot both pass as new.
    func transaction<T>(_ body: (inout any FingerprintTransaction) throws -> T) throws -> T
}
