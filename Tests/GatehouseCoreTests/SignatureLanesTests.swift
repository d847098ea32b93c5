import Testing
@testable import GatehouseCore

/// The branch-free count of equal signature values must agree with comparing them one by one.
@Suite("Signature lanes (the fingerprint index's similarity count)")
struct SignatureLanesTests {
    /// The count one value at a time, on each value's low 16 bits (what the index keeps).
    func countOneByOne(_ query: [UInt32], _ stored: [UInt16]) -> Int {
        zip(query, stored).filter { UInt16(truncatingIfNeeded: $0) == $1 }.count
    }

    @Test("counts equal values like a compare of each, at every count from 0 to 64 and for values with the top bits set")
    func agreesWithScalarCount() {
        var random = SystemRandomNumberGenerator()
        // Values near the lane's edges: the count adds 0x7FFF to each lane's low bits.
        let edges: [UInt16] = [0, 1, 0x7FFF, 0x8000, 0x8001, 0xFFFE, 0xFFFF]
        for equal in 0...64 {
            for _ in 0..<20 {
                let query = (0..<64).map { _ in
                    Bool.random(using: &random) ? UInt32(edges.randomElement(using: &random)!) | (UInt32.random(in: 0...0xFFFF, using: &random) << 16)
                        : UInt32.random(in: 0...UInt32.max, using: &random)
                }
                var stored = query.map { UInt16(truncatingIfNeeded: $0) }
                // Change every value outside a random set of `equal` places, by one bit or by many.
                for place in Array(0..<64).shuffled(using: &random).dropFirst(equal) {
                    stored[place] ^= Bool.random(using: &random) ? 1 << UInt16.random(in: 0...15, using: &random) : UInt16.random(in: 1...0xFFFF, using: &random)
                }
                let lanes = SignatureLanes(query)
                let counted = stored.withUnsafeBytes { lanes.equalCount($0.baseAddress!) }
                #expect(counted == equal)
                #expect(counted == countOneByOne(query, stored))
            }
        }
    }

    @Test("reads the stored values at any address, not only aligned ones")
    func unalignedRead() {
        let query = (0..<64).map { UInt32($0 * 977 + 0x8000) }
        let stored = query.map { UInt16(truncatingIfNeeded: $0) }
        var bytes = [UInt8](repeating: 0xAB, count: 1 + 128)
        stored.withUnsafeBytes { source in
            bytes.withUnsafeMutableBytes { target in target.baseAddress!.advanced(by: 1).copyMemory(from: source.baseAddress!, byteCount: 128) }
        }
        let counted = bytes.withUnsafeBytes { SignatureLanes(query).equalCount($0.baseAddress!.advanced(by: 1)) }
        #expect(counted == 64)
    }
}
