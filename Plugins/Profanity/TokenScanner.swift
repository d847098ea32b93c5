/// Splits the matching form into words, decodes each word's obfuscations and looks it up.
///
/// Works on raw buffers with fixed scratch space: nothing is allocated per word.
struct TokenScanner {
    /// Which obfuscations a match went through; shown in explanations.
    struct Evasions: OptionSet, CustomStringConvertible {
        let rawValue: UInt8
        static let leet = Evasions(rawValue: 1)
        static let masked = Evasions(rawValue: 2)
        static let separated = Evasions(rawValue: 4)
        static let stretched = Evasions(rawValue: 8)
        static let compound = Evasions(rawValue: 16)
        static let hidden = Evasions(rawValue: 32)
        /// Only the first letter shown, the rest masked (`f***`, `c***`): read as the listed word
        /// of that letter and length, unless written as a withheld name (`Mr B***`).
        static let initialOnly = Evasions(rawValue: 64)

        var description: String {
            var names: [String] = []
            if contains(.leet) { names.append("leetspeak") }
            if contains(.initialOnly) {
                names.append("all but its first letter masked")
            } else if contains(.masked) {
                names.append("masked letters")
            }
            if contains(.separated) { names.append("separated letters") }
            if contains(.stretched) { names.append("repeated letters") }
            if contains(.compound) { names.append("inside a compound") }
            if contains(.hidden) { names.append("look-alike or invisible characters") }
            return names.isEmpty ? "" : " (" + names.joined(separator: ", ") + ")"
        }
    }

    /// A listed form found at `range` of the matching form.
    struct Match {
        var form: Int
        var range: Range<Int>
        /// The decoded word, lower case.
        var token: [UInt8]
        var evasions: Evasions
    }

    // Character classes of the matching form.
    private static let separator: UInt8 = 0
    private static let letter: UInt8 = 1
    private static let digit: UInt8 = 2
    private static let symbol: UInt8 = 3
    private static let maskClass: UInt8 = 4

    private static let mask = UInt8(ascii: "*")
    /// How many masks may follow a word's one shown letter (`f***`, `b******`): fewer are a
    /// grade or a footnote (`A**`).
    static let initialMasks = 3...7
    /// Words longer than this are not looked up (no listed word is anywhere near it).
    static let longestWord = 48

    /// Class and leetspeak letter for each byte, in one table: `class << 8 | letter`.
    private static let table: [UInt16] = (0...255).map { value in
        let byte = UInt8(value)
        let leet: UInt8
        switch byte {
        case UInt8(ascii: "4"), UInt8(ascii: "@"): leet = UInt8(ascii: "a")
        case UInt8(ascii: "8"): leet = UInt8(ascii: "b")
        case UInt8(ascii: "3"): leet = UInt8(ascii: "e")
        case UInt8(ascii: "9"): leet = UInt8(ascii: "g")
        case UInt8(ascii: "1"), UInt8(ascii: "!"), UInt8(ascii: "|"): leet = UInt8(ascii: "i")
        case UInt8(ascii: "0"): leet = UInt8(ascii: "o")
        case UInt8(ascii: "5"), UInt8(ascii: "$"): leet = UInt8(ascii: "s")
        case UInt8(ascii: "7"), UInt8(ascii: "+"): leet = UInt8(ascii: "t")
        case UInt8(ascii: "("), UInt8(ascii: "<"): leet = UInt8(ascii: "c")
        default: leet = 0
        }
        let kind: UInt8
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"): kind = letter
        case UInt8(ascii: "0")...UInt8(ascii: "9"): kind = digit
        case UInt8(ascii: "@"), UInt8(ascii: "$"), UInt8(ascii: "!"), UInt8(ascii: "|"), UInt8(ascii: "+"), UInt8(ascii: "("),
             UInt8(ascii: "<"): kind = symbol
        case UInt8(ascii: "*"), UInt8(ascii: "#"), UInt8(ascii: "%"): kind = maskClass
        default: kind = separator
        }
        return UInt16(kind) << 8 | UInt16(kind == letter ? byte | 0x20 : leet)
    }

    /// The lower-case letter `byte` stands for inside a word, a leetspeak digit or symbol's too
    /// (`c0w`, `<ow`); 0 for none.
    @inline(__always)
    static func letter(of byte: UInt8) -> UInt8 { UInt8(truncatingIfNeeded: table[Int(byte)]) }

    /// The letter `byte` may stand for besides `letter(of:)`: `u` for v and 4 (fvck, F4ck), `l`
    /// for 1, ! and | (bo11ocks, bol!ocks); 0 for none.
    @inline(__always)
    static func otherLetter(of byte: UInt8) -> UInt8 {
        switch byte {
        case UInt8(ascii: "v"), UInt8(ascii: "V"), UInt8(ascii: "4"): UInt8(ascii: "u")
        case UInt8(ascii: "1"), UInt8(ascii: "!"), UInt8(ascii: "|"): UInt8(ascii: "l")
        default: 0
        }
    }

    /// Whether `byte` masks a letter: `*`, `#` or `%`.
    @inline(__always)
    static func isMask(_ byte: UInt8) -> Bool { UInt8(truncatingIfNeeded: table[Int(byte)] >> 8) == maskClass }

    /// The symbols that stand for a letter at a word's edge too (`+w4t`, `spa<`, `sh!+`), where
    /// other symbols are punctuation.
    @inline(__always)
    private static func isEdgeLetter(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "+") || byte == UInt8(ascii: "<") || byte == UInt8(ascii: "(")
    }

    /// What may stand between the letters of `f u c k`, `f.u.c.k`, `f-u-c-k`, `f_u_c_k`.
    @inline(__always)
    private static func isJoiner(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
            || byte == UInt8(ascii: "/")
    }

    /// Calls `found` for each listed word in `chars`, in order.
    static func scan(_ chars: UnsafeBufferPointer<UInt8>, list: WordList, _ found: (Match) -> Void) {
        let scratch = UnsafeMutablePointer<UInt8>.allocate(capacity: 3 * longestWord)
        defer { scratch.deallocate() }
        table.withUnsafeBufferPointer { table in
            list.withFilters { filter, compoundStarts in
              withUnsafePointer(to: list) { list in
                var context = Context(
                    chars: chars, table: table, listPointer: list, filter: filter, compoundStarts: compoundStarts,
                    decoded: scratch, letters: scratch + longestWord, runs: scratch + 2 * longestWord)
                context.run(found)
              }
            }
        }
    }

    private struct Context {
        let chars: UnsafeBufferPointer<UInt8>
        let table: UnsafeBufferPointer<UInt16>
        /// The word list, by address: a copy of the struct in each call would retain its arrays.
        let listPointer: UnsafePointer<WordList>
        @inline(__always) var list: WordList { _read { yield listPointer.pointee } }
        /// WordList's hash filter and compound bigram table, read without touching the list.
        let filter: UnsafeBufferPointer<UInt64>
        let compoundStarts: UnsafeBufferPointer<Bool>
        let decoded: UnsafeMutablePointer<UInt8>
        let letters: UnsafeMutablePointer<UInt8>
        let runs: UnsafeMutablePointer<UInt8>
        /// Start of the first and end of the last single character in the current run of them.
        var singlesStart = -1
        var singlesEnd = -1
        var singlesCount = 0
        /// The joiner between the first two singles, the start of the second, and whether a
        /// later joiner differs from the first: "a p_r_i_c_k" is the word "a", then p_r_i_c_k.
        var firstJoiner: UInt8 = 0
        var secondSingleStart = -1
        /// The last word of up to four characters that matched nothing, for the next one to be
        /// read together with it across one `.`, `-` or `_` (f.uck, sh.it, f-ck: fck).
        var shortWord: Range<Int>?
        /// The short word a run of singles began right after, across one mark (`fuc.k`): read
        /// with the single when the run stays one single long.
        var wordBeforeSingles: Range<Int>?

        @inline(__always)
        func kind(_ position: Int) -> UInt8 { UInt8(truncatingIfNeeded: table[Int(chars[position])] >> 8) }

        mutating func run(_ found: (Match) -> Void) {
            let count = chars.count
            var index = 0
            while index < count {
                while index < count, kind(index) == TokenScanner.separator { index += 1 }
                guard index < count else { break }
                var start = index
                // Fast path: a word of plain letters whose collapsed shape is not in the hash
                // filter, holds no compound root's first two letters and no v (fvck) is clean,
                // and needs no decoding. Most words end here.
                var plainLetters = true
                var hash: UInt64 = 0xcbf2_9ce4_8422_2325
                var previous: UInt8 = 0
                var mayBeListed = false
                while index < count {
                    let entry = table[Int(chars[index])]
                    let kind = UInt8(truncatingIfNeeded: entry >> 8)
                    if kind == TokenScanner.separator { break }
                    if kind == TokenScanner.letter {
                        let letter = UInt8(truncatingIfNeeded: entry)
                        if letter != previous {
                            if previous != 0, compoundStarts[WordList.bigram(previous, letter)] { mayBeListed = true }
                            hash = (hash ^ UInt64(letter)) &* 0x100_0000_01b3
                            previous = letter
                        }
                        if letter == UInt8(ascii: "v") { mayBeListed = true }
                    } else {
                        plainLetters = false
                    }
                    index += 1
                }
                if plainLetters, index - start >= 2, !mayBeListed, !WordList.mayContain(hash, filter: filter) {
                    let single = lastSingle
                    flushSingles(found)
                    readSplit(start..<index, after: single, found)
                    continue
                }
                var end = index
                let whole = start..<end
                // Punctuation at the edges is not part of the word ("shit!", "!!hello"); $ and @ lead "$hit",
                // "@ss"; $ (or $$), +, < and ( end "p1s$", "pi$$", "sh!+", "spa<" (no sentence's punctuation ends so).
                while start < end, kind(end - 1) >= TokenScanner.symbol,
                      !(chars[end - 1] == UInt8(ascii: "$") && end - start >= 3
                          && (kind(end - 2) != TokenScanner.symbol || chars[end - 2] == UInt8(ascii: "$"))),
                      !(TokenScanner.isEdgeLetter(chars[end - 1]) && end - start >= 3),
                      !endsInMaskedLetters(start..<end) {
                    end -= 1
                }
                while start < end, kind(start) == TokenScanner.maskClass
                    || (kind(start) == TokenScanner.symbol && chars[start] != UInt8(ascii: "$") && chars[start] != UInt8(ascii: "@")) {
                    start += 1
                }
                // A lone leet symbol is a letter of a separated word: c.r.@.p, d_1_c_k.
                if whole.count == 1, kind(whole.lowerBound) == TokenScanner.symbol, table[Int(chars[whole.lowerBound])] & 0xFF != 0 {
                    start = whole.lowerBound
                    end = whole.upperBound
                }
                guard start < end else { continue }
                // Letters with a mask between each pair (f*v*c*k, a*r*s*e*h*o*l*e, +*u*r*d): a separated
                // word; else the masks stand for letters (b*t#h, f#c#i*g).
                if let spelt = maskSeparated(start..<end, whole: whole) {
                    flushSingles(found)
                    shortWord = nil
                    if let match = check(spelt, separated: true, masksSeparate: true) ?? check(start..<end, separated: false) {
                        found(match)
                    }
                    continue
                }
                if end - start == 1 {
                    if singlesCount > 0, !joinable(from: singlesEnd, to: start) { flushSingles(found) }
                    if singlesCount == 0 {
                        singlesStart = start
                        wordBeforeSingles = shortWord
                        shortWord = nil
                    }
                    if singlesCount == 1 { firstJoiner = chars[singlesEnd]; secondSingleStart = start }
                    if singlesCount == 2, chars[singlesEnd] != firstJoiner {
                        // The first single was a word of its own ("a", "I") before a separated word.
                        singlesStart = secondSingleStart
                        singlesCount = 1
                        firstJoiner = chars[singlesEnd]
                        secondSingleStart = start
                    }
                    singlesEnd = end
                    singlesCount += 1
                    continue
                }
                let single = lastSingle
                flushSingles(found)
                if let match = check(start..<end, separated: false) ?? leadingLeetMatch(start..<end, word: whole)
                    ?? trailingLeetMatch(start..<end, word: whole) {
                    found(match)
                    shortWord = nil
                } else {
                    readSplit(start..<end, after: single, found)
                }
            }
            flushSingles(found)
        }

        /// The last single of the current run of them: a split word's first piece (`f-ck`, `f.uck`).
        private var lastSingle: Range<Int>? { singlesCount >= 1 ? (singlesEnd - 1)..<singlesEnd : nil }

        /// A word that matched nothing read as the second piece of a split word, after `single`
        /// or the short word before it; else kept as a short word for the next one.
        private mutating func readSplit(_ word: Range<Int>, after single: Range<Int>?, _ found: (Match) -> Void) {
            if let before = single ?? shortWord, let match = splitWordMatch(before, word) {
                found(match)
                shortWord = nil
            } else {
                shortWord = word.count <= 4 ? word : nil
            }
        }

        /// The word with the +, < or ( taken off its front read back as its first letter (`+w4t`,
        /// `<o(k`): tried only when the word without it is nothing, as `(crap)` opens a bracket.
        private func leadingLeetMatch(_ positions: Range<Int>, word: Range<Int>) -> Match? {
            guard positions.lowerBound > word.lowerBound else { return nil }
            guard TokenScanner.isEdgeLetter(chars[positions.lowerBound - 1]) else { return nil }
            return check((positions.lowerBound - 1)..<positions.upperBound, separated: false)
        }

        /// The word with the !, | or @ taken off its end read back as its last letter (`pak!`,
        /// `kurw@`): tried only when the word without it is nothing, as `crap!` ends a sentence.
        private func trailingLeetMatch(_ positions: Range<Int>, word: Range<Int>) -> Match? {
            guard positions.upperBound < word.upperBound, positions.count >= 2 else { return nil }
            let last = chars[positions.upperBound]
            guard last == UInt8(ascii: "!") || last == UInt8(ascii: "|") || last == UInt8(ascii: "@") else { return nil }
            return check(positions.lowerBound..<(positions.upperBound + 1), separated: false)
        }

        /// Two short pieces with one `.`, `-` or `_` between them, read as one word with the
        /// mark dropped: `f.uck`, `fu.ck`, `sh.it`, and `f-ck`, `f_ck` as the listed `fck`.
        /// Each piece is four characters or fewer, so `x-ray` or `e.g.` stay what they are.
        private func splitWordMatch(_ first: Range<Int>, _ second: Range<Int>) -> Match? {
            guard second.lowerBound == first.upperBound + 1, second.count <= 4, first.count <= 4, first.count + second.count >= 3
            else { return nil }
            let mark = chars[first.upperBound]
            guard mark == UInt8(ascii: ".") || mark == UInt8(ascii: "-") || mark == UInt8(ascii: "_") else { return nil }
            return check(first.lowerBound..<second.upperBound, separated: true)
        }

        /// A postcode's first half (one or two letters, one or two digits) with its second half
        /// after a space (TA19 8YS): not leetspeak (TA19 is no `taig`). Alone, such a word may
        /// be (a w09, a g17, kn08).
        private func isPostcodeDistrict(_ positions: Range<Int>) -> Bool {
            guard (2...4).contains(positions.count) else { return false }
            var letters = 0
            var digits = 0
            for position in positions {
                if kind(position) == TokenScanner.digit {
                    digits += 1
                } else if kind(position) == TokenScanner.letter && digits == 0 {
                    letters += 1
                } else {
                    return false
                }
            }
            guard (1...2).contains(letters), (1...2).contains(digits) else { return false }
            // The second half: a space, a digit and two letters, then no letter or digit.
            let next = positions.upperBound
            guard next + 4 <= chars.count, chars[next] == 0x20, kind(next + 1) == TokenScanner.digit,
                  kind(next + 2) == TokenScanner.letter, kind(next + 3) == TokenScanner.letter
            else { return false }
            return next + 4 == chars.count || (kind(next + 4) != TokenScanner.letter && kind(next + 4) != TokenScanner.digit)
        }

        /// True when `positions` ends in one to three masks after two letters or more: the masks
        /// are the word's last letters (`sh**`, `bi***`), not an asterisk after it; or in three to
        /// seven masks after a word's one letter (`f***`, `w*****`).
        private func endsInMaskedLetters(_ positions: Range<Int>) -> Bool {
            var run = positions.upperBound
            while run > positions.lowerBound, kind(run - 1) == TokenScanner.maskClass { run -= 1 }
            let masks = positions.upperBound - run
            guard run > positions.lowerBound, kind(run - 1) == TokenScanner.letter else { return false }
            if run - 1 == positions.lowerBound || kind(run - 2) != TokenScanner.letter && kind(run - 2) != TokenScanner.digit {
                return TokenScanner.initialMasks.contains(masks)
            }
            return masks >= 1 && masks <= 3 && kind(run - 2) == TokenScanner.letter
        }

        /// The letters with a mask between each pair, `whole` when a leading +, < or ( is a letter
        /// of them (`+*u*r*d`).
        private func maskSeparated(_ positions: Range<Int>, whole: Range<Int>) -> Range<Int>? {
            if positions.lowerBound > whole.lowerBound, TokenScanner.isEdgeLetter(chars[whole.lowerBound]) {
                let spelt = whole.lowerBound..<positions.upperBound
                if isMaskSeparated(spelt) { return spelt }
            }
            return isMaskSeparated(positions) ? positions : nil
        }

        /// Every other character is a mask, the rest are not: f*u*c*k.
        private func isMaskSeparated(_ positions: Range<Int>) -> Bool {
            guard positions.count >= 5, positions.count % 2 == 1 else { return false }
            for (offset, position) in positions.enumerated() {
                let isMask = kind(position) == TokenScanner.maskClass
                if isMask != (offset % 2 == 1) { return false }
            }
            return true
        }

        private func joinable(from: Int, to: Int) -> Bool {
            let gap = to - from
            guard gap >= 1, gap <= 2 else { return false }
            for position in from..<to where !TokenScanner.isJoiner(chars[position]) { return false }
            return true
        }

        /// Three or more single characters in a row (`f u c k`) are checked as one word.
        @inline(__always)
        private mutating func flushSingles(_ found: (Match) -> Void) {
            defer {
                singlesCount = 0
                wordBeforeSingles = nil
            }
            // The last piece of a split word (fuc.k, shi-t, so_d).
            if singlesCount == 1, let word = wordBeforeSingles, let match = splitWordMatch(word, singlesStart..<singlesEnd) {
                found(match)
                return
            }
            guard singlesCount >= 3 else { return }
            if let match = check(singlesStart..<singlesEnd, separated: true) {
                found(match)
            } else if singlesCount >= 4, secondSingleStart > singlesStart, let match = check(secondSingleStart..<singlesEnd, separated: true) {
                // "a b e l l e n d": the first letter may be a word of its own.
                found(match)
            }
        }

        /// True if some pair of letters in the collapsed word starts a compound root.
        @inline(__always)
        private func mayHoldCompound(_ count: Int) -> Bool {
            guard count > 2 else { return false }
            for position in 0..<(count - 1) where compoundStarts[WordList.bigram(letters[position], letters[position + 1])] {
                return true
            }
            return false
        }

        /// A compound root inside the masked word with its masks as any letter (m0th3rf*cker):
        /// the root's letters all present or masked, at most half of them masked, or all but one
        /// when three letters or more of the word stand around the root and a letter ends it
        /// (`great***` is not `grea` and a masked `twat`).
        private func maskedCompoundMatch(length: Int) -> Int? {
            var best: Int?
            for index in list.compoundForms {
                let root = list.forms[index].word
                guard root.count >= 4, root.count < length else { continue }
                for start in 0...(length - root.count) {
                    var masks = 0
                    var matches = true
                    for offset in 0..<root.count {
                        let letter = decoded[start + offset]
                        if letter == TokenScanner.mask { masks += 1 } else if letter != root[offset] { matches = false; break }
                    }
                    // bull***t, mother***ker: the word around the root says what it is.
                    let masksAllowed = masks * 2 <= root.count
                        || masks < root.count && length - root.count >= 3 && masks * 2 <= length && decoded[length - 1] != TokenScanner.mask
                    if matches, masks >= 1, masksAllowed,
                       best.map({ list.forms[$0].severity < list.forms[index].severity }) ?? true {
                        best = index
                    }
                }
            }
            return best
        }

        /// A listed word, masked, at the end of a longer one (motherf***ers, dumbf**k): from each
        /// letter after a letter, the rest of the word read as a masked word, its masks at most
        /// half of it.
        private func maskedSuffixMatch(length: Int) -> Int? {
            guard length >= 5 else { return nil }
            for start in 1...(length - 4) where decoded[start] != TokenScanner.mask && decoded[start - 1] != TokenScanner.mask {
                var masks = 0
                for position in start..<length where decoded[position] == TokenScanner.mask { masks += 1 }
                guard masks >= 1 else { return nil }
                guard masks * 2 <= length - start else { continue }
                if let form = list.maskedMatch(UnsafeBufferPointer(start: decoded + start, count: length - start), mask: TokenScanner.mask) {
                    return form
                }
            }
            return nil
        }

        /// The listed form when each doubled letter is read as stretched.
        private func doubledLetterMatch(shapeCount: Int, hash: UInt64) -> Int? {
            var changed = false
            for position in 0..<shapeCount where runs[position] == 2 {
                runs[position] = 3
                changed = true
            }
            guard changed else { return nil }
            return shapeMatch(count: shapeCount, hash: hash)
        }

        /// Collapses `decoded[range]` into `letters` and `runs` (repeated letters become one
        /// letter with a run length); the shape's letter count and hash.
        private func collapse(_ range: Range<Int>) -> (count: Int, hash: UInt64) {
            var shapeCount = 0
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for index in range {
                let letter = decoded[index]
                if shapeCount > 0, letters[shapeCount - 1] == letter {
                    runs[shapeCount - 1] &+= 1
                } else {
                    letters[shapeCount] = letter
                    runs[shapeCount] = 1
                    shapeCount += 1
                    hash = (hash ^ UInt64(letter)) &* 0x100_0000_01b3
                }
            }
            return (shapeCount, hash)
        }

        /// The listed form the collapsed shape in `letters`/`runs` stands for, whole or as a
        /// compound root inside it; `exactOnlyIf` filters the whole-word match.
        private func shapeMatch(count: Int, hash: UInt64, exactOnlyIf: (WordForm) -> Bool = { _ in true }) -> Int? {
            let shape = TokenShape(letters: letters, runs: runs, count: count, hash: hash)
            if WordList.mayContain(hash, filter: filter), let exact = list.exactMatch(shape), exactOnlyIf(list.forms[exact]) {
                return exact
            }
            if mayHoldCompound(count), let inside = list.compoundMatch(shape) { return inside }
            return nil
        }

        /// A compound root in a stretch of the masked word with no mask (b*llshit, m***erfucker):
        /// the longest mask-free stretches, each at least four letters.
        private func unmaskedSegmentMatch(length: Int) -> Int? {
            var segmentStart = 0
            for position in 0...length {
                guard position == length || decoded[position] == TokenScanner.mask else { continue }
                defer { segmentStart = position + 1 }
                guard position - segmentStart >= 4 else { continue }
                let (count, hash) = collapse(segmentStart..<position)
                // A stretch that is a whole compound root (bul#shit) counts; the whole word does not.
                let isPart = segmentStart > 0 || position < length
                if let form = shapeMatch(count: count, hash: hash, exactOnlyIf: { isPart && $0.compound }) { return form }
            }
            return nil
        }

        /// The listed form the word stands for when its `v`s and `4`s are read as `u` (fvck, cvnt,
        /// F4ck), or its `1`s, `!`s and `|`s as `l` (bo11ocks, bol!ocks), or both, if it has any and
        /// the plain reading found nothing.
        private func variantMatch(_ positions: Range<Int>, length: Int, readsAsU: Bool, readsAsL: Bool) -> Int? {
            // Passes: u alone, l alone, both (no array literal: this runs for `10am` and `1st` too).
            for pass in 0..<3 {
                let (toU, toL) = (pass != 1, pass != 0)
                guard (!toU || readsAsU) && (!toL || readsAsL) else { continue }
                var index = 0
                for position in positions where index < length {
                    let byte = chars[position]
                    let kind = UInt8(truncatingIfNeeded: table[Int(byte)] >> 8)
                    if kind == TokenScanner.separator || (kind == TokenScanner.maskClass && decoded[index] != TokenScanner.mask) { continue }
                    // Each pass from the plain reading (`table`), not the last pass's.
                    let other = TokenScanner.otherLetter(of: byte)
                    if other != 0 {
                        let reads = other == UInt8(ascii: "u") ? toU : toL
                        decoded[index] = reads ? other : UInt8(truncatingIfNeeded: table[Int(byte)])
                    }
                    index += 1
                }
                let (count, hash) = collapse(0..<length)
                if let form = shapeMatch(count: count, hash: hash) { return form }
            }
            return nil
        }

        /// Decodes the word at `positions` (skipping separators when `separated`) and reports
        /// the most severe listed form it stands for.
        /// Takes no closure: a closure argument to a function that is not inlined retained every
        /// value it captures, for every word.
        @inline(never)
        private func check(_ positions: Range<Int>, separated: Bool, masksSeparate: Bool = false) -> Match? {
            guard positions.count <= TokenScanner.longestWord * (separated ? 3 : 1) else { return nil }
            if !separated, isPostcodeDistrict(positions) { return nil }
            var length = 0
            var shapeCount = 0
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            var realLetters = 0
            var evasions: Evasions = separated ? [.separated] : []
            var mayReadAsU = false
            var mayReadAsL = false
            for position in positions {
                let entry = table[Int(chars[position])]
                let kind = UInt8(truncatingIfNeeded: entry >> 8)
                var letter = UInt8(truncatingIfNeeded: entry)
                switch kind {
                case TokenScanner.letter:
                    realLetters += 1
                case TokenScanner.digit, TokenScanner.symbol:
                    guard letter != 0 else { return nil }
                    evasions.insert(.leet)
                case TokenScanner.maskClass:
                    if masksSeparate { continue }
                    evasions.insert(.masked)
                    letter = TokenScanner.mask
                default:
                    guard separated else { return nil }
                    continue
                }
                guard length < TokenScanner.longestWord else { return nil }
                switch TokenScanner.otherLetter(of: chars[position]) {
                case UInt8(ascii: "u"): mayReadAsU = true
                case UInt8(ascii: "l"): mayReadAsL = true
                default: break
                }
                decoded[length] = letter
                length += 1
                if shapeCount > 0, letters[shapeCount - 1] == letter {
                    runs[shapeCount - 1] &+= 1
                } else {
                    letters[shapeCount] = letter
                    runs[shapeCount] = 1
                    shapeCount += 1
                    hash = (hash ^ UInt64(letter)) &* 0x100_0000_01b3
                }
            }
            // A word needs a real letter: "2023" and "999" are numbers, not leetspeak.
            guard realLetters >= 1, length >= 2 else { return nil }
            let form: Int?
            if evasions.contains(.masked) {
                var masks = 0
                for position in 0..<length where decoded[position] == TokenScanner.mask { masks += 1 }
                guard decoded[0] != TokenScanner.mask else { return nil }
                if length - masks == 1 {
                    // A letter then masks only (`f***`): nobody masks an innocent word.
                    guard TokenScanner.initialMasks.contains(masks), !separated else { return nil }
                    evasions.insert(.initialOnly)
                } else if length - masks < 2 {
                    return nil
                }
                form = list.maskedMatch(UnsafeBufferPointer(start: decoded, count: length), mask: TokenScanner.mask)
                    ?? unmaskedSegmentMatch(length: length).map { evasions.insert(.compound); return $0 }
                    ?? maskedCompoundMatch(length: length).map { evasions.insert(.compound); return $0 }
                    ?? maskedSuffixMatch(length: length).map { evasions.insert(.compound); return $0 }
            } else {
                let shape = TokenShape(letters: letters, runs: runs, count: shapeCount, hash: hash)
                if WordList.mayContain(hash, filter: filter), let exact = list.exactMatch(shape) {
                    form = exact
                } else if mayHoldCompound(shapeCount), let inside = list.compoundMatch(shape) {
                    evasions.insert(.compound)
                    form = inside
                } else if separated, let doubled = doubledLetterMatch(shapeCount: shapeCount, hash: hash) {
                    // Spelt out letter by letter, a doubled letter is a slip or a stretch: b.b.o.l.l.o.c.k.s.
                    evasions.insert(.stretched)
                    form = doubled
                } else if mayReadAsU || mayReadAsL,
                          let variant = variantMatch(positions, length: length, readsAsU: mayReadAsU, readsAsL: mayReadAsL) {
                    evasions.insert(.leet)
                    form = variant
                } else {
                    form = nil
                }
                for position in 0..<shapeCount where runs[position] >= 3 {
                    evasions.insert(.stretched)
                    break
                }
            }
            guard let form else { return nil }
            return Match(form: form, range: positions, token: Array(UnsafeBufferPointer(start: decoded, count: length)), evasions: evasions)
        }
    }
}
