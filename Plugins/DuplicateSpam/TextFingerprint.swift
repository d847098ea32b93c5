import GatehouseCore

/// The fingerprints of one text: its canonical form's keyed hash, and a MinHash signature
/// over character 5-grams with its LSH band keys.
///
/// The canonical form folds what does not make a text new: case, accents, full-width and
/// look-alike letters, zero-width characters, punctuation and white space. MinHash is
/// one-permutation hashing (one keyed hash per shingle, the minimum kept in each of 64 bins,
/// empty bins filled from their neighbours), so a signature costs one hash per character.
struct TextFingerprint {
    static let bins = 64
    static let bands = 16
    static let rows = 4

    /// Keyed hash of the canonical text: equal for exact repeats.
    var exact: UInt64
    /// Words in the canonical text.
    var words: Int
    /// The MinHash signature; empty when the text is too short to compare for near-duplicates.
    var signature: [UInt32]
    /// One key per band of `rows` signature values.
    var bandKeys: [UInt64]

    /// Fingerprints `text`; near-duplicate fingerprints only when it has `minWords` words.
    init(_ text: String, shingle: Int, minWords: Int, seed: UInt64, hasher: KeyedHasher) {
        var copy = text
        let canonical = copy.withUTF8 { Self.canonical($0) }
        words = canonical.isEmpty ? 0 : canonical.reduce(1) { $0 + ($1 == 0x20 ? 1 : 0) }
        exact = hasher.hash64(canonical, domain: "duplicate.exact")
        guard words >= minWords, canonical.count >= shingle else {
            signature = []
            bandKeys = []
            return
        }
        let signature = Self.minHash(canonical, shingle: shingle, seed: seed)
        self.signature = signature
        bandKeys = (0..<Self.bands).map { band in
            var key = UInt64(band) &* 0x9E37_79B9_7F4A_7C15 ^ seed
            for row in 0..<Self.rows { key = Self.mix(key ^ UInt64(signature[band * Self.rows + row])) }
            return key
        }
    }

    /// The estimated Jaccard similarity of two signatures' shingle sets.
    static func similarity(_ left: [UInt32], _ right: [UInt32]) -> Double {
        StoredFingerprint.similarity(left, right)
    }

    /// Lower-case ASCII letters and digits, single spaces between words.
    static func canonical(_ bytes: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        let folded = NormalizedText(bytes)
        return folded.withMatchingForm(of: bytes) { chars in
            var result: [UInt8] = []
            result.reserveCapacity(chars.count)
            var pendingSpace = false
            for char in chars {
                let lower = NormalizedText.asciiFold[Int(char)]
                if (0x61...0x7A).contains(lower) || (0x30...0x39).contains(lower) {
                    if pendingSpace, !result.isEmpty { result.append(0x20) }
                    pendingSpace = false
                    result.append(lower)
                } else {
                    pendingSpace = true
                }
            }
            return result
        }
    }

    /// SplitMix64's finaliser: a fast, well-mixed 64-bit hash step.
    @inline(__always)
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    static func minHash(_ text: [UInt8], shingle: Int, seed: UInt64) -> [UInt32] {
        var mins = [UInt32](repeating: .max, count: bins)
        var filled = [Bool](repeating: false, count: bins)
        text.withUnsafeBufferPointer { chars in
            var window: UInt64 = 0
            let width = UInt64(min(shingle, 8) * 8)
            let keep: UInt64 = width == 64 ? .max : (1 << width) - 1
            for (index, char) in chars.enumerated() {
                window = ((window << 8) | UInt64(char)) & keep
                guard index + 1 >= shingle else { continue }
                let hash = mix(window ^ seed)
                let bin = Int(hash >> 58)
                let value = UInt32(truncatingIfNeeded: hash)
                if value < mins[bin] { mins[bin] = value }
                filled[bin] = true
            }
        }
        // Densify: an empty bin borrows the next filled bin's value, shifted by the distance.
        for bin in 0..<bins where !filled[bin] {
            var distance = 1
            while distance < bins, !filled[(bin + distance) % bins] { distance += 1 }
            guard distance < bins else { break }
            mins[bin] = mins[(bin + distance) % bins] &+ UInt32(distance) &* 0x9E37_79B9
        }
        return mins
    }
}
