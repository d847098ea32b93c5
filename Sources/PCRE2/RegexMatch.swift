/// One match, as byte ranges into the subject.
///
/// It reads PCRE2's output vector in place, so it is valid only inside the closure that
/// receives it; copy out the ranges you need.
public struct RegexMatch {
    private let ovector: UnsafePointer<Int>
    private let pairCount: Int

    init(ovector: UnsafePointer<Int>, pairCount: Int) {
        self.ovector = ovector
        self.pairCount = pairCount
    }

    /// The byte range of the whole match.
    public var range: Range<Int> { ovector[0]..<ovector[1] }

    /// The byte range of capture group `group`, or nil if it did not take part in the match.
    public func range(at group: Int) -> Range<Int>? {
        guard group >= 0, group < pairCount else { return nil }
        let start = ovector[2 * group]
        let end = ovector[2 * group + 1]
        // PCRE2_UNSET is ~0, which reads as -1 through Int.
        guard start >= 0, end >= start else { return nil }
        return start..<end
    }
}
