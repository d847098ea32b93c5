import GatehouseCore

/// Decides whether a text is a copy of an earlier one, from their sentence marks.
///
/// The sentences of the two texts are paired: the same sentence (equal keyed hash), or failing
/// that a near one (most sketch bytes equal: a typo, a word changed), or one rewritten in its
/// place between paired ones, or the start of one cut off at a text's end. What is paired is text
/// they share; the rest is text of each one's own. A copy shares most of its text
/// (`overlap ≥ similarity`) and adds or loses text of its own on at most one side: a sentence
/// added, dropped or edited, a campaign template with a personal line under it, compared with
/// the template. Two texts that share a passage and each add their own — two different answers
/// under one quoted consultation question, or under one template preamble — are not copies,
/// however long the shared passage. Whatever the sentences say, two texts whose whole-text
/// MinHash similarity is at least `nearIdentical` are copies (an edit in every sentence).
struct CopyJudge: Sendable {
    /// The largest share of each text that may be its own when both texts have some.
    let ownShare: Double
    /// The whole-text similarity at which two texts are copies whatever their sentences.
    let nearIdentical: Double
    /// Sketch bytes (of eight) two sentences of different lengths must share to be the same
    /// sentence edited (one fewer for lengths within four characters).
    static let nearSentence = 6

    /// How two texts compare.
    struct Measure {
        /// The share of both texts' characters in sentences they share (1 for the same sentences).
        var overlap: Double
        /// The smaller of the two texts' shares of text of their own.
        var ownShare: Double
        /// The MinHash estimate of the whole texts' shingle similarity.
        var estimate: Double
        /// True when they share a passage found in other items too: judged on the rest alone.
        var sharesCommonPassage = false
    }

    /// Compares `text` with an `earlier` text. `common(hash)` tells a sentence that is in
    /// several earlier items: when the two share one, the shared passage may be a quoted
    /// question or a template (see `judgeRemainders`).
    func measure(
        _ text: [SentenceMark], _ earlier: UnsafeBufferPointer<SentenceMark>, estimate: Double, common: (UInt32) -> Bool
    ) -> Measure {
        // Without marks (a fingerprint stored before they were) only the estimate is known.
        guard !text.isEmpty, !earlier.isEmpty else { return Measure(overlap: estimate, ownShare: 0, estimate: estimate) }
        // How each sentence is paired: 0 not, 1 with the same sentence, 2 with a near one; and
        // for each of the text's sentences, the index of its partner in `earlier` (or -1).
        let count = text.count + earlier.count
        return withUnsafeTemporaryAllocation(of: Int32.self, capacity: count + text.count) { state in
            let paired = UnsafeMutableBufferPointer(rebasing: state[0..<count])
            let partner = UnsafeMutableBufferPointer(rebasing: state[count...])
            paired.initialize(repeating: 0)
            partner.initialize(repeating: -1)
            var sharesCommon = false
            // True when they also share a sentence that is in no other item: a copy's mark.
            var sharesOwn = false
            // Equal sentences that are in no other item.
            var ownEqual = 0
            var equal = 0
            func pair(_ index: Int, _ other: Int, kind: Int32) {
                paired[index] = kind
                paired[text.count + other] = kind
                partner[index] = Int32(other)
            }
            // Equal sentences first, then near ones among those left. After a common passage only
            // a sentence of the same length within one character is near (a typo), and only when
            // it is a typo of a common sentence (in the template) or the texts share a sentence
            // of their own too (a copy with a typo): two short answers in similar words under
            // one quoted question are two answers. What each text has besides the passage is
            // judged on equal sentences alone.
            for pass in 0..<2 {
                for (index, mark) in text.enumerated() where paired[index] == 0 {
                    for (other, candidate) in earlier.enumerated() where paired[text.count + other] == 0 {
                        let matches = pass == 0
                            ? Self.isSame(mark, candidate)
                            : sharesCommon
                                // The typo test first: it is two compares, and `common` a lookup
                                // in the index, once for every pair of sentences tried.
                                ? Self.isTypo(mark, of: candidate) && (sharesOwn || common(candidate.hash))
                                : Self.isEdit(mark, of: candidate)
                        guard matches else { continue }
                        pair(index, other, kind: Int32(pass + 1))
                        if pass == 0 {
                            equal += 1
                            if common(mark.hash) { sharesCommon = true } else { sharesOwn = true; ownEqual += 1 }
                        }
                        break
                    }
                }
            }
            // Texts that share most of their sentences are a copy and its source, whatever else
            // holds those sentences: a run of sentences left between two paired ones (or a paired
            // one and the end) is the run in the same place in the other, edited, where lengths
            // are close and a few sketch bytes agree (one edited word leaves about six of eight;
            // sentences that only share a few words none or one). Two answers under one quoted
            // question or preamble share too few sentences for this. Two or more, half the
            // sentences but one, are enough when none of them is in another item (a copy of four
            // sentences, two with a word changed; of five, three).
            if equal >= max(Self.alignedAfter, text.count / 2) || (!sharesCommon && equal >= 2 && equal * 2 >= text.count - 1) {
                var index = 0
                while index < text.count {
                    guard paired[index] == 0 else { index += 1; continue }
                    var end = index
                    while end < text.count, paired[end] == 0 { end += 1 }
                    defer { index = end }
                    let before = index == 0 ? -1 : Int(partner[index - 1])
                    let after = end == text.count ? earlier.count : Int(partner[end])
                    guard before >= 0 || after < earlier.count, after - before - 1 <= end - index + 1, end - index <= 3 else { continue }
                    for sentence in index..<end {
                        if let other = ((before + 1)..<max(before + 1, after)).first(where: {
                            paired[text.count + $0] == 0 && Self.isAligned(text[sentence], with: earlier[$0], opening: !sharesCommon)
                        }) {
                            pair(sentence, other, kind: 2)
                        }
                    }
                }
            }
            // One sentence rewritten in place: between two paired sentences, one in each text,
            // whatever its words (kind 4, which counts as equal in the judging of remainders),
            // when three or more sentences are paired, equal or edited (a copy with synonyms in
            // most sentences and one rewritten). Not at either end, where an answer under a
            // quoted question or a template's personal line lies; and when the two share a
            // passage others hold too (a preamble, a stock closing line), only when they also
            // share two sentences no other item holds, or four sentences in all: two answers
            // between one group's preamble and the same closing line share neither.
            if !sharesCommon || ownEqual >= Self.ownEqualAroundRewrite || equal >= Self.equalAroundRewrite,
               text.count >= 3, (0..<text.count).count(where: { paired[$0] != 0 }) >= Self.alignedAfter
            {
                for index in 1..<(text.count - 1) where paired[index] == 0 && paired[index - 1] != 0 && paired[index + 1] != 0 {
                    let before = Int(partner[index - 1])
                    if partner[index + 1] == Int32(before + 2), paired[text.count + before + 1] == 0,
                       Self.isReplacement(text[index], of: earlier[before + 1])
                    {
                        pair(index, before + 1, kind: 4)
                    }
                }
            }
            // A copy cut off mid-sentence (either text): its other sentences all paired, and its
            // last one starts as the sentence in its place in the other and is shorter. The cut
            // sentence is paired; the rest of the whole one stays the other's own text. Either
            // the two share a sentence in no other item, or the whole sentence is in others too
            // (a campaign's text pasted into a box too small for it): answers under one quoted
            // question often start alike (`Speaking as a carer, ...`) and are not cut copies.
            // The whole sentence may come a sentence or two later, past sentences the cut copy
            // dropped (unpaired). Three equal sentences or more, common or not, do for one of
            // their own when the whole sentence is not the other's last: a text cut short, not
            // two sign-offs that start alike (`Cheers Liam`, `Cheers Iulia Popescu`).
            var cut = false
            let (first, second) = (text.count, earlier.count)
            if equal > 0, first > 1, paired[first - 1] == 0, (0..<(first - 1)).allSatisfy({ paired[$0] != 0 }) {
                let after = Int(partner[first - 2]) + 1
                if let next = (after..<min(second, after + Self.droppedBeforeCut + 1)).first(where: { next in
                    (after...next).allSatisfy { paired[first + $0] == 0 } && Self.isCutOff(text[first - 1], of: earlier[next], in: text)
                }), sharesOwn || equal >= Self.alignedAfter && next < second - 1 || common(earlier[next].hash) {
                    paired[first - 1] = 3
                    cut = true
                }
            }
            if equal > 0, second > 1, paired[first + second - 1] == 0, (0..<(second - 1)).allSatisfy({ paired[first + $0] != 0 }),
                let before = (0..<first).first(where: { partner[$0] == Int32(second - 2) }),
                let next = ((before + 1)..<min(first, before + Self.droppedBeforeCut + 2)).first(where: { next in
                    ((before + 1)...next).allSatisfy { paired[$0] == 0 } && Self.isCutOff(earlier[second - 1], of: text[next], in: earlier)
                }),
                sharesOwn || equal >= Self.alignedAfter && next < first - 1 || common(text[next].hash)
            {
                paired[first + second - 1] = 3
                cut = true
            }
            var whole = Tally()
            var remainder = Tally()
            for (index, mark) in text.enumerated() {
                whole.add(mark, paired: paired[index] != 0, first: true)
                if sharesCommon, !common(mark.hash) { remainder.add(mark, paired: Self.countsInRemainder(paired[index]), first: true) }
            }
            for (index, mark) in earlier.enumerated() {
                whole.add(mark, paired: paired[text.count + index] != 0, first: false)
                if sharesCommon, !common(mark.hash) {
                    remainder.add(mark, paired: Self.countsInRemainder(paired[text.count + index]), first: false)
                }
            }
            guard sharesCommon else { return Measure(overlap: whole.overlap, ownShare: whole.ownShare, estimate: estimate) }
            // A piece of a common passage cut off is that passage's copy, on the whole texts.
            if cut { return Measure(overlap: whole.overlap, ownShare: whole.ownShare, estimate: estimate, sharesCommonPassage: true) }
            return judgeRemainders(whole: whole, remainder: remainder, estimate: estimate)
        }
    }

    /// False when `measure` cannot find the two texts copies at any similarity. A copy's
    /// estimate is `retyped` or more, or one of the two has at most `ownShare` of its text
    /// unpaired: on the whole texts (every pairing, equal, near, typo or aligned, needs three
    /// sketch bytes in common, a cut needs its last sentence to be the start of one, a sentence
    /// rewritten in place two pairable ones around it), or, when they share a common passage,
    /// on the sentences in no other item, paired only with equal ones or rewritten in place (and
    /// each text must have some). Most candidates a lookup meets share a sentence or two with
    /// the text and nothing else: they fail here on a sentence of their own, for a few byte
    /// compares where `measure` pairs every sentence with every other.
    func mayBeCopy(
        _ text: UnsafeBufferPointer<SentenceMark>, _ earlier: UnsafeBufferPointer<SentenceMark>, estimate: Double,
        common: (UInt32) -> Bool
    ) -> Bool {
        guard estimate < retyped, !text.isEmpty, !earlier.isEmpty else { return true }
        if isMostlyPairable(text, with: earlier) || isMostlyPairable(earlier, with: text) { return true }
        // The remainders: both need a sentence of their own, and so one they share.
        guard text.contains(where: { mark in !common(mark.hash) && earlier.contains { Self.isSame(mark, $0) } })
        else { return false }
        return isMostlyEqual(text, with: earlier, common: common) || isMostlyEqual(earlier, with: text, common: common)
    }

    /// True unless more than `ownShare` of `marks`' characters are in sentences that no
    /// sentence of `other` could be paired with (see `mayBeCopy`).
    private func isMostlyPairable(_ marks: UnsafeBufferPointer<SentenceMark>, with other: UnsafeBufferPointer<SentenceMark>) -> Bool {
        var length = 0
        for mark in marks { length += Int(mark.length) }
        var own = 0
        for (index, mark) in marks.enumerated() {
            if Self.mayPair(mark, in: other) { continue }
            if index == marks.count - 1, other.contains(where: { Self.isCutOff(mark, of: $0, in: marks) }) { continue }
            if Self.mayBeRewritten(index, of: marks, in: other) { continue }
            own += Int(mark.length)
            // As `Tally.ownShare` divides: a text that has too much of its own here has there.
            if Double(own) / Double(max(length, 1)) > ownShare { return false }
        }
        return true
    }

    /// True when both texts have sentences in no other item, and at most `ownShare` of those of
    /// `marks` (in characters) have no equal sentence in `other` (`judgeRemainders`' test).
    private func isMostlyEqual(
        _ marks: UnsafeBufferPointer<SentenceMark>, with other: UnsafeBufferPointer<SentenceMark>, common: (UInt32) -> Bool
    ) -> Bool {
        var (length, own) = (0, 0)
        for (index, mark) in marks.enumerated() where !common(mark.hash) {
            length += Int(mark.length)
            if other.contains(where: { Self.isSame(mark, $0) }) { continue }
            if Self.mayBeRewritten(index, of: marks, in: other) { continue }
            own += Int(mark.length)
        }
        return length > 0 && other.contains { !common($0.hash) } && Double(own) / Double(length) <= ownShare
    }

    /// True when some sentence of `other` could be paired with `mark`: the same sentence, or
    /// one with `leastAgreement` sketch bytes in common (one fewer when both open alike).
    @inline(__always)
    private static func mayPair(_ mark: SentenceMark, in other: UnsafeBufferPointer<SentenceMark>) -> Bool {
        other.contains { $0.hash == mark.hash || mark.sketchAgreement($0) >= agreementNeeded(mark, $0, opening: true) }
    }

    /// True when the sentence at `index` may be paired as one rewritten in place: it lies
    /// between two sentences that may be paired.
    private static func mayBeRewritten(
        _ index: Int, of marks: UnsafeBufferPointer<SentenceMark>, in other: UnsafeBufferPointer<SentenceMark>
    ) -> Bool {
        index > 0 && index < marks.count - 1 && mayPair(marks[index - 1], in: other) && mayPair(marks[index + 1], in: other)
    }

    /// The fewest sketch bytes any pairing of two different sentences needs (`isAligned`).
    static let leastAgreement = 3

    /// The sketch bytes two different sentences need to pair by their place: one fewer when
    /// both open with the same characters and `opening` allows it. `isAligned` and the bound
    /// before the judge (`mayPair`, which allows it always) both ask here, so they cannot part.
    @inline(__always)
    private static func agreementNeeded(_ mark: SentenceMark, _ other: SentenceMark, opening: Bool) -> Int {
        leastAgreement - (opening && mark.opensLike(other) ? 1 : 0)
    }

    /// Two texts that share a passage found in other items too — a consultation question they
    /// both quote, a template preamble, a campaign's text — are judged on what each has besides
    /// it, sentence for sentence (no near sentences: two short answers of similar words are
    /// two answers). A text with nothing besides the common passage is the template itself,
    /// and a text that adds to it, or keeps part of it, is its copy.
    private func judgeRemainders(whole: Tally, remainder: Tally, estimate: Double) -> Measure {
        // One text is all in the other, and most of both: a template and its copy.
        if whole.ownShare <= ownShare, whole.overlap >= Self.templateOverlap {
            return Measure(overlap: whole.overlap, ownShare: whole.ownShare, estimate: estimate, sharesCommonPassage: true)
        }
        let empty = remainder.length.0 == 0 || remainder.length.1 == 0
        return Measure(
            overlap: empty ? 0 : min(whole.overlap, remainder.overlap), ownShare: empty ? 1 : remainder.ownShare,
            estimate: estimate, sharesCommonPassage: true)
    }

    /// The overlap a text needs with one it is all in (or that is all in it), when they share
    /// a common passage, to be its copy: a campaign's text with a personal line is about 0.9.
    static let templateOverlap = 0.75

    /// Characters in sentences of each text, and of them in sentences paired with the other's.
    private struct Tally {
        var length = (0, 0)
        var shared = (0, 0)

        mutating func add(_ mark: SentenceMark, paired: Bool, first: Bool) {
            let count = Int(mark.length)
            if first {
                length.0 += count
                if paired { shared.0 += count }
            } else {
                length.1 += count
                if paired { shared.1 += count }
            }
        }

        var overlap: Double { Double(shared.0 + shared.1) / Double(max(length.0 + length.1, 1)) }
        var ownShare: Double {
            min(Double(length.0 - shared.0) / Double(max(length.0, 1)), Double(length.1 - shared.1) / Double(max(length.1, 1)))
        }
    }

    /// True when a text measured so is a copy at `similarity`: near-identical as a whole, or
    /// mostly paired with little text of its own; or retyped (a slip in every sentence, so a
    /// sentence or two do not pair): `retypedPaired` of it paired, `retyped` alike as a whole,
    /// and no passage shared with other items (answers under one preamble are alike so too).
    func isCopy(_ measure: Measure, similarity: Double) -> Bool {
        measure.estimate >= (measure.sharesCommonPassage ? (1 + nearIdentical) / 2 : nearIdentical)
            || (measure.overlap >= similarity && measure.ownShare <= ownShare)
            || (!measure.sharesCommonPassage && measure.estimate >= retyped && measure.overlap >= Self.retypedPaired)
    }

    /// The whole-text similarity of a retyped copy (see `isCopy`): below `nearIdentical`, as
    /// a slip in every sentence breaks a fifth of the shingles. Not lower: two answers built on
    /// one skeleton with their own details (`We waited 13 weeks ...`, `... 39 weeks ...`) come to
    /// 0.75 (0.7 found four such pairs in #16's mix of 100,000 lines, 0.8 one).
    var retyped: Double { min(nearIdentical, 0.8) }
    /// The share of both texts' characters a retyped copy has paired.
    static let retypedPaired = 0.7

    /// True when a sentence between two paired ones may be the one in the same place in the
    /// other text rewritten: lengths within a factor of three (a sentence cut to a word, or a
    /// paragraph put in its place, is text of its own).
    @inline(__always)
    static func isReplacement(_ mark: SentenceMark, of other: SentenceMark) -> Bool {
        let left = Int(mark.length)
        let right = Int(other.length)
        return left * 3 >= right && right * 3 >= left
    }

    /// Sentences a copy cut off at its end may have dropped between its last whole sentence and
    /// the one it cuts (see `measure`).
    static let droppedBeforeCut = 2

    /// Equal sentences in no other item two texts that share a common passage must share before
    /// a sentence rewritten in place is paired.
    static let ownEqualAroundRewrite = 2

    /// Equal sentences (common or not) two texts that share a common passage must share before a
    /// sentence rewritten in place is paired, when they share fewer than two in no other item.
    static let equalAroundRewrite = 4

    /// Equal sentences two texts must share before a sentence between them may be paired by
    /// its place (see `isAligned`), and sentences paired in any way before one between two of
    /// them may be paired as rewritten in place.
    static let alignedAfter = 3

    /// True when two marks are the same sentence: the pairing of the first pass, and the only
    /// one the judging of remainders counts besides a sentence rewritten in place.
    @inline(__always)
    private static func isSame(_ mark: SentenceMark, _ other: SentenceMark) -> Bool {
        mark.hash == other.hash && mark.length == other.length
    }

    /// True for the pairings the judging of remainders counts: equal sentences (kind 1) and a
    /// sentence rewritten in place (kind 4).
    @inline(__always)
    private static func countsInRemainder(_ kind: Int32) -> Bool { kind == 1 || kind == 4 }

    /// True when a sentence in the place of another, between the same paired sentences, is it
    /// edited: lengths within a sixth (or four characters) and at least three sketch bytes equal,
    /// or two when both open with the same characters and `opening` allows it (a short sentence
    /// with a word changed near its end, `Parents like us feel totally abandoned`, keeps few of
    /// its shingles). Not under a passage other items share: answers under one preamble are
    /// made of the same openings (`In my experience the ...`).
    @inline(__always)
    static func isAligned(_ mark: SentenceMark, with other: SentenceMark, opening: Bool) -> Bool {
        let left = Int(mark.length)
        let right = Int(other.length)
        return abs(left - right) <= max(4, max(left, right) / 6)
            && mark.sketchAgreement(other) >= agreementNeeded(mark, other, opening: opening)
    }

    /// True when `cut`, the last sentence of `marks`, is `whole` cut off: it starts as `whole`
    /// does (`SentenceMark.startsLike`) and their sketches agree as a sentence and its start
    /// do, in about twice the share of bytes that its length is of `whole`'s (a byte of the
    /// whole is the start's when the bin's least shingle lies in the start; a sentence that
    /// only starts alike, `I have been waiting since ...` against `... for a hip operation`,
    /// agrees in fewer). A start too short to show it (a sixth of its text or less) needs no
    /// sketch bytes. A start too short for a prefix (`There were 4`, `Thank you for`) is taken
    /// on its place alone when the rest of its text is six times as long: whatever it was, a
    /// text that copies all the rest is a copy.
    static func isCutOff(_ cut: SentenceMark, of whole: SentenceMark, in marks: some Collection<SentenceMark>) -> Bool {
        let textLength = marks.reduce(0) { $0 + Int($1.length) }
        if cut.isOpenEnded, cut.prefix == 0, cut.length < whole.length, Int(cut.length) * 7 <= textLength { return true }
        guard cut.startsLike(whole) else { return false }
        return cut.sketchAgreement(whole) * Int(whole.length) >= 2 * Int(cut.length) || Int(cut.length) * 6 <= textLength
    }

    /// True when one sentence is the other with a typo: lengths within one character and
    /// most sketch bytes equal.
    @inline(__always)
    static func isTypo(_ mark: SentenceMark, of other: SentenceMark) -> Bool {
        abs(Int(mark.length) - Int(other.length)) <= 1 && mark.sketchAgreement(other) >= nearSentence
    }

    /// True when one sentence is the other edited: most of their sketch bytes are equal, and
    /// one fewer is needed when their lengths are within four characters (a typo or a word
    /// swapped leaves the length almost as it was), none when they are more than a factor of
    /// two apart (another sentence that happens to share a few words).
    @inline(__always)
    static func isEdit(_ mark: SentenceMark, of other: SentenceMark) -> Bool {
        let left = Int(mark.length)
        let right = Int(other.length)
        guard left * 2 >= right, right * 2 >= left else { return false }
        return mark.sketchAgreement(other) >= (abs(left - right) <= 4 ? nearSentence - 1 : nearSentence)
    }
}
