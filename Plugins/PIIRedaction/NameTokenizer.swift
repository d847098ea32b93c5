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
}

/// Splits UTF-8 text into words for name detection: letters (any non-ASCII byte counts as a
/// letter, apart from the general punctuation block), with inner apostrophes and hyphens kept
/// (`O'Brien`, `D’Souza`, `Smith-Jones`).
enum NameTokenizer {
    static func tokens(_ text: UnsafeBufferPointer<UInt8>, into tokens: inout [NameToken]) {
        tokens.removeAll(keepingCapacity: true)
        let count = text.count
        var index = 0
        var sentenceStart = true
        var lineStart = true
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
            let first = text[start]
            var capitalised: Bool
            var hash: UInt64
            var plainHash: UInt64
            if asciiOnly {
                capitalised = first >= 0x41 && first <= 0x5A
                hash = WordHash.of(UnsafeBufferPointer(rebasing: text[start..<keyEnd]))
                plainHash = hash
            } else {
                let word = String(decoding: UnsafeBufferPointer(rebasing: text[start..<keyEnd]), as: UTF8.self)
                capitalised = word.unicodeScalars.first?.properties.isUppercase ?? false
                let lower = word.lowercased()
                hash = WordHash.of(lower.utf8)
                plainHash = WordHash.of(lower.folding(options: .diacriticInsensitive, locale: nil).utf8)
                upperCount = word.unicodeScalars.filter(\.properties.isUppercase).count
            }
            var tailHash = hash
            if let hyphen = UnsafeBufferPointer(rebasing: text[start..<keyEnd]).lastIndex(of: 0x2D) {
                tailHash = WordHash.of(UnsafeBufferPointer(rebasing: text[(start + hyphen + 1)..<keyEnd]))
            }
            let initial = letters == 1 && capitalised
            // All capitals (NHS, PALS, MSK) are acronyms, not names; Mc/Mac/O' names have two capitals.
            if letters > 1 && upperCount == letters { capitalised = false }
            var isInitial = initial
            if initial, end < count, text[end] == 0x2E { end += 1; isInitial = true }
            tokens.append(NameToken(
                range: start..<end, hash: hash, plainHash: plainHash, tailHash: tailHash, capitalised: capitalised || initial, initial: isInitial,
                possessive: possessive, sentenceStart: sentenceStart, lineStart: lineStart,
                joinedToPrevious: !sawPunctuation && !tokens.isEmpty, punctuationBefore: sawPunctuation ? lastPunctuation : nil))
            index = end
            sentenceStart = false
            lineStart = false
            sawPunctuation = false
            lastPunctuation = nil
        }
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
}
