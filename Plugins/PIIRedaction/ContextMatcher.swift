import GatehouseCore
import PCRE2

/// Finds context words near a match, on both sides, within a window of bytes.
///
/// One PCRE2 pattern per list, compiled once: `(?<![A-Za-z0-9])(?:word|word two)(?![A-Za-z0-9])`,
/// caseless, with spaces in a phrase matching any run of spaces.
struct ContextMatcher: Sendable {
    /// How many bytes either side of a match count as near.
    let window: Int
    private let regex: CompiledRegex

    init(words: [String], window: Int) throws(PCRE2Error) {
        self.window = window
        let alternatives = words
            .sorted { $0.count > $1.count }
            .map { word in
                word.split(separator: " ").map { escape(String($0)) }.joined(separator: "[ \\t]+")
            }
            .joined(separator: "|")
        regex = try CompiledRegex("(?<![A-Za-z0-9])(?:\(alternatives))(?![A-Za-z0-9])", options: .caseless)
    }

    /// The context word found nearest `range` in `text`, with its side, or nil; with
    /// `beforeOnly`, the nearest that ends before it.
    func find(in text: UnsafeBufferPointer<UInt8>, around range: Range<Int>, beforeOnly: Bool = false) throws(PCRE2Error) -> ContextHit? {
        let start = boundary(in: text, atOrBefore: max(0, range.lowerBound - window))
        let end = beforeOnly ? range.lowerBound : boundary(in: text, atOrBefore: min(text.count, range.upperBound + window))
        var hit: ContextHit?
        try regex.forEachMatch(in: text, from: start, to: end) { match in
            let found = match.range
            // A context word inside the match itself does not count (an email at nhs.net is no NHS number).
            if found.lowerBound >= range.lowerBound && found.upperBound <= range.upperBound { return true }
            let before = found.upperBound <= range.lowerBound
            let word = String(decoding: UnsafeBufferPointer(rebasing: text[found]), as: UTF8.self).lowercased()
            hit = ContextHit(word: word, before: before)
            // Keep looking past the words before the match for one nearer, but stop at the first after it.
            return before
        }
        return hit
    }

    private func boundary(in text: UnsafeBufferPointer<UInt8>, atOrBefore offset: Int) -> Int {
        var position = offset
        while position > 0, position < text.count, text[position] & 0xC0 == 0x80 { position -= 1 }
        return position
    }
}

/// A context word and which side of the match it was on.
struct ContextHit: Sendable {
    /// The word as the rule lists it (lower-cased), never anything from around it.
    var word: String
    var before: Bool
}

/// Escapes PCRE2 metacharacters in a literal word.
func escape(_ literal: String) -> String {
    var result = ""
    for character in literal {
        if "\\^$.|?*+()[]{}-/#".contains(character) { result.append("\\") }
        result.append(character)
    }
    return result
}
