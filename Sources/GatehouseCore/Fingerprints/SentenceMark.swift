/// What a fingerprint keeps of one sentence of a text: a keyed hash of its canonical form (equal
/// for the same sentence), its length, a sketch of eight keyed MinHash bytes over its character
/// 5-grams (most bytes equal for a sentence with a typo or a word changed), and a keyed hash of
/// its first `prefixLength` characters (equal for a sentence and the same sentence cut off)
/// with whether it ends its text unterminated.
/// Never the text: the values mean nothing without the gateway's secret key.
///
/// Two texts are compared sentence by sentence, so that a passage they share can be told from
/// what each adds of its own (see the duplicate plugin's `CopyJudge`).
public struct SentenceMark: Sendable, Hashable {
    /// Keyed hash of the sentence's canonical form, 32 bits. Within two texts a collision is
    /// negligible; in the index's table of how many items hold each sentence, two different
    /// sentences sharing a hash (about a hundred pairs among a million sentences) count
    /// together, which can only make a sentence look more common than it is.
    public var hash: UInt32
    /// The sentence's length in canonical characters (at most 65,535).
    public var length: UInt16
    /// How it opens and ends: bits 1-15 a keyed hash of its first `prefixLength` canonical
    /// characters, never 0 (0 for a sentence shorter than that, and in marks stored before
    /// openings were); bit 0 set on a text's last sentence when the text ends without a full
    /// stop, question or exclamation mark or semicolon (it may have been cut off).
    public var opening: UInt16
    /// Eight one-byte MinHash values, one per bin.
    public var sketch: UInt64

    /// Characters a sentence's `prefix` covers: a copy cut off mid-sentence keeps at least
    /// these of its last sentence for the cut to be recognised.
    public static let prefixLength = 16

    public init(hash: UInt32, length: UInt16, opening: UInt16 = 0, sketch: UInt64) {
        self.hash = hash
        self.length = length
        self.opening = opening
        self.sketch = sketch
    }

    /// How many of the eight sketch bytes two sentences share (8 for the same sentence).
    @inline(__always)
    public func sketchAgreement(_ other: SentenceMark) -> Int {
        let same = ~(sketch ^ other.sketch)
        // A byte is equal when all its eight bits are: fold each byte's bits into its top bit.
        var folded = same & (same >> 1)
        folded &= folded >> 2
        folded &= folded >> 4
        return (folded & 0x0101_0101_0101_0101).nonzeroBitCount
    }

    /// The keyed hash of its first `prefixLength` characters (0: none).
    public var prefix: UInt16 { opening >> 1 }

    /// True for a text's last sentence when the text ends without a full stop, question or
    /// exclamation mark.
    public var isOpenEnded: Bool { opening & 1 != 0 }

    /// True when this sentence may be `other` cut off: the open end of its text, shorter, and
    /// they start with the same `prefixLength` characters (see the duplicate plugin's
    /// `CopyJudge.isCutOff`).
    @inline(__always)
    public func startsLike(_ other: SentenceMark) -> Bool {
        isOpenEnded && opensLike(other) && length < other.length
    }

    /// True when both sentences open with the same `prefixLength` characters (neither shorter).
    @inline(__always)
    public func opensLike(_ other: SentenceMark) -> Bool {
        prefix != 0 && prefix == other.prefix
    }

    /// The marks as bytes, for storage: 16 bytes a sentence, little-endian (the opening in
    /// bytes 6 and 7, zero in marks stored before it was).
    public static func encode(_ marks: [SentenceMark]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(marks.count * 16)
        for mark in marks {
            withUnsafeBytes(of: mark.hash.littleEndian) { bytes.append(contentsOf: $0) }
            withUnsafeBytes(of: mark.length.littleEndian) { bytes.append(contentsOf: $0) }
            withUnsafeBytes(of: mark.opening.littleEndian) { bytes.append(contentsOf: $0) }
            withUnsafeBytes(of: mark.sketch.littleEndian) { bytes.append(contentsOf: $0) }
        }
        return bytes
    }

    /// The marks `encode` wrote (a trailing partial record is ignored).
    public static func decode(_ bytes: UnsafeRawBufferPointer) -> [SentenceMark] {
        (0..<(bytes.count / 16)).map { index in
            let base = index * 16
            return SentenceMark(
                hash: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: base, as: UInt32.self)),
                length: UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: base + 4, as: UInt16.self)),
                opening: UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: base + 6, as: UInt16.self)),
                sketch: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: base + 8, as: UInt64.self)))
        }
    }
}
