import GatehouseCore

/// The keys a fingerprint is made under, derived once from the gateway's secret.
struct FingerprintKeys: Sendable {
    /// HMAC-SHA256 for the exact hash (and contributor pseudonyms).
    let hasher: KeyedHasher
    /// Keyed values of the MinHash bins and their band keys.
    let bins: SipHash
    /// Keyed sentence hashes and sketch bytes.
    let sentences: SipHash

    init(_ hasher: KeyedHasher) {
        self.hasher = hasher
        bins = hasher.sipHash(domain: "duplicate.bins")
        sentences = hasher.sipHash(domain: "duplicate.sentences")
    }
}

/// The fingerprints of one text: its canonical form's keyed hash, a MinHash signature over
/// character 5-grams with its LSH band keys, and a mark for each sentence.
///
/// The canonical form folds what does not make a text new: case, accents, full-width and
/// look-alike letters, zero-width characters, punctuation and white space. MinHash is
/// one-permutation hashing (one hash per shingle, the minimum kept in each of 64 bins, empty
/// bins filled from their neighbours).
///
/// Which shingle wins a bin is decided by an unkeyed hash; only the winner's value is keyed
/// (SipHash under the secret). Two texts therefore agree in the same bins whatever the key,
/// and every decision made from the fingerprints is the same under any key, while the stored
/// values say nothing about the text to anyone without it.
struct TextFingerprint {
    static let bins = 64
    static let bands = 16
    static let rows = 4
    /// Sentences marked one by one; the rest of a longer text is one last mark.
    static let maxSentences = 48

    /// Keyed hash of the canonical text: equal for exact repeats.
    var exact: UInt64
    /// Words in the canonical text.
    var words: Int
    /// The MinHash signature; empty when the text is too short to compare for near-duplicates.
    var signature: [UInt32]
    /// One key per band of `rows` signature values.
    var bandKeys: [UInt64]
    /// The marks of its sentences (empty with the signature, and for a text of one sentence).
    var sentences: [SentenceMark]

    /// Fingerprints `text`; near-duplicate fingerprints only when it has `minWords` words.
    init(_ text: String, shingle: Int, minWords: Int, keys: FingerprintKeys) {
        var copy = text
        let (canonical, breaks, terminated) = copy.withUTF8 { Self.canonical($0) }
        words = canonical.isEmpty ? 0 : canonical.reduce(1) { $0 + ($1 == 0x20 ? 1 : 0) }
        exact = keys.hasher.hash64(canonical, domain: "duplicate.exact")
        guard words >= minWords, canonical.count >= shingle else {
            signature = []
            bandKeys = []
            sentences = []
            return
        }
        let signature = canonical.withUnsafeBufferPointer { Self.minHash($0, shingle: shingle, key: keys.bins) }
        self.signature = signature
        bandKeys = (0..<Self.bands).map { band in
            var key = UInt64(band) &* 0x9E37_79B9_7F4A_7C15
            for row in 0..<Self.rows { key = Self.mix(key ^ UInt64(signature[band * Self.rows + row])) }
            return key
        }
        // A text of one sentence is compared as a whole (its signature says all its mark would):
        // no mark, and nothing in the index's sentence table.
        sentences = breaks.isEmpty ? [] :
            canonical.withUnsafeBufferPointer { Self.marks($0, breaks: breaks, openEnded: !terminated, shingle: shingle, key: keys.sentences) }
    }

    /// Lower-case ASCII letters and digits, single spaces between words; where sentences end:
    /// the positions (in the canonical text) of the spaces after a full stop, question or
    /// exclamation mark, semicolon or line break that is followed by white space; and whether
    /// the text ends with one of those marks (after its last letter or digit).
    static func canonical(_ bytes: UnsafeBufferPointer<UInt8>) -> (text: [UInt8], breaks: [Int], terminated: Bool) {
        let folded = NormalizedText(bytes)
        return folded.withMatchingForm(of: bytes) { chars in
            var breaks: [Int] = []
            var ended = false
            // Written through a pointer: the canonical text is never longer than its source.
            let result = [UInt8](unsafeUninitializedCapacity: chars.count) { result, written in
                NormalizedText.asciiFold.withUnsafeBufferPointer { fold in
                    var count = 0
                    var pendingSpace = false
                    var terminated = false
                    var pendingBreak = false
                    for char in chars {
                        let lower = fold[Int(char)]
                        if (0x61...0x7A).contains(lower) || (0x30...0x39).contains(lower) {
                            if pendingSpace, count > 0 {
                                if pendingBreak, breaks.count < maxSentences - 1 { breaks.append(count) }
                                result[count] = 0x20
                                count += 1
                            }
                            pendingSpace = false
                            terminated = false
                            pendingBreak = false
                            result[count] = lower
                            count += 1
                        } else {
                            pendingSpace = true
                            switch char {
                            case 0x2E, 0x21, 0x3F, 0x3B: terminated = true
                            case 0x0A: pendingBreak = true
                            case 0x20, 0x09, 0x0D: if terminated { pendingBreak = true }
                            default: break
                            }
                        }
                    }
                    written = count
                    ended = terminated
                }
            }
            return (result, breaks, ended)
        }
    }

    /// SplitMix64's finaliser: a fast, well-mixed 64-bit hash step (unkeyed).
    @inline(__always)
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The unkeyed minimum shingle hash of each of `count` bins (the top bits of a hash choose
    /// its bin), empty bins filled from the next filled one; nil when `text` has no shingle.
    @inline(__always)
    static func minima(_ text: UnsafeBufferPointer<UInt8>, shingle: Int, into mins: UnsafeMutableBufferPointer<UInt64>, binBits: Int) -> Bool {
        let count = mins.count
        for bin in 0..<count { mins[bin] = .max }
        var window: UInt64 = 0
        let width = UInt64(min(shingle, 8) * 8)
        let keep: UInt64 = width == 64 ? .max : (1 << width) - 1
        var any = false
        var index = 0
        while index < text.count {
            window = ((window << 8) | UInt64(text[index])) & keep
            index += 1
            guard index >= shingle else { continue }
            let hash = mix(window ^ 0x5851_F42D_4C95_7F2D)
            let bin = Int(hash >> UInt64(64 - binBits))
            if hash < mins[bin] { mins[bin] = hash }
            any = true
        }
        guard any else { return false }
        // Densify: an empty bin borrows the next filled bin's minimum, mixed with the distance.
        for bin in 0..<count where mins[bin] == .max {
            var distance = 1
            while mins[(bin + distance) % count] == .max { distance += 1 }
            mins[bin] = mix(mins[(bin + distance) % count] &+ UInt64(distance))
        }
        return true
    }

    static func minHash(_ text: UnsafeBufferPointer<UInt8>, shingle: Int, key: SipHash) -> [UInt32] {
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: bins) { mins in
            _ = minima(text, shingle: shingle, into: mins, binBits: 6)
            return mins.map { UInt32(truncatingIfNeeded: key.hash($0)) }
        }
    }

    /// One mark per sentence: its keyed hash, its length and an eight-byte keyed sketch.
    /// `openEnded`: the text ends without a sentence's mark (its last mark says so).
    static func marks(_ text: UnsafeBufferPointer<UInt8>, breaks: [Int], openEnded: Bool, shingle: Int, key: SipHash) -> [SentenceMark] {
        var marks: [SentenceMark] = []
        marks.reserveCapacity(breaks.count + 1)
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 8) { mins in
            var start = 0
            for number in 0...breaks.count {
                let end = number < breaks.count ? breaks[number] : text.count
                defer { start = end + 1 }
                guard end > start else { continue }
                let sentence = UnsafeBufferPointer(rebasing: text[start..<end])
                let whole = key.hash(sentence)
                if !minima(sentence, shingle: shingle, into: mins, binBits: 3) {
                    for bin in 0..<8 { mins[bin] = mix(whole &+ UInt64(bin)) }
                }
                var sketch: UInt64 = 0
                for bin in 0..<8 { sketch |= (key.hash(mins[bin]) & 0xFF) << (8 * UInt64(bin)) }
                // The first characters' keyed hash (15 bits, 0 kept for "none"), and the open end.
                let prefix = sentence.count < SentenceMark.prefixLength ? 0
                    : max(1, UInt16(truncatingIfNeeded: key.hash(UnsafeBufferPointer(rebasing: sentence[..<(sentence.startIndex + SentenceMark.prefixLength)])) >> 49))
                let open: UInt16 = openEnded && end == text.count ? 1 : 0
                marks.append(
                    SentenceMark(
                        hash: UInt32(truncatingIfNeeded: whole), length: UInt16(min(sentence.count, 65_535)), opening: prefix << 1 | open,
                        sketch: sketch))
            }
        }
        return marks
    }
}
