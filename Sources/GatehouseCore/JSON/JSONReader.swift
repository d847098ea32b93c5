#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads one JSON document (RFC 8259) from UTF-8 bytes, without Foundation.
///
/// Every submission, every `scan` and `rules replay` line and every review body is read here,
/// so it is written for speed: one pass over the bytes, strings without escapes made straight
/// from their bytes, integers read without a string in between. What it accepts is what
/// Foundation's `JSONSerialization` accepted before it (the decoder's tests and its fuzz target
/// compare the two), with two leniencies kept from it: a leading byte-order mark, and one
/// trailing comma before `}` or `]`. Numbers too large for a double are refused, as there.
///
/// The caller checks UTF-8 first (`SubmissionDecoder.isValidUTF8`): outside strings, only ASCII
/// can be valid, and strings are made from bytes already known to be valid.
///
/// Nesting deeper than `maxDepth` stops the read (`Failure.tooDeep`) before it recurses further,
/// so the stack a hostile body can use is bounded by the limit, not the body.
/// A key that an object holds twice is remembered (`duplicateKey`, the first found in document
/// order, compared as Swift strings after escapes are decoded) and the read goes on, so that a
/// caller can tell "not an object" from "a key twice", as it did before.
public struct JSONReader {
    /// Why a read stopped.
    public enum Failure: Error, Sendable, Equatable {
        /// The bytes are not JSON.
        case syntax
        /// Arrays and objects are nested deeper than the limit.
        case tooDeep
    }

    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0
    private let maxDepth: Int
    /// The first key found twice in one object, if any.
    public private(set) var duplicateKey: String?
    /// Bytes of a string with escapes, reused from string to string.
    private var scratch: [UInt8] = []

    /// A reader over `bytes`, which must be valid UTF-8.
    public init(_ bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    /// The document's one value, with nothing but white space after it.
    public mutating func readDocument() throws(Failure) -> JSONValue {
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { index = 3 }
        skipWhitespace()
        let value = try readValue(depth: 0)
        skipWhitespace()
        guard index == bytes.count else { throw .syntax }
        return value
    }

    private mutating func readValue(depth: Int) throws(Failure) -> JSONValue {
        guard index < bytes.count else { throw .syntax }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try readObject(depth: depth + 1)
        case UInt8(ascii: "["): return try readArray(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try readString())
        case UInt8(ascii: "t"):
            try expect("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try expect("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try expect("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try readNumber()
        default: throw .syntax
        }
    }

    private mutating func readObject(depth: Int) throws(Failure) -> JSONValue {
        guard depth <= maxDepth else { throw .tooDeep }
        index += 1  // {
        // Room for a submission's fields at once: growing 1, 2, 4, 8 rehashed every key each time.
        var members = [String: JSONValue](minimumCapacity: 8)
        if skip(UInt8(ascii: "}")) { return .object(members) }
        repeat {
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw .syntax }
            let key = try readString()
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw .syntax }
            index += 1
            skipWhitespace()
            let value = try readValue(depth: depth)
            if members.updateValue(value, forKey: key) != nil, duplicateKey == nil { duplicateKey = key }
        } while try !ends(UInt8(ascii: "}"))
        return .object(members)
    }

    private mutating func readArray(depth: Int) throws(Failure) -> JSONValue {
        guard depth <= maxDepth else { throw .tooDeep }
        index += 1  // [
        var elements: [JSONValue] = []
        if skip(UInt8(ascii: "]")) { return .array(elements) }
        repeat {
            elements.append(try readValue(depth: depth))
        } while try !ends(UInt8(ascii: "]"))
        return .array(elements)
    }

    /// After a member or element: true when its container ends there (at `closing`, or at a
    /// trailing comma before it), false after a comma with more to come (white space skipped).
    private mutating func ends(_ closing: UInt8) throws(Failure) -> Bool {
        skipWhitespace()
        guard index < bytes.count else { throw .syntax }
        let separator = bytes[index]
        index += 1
        if separator == closing { return true }
        guard separator == UInt8(ascii: ",") else { throw .syntax }
        return skip(closing)
    }

    /// Past white space, true and past `closing` if it comes next.
    private mutating func skip(_ closing: UInt8) -> Bool {
        skipWhitespace()
        guard index < bytes.count, bytes[index] == closing else { return false }
        index += 1
        return true
    }

    /// A string from its opening quote; escapes decoded, control characters refused.
    private mutating func readString() throws(Failure) -> String {
        index += 1  // "
        let start = index
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let string = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
                index += 1
                return string
            }
            if byte == UInt8(ascii: "\\") { return try readEscapedString(from: start) }
            if byte < 0x20 { throw .syntax }
            index += 1
        }
        throw .syntax
    }

    /// The rest of a string that holds an escape, `start` being just after its opening quote.
    private mutating func readEscapedString(from start: Int) throws(Failure) -> String {
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index]))
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                return String(decoding: scratch, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard index < bytes.count else { throw .syntax }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scratch.append(escape)
                case UInt8(ascii: "b"): scratch.append(0x08)
                case UInt8(ascii: "f"): scratch.append(0x0C)
                case UInt8(ascii: "n"): scratch.append(0x0A)
                case UInt8(ascii: "r"): scratch.append(0x0D)
                case UInt8(ascii: "t"): scratch.append(0x09)
                case UInt8(ascii: "u"): try appendEscapedScalar()
                default: throw .syntax
                }
            default:
                if byte < 0x20 { throw .syntax }
                scratch.append(byte)
            }
        }
        throw .syntax
    }

    /// `XXXX` after `\u`, or a surrogate pair written as two such escapes; a lone surrogate is
    /// refused (it is no character).
    private mutating func appendEscapedScalar() throws(Failure) {
        let unit = try readHex4()
        var value = UInt32(unit)
        if (0xD800...0xDBFF).contains(unit) {
            guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                throw .syntax
            }
            index += 2
            let low = try readHex4()
            guard (0xDC00...0xDFFF).contains(low) else { throw .syntax }
            value = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
        } else if (0xDC00...0xDFFF).contains(unit) {
            throw .syntax
        }
        // Always a scalar: surrogates were handled above.
        for byte in UTF8.encode(Unicode.Scalar(value)!)! { scratch.append(byte) }
    }

    private mutating func readHex4() throws(Failure) -> UInt16 {
        guard index + 4 <= bytes.count else { throw .syntax }
        var value: UInt16 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw .syntax
            }
            value = value << 4 | UInt16(digit)
            index += 1
        }
        return value
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
    private mutating func readNumber() throws(Failure) -> JSONValue {
        let start = index
        var negative = false
        if bytes[index] == UInt8(ascii: "-") {
            negative = true
            index += 1
        }
        let integerStart = index
        guard index < bytes.count, isDigit(bytes[index]) else { throw .syntax }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else {
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        let integerDigits = index - integerStart
        var whole = true
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            whole = false
            index += 1
            guard index < bytes.count, isDigit(bytes[index]) else { throw .syntax }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            whole = false
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard index < bytes.count, isDigit(bytes[index]) else { throw .syntax }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if whole, integerDigits <= 18 {
            // Fits an Int whatever the digits: no overflow check needed.
            var value = 0
            for position in integerStart..<index { value = value &* 10 &+ Int(bytes[position] &- UInt8(ascii: "0")) }
            return .int(negative ? -value : value)
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        if whole, let value = Int(text) { return .int(value) }
        guard let value = Double(text), value.isFinite else { throw .syntax }
        // A whole value that an Int holds exactly is an Int, as Foundation gives it.
        if value == value.rounded(.towardZero), value >= -9.223372036854775808e18, value < 9.223372036854775808e18 {
            return .int(Int(value))
        }
        return .double(value)
    }

    private mutating func expect(_ literal: StaticString) throws(Failure) {
        let count = literal.utf8CodeUnitCount
        guard index + count <= bytes.count, memcmp(bytes.baseAddress! + index, literal.utf8Start, count) == 0 else {
            throw .syntax
        }
        index += count
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index += 1
            default: return
            }
        }
    }

    private func isDigit(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "0") < 10 }
}
