/// Writes JSON text by hand into a byte buffer, in the order the caller writes it.
///
/// For answers whose speed counts (every HTTP response, every `scan` output line) and whose
/// key order should be stable. Commas are placed for you: every value and every key written
/// after another value in the same object or array is preceded by one.
///
/// ```swift
/// var json = JSONText()
/// json.beginObject()
/// json.field("id", "a1")
/// json.key("reasons")
/// json.beginArray()
/// for reason in reasons { json.string(reason) }
/// json.endArray()
/// json.endObject()
/// ```
public struct JSONText: Sendable {
    /// The text written so far, UTF-8.
    public private(set) var bytes: [UInt8] = []

    public init(capacity: Int = 256) { bytes.reserveCapacity(capacity) }

    /// Appends `text` as it is: no comma, no escaping.
    public mutating func raw(_ text: String) { bytes.append(contentsOf: text.utf8) }

    /// A comma unless the last thing written opens a container, ends a key, or is a comma.
    private mutating func separate() {
        guard let last = bytes.last else { return }
        switch last {
        case UInt8(ascii: "{"), UInt8(ascii: "["), UInt8(ascii: ":"), UInt8(ascii: ","): return
        default: bytes.append(UInt8(ascii: ","))
        }
    }

    public mutating func beginObject() {
        separate()
        bytes.append(UInt8(ascii: "{"))
    }

    public mutating func endObject() { bytes.append(UInt8(ascii: "}")) }

    public mutating func beginArray() {
        separate()
        bytes.append(UInt8(ascii: "["))
    }

    public mutating func endArray() { bytes.append(UInt8(ascii: "]")) }

    /// An object key; the value follows.
    public mutating func key(_ name: String) {
        separate()
        quoted(name)
        bytes.append(UInt8(ascii: ":"))
    }

    /// A string value, escaped as RFC 8259 requires (quote, backslash, control characters).
    public mutating func string(_ value: String) {
        separate()
        quoted(value)
    }

    public mutating func number(_ value: Int) {
        separate()
        bytes.append(contentsOf: String(value).utf8)
    }

    public mutating func number(_ value: Int64) {
        separate()
        bytes.append(contentsOf: String(value).utf8)
    }

    public mutating func bool(_ value: Bool) {
        separate()
        bytes.append(contentsOf: (value ? "true" : "false").utf8)
    }

    public mutating func null() {
        separate()
        bytes.append(contentsOf: "null".utf8)
    }

    public mutating func field(_ name: String, _ value: String) {
        key(name)
        quoted(value)
    }

    /// `"name": value`, or `"name": null` when `value` is nil.
    public mutating func field(_ name: String, _ value: String?) {
        key(name)
        if let value { quoted(value) } else { bytes.append(contentsOf: "null".utf8) }
    }

    public mutating func field(_ name: String, _ value: Int) {
        key(name)
        number(value)
    }

    public mutating func field(_ name: String, _ value: Int64) {
        key(name)
        number(value)
    }

    public mutating func field(_ name: String, _ value: Bool) {
        key(name)
        bool(value)
    }

    /// `"name": ["a", "b"]`.
    public mutating func field(_ name: String, _ values: [String]) {
        key(name)
        beginArray()
        for value in values { string(value) }
        endArray()
    }

    /// A whole object written by `body`: `{…}`.
    public mutating func object(_ body: (inout JSONText) -> Void) {
        beginObject()
        body(&self)
        endObject()
    }

    /// The text as a String.
    public var text: String { String(decoding: bytes, as: UTF8.self) }

    private mutating func quoted(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { utf8 in
            // Copy runs of bytes that need no escape in one go, skipping eight at a time.
            var runStart = 0
            var index = 0
            while index < utf8.count {
                if index + 8 <= utf8.count, !Self.mayNeedEscape(ByteWord.load(utf8, at: index)) {
                    index += 8
                    continue
                }
                let byte = utf8[index]
                index += 1
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte == 0x7F else { continue }
                if runStart < index - 1 { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<(index - 1)])) }
                runStart = index
                bytes.append(0x5C)
                switch byte {
                case UInt8(ascii: "\""): bytes.append(0x22)
                case UInt8(ascii: "\\"): bytes.append(0x5C)
                case 0x0A: bytes.append(UInt8(ascii: "n"))
                case 0x0D: bytes.append(UInt8(ascii: "r"))
                case 0x09: bytes.append(UInt8(ascii: "t"))
                default:
                    bytes.append(UInt8(ascii: "u"))
                    bytes.append(UInt8(ascii: "0"))
                    bytes.append(UInt8(ascii: "0"))
                    bytes.append(Hex.digits[Int(byte >> 4)])
                    bytes.append(Hex.digits[Int(byte & 0xF)])
                }
            }
            if runStart < utf8.count { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...])) }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// False when none of the eight bytes of `word` is a control character, `"`, `\\` or DEL
    /// (true may be a false alarm: the bytes are then looked at one by one).
    @inline(__always) static func mayNeedEscape(_ word: UInt64) -> Bool {
        ByteWord.mayHoldByte(below: 0x20, word) || ByteWord.mayHold(UInt8(ascii: "\""), word)
            || ByteWord.mayHold(UInt8(ascii: "\\"), word) || ByteWord.mayHold(0x7F, word)
    }
}
