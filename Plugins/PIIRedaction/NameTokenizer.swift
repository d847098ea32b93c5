import GatehouseCore

/// One word of a text, as the person-name detector sees it.
struct NameToken {
    /// UTF-8 byte range of the word, a possessive `'s` included.
    var range: Range<Int>
    /// Hash of the lower-cased word without a possessive ending (`WordHash`).
    var hash: UInt64
    /// The same without diacritics, when the word has any non-ASCII letter; else `hash`.
    var plainHash: UInt64
    /// The hash of the part after the last hyphen (Obi-Ryan → ryan); else `hash`.
    var tailHash: UInt64
    /// The hash of the part before the first hyphen (Obi-Ryan → obi); else `hash`.
    var headHash: UInt64
    /// Starts with an upper-case letter and is not all capitals (`NHS`, `PALS`).
    var capitalised: Bool
    /// A single capital, with or without a full stop after it (`B.`).
    var initial: Bool
    /// Ends in `'s` or `s'`.
    var possessive: Bool
    /// First word of a sentence: the text starts, or `.`, `!`, `?`, `:` or a line break comes before.
    var sentenceStart: Bool
    /// A line break comes before it, or it is the first word.
    var lineStart: Bool
    /// Only spaces (no punctuation) separate it from the word before.
    var joinedToPrevious: Bool
    /// Something other than a space comes right before it: `,` `(` `-`.
    var punctuationBefore: UInt8?
    /// Part of an e-mail address, a web address or a domain (`complaints@nuh.nhs.uk`): no name.
    var inAddress: Bool
}

/// Splits UTF-8 text into words for name detection: letters (any non-ASCII byte counts as a
/// letter, apart from the general punctuation block), with inner apostrophes and hyphens kept
/// (`O'Brien`, `D’Souza`, `Smith-Jones`).
enum NameTokenizer {
    static func tokens(_ text: UnsafeBufferPointer<UInt8>, into tokens: inout [NameToken]) {
        NameTokenizer.tokens(text, in: 0..<text.count, into: &tokens)
    }

    /// The words in `range` of `text`; the first one's sentence and line starts are read from
    /// what comes before the range.
    static func tokens(_ text: UnsafeBufferPointer<UInt8>, in range: Range<Int>, into tokens: inout [NameToken]) {
        tokens.removeAll(keepingCapacity: true)
        let count = range.upperBound
        var index = range.lowerBound
        var sentenceStart = true
        var lineStart = true
        if index > 0 {
            // Back over spaces and punctuation to the word before: a break in between starts a sentence.
            sentenceStart = false
            lineStart = false
            var back = index - 1
            while back >= 0, !isLetter(text, back) {
                let byte = text[back]
                if byte == 0x0A || byte == 0x0D { lineStart = true; sentenceStart = true }
                if byte == 0x2E || byte == 0x21 || byte == 0x3F || byte == 0x3A || byte == 0x3B { sentenceStart = true }
                back -= 1
            }
            if back < 0 { sentenceStart = true; lineStart = true }
        }
        var sawPunctuation = false
        var lastPunctuation: UInt8? = nil
        while index < count {
            let byte = text[index]
            if !isLetter(text, index) {
                if byte == 0x0A || byte == 0x0D { lineStart = true; sentenceStart = true }
                if byte == 0x2E || byte == 0x21 || byte == 0x3F || byte == 0x3A || byte == 0x3B { sentenceStart = true }
                if byte != 0x20 && byte != 0x09 { sawPunctuation = true; lastPunctuation = byte }
                index += byte >= 0xE0 ? 3 : 1
                continue
            }
            let start = index
            var asciiOnly = true
            var upperCount = 0
            var letters = 0
            var keyEnd = index
            while index < count {
                let b = text[index]
                if isLetter(text, index) {
                    if b >= 0x80 { asciiOnly = false } else if b >= 0x41 && b <= 0x5A { upperCount += 1 }
                    if b < 0x80 || b >= 0xC0 { letters += 1 }
                    index += 1
                    keyEnd = index
                    continue
                }
                // Inner apostrophe (' or ’) or hyphen followed by a letter.
                let width = (b == 0xE2 && index + 2 < count && text[index + 1] == 0x80 && text[index + 2] == 0x99) ? 3 : (b == 0x27 || b == 0x2D ? 1 : 0)
                if width > 0, index + width < count, isLetter(text, index + width) {
                    index += width
                    continue
                }
                break
            }
            var possessive = false
            // `'s` at the end: the key is the word without it.
            if keyEnd - start > 3 {
                let last = text[keyEnd - 1]
                if last == 0x73 || last == 0x53 {
                    if text[keyEnd - 2] == 0x27 { possessive = true; keyEnd -= 2 }
                    else if keyEnd - start > 4, text[keyEnd - 2] == 0x99, text[keyEnd - 3] == 0x80, text[keyEnd - 4] == 0xE2 {
                        possessive = true; keyEnd -= 4
                    }
                }
            }
            var end = index
            // `s'` (Thomas'): an apostrophe right after.
            if !possessive, index < count, text[index] == 0x27, text[index - 1] == 0x73 { possessive = true; end = index + 1 }
            let folded = fold(text, start..<keyEnd)
            var capitalised = folded.firstUpper
            let hash = folded.hash
            let plainHash = folded.plain
            if !asciiOnly { upperCount = folded.upperCount; letters = folded.letters }
            var tailHash = hash
            var headHash = hash
            let word = UnsafeBufferPointer(rebasing: text[start..<keyEnd])
            if let hyphen = word.lastIndex(of: 0x2D) {
                tailHash = WordHash.of(UnsafeBufferPointer(rebasing: text[(start + hyphen + 1)..<keyEnd]))
                headHash = WordHash.of(UnsafeBufferPointer(rebasing: text[start..<(start + word.firstIndex(of: 0x2D)!)]))
            }
            // A lower-case letter and full stop ending the text is a sign-off's initial too
            // (`cheers, beryl w.`).
            // So are two at a line's start (`yours sincerely\nt. c. lewandowski`).
            let initial = letters == 1 && (capitalised || Self.endsText(text, afterStopAt: end) || Self.isLineInitial(text, start))
            // All capitals (NHS, PALS, MSK) are acronyms, not names; Mc/Mac/O' names have two capitals.
            if letters > 1 && upperCount == letters { capitalised = false }
            if initial, end < count, text[end] == 0x2E { end += 1 }
            // Only a word touching `@ . / _` can be in an address: the rest skip the test.
            let byteBefore = start > 0 ? text[start - 1] : 0x20
            let byteAfter = end < text.count ? text[end] : 0x20
            let inAddress = (isAddressByte(byteBefore) || isAddressByte(byteAfter)) && isInAddress(text, start..<end)
            tokens.append(NameToken(
                range: start..<end, hash: hash, plainHash: plainHash, tailHash: tailHash, headHash: headHash, capitalised: capitalised || initial, initial: initial,
                possessive: possessive, sentenceStart: sentenceStart, lineStart: lineStart,
                joinedToPrevious: !sawPunctuation && !tokens.isEmpty, punctuationBefore: sawPunctuation ? lastPunctuation : nil,
                inAddress: inAddress))
            index = end
            sentenceStart = false
            lineStart = false
            sawPunctuation = false
            lastPunctuation = nil
        }
    }

    @inline(__always) private static func isAddressByte(_ byte: UInt8) -> Bool {
        byte == 0x40 || byte == 0x2E || byte == 0x2F || byte == 0x5F
    }

    /// Whether the run of bytes without spaces around `word` is an address: it holds an `@`, a
    /// `/`, or a full stop before a lower-case letter or a digit (`nuh.nhs.uk`, not `J.Smith`).
    private static func isInAddress(_ text: UnsafeBufferPointer<UInt8>, _ word: Range<Int>) -> Bool {
        @inline(__always) func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }
        var start = word.lowerBound
        while start > 0, !isSpace(text[start - 1]) { start -= 1 }
        var end = word.upperBound
        while end < text.count, !isSpace(text[end]) { end += 1 }
        for index in start..<end {
            let byte = text[index]
            if byte == 0x40 || byte == 0x2F { return true }
            if byte == 0x2E, index + 1 < end, (0x61...0x7A).contains(text[index + 1]) || (0x30...0x39).contains(text[index + 1]) { return true }
        }
        return false
    }

    /// The hashes of a word lower-cased and without diacritics, whether its first letter is a
    /// capital, and how many capitals and letters it has. ’ counts as '. Latin letters fold by
    /// `LatinFold`; other scripts are hashed as written.
    static func fold(_ text: UnsafeBufferPointer<UInt8>, _ range: Range<Int>)
        -> (hash: UInt64, plain: UInt64, firstUpper: Bool, upperCount: Int, letters: Int)
    {
        var hash = WordHash.seed, plain = WordHash.seed
        var firstUpper = false, upperCount = 0, letters = 0
        @inline(__always) func mix(_ h: inout UInt64, _ byte: UInt8) { h = (h ^ UInt64(byte)) &* WordHash.prime }
        @inline(__always) func mixScalar(_ h: inout UInt64, _ value: UInt32) {
            if value < 0x80 { mix(&h, UInt8(value)) } else if value < 0x800 {
                mix(&h, UInt8(0xC0 | (value >> 6))); mix(&h, UInt8(0x80 | (value & 0x3F)))
            } else {
                mix(&h, UInt8(0xE0 | (value >> 12))); mix(&h, UInt8(0x80 | ((value >> 6) & 0x3F))); mix(&h, UInt8(0x80 | (value & 0x3F)))
            }
        }
        var index = range.lowerBound
        while index < range.upperBound {
            let byte = text[index]
            if byte < 0x80 {
                let isUpper = byte >= 0x41 && byte <= 0x5A
                if isUpper { upperCount += 1 }
                if letters == 0 { firstUpper = isUpper }
                if (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A { letters += 1 }
                let folded = WordHash.fold(byte)
                mix(&hash, folded); mix(&plain, folded)
                index += 1
                continue
            }
            // ’ reads as '.
            if byte == 0xE2, index + 2 < range.upperBound, text[index + 1] == 0x80, text[index + 2] == 0x99 {
                mix(&hash, 0x27); mix(&plain, 0x27)
                index += 3
                continue
            }
            let width = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : 2
            guard index + width <= range.upperBound else { break }
            var value = UInt32(byte) & (width == 2 ? 0x1F : width == 3 ? 0x0F : 0x07)
            for offset in 1..<width { value = (value << 6) | (UInt32(text[index + offset]) & 0x3F) }
            let isUpper: Bool
            if value >= LatinFold.first && value <= LatinFold.last {
                let slot = Int(value - LatinFold.first)
                isUpper = LatinFold.upper[slot] == 1
                mixScalar(&hash, UInt32(LatinFold.lower[slot]))
                mixScalar(&plain, UInt32(LatinFold.plain[slot]))
            } else {
                isUpper = Unicode.Scalar(value)?.properties.isUppercase ?? false
                for offset in 0..<width { mix(&hash, text[index + offset]); mix(&plain, text[index + offset]) }
            }
            if isUpper { upperCount += 1 }
            if letters == 0 { firstUpper = isUpper }
            letters += 1
            index += width
        }
        return (hash, plain, firstUpper, upperCount, letters)
    }

    /// Whether the byte at `index` starts or continues a letter. ASCII letters, and non-ASCII
    /// bytes other than the general punctuation block (U+2000–U+206F: dashes, quotes, ’).
    @inline(__always) static func isLetter(_ text: UnsafeBufferPointer<UInt8>, _ index: Int) -> Bool {
        let byte = text[index]
        if byte < 0x80 { return (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A }
        if byte == 0xE2, index + 1 < text.count, text[index + 1] == 0x80 || text[index + 1] == 0x81 { return false }
        if byte == 0xC2 { return false }  // Latin-1 punctuation and spaces (U+0080–U+00BF)
        if byte >= 0x80 && byte < 0xC0, index > 0, text[index - 1] == 0xC2 { return false }
        if byte >= 0x80 && byte < 0xC0, index > 1, text[index - 2] == 0xE2, text[index - 1] == 0x80 || text[index - 1] == 0x81 { return false }
        if byte >= 0xF0 { return false }  // emoji and other astral symbols
        if byte >= 0x80 && byte < 0xC0, index > 0 {
            // A continuation byte of a 4-byte sequence.
            var back = index - 1
            while back > 0 && text[back] >= 0x80 && text[back] < 0xC0 { back -= 1 }
            if text[back] >= 0xF0 { return false }
        }
        return true
    }

    /// True when the letter at `position` is one of two dotted letters opening a line, each
    /// with a full stop and a space after it (`t. c. lewandowski`).
    static func isLineInitial(_ text: UnsafeBufferPointer<UInt8>, _ position: Int) -> Bool {
        @inline(__always) func dotted(_ at: Int) -> Bool {
            at >= 0 && at + 2 < text.count && (0x61...0x7A).contains(text[at] | 0x20) && text[at + 1] == 0x2E && text[at + 2] == 0x20
        }
        @inline(__always) func opensLine(_ at: Int) -> Bool { at == 0 || text[at - 1] == 0x0A }
        if opensLine(position) { return dotted(position) && dotted(position + 3) }
        return position >= 3 && opensLine(position - 3) && dotted(position - 3) && dotted(position)
    }

    /// True when `text[position]` is a full stop with nothing but white space after it.
    static func endsText(_ text: UnsafeBufferPointer<UInt8>, afterStopAt position: Int) -> Bool {
        guard position < text.count, text[position] == 0x2E else { return false }
        return text[(position + 1)...].allSatisfy { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
    }
}
