import Foundation

/// Item ids: UUID version 7 (RFC 9562), lower-case. The first 48 bits are the Unix time in
/// milliseconds, so ids made one after another sort one after another: a new row's id lands
/// at the right-hand end of the database's unique index instead of on a random page, and a
/// commit writes a few pages instead of one per item.
public enum ItemID {
    /// A new id for an item received at `date`.
    public static func make(at date: Date = Date()) -> String {
        let milliseconds = UInt64(max(0, date.timeIntervalSince1970 * 1_000))
        var generator = SystemRandomNumberGenerator()
        // 48 bits of time, then 80 random bits: bytes 6 to 15 of two 64-bit draws.
        var bytes = [UInt8](repeating: 0, count: 16)
        for index in 0..<6 { bytes[index] = UInt8(truncatingIfNeeded: milliseconds >> (40 - 8 * index)) }
        withUnsafeBytes(of: (generator.next() as UInt64, generator.next() as UInt64)) { random in
            for index in 6..<16 { bytes[index] = random[index] }
        }
        bytes[6] = 0x70 | (bytes[6] & 0x0F)  // version 7
        bytes[8] = 0x80 | (bytes[8] & 0x3F)  // variant 10
        // 8-4-4-4-12 hex digits, written into one buffer.
        return String(unsafeUninitializedCapacity: 36) { text in
            var count = 0
            for (index, byte) in bytes.enumerated() {
                if index == 4 || index == 6 || index == 8 || index == 10 {
                    text[count] = UInt8(ascii: "-")
                    count += 1
                }
                text[count] = Hex.digits[Int(byte >> 4)]
                text[count + 1] = Hex.digits[Int(byte & 0xF)]
                count += 2
            }
            return count
        }
    }
}
