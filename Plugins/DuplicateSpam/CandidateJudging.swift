import GatehouseCore

/// Judges the candidates of one lookup against a text, as the index meets them: which are
/// copies of it at the lowest similarity any rule accepts, and how closely.
struct CandidateJudging {
    /// The text's sentence marks and exact hash.
    let text: [SentenceMark]
    let exact: UInt64
    let judge: CopyJudge
    let minimumSimilarity: Double
    /// The whole-text similarity below which a candidate is not judged at all.
    let prefilter: Double
    /// Earlier items a sentence must be in to be a common passage.
    let commonSentence: Int
    let transaction: any FingerprintTransaction
    /// Whether each of the text's sentences is common: asked about for every candidate, so
    /// looked up once, when the first candidate is judged (most lookups judge none).
    private var textCommon: [Bool]?
    /// Candidates with one canonical text and the same sentences (a campaign's unedited copies)
    /// have the same estimate, so the same measure: taken once.
    private var measured: [UInt64: CopyJudge.Measure?] = [:]

    init(
        text: [SentenceMark], exact: UInt64, judge: CopyJudge, minimumSimilarity: Double, prefilter: Double, commonSentence: Int,
        transaction: any FingerprintTransaction
    ) {
        self.text = text
        self.exact = exact
        self.judge = judge
        self.minimumSimilarity = minimumSimilarity
        self.prefilter = prefilter
        self.commonSentence = commonSentence
        self.transaction = transaction
    }

    /// The measure of `candidate` when it is a copy of the text, else nil (the same text is
    /// an exact repeat, found elsewhere).
    mutating func measure(_ candidate: FingerprintCandidate) -> CopyJudge.Measure? {
        guard candidate.exact != exact, candidate.similarity >= prefilter else { return nil }
        // A sentence in two or more earlier items is common: a passage others quote too.
        let transaction = transaction
        let threshold = commonSentence
        func counted(_ hash: UInt32) -> Bool { ((try? transaction.count(sentence: hash)) ?? 0) >= threshold }
        let textCommon = self.textCommon ?? text.map { counted($0.hash) }
        self.textCommon = textCommon
        let text = text
        func common(_ hash: UInt32) -> Bool {
            if let index = text.firstIndex(where: { $0.hash == hash }) { return textCommon[index] }
            return counted(hash)
        }
        let possible = text.withUnsafeBufferPointer { judge.mayBeCopy($0, candidate.sentences, estimate: candidate.similarity, common: common) }
        guard possible else { return nil }
        // The exact hash and a digest of the marks (their hashes and lengths, mixed as FNV-1a
        // mixes bytes): equal for the same text with the same marks.
        var same = candidate.exact
        for mark in candidate.sentences {
            same = (same ^ (UInt64(mark.hash) << 16 | UInt64(mark.length))) &* 0x0000_0100_0000_01B3
        }
        if let known = measured[same] { return known }
        let fresh = judge.measure(text, candidate.sentences, estimate: candidate.similarity, common: common)
        let copy = judge.isCopy(fresh, similarity: minimumSimilarity) ? fresh : nil
        if measured.isEmpty { measured.reserveCapacity(128) }
        measured[same] = .some(copy)
        return copy
    }
}
