import Foundation

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
    public func parseObject(_ json: Data) throws(SubmissionInputError) -> [String: Any] {
        guard !json.isEmpty else { throw SubmissionInputError("expected a JSON object; the input is empty") }
        let wellFormed = json.withUnsafeBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            return (utf8: Self.isValidUTF8(bytes), depth: Self.depth(of: bytes))
        }
        guard wellFormed.utf8 else { throw SubmissionInputError("the JSON is not valid UTF-8") }
        guard wellFormed.depth <= policy.maxDepth else {
            throw SubmissionInputError("the JSON is nested more than \(policy.maxDepth) levels deep")
        }
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: json, options: [.fragmentsAllowed])
        } catch {
            throw SubmissionInputError("not valid JSON")
        }
        guard let object = parsed as? [String: Any] else { throw SubmissionInputError("expected a JSON object") }
        if let key = json.withUnsafeBytes({ DuplicateKeys.first(in: $0.bindMemory(to: UInt8.self)) }) {
            throw SubmissionInputError("the key '\(key)' appears twice in one object; send each field once")
        }
        return object
    }

    /// The submission held by the fields of `object`.
    public func decode(object: [String: Any]) throws(SubmissionInputError) -> Submission {
        if let extra = policy.extraFields {
            for key in object.keys.sorted() where !Self.fields.contains(key) && !extra.contains(key) {
                let known = Self.fields.union(extra).sorted().joined(separator: ", ")
                throw SubmissionInputError("field '\(key)' is not known (known: \(known))")
            }
        }
        guard let rawText = object["text"], !(rawText is NSNull) else { throw SubmissionInputError("field 'text' is required") }
        guard let text = rawText as? String else { throw SubmissionInputError("field 'text' must be a string") }
        if policy.requireText, text.isEmpty { throw SubmissionInputError("field 'text' must not be empty") }
        guard !text.utf8.contains(0) else { throw SubmissionInputError("field 'text' contains a NUL character") }
        if let limit = policy.maxTextCharacters {
            let length = text.unicodeScalars.count
            guard length <= limit else {
                throw SubmissionInputError("field 'text' is \(length) characters; the limit is \(limit)", tooLarge: true)
            }
        }
        func optional(_ key: String, maxLength: Int?) throws(SubmissionInputError) -> String? {
            guard let value = object[key], !(value is NSNull) else { return nil }
            guard let string = value as? String else { throw SubmissionInputError("field '\(key)' must be a string") }
            guard !string.utf8.contains(0) else { throw SubmissionInputError("field '\(key)' contains a NUL character") }
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

    /// An ISO 8601 time with a zone, with or without fractional seconds.
    public static func timestamp(_ text: String) -> Date? {
        if let date = try? Date(text, strategy: .iso8601) { return date }
        return try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    static func isValidUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue: continue
            case .emptyInput: return true
            case .error: return false
            }
        }
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
