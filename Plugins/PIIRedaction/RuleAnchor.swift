import GatehouseCore

/// Where a rule's matches can be: near a digit, near a given byte, near one of some words, or at
/// the end of the text.
///
/// With `max_length` (an upper bound on a match's length in bytes) a rule runs only in the
/// windows of the text around its anchors, instead of being tried at every position. Most UK
/// identifiers contain a digit and most prose has few, so this is the plugin's main speed-up.
/// The windows are exact: a match that contains an anchor byte and is no longer than
/// `max_length` always lies inside one.
enum RuleAnchor: Sendable, Equatable {
    /// Every match contains at least this many ASCII digits (`anchor: digit`, and `min_digits`
    /// when more than one): the windows are only where that many lie within `max_length` bytes,
    /// so the short numbers of prose (`7 weeks`, `42 pounds`) cost a rule needing ten nothing.
    case digits(Int)
    /// Every match contains this byte (`@` for e-mail).
    case byte(UInt8)
    /// Every match contains one of these words, whole, in any case (`anchor: word` with
    /// `anchor_words: [dot, gmail, hotmail]`).
    case words(AnchorWords)
    /// Every match ends at the end of the text, give or take trailing white space.
    case end

    init?(fields: RuleFields, maxLength: Int) throws {
        // 0: not given (the key's range starts at 1).
        let minDigits = try fields.int("min_digits", default: 0, in: 1...10_000)
        let words = try fields.stringList("anchor_words")
        guard let value = try fields.optionalString("anchor") else {
            if minDigits > 0 { throw fields.error("min_digits", "min_digits needs anchor: digit") }
            if !words.isEmpty { throw fields.error("anchor_words", "anchor_words needs anchor: word") }
            return nil
        }
        if value == "word" {
            guard !words.isEmpty else { throw fields.error("anchor_words", "anchor: word needs anchor_words, a list of words") }
            for word in words where word.utf8.count < 2 || word.utf8.count > 63
                || !word.utf8.allSatisfy({ (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) }) {
                throw fields.error("anchor_words", "'\(word)' is not a word of 2 to 63 ASCII letters")
            }
            if minDigits > 0 { throw fields.error("min_digits", "min_digits needs anchor: digit, not 'word'") }
            self = .words(AnchorWords(words))
            return
        }
        if !words.isEmpty { throw fields.error("anchor_words", "anchor_words needs anchor: word, not '\(value)'") }
        if value != "digit", minDigits > 0 { throw fields.error("min_digits", "min_digits needs anchor: digit, not '\(value)'") }
        if maxLength > 0, minDigits > maxLength {
            throw fields.error("min_digits", "a match of at most max_length \(maxLength) bytes cannot hold \(minDigits) digits")
        }
        switch value {
        case "digit": self = .digits(max(minDigits, 1))
        case "end": self = .end
        default:
            guard value.utf8.count == 1, let byte = value.utf8.first, byte < 0x80 else {
                throw fields.error("anchor", "expected digit, end, word, or a single ASCII character, found '\(value)'")
            }
            self = .byte(byte)
        }
    }

    /// Why `match` could lie outside every window (too long, or without the anchor), or nil
    /// when the promise holds.
    func brokenPromise(by match: UnsafeBufferPointer<UInt8>, maxLength: Int) -> String? {
        if match.count > maxLength { return "is \(match.count) bytes, longer than max_length \(maxLength)" }
        switch self {
        case .digits(let needed):
            let digits = match.count { $0 &- 0x30 < 10 }
            return digits < needed ? "holds \(digits) digit\(digits == 1 ? "" : "s"), fewer than \(needed == 1 ? "the one anchor: digit" : "min_digits \(needed)") needs" : nil
        case .byte(let byte):
            return match.contains(byte) ? nil : "does not hold the anchor '\(String(UnicodeScalar(byte)))'"
        case .words(let words):
            return AnchorIndex.words(in: match, among: words).isEmpty ? "holds none of the anchor_words" : nil
        case .end:
            return nil
        }
    }

    /// The byte ranges of the text in which a match of at most `maxLength` bytes can lie,
    /// sorted, disjoint, on character boundaries, in `windows` (emptied first, so one array
    /// serves every rule). Empty when the anchor is absent.
    func windows(_ index: AnchorIndex, maxLength: Int, into windows: inout [Range<Int>]) {
        let text = index.text
        windows.removeAll(keepingCapacity: true)
        func add(_ anchorStart: Int, _ anchorEnd: Int) {
            var start = max(0, anchorStart - maxLength)
            while start > 0, text[start] & 0xC0 == 0x80 { start -= 1 }
            var end = min(text.count, anchorEnd + maxLength)
            while end < text.count, text[end] & 0xC0 == 0x80 { end += 1 }
            if let last = windows.last, start <= last.upperBound {
                windows[windows.count - 1] = last.lowerBound..<max(last.upperBound, end)
            } else {
                windows.append(start..<end)
            }
        }
        switch self {
        case .digits(1):
            for run in index.digitRuns { add(run.lowerBound, run.upperBound) }
        case .digits(let needed):
            // A match holds `needed` digits that are consecutive among the text's digits; the
            // first and last of them are less than maxLength bytes apart. Two cursors walk the
            // digits `needed - 1` apart.
            var first = DigitCursor(index.digitRuns)
            var last = first
            for _ in 1..<needed where !last.isAtEnd { last.advance() }
            while !last.isAtEnd {
                if last.position - first.position < maxLength { add(first.position, last.position + 1) }
                first.advance()
                last.advance()
            }
        case .byte(let byte):
            for position in index.positions(of: byte) { add(position, position + 1) }
        case .words(let words):
            for word in index.anchorWords where words.hashes.contains(word.hash) { add(word.range.lowerBound, word.range.upperBound) }
        case .end:
            add(index.endOfContent, text.count)
        }
    }
}

/// The digits of a text one by one, in order, read from its runs of digits.
private struct DigitCursor {
    let runs: [Range<Int>]
    var run = 0
    /// The digit's byte offset; meaningless at the end.
    var position: Int

    init(_ runs: [Range<Int>]) {
        self.runs = runs
        position = runs.first?.lowerBound ?? 0
    }

    var isAtEnd: Bool { run == runs.count }

    mutating func advance() {
        position += 1
        if position == runs[run].upperBound {
            run += 1
            if run < runs.count { position = runs[run].lowerBound }
        }
    }
}

/// Where the anchors are in one text, found in one pass and shared by every rule.
struct AnchorIndex {
    let text: UnsafeBufferPointer<UInt8>
    /// Runs of ASCII digits.
    private(set) var digitRuns: [Range<Int>] = []
    /// The end of the text without its trailing white space.
    let endOfContent: Int
    /// Where each byte that was asked for is, in the order they were asked for.
    private var bytes: [[Int]]
    private let wanted: [UInt8]
    /// The words of the text that some rule anchors on (`anchor: word`), in order.
    private(set) var anchorWords: [(range: Range<Int>, hash: UInt64)] = []

    init(_ text: UnsafeBufferPointer<UInt8>, bytes wanted: [UInt8], words wantedWords: AnchorWords? = nil) {
        self.text = text
        self.wanted = wanted
        if let wantedWords { anchorWords = Self.words(in: text, among: wantedWords) }
        // Which ASCII bytes are wanted, as a 128-bit mask tested for every byte of the text (a
        // search of `wanted` and a dictionary insert per byte were a thirtieth of a PII scan).
        var low: UInt64 = 0
        var high: UInt64 = 0
        for byte in wanted where byte < 0x80 {
            if byte < 64 { low |= 1 << UInt64(byte) } else { high |= 1 << UInt64(byte - 64) }
        }
        var positions = [[Int]](repeating: [], count: wanted.count)
        var runStart = -1
        var index = 0
        let count = text.count
        // Eight bytes at a time past words with no digit and none of (at most four) wanted
        // bytes, outside a run of digits (most of any text); a word that may hold one is read
        // byte by byte.
        let skips = wanted.count <= 4
        while index < count {
            if runStart < 0, skips, index + 8 <= count {
                let word = ByteWord.load(text, at: index)
                var mayHold = ByteWord.mayHoldDigit(word)
                for byte in wanted where !mayHold { mayHold = ByteWord.mayHold(byte, word) }
                if !mayHold {
                    index += 8
                    continue
                }
            }
            let byte = text[index]
            if byte &- 0x30 < 10 {
                if runStart < 0 { runStart = index }
            } else {
                if runStart >= 0 {
                    digitRuns.append(runStart..<index)
                    runStart = -1
                }
                if byte < 0x80, (byte < 64 ? low >> UInt64(byte) : high >> UInt64(byte - 64)) & 1 != 0,
                    let slot = wanted.firstIndex(of: byte)
                {
                    positions[slot].append(index)
                }
            }
            index += 1
        }
        if runStart >= 0 { digitRuns.append(runStart..<count) }
        bytes = positions
        var last = count
        while last > 0, text[last - 1] == 0x20 || text[last - 1] == 0x09 || text[last - 1] == 0x0A || text[last - 1] == 0x0D {
            last -= 1
        }
        endOfContent = last
    }

    func positions(of byte: UInt8) -> [Int] { wanted.firstIndex(of: byte).map { bytes[$0] } ?? [] }

    /// The words of `wanted` in `text`: runs of ASCII letters, whole (a run that touches a
    /// non-ASCII byte or a digit is part of a longer word), in any case, with their `WordHash`. Only a run
    /// whose first two letters and length some wanted word has is hashed and compared: one pass
    /// of compares over the text, a hash for a few words in a hundred.
    static func words(in text: UnsafeBufferPointer<UInt8>, among wanted: AnchorWords) -> [(range: Range<Int>, hash: UInt64)] {
        var words: [(range: Range<Int>, hash: UInt64)] = []
        var index = 0
        let count = text.count
        @inline(__always) func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) &- 0x61 < 26 }
        // Neither a digit (`1st`, `3rd` hold no word `st`, `rd`) nor a byte of a non-ASCII letter.
        @inline(__always) func isWordEdge(_ byte: UInt8) -> Bool { byte < 0x80 && byte &- 0x30 >= 10 }
        while index < count {
            guard isLetter(text[index]) else { index += 1; continue }
            let start = index
            index += 1
            while index < count, isLetter(text[index]) { index += 1 }
            let length = index - start
            guard length >= 2, length < 64,
                  wanted.mayHold(first: text[start], second: text[start + 1], length: length),
                  start == 0 || isWordEdge(text[start - 1]), index == count || isWordEdge(text[index])
            else { continue }
            let hash = WordHash.of(UnsafeBufferPointer(rebasing: text[start..<index]))
            if wanted.hashes.contains(hash) { words.append((start..<index, hash)) }
        }
        return words
    }
}

/// The words an `anchor: word` rule runs near: their hashes, and which lengths each pair of
/// first letters has among them, which lets the scan pass over most words of a text without
/// hashing them. One letter words are never anchors.
///
/// A class, so that `RuleAnchor.words` holds one plain reference: as a two-array struct, its
/// second array's pointer lay where the enum keeps its case in spare bits, and LeakSanitizer
/// (the fuzzers) no longer saw it as a pointer and reported the array leaked.
final class AnchorWords: Sendable, Equatable {
    static func == (left: AnchorWords, right: AnchorWords) -> Bool {
        left.hashes == right.hashes && left.pairLengths == right.pairLengths
    }

    let hashes: [UInt64]
    /// For each pair of first letters (26 × 26), bit `n` for each length `n` of a word starting so.
    private let pairLengths: [UInt64]

    /// `words`: ASCII letters only (the rule loader checks), any case.
    convenience init(_ words: some Sequence<String>) {
        var hashes = Set<UInt64>()
        var pairLengths = [UInt64](repeating: 0, count: 26 * 26)
        for word in words {
            let bytes = Array(word.utf8)
            guard bytes.count >= 2, bytes.count < 64 else { continue }
            hashes.insert(WordHash.of(bytes))
            pairLengths[Self.pair(bytes[0], bytes[1])] |= 1 << UInt64(bytes.count)
        }
        self.init(hashes: hashes.sorted(), pairLengths: pairLengths)
    }

    @inline(__always) private static func pair(_ first: UInt8, _ second: UInt8) -> Int {
        Int((first | 0x20) &- 0x61) * 26 + Int((second | 0x20) &- 0x61)
    }

    /// Whether a word of `length` letters starting with `first` and `second` may be one of them.
    @inline(__always) func mayHold(first: UInt8, second: UInt8, length: Int) -> Bool {
        pairLengths[Self.pair(first, second)] >> UInt64(length) & 1 != 0
    }

    /// Both sets of words together.
    func union(_ other: AnchorWords) -> AnchorWords {
        AnchorWords(hashes: Array(Set(hashes).union(other.hashes)).sorted(), pairLengths: zip(pairLengths, other.pairLengths).map { $0 | $1 })
    }

    private init(hashes: [UInt64], pairLengths: [UInt64]) {
        self.hashes = hashes
        self.pairLengths = pairLengths
    }
}
