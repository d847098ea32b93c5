extension Verdict {
    /// Each finding's span moved from the text the rules read into `text` (the redacted text
    /// that is kept), in Unicode scalar offsets, in the order of `findings`.
    ///
    /// A redacted span becomes its replacement token; a span that starts or ends inside a
    /// redaction grows to cover the whole token; anything else moves by what the redactions
    /// before it added or took away. This is what a moderator's page highlights.
    public func spansInText() -> [Range<Int>] {
        // The redactions the pipeline applied: enforcing findings with a replacement, the
        // earliest (and on a tie the longest) kept where two overlap, as `Pipeline` keeps them.
        var redactions: [(start: Int, end: Int, length: Int)] = []
        let candidates = findings.filter { $0.replacement != nil && !$0.shadow && $0.end > $0.start }
            .sorted { ($0.start, -$0.end) < ($1.start, -$1.end) }
        for finding in candidates {
            if let last = redactions.last, finding.start < last.end { continue }
            redactions.append((finding.start, finding.end, finding.replacement!.unicodeScalars.count))
        }
        let textLength = text.unicodeScalars.count

        /// Where `offset` lands in `text`; `isEnd` decides which side of a token a boundary
        /// inside it goes to.
        func moved(_ offset: Int, isEnd: Bool) -> Int {
            var shift = 0
            for redaction in redactions {
                if offset >= redaction.end {
                    shift += redaction.length - (redaction.end - redaction.start)
                } else if offset > redaction.start {
                    // Inside the token: to its start for a start, to its end for an end.
                    let start = redaction.start + shift
                    return isEnd ? start + redaction.length : start
                } else {
                    break
                }
            }
            return min(max(offset + shift, 0), textLength)
        }

        return findings.map { finding in
            let start = moved(finding.start, isEnd: false)
            return start..<max(start, moved(finding.end, isEnd: true))
        }
    }
}
