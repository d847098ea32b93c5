/// SipHash-2-4 (Aumasson and Bernstein, 2012): a fast keyed pseudo-random function with a
/// 128-bit key, for the many small keyed values of a text fingerprint (MinHash bins, sentence
/// marks), where one HMAC-SHA256 each would cost more than the rest of the fingerprint. Like
/// the HMAC, its output says nothing about its input to anyone without the key.
public struct SipHash: Sendable {
    private let k0: UInt64
    private let k1: UInt64

    /// A function under the 128-bit key `k0`, `k1`.
    public init(k0: UInt64, k1: UInt64) {
        self.k0 = k0
        self.k1 = k1
    }

    /// The keyed hash of one 64-bit value (an eight-byte little-endian message).
    @inline(__always)
    public func hash(_ value: UInt64) -> UInt64 {
        var state = State(k0: k0, k1: k1)
        state.compress(value)
        return state.finish(lastWord: 8 << 56)
    }

    /// The keyed hash of `bytes`.
    public func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var state = State(k0: k0, k1: k1)
        let whole = bytes.count & ~7
        var offset = 0
        while offset < whole {
            var word: UInt64 = 0
            for shift in 0..<8 { word |= UInt64(bytes[offset + shift]) << (8 * shift) }
            state.compress(word)
            offset += 8
        }
        var last = UInt64(truncatingIfNeeded: bytes.count) << 56
        for shift in 0..<(bytes.count - whole) { last |= UInt64(bytes[whole + shift]) << (8 * shift) }
        return state.finish(lastWord: last)
    }

    private struct State {
        var v0: UInt64, v1: UInt64, v2: UInt64, v3: UInt64

        init(k0: UInt64, k1: UInt64) {
            v0 = k0 ^ 0x736F_6D65_7073_6575
            v1 = k1 ^ 0x646F_7261_6E64_6F6D
            v2 = k0 ^ 0x6C79_6765_6E65_7261
            v3 = k1 ^ 0x7465_6462_7974_6573
        }

        @inline(__always)
        mutating func round() {
            v0 &+= v1; v1 = v1.rotated(13); v1 ^= v0; v0 = v0.rotated(32)
            v2 &+= v3; v3 = v3.rotated(16); v3 ^= v2
            v0 &+= v3; v3 = v3.rotated(21); v3 ^= v0
            v2 &+= v1; v1 = v1.rotated(17); v1 ^= v2; v2 = v2.rotated(32)
        }

        @inline(__always)
        mutating func compress(_ word: UInt64) {
            v3 ^= word
            round()
            round()
            v0 ^= word
        }

        @inline(__always)
        mutating func finish(lastWord: UInt64) -> UInt64 {
            compress(lastWord)
            v2 ^= 0xFF
            round()
            round()
            round()
            round()
            return v0 ^ v1 ^ v2 ^ v3
        }
    }
}

extension UInt64 {
    @inline(__always)
    fileprivate func rotated(_ count: UInt64) -> UInt64 { (self << count) | (self >> (64 - count)) }
}

extension KeyedHasher {
    /// A SipHash key derived from the secret under a domain label: fast keyed values that are
    /// comparable only with others made under the same secret and label.
    public func sipHash(domain: StaticString) -> SipHash {
        var both = [UInt8](repeating: 0, count: 16)
        let low = hash64(both, domain: domain)
        both[0] = 1
        return SipHash(k0: low, k1: hash64(both, domain: domain))
    }
}
