/// Finds the rules' phrases — insults and oaths of two or more words, each of them plain or
/// innocent alone (`useless cow`, `go f yourself`) — in a text's matching form (look-alikes
/// folded; ASCII text is its own matching form, so case is folded here). Words match whole, in
/// any case, leetspeak in any letter (`stupid c0w`, `go to he11`, `get st4ffed`, `d!cking me
/// around`, `5crew you`, `t!++!ng about`),
/// masks (* # %) in a word's letters after its first, up to half of them (`go to h*ll`,
/// `tit##ng about`), split by one to three
/// spaces, full stops, hyphens, underscores or apostrophes (`f. off`, `f - you`, `f'ing`).
struct PhraseMatcher: Sendable {
    struct Phrase: Sendable {
        /// Its words, lower-case ASCII letters.
        let words: [[UInt8]]
        /// The rule that lists it.
        let rule: Int
    }

    /// The phrases by the first letter of their first word (`a` is 0).
    private var byFirstLetter: [[Phrase]] = Array(repeating: [], count: 26)
    /// The hashes (`wordHash`) of the phrases' first words, and a bit for each one's low six
    /// bits: a word that starts no phrase is passed over for one test of a bit, mostly.
    private var openings: [UInt64] = []
    private var openingBits: UInt64 = 0
    private(set) var isEmpty = true

    mutating func add(_ words: [[UInt8]], rule: Int) {
        guard let first = words.first, let letter = first.first else { return }
        byFirstLetter[Int(letter &- 0x61)].append(Phrase(words: words, rule: rule))
        var hash = Self.seed
        for byte in first { hash = Self.mix(hash, byte) }
        if !openings.contains(hash) { openings.append(hash) }
        openingBits |= 1 << (hash & 63)
        isEmpty = false
    }

    /// FNV-1a over a word's lower-case letters.
    private static let seed: UInt64 = 0xcbf2_9ce4_8422_2325
    @inline(__always) private static func mix(_ hash: UInt64, _ byte: UInt8) -> UInt64 { (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }

    /// The byte with an ASCII capital lowered.
    @inline(__always) private static func lower(_ byte: UInt8) -> UInt8 { byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte }
    @inline(__always) private static func isLetter(_ byte: UInt8) -> Bool { lower(byte) >= 0x61 && lower(byte) <= 0x7A }
    @inline(__always) private static func isSeparator(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x2E || byte == 0x2D || byte == 0x5F || byte == 0x09 || byte == 0x27
    }

    /// Calls `found` with the range in `chars` and the rule of each phrase found, left to right;
    /// a phrase found is not searched inside again.
    func scan(_ chars: UnsafeBufferPointer<UInt8>, _ found: (Range<Int>, Int) -> Void) {
        guard !isEmpty else { return }
        let count = chars.count
        var index = 0
        while index < count {
            // The next word: a letter after no letter, digit or other script's letter, or a
            // digit or symbol read as one before a word's letters (`5crew you`, `+i++ing about`).
            var byte = Self.lower(chars[index])
            if !Self.isLetter(byte) {
                let letter = TokenScanner.letter(of: chars[index])
                guard letter != 0, leetRunEndsInWord(chars, from: index + 1) else {
                    index += 1
                    continue
                }
                byte = letter
            }
            // The word's letters, leetspeak after the first read as letters (`d!cking`, `scr3w`):
            // a digit as its letter, a symbol too where a letter or digit comes after it.
            // A mask inside it (`tit##ng about`) leaves the hash unknown: the word is then tried
            // against every phrase with its first letter and length.
            var hash = Self.mix(Self.seed, byte)
            var masked = false
            var end = index + 1
            while end < count {
                let next = chars[end]
                if next &- 0x61 < 26 {  // a lower-case letter, most bytes: nothing to look up
                    hash = Self.mix(hash, next)
                    end += 1
                    continue
                }
                let letter = TokenScanner.letter(of: next)
                if Self.isWordByte(next) {
                    hash = Self.mix(hash, letter == 0 ? next : letter)
                } else if letter != 0 || TokenScanner.isMask(next), leetRunEndsInWord(chars, from: end + 1) {
                    hash = Self.mix(hash, letter)
                    masked = masked || letter == 0
                } else {
                    break
                }
                end += 1
            }
            defer { index = end }
            if index > 0, Self.isWordByte(chars[index - 1]) { continue }
            guard masked || openingBits & (1 << (hash & 63)) != 0 && openings.contains(hash) else { continue }
            for phrase in byFirstLetter[Int(byte &- 0x61)] where !masked || phrase.words[0].count == end - index {
                if let phraseEnd = match(phrase.words, in: chars, at: index) {
                    found(index..<phraseEnd, phrase.rule)
                    end = phraseEnd
                    break
                }
            }
        }
    }

    /// True when the word goes on at `position`: a letter or digit there, or after up to three
    /// more symbols that read as letters or masks (`t!++!ng`).
    @inline(__always) private func leetRunEndsInWord(_ chars: UnsafeBufferPointer<UInt8>, from position: Int) -> Bool {
        var position = position
        for _ in 0..<4 {
            guard position < chars.count else { return false }
            let byte = chars[position]
            if Self.isWordByte(byte) { return true }
            guard TokenScanner.letter(of: byte) != 0 || TokenScanner.isMask(byte) else { return false }
            position += 1
        }
        return false
    }

    /// True for a byte that goes on a word: a letter, a digit, a byte of another script.
    @inline(__always) private static func isWordByte(_ byte: UInt8) -> Bool {
        isLetter(byte) || (byte >= 0x30 && byte <= 0x39) || byte >= 0x80
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
            // Past the first letter, leetspeak reads as letters (`useless c0w`, `rude <ow`), and
            // past a word's first letter a mask as any letter, for up to half of the word (`go to
            // h*ll`, `b##ls up`).
            var masks = 0
            for (offset, letter) in word.enumerated() where Self.lower(chars[position + offset]) != letter {
                let byte = chars[position + offset]
                if offset > 0, TokenScanner.isMask(byte) {
                    masks += 1
                    guard masks * 2 <= word.count else { return nil }
                } else {
                    // 1, ! and | are l as well as i (`go to he11`); v and 4 are u (`get st4ffed`).
                    guard TokenScanner.letter(of: byte) == letter || TokenScanner.otherLetter(of: byte) == letter else { return nil }
                }
            }
            position += word.count
            // Whole words: no letter, digit or other script's letter goes on.
            if position < chars.count, Self.isWordByte(chars[position]) { return nil }
        }
        return position
    }
}
