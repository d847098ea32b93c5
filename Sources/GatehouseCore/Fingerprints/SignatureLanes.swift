/// A 64-value MinHash signature's low 16 bits packed four to a word, to count the values an
/// indexed signature (stored as 64 `UInt16`, as `MemoryFingerprintIndex` keeps them) shares
/// with it without a branch: 64 compares, each a branch the processor cannot predict, cost more
/// than the rest of a lookup. A lookup compares one query with dozens of stored signatures,
/// each read from a far part of memory; the short, branch-free count also lets the processor
/// start the next one's read while it counts.
struct SignatureLanes {
    static let count = 64
    private let words: SIMD16<UInt64>

    /// The lanes of `signature` (64 values; each keeps its low 16 bits), in the byte order
    /// the stored values have in memory.
    init(_ signature: [UInt32]) {
        precondition(signature.count == Self.count, "a signature has \(Self.count) values")
        var words = SIMD16<UInt64>()
        withUnsafeMutableBytes(of: &words) { bytes in
            for (index, value) in signature.enumerated() {
                bytes.storeBytes(of: UInt16(truncatingIfNeeded: value), toByteOffset: 2 * index, as: UInt16.self)
            }
        }
        self.words = words
    }

    /// The estimated Jaccard similarity of the query and the signature at `stored`: the share
    /// of its 64 values that are equal.
    @inline(__always)
    func similarity(_ stored: UnsafeRawPointer) -> Double {
        Double(equalCount(stored)) / Double(Self.count)
    }

    /// How many of the 64 `UInt16` at `stored` equal the query's value in the same place.
    @inline(__always)
    func equalCount(_ stored: UnsafeRawPointer) -> Int {
        let low = SIMD16<UInt64>(repeating: 0x7FFF_7FFF_7FFF_7FFF)
        let difference = stored.loadUnaligned(as: SIMD16<UInt64>.self) ^ words
        // A 16-bit lane's top bit is set when the lane is not zero (the values differ): its
        // low 15 bits plus 0x7FFF carry into the top bit unless they are all zero, and the top
        // bit itself is kept by the OR. Shifted down, each lane holds 1 or 0, and the sixteen
        // words' lanes add up to at most 16 each, so no lane carries into the next.
        let differs = (((difference & low) &+ low) | difference) &>> 15 & SIMD16<UInt64>(repeating: 0x0001_0001_0001_0001)
        let lanes = differs.wrappedSum()
        let different = Int(truncatingIfNeeded: (lanes &* 0x0001_0001_0001_0001) &>> 48)
        return Self.count - different
    }
}
