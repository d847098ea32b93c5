/// Finds the rules' phrases — insults and oaths of two or more words, each of them plain or
/// innocent alone (`useless cow`, `go f yourself`) — in a text's matching form (look-alikes
/// folded; ASCII text is its own matching form, so case is folded here). Words match whole, in
/// any case, leetspeak after their first letter (`stupid c0w`), split by one to three spaces,
/// full stops, hyphens or underscores (`f. off`, `f - you`).
struct PhraseMatcher: Sendable {
    struct Phrase: Sendable {
        /// Its words, lower-case ASCII letters.
        let words: [[UInt8]]
        /// The rule that lists it.
        let rule: Int
    }

    /// The phrases by the first letter of their first word (`a` is 0).
    private var byFirstLetter: [[Phrase]] = Array(repeating: [], count: 26)
    private(set) var isEmpty = true

    mutating func add(_ words: [[UInt8]], rule: Int) {
        guard let first = words.first?.first else { return }
        byFirstLetter[Int(first &- 0x61)].append(Phrase(words: words, rule: rule))
        isEmpty = false
    }

    /// The byte with an ASCII capital lowered.
    @inline(__always) private static func lower(_ byte: UInt8) -> UInt8 { byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte }
    @inline(__always) private static func isLetter(_ byte: UInt8) -> Bool { lower(byte) >= 0x61 && lower(byte) <= 0x7A }
    @inline(__always) private static func isSeparator(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x2E || byte == 0x2D || byte == 0x5F || byte == 0x09
    }

    /// Calls `found` with the range in `chars` and the rule of each phrase found, left to right;
    /// a phrase found is not searched inside again.
    func scan(_ chars: UnsafeBufferPointer<UInt8>, _ found: (Range<Int>, Int) -> Void) {
        guard !isEmpty else { return }
        var index = 0
        let count = chars.count
        while index < count {
            let byte = Self.lower(chars[index])
            // A word starts here: a letter after no letter or digit.
            guard Self.isLetter(byte), index == 0 || !(Self.isLetter(chars[index - 1]) || (0x30...0x39).contains(chars[index - 1]) || chars[index - 1] >= 0x80)
            else {
                index += 1
                continue
            }
            var matchedEnd: Int?
            for phrase in byFirstLetter[Int(byte &- 0x61)] {
                if let end = match(phrase.words, in: chars, at: index) {
                    found(index..<end, phrase.rule)
                    matchedEnd = end
                    break
                }
            }
            index = matchedEnd ?? (index + 1)
        }
    }

    /// The end of `words` matched from `start`, or nil.
    private func match(_ words: [[UInt8]], in chars: UnsafeBufferPointer<UInt8>, at start: Int) -> Int? {
        var position = start
        for (number, word) in words.enumerated() {
            if number > 0 {
                var separators = 0
                while position < chars.count, Self.isSeparator(chars[position]), separators < 3 {
                    position += 1
                    separators += 1
                }
                guard separators > 0 else { return nil }
            }
            guard position + word.count <= chars.count else { return nil }
            // Past the first letter, leetspeak reads as letters (`useless c0w`, `rude <ow`).
            for (offset, letter) in word.enumerated() where Self.lower(chars[position + offset]) != letter {
                guard position + offset > start, TokenScanner.letter(of: chars[position + offset]) == letter else { return nil }
            }
            position += word.count
            // Whole words: no letter, digit or other script's letter goes on.
            if position < chars.count {
                let next = chars[position]
                if Self.isLetter(next) || (0x30...0x39).contains(next) || next >= 0x80 { return nil }
            }
        }
        return position
    }
}
