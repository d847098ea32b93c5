/// Eight bytes read as one word, and tests on all eight at once: how the loops over a text skip
/// the bytes they have nothing to do with (the JSON writer's escapes, the UTF-8 check, the PII
/// plugin's anchors). A `mayHold` test never answers false for a word that holds such a byte; it
/// may answer true for one that does not (a borrow carried into the next byte), so a caller
/// reads a word it answers true for byte by byte.
public enum ByteWord {
    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highs: UInt64 = 0x8080_8080_8080_8080

    /// The eight bytes from `offset` of `bytes`, which must hold them.
    @inline(__always)
    public static func load(_ bytes: UnsafeBufferPointer<UInt8>, at offset: Int) -> UInt64 {
        UnsafeRawPointer(bytes.baseAddress! + offset).loadUnaligned(as: UInt64.self)
    }

    /// True when all eight bytes are ASCII.
    @inline(__always)
    public static func isASCII(_ word: UInt64) -> Bool { word & highs == 0 }

    /// Whether some byte is below `limit` (at most 128).
    @inline(__always)
    public static func mayHoldByte(below limit: UInt8, _ word: UInt64) -> Bool {
        (word &- UInt64(limit) &* ones) & ~word & highs != 0
    }

    /// Whether some byte is `byte`.
    @inline(__always)
    public static func mayHold(_ byte: UInt8, _ word: UInt64) -> Bool {
        mayHoldByte(below: 1, word ^ (UInt64(byte) &* ones))
    }

    /// Whether some byte is an ASCII digit (`0x30 ^ byte` is below 10 for those bytes only).
    @inline(__always)
    public static func mayHoldDigit(_ word: UInt64) -> Bool {
        mayHoldByte(below: 10, word ^ (0x30 &* ones))
    }
}
