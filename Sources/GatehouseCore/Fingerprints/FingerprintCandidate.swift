import Foundation

/// An earlier item met by a similarity lookup, as a judge sees it where it lies: before it is
/// built into a `StoredFingerprint` (most candidates are not copies, and building each one was
/// most of a lookup's cost). `sentences` is valid only during the judging call.
public struct FingerprintCandidate {
    /// Keyed hash of its normalised text.
    public var exact: UInt64
    /// Its contributor's keyed hash, or nil for an anonymous item.
    public var contributor: UInt64?
    /// Its signature's estimated similarity to the query's.
    public var similarity: Double
    /// Its sentence marks, in order, in the index's memory.
    public var sentences: UnsafeBufferPointer<SentenceMark>

    public init(exact: UInt64, contributor: UInt64?, similarity: Double, sentences: UnsafeBufferPointer<SentenceMark>) {
        self.exact = exact
        self.contributor = contributor
        self.similarity = similarity
        self.sentences = sentences
    }
}

extension FingerprintTransaction {
    /// `items(similarTo:…)` with each candidate judged by `judge` as it is found; only the
    /// candidates given a judgement come back, built. This default builds every candidate
    /// first; the memory index judges them in place.
    public func items<Judgement>(
        similarTo signature: [UInt32], bands: [UInt64], sentences: [SentenceMark], atLeast minimum: Double, since: Date, limit: Int,
        judging judge: (FingerprintCandidate) throws -> Judgement?
    ) throws -> [(item: StoredFingerprint, judgement: Judgement)] {
        try items(similarTo: signature, bands: bands, sentences: sentences, atLeast: minimum, since: since, limit: limit)
            .compactMap { item, similarity in try item.asCandidate(similarity: similarity, judge).map { (item, $0) } }
    }
}

extension StoredFingerprint {
    /// `body` run on this built item seen as a candidate at `similarity`.
    public func asCandidate<R>(similarity: Double, _ body: (FingerprintCandidate) throws -> R) rethrows -> R {
        try sentences.withUnsafeBufferPointer {
            try body(FingerprintCandidate(exact: exact, contributor: contributor, similarity: similarity, sentences: $0))
        }
    }
}
