import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A submission's JSON that cannot be taken, with a message naming the field.
public struct SubmissionInputError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The message, e.g. `field 'text' must be a string`.
    public var message: String
    /// True when the input is refused for its size (HTTP 413), not its form (400).
    public var tooLarge: Bool

    public init(_ message: String, tooLarge: Bool = false) {
        self.message = message
        self.tooLarge = tooLarge
    }

    public var description: String { message }
}

/// Reads a `Submission` from JSON: one decoder, so that `gatehouse scan`, `POST /v1/submissions`
/// and `POST /v1/check` agree on what a field may hold. Only the policy differs between them.
///
/// Always refused: invalid UTF-8, JSON nested deeper than the limit, anything but an object, a
/// key twice in one object (parsers differ on which value wins),
/// a missing or non-string `text`, non-string optional fields, NUL characters, a `receivedAt`
/// that is not ISO 8601 (fractional seconds allowed).
public struct SubmissionDecoder: Sendable {
    /// What a caller may send beyond the common rules.
    public struct Policy: Sendable {
        /// Fields allowed besides the submission's own; nil allows any field (`scan` reads
        /// its own `id` and ignores the rest).
        public var extraFields: Set<String>?
        /// Longest `text` in Unicode scalars; nil for no limit.
        public var maxTextCharacters: Int?
        /// Longest `conversation`, `contributor` and `clientRef` in characters; nil for no limit.
        public var maxFieldCharacters: Int?
        /// Refuse an empty `text`.
        public var requireText: Bool
        /// Deepest nesting of arrays and objects.
        public var maxDepth: Int

        public init(
            extraFields: Set<String>? = [], maxTextCharacters: Int? = nil, maxFieldCharacters: Int? = 256,
            requireText: Bool = true, maxDepth: Int = 8
        ) {
            self.extraFields = extraFields
            self.maxTextCharacters = maxTextCharacters
            self.maxFieldCharacters = maxFieldCharacters
            self.requireText = requireText
            self.maxDepth = maxDepth
        }

        /// The HTTP API's: no unknown field, a non-empty text within `maxTextCharacters`,
        /// metadata fields of at most 256 characters.
        public static func api(maxTextCharacters: Int, maxDepth: Int) -> Policy {
            Policy(extraFields: [], maxTextCharacters: maxTextCharacters, maxFieldCharacters: 256, requireText: true, maxDepth: maxDepth)
        }

        /// `scan`'s: recorded streams carry their own ids and other fields, which are let be.
        public static let stream = Policy(extraFields: nil, maxTextCharacters: nil, maxFieldCharacters: nil, requireText: false, maxDepth: 64)
    }

    /// The submission's own fields.
    public static let fields: Set<String> = ["text", "conversation", "contributor", "clientRef", "receivedAt"]

    public let policy: Policy

    public init(policy: Policy) {
        self.policy = policy
    }

    /// Parses `json` and decodes the submission from it.
    public func decode(_ json: Data) throws(SubmissionInputError) -> Submission {
        try decode(object: parseObject(json))
    }

    /// `json` as a JSON object, after the UTF-8 and depth checks.
    public func parseObject(_ json: Data) throws(SubmissionInputError) -> [String: JSONValue] {
        // A result, not a throw, out of the closure: `withUnsafeBytes` does not carry typed throws.
        let parsed = json.withUnsafeBytes { raw in
            Result { () throws(SubmissionInputError) in try parseObject(raw.bindMemory(to: UInt8.self)) }
        }
        return try parsed.get()
    }

    /// `json` as a JSON object, after the UTF-8 and depth checks.
    public func parseObject(_ json: [UInt8]) throws(SubmissionInputError) -> [String: JSONValue] {
        let parsed = json.withUnsafeBufferPointer { bytes in
            Result { () throws(SubmissionInputError) in try parseObject(bytes) }
        }
        return try parsed.get()
    }

    /// `json` as a JSON object. The checks come in this order, each with its own message: empty,
    /// not UTF-8, nested too deep, not JSON, not an object, a key twice.
    public func parseObject(_ json: UnsafeBufferPointer<UInt8>) throws(SubmissionInputError) -> [String: JSONValue] {
        guard !json.isEmpty else { throw SubmissionInputError("expected a JSON object; the input is empty") }
        guard Self.isValidUTF8(json) else { throw SubmissionInputError("the JSON is not valid UTF-8") }
        var reader = JSONReader(json, maxDepth: policy.maxDepth)
        let value: JSONValue
        do {
            value = try reader.readDocument()
        } catch {
            // Too deep anywhere outranks a syntax error, as when depth was measured first.
            guard error == .tooDeep || Self.depth(of: json) > policy.maxDepth else { throw SubmissionInputError("not valid JSON") }
            throw SubmissionInputError("the JSON is nested more than \(policy.maxDepth) levels deep")
        }
        guard case .object(let object) = value else { throw SubmissionInputError("expected a JSON object") }
        if let key = reader.duplicateKey {
            throw SubmissionInputError("the key '\(key)' appears twice in one object; send each field once")
        }
        return object
    }

    /// The submission held by the fields of `object`.
    public func decode(object: [String: JSONValue]) throws(SubmissionInputError) -> Submission {
        if let extra = policy.extraFields {
            for key in object.keys.sorted() where !Self.fields.contains(key) && !extra.contains(key) {
                let known = Self.fields.union(extra).sorted().joined(separator: ", ")
                throw SubmissionInputError("field '\(key)' is not known (known: \(known))")
            }
        }
        guard let rawText = object["text"], rawText != .null else { throw SubmissionInputError("field 'text' is required") }
        guard case .string(let text) = rawText else { throw SubmissionInputError("field 'text' must be a string") }
        if policy.requireText, text.isEmpty { throw SubmissionInputError("field 'text' must not be empty") }
        guard !Self.containsNUL(text) else { throw SubmissionInputError("field 'text' contains a NUL character") }
        if let limit = policy.maxTextCharacters {
            let length = text.unicodeScalars.count
            guard length <= limit else {
                throw SubmissionInputError("field 'text' is \(length) characters; the limit is \(limit)", tooLarge: true)
            }
        }
        func optional(_ key: String, maxLength: Int?) throws(SubmissionInputError) -> String? {
            guard let value = object[key], value != .null else { return nil }
            guard case .string(let string) = value else { throw SubmissionInputError("field '\(key)' must be a string") }
            guard !Self.containsNUL(string) else { throw SubmissionInputError("field '\(key)' contains a NUL character") }
            if let maxLength, string.count > maxLength {
                throw SubmissionInputError("field '\(key)' is longer than \(maxLength) characters")
            }
            return string
        }
        var receivedAt: Date?
        if let stamp = try optional("receivedAt", maxLength: 64) {
            guard let date = Self.timestamp(stamp) else {
                throw SubmissionInputError("field 'receivedAt' must be an ISO 8601 time such as 2026-03-01T09:30:00Z")
            }
            receivedAt = date
        }
        return Submission(
            text: text, conversation: try optional("conversation", maxLength: policy.maxFieldCharacters),
            contributor: try optional("contributor", maxLength: policy.maxFieldCharacters),
            clientRef: try optional("clientRef", maxLength: policy.maxFieldCharacters), receivedAt: receivedAt)
    }

    /// True when `string` holds U+0000 (only a `\u0000` escape can put it there).
    static func containsNUL(_ string: String) -> Bool {
        var string = string
        return string.withUTF8 { utf8 in utf8.baseAddress.map { memchr($0, 0, utf8.count) != nil } ?? false }
    }

    /// An ISO 8601 time with a zone, with or without fractional seconds.
    public static func timestamp(_ text: String) -> Date? {
        if let date = ISO8601Timestamp.parse(text) { return date }
        if let date = try? Date(text, strategy: .iso8601) { return date }
        return try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    /// True when `bytes` are valid UTF-8 (Unicode's table 3-7: no overlong forms, no
    /// surrogates, nothing past U+10FFFF). ASCII, most of any submission, is checked eight bytes
    /// at a time.
    static func isValidUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        let count = bytes.count
        var index = 0
        func continuation(_ offset: Int, _ range: ClosedRange<UInt8> = 0x80...0xBF) -> Bool {
            index + offset < count && range.contains(base[index + offset])
        }
        while index < count {
            if index + 8 <= count, ByteWord.isASCII(ByteWord.load(bytes, at: index)) {
                index += 8
                continue
            }
            let lead = base[index]
            switch lead {
            case 0x00...0x7F: index += 1
            case 0xC2...0xDF:
                guard continuation(1) else { return false }
                index += 2
            case 0xE0...0xEF:
                let second: ClosedRange<UInt8> = lead == 0xE0 ? 0xA0...0xBF : lead == 0xED ? 0x80...0x9F : 0x80...0xBF
                guard continuation(1, second), continuation(2) else { return false }
                index += 3
            case 0xF0...0xF4:
                let second: ClosedRange<UInt8> = lead == 0xF0 ? 0x90...0xBF : lead == 0xF4 ? 0x80...0x8F : 0x80...0xBF
                guard continuation(1, second), continuation(2), continuation(3) else { return false }
                index += 4
            default: return false
            }
        }
        return true
    }

    /// The deepest nesting of arrays and objects, strings skipped, without parsing.
    static func depth(of body: UnsafeBufferPointer<UInt8>) -> Int {
        var deepest = 0
        var current = 0
        var inString = false
        var escaped = false
        for byte in body {
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                current += 1
                deepest = max(deepest, current)
            case UInt8(ascii: "}"), UInt8(ascii: "]"): current -= 1
            default: break
            }
        }
        return deepest
    }
}
