import Foundation

/// Item ids: UUID version 7 (RFC 9562), lower-case. The first 48 bits are the Unix time in
/// milliseconds, so ids made one after another sort one after another: a new row's id lands
/// at the right-hand end of the database's unique index instead of on a random page, and a
/// commit writes a few pages instead of one per item.
public enum ItemID {
    /// A new id for an item received at `date`.
    public static func make(at date: Date = Date()) -> String {
        var generator = SystemRandomNumberGenerator()
        return make(milliseconds: UInt64(max(0, date.timeIntervalSince1970 * 1_000)), random: generator.next())
    }

    static func make(milliseconds: UInt64, random: UInt64) -> String {
        var bytes = [UInt8](repeating: 0, count: 16)
        for index in 0..<6 { bytes[index] = UInt8(truncatingIfNeeded: milliseconds >> (40 - 8 * index)) }
        var random = random
        var more = UInt64.random(in: .min ... .max)
        for index in 6..<16 {
            if index < 14 {
                bytes[index] = UInt8(truncatingIfNeeded: random)
                random >>= 8
            } else {
                bytes[index] = UInt8(truncatingIfNeeded: more)
                more >>= 8
            }
        }
        bytes[6] = 0x70 | (bytes[6] & 0x0F)  // version 7
        bytes[8] = 0x80 | (bytes[8] & 0x3F)  // variant 10
        let hex = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(36)
        for (index, byte) in bytes.enumerated() {
            if index == 4 || index == 6 || index == 8 || index == 10 { text.append(UInt8(ascii: "-")) }
            text.append(hex[Int(byte >> 4)])
            text.append(hex[Int(byte & 0xF)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
