import Foundation
import GatehouseCore

/// A request that cannot be taken, with the HTTP status and a message that names the field.
public struct GatewayError: Error, Sendable, Equatable, CustomStringConvertible {
    public var status: Int
    public var message: String

    public init(_ status: Int, _ message: String) {
        self.status = status
        self.message = message
    }

    public var description: String { "\(status): \(message)" }
}

/// Turns a request body into a `Submission`, refusing anything malformed with a clear message:
/// invalid UTF-8, JSON too deep, not an object, unknown fields, wrong types, NUL bytes, too long.
struct SubmissionParser: Sendable {
    let maxTextCharacters: Int
    let maxJSONDepth: Int

    static let fields: Set<String> = ["text", "conversation", "contributor", "clientRef", "receivedAt"]

    func parse(_ body: Data) throws(GatewayError) -> Submission {
        let object = try parseObject(body)
        for key in object.keys.sorted() where !Self.fields.contains(key) {
            throw GatewayError(400, "field '\(key)' is not known (known: \(Self.fields.sorted().joined(separator: ", ")))")
        }
        guard let rawText = object["text"], !(rawText is NSNull) else { throw GatewayError(400, "field 'text' is required") }
        guard let text = rawText as? String else { throw GatewayError(400, "field 'text' must be a string") }
        guard !text.isEmpty else { throw GatewayError(400, "field 'text' must not be empty") }
        guard !text.utf8.contains(0) else { throw GatewayError(400, "field 'text' contains a NUL character") }
        let length = text.unicodeScalars.count
        guard length <= maxTextCharacters else {
            throw GatewayError(413, "field 'text' is \(length) characters; the limit is \(maxTextCharacters)")
        }
        func optional(_ key: String, maxLength: Int = 256) throws(GatewayError) -> String? {
            guard let value = object[key], !(value is NSNull) else { return nil }
            guard let string = value as? String else { throw GatewayError(400, "field '\(key)' must be a string") }
            guard !string.utf8.contains(0) else { throw GatewayError(400, "field '\(key)' contains a NUL character") }
            guard string.count <= maxLength else { throw GatewayError(400, "field '\(key)' is longer than \(maxLength) characters") }
            return string
        }
        var receivedAt: Date?
        if let stamp = try optional("receivedAt", maxLength: 64) {
            guard let date = try? Date(stamp, strategy: .iso8601) else {
                throw GatewayError(400, "field 'receivedAt' must be an ISO 8601 time such as 2026-03-01T09:30:00Z")
            }
            receivedAt = date
        }
        return Submission(
            text: text, conversation: try optional("conversation"), contributor: try optional("contributor"),
            clientRef: try optional("clientRef"), receivedAt: receivedAt)
    }

    /// The body as a JSON object, after the UTF-8 and depth checks.
    func parseObject(_ body: Data) throws(GatewayError) -> [String: Any] {
        guard !body.isEmpty else { throw GatewayError(400, "the body is empty; expected a JSON object") }
        guard String(data: body, encoding: .utf8) != nil else { throw GatewayError(400, "the body is not valid UTF-8") }
        guard depth(of: body) <= maxJSONDepth else {
            throw GatewayError(400, "the JSON is nested more than \(maxJSONDepth) levels deep")
        }
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed])
        } catch {
            throw GatewayError(400, "the body is not valid JSON")
        }
        guard let object = parsed as? [String: Any] else { throw GatewayError(400, "the body must be a JSON object") }
        return object
    }

    /// The deepest nesting of arrays and objects, strings skipped, without parsing.
    private func depth(of body: Data) -> Int {
        body.withUnsafeBytes { depth(of: $0.bindMemory(to: UInt8.self)) }
    }

    private func depth(of body: UnsafeBufferPointer<UInt8>) -> Int {
        var deepest = 0
        var current = 0
        var inString = false
        var escaped = false
        for byte in body {
            if inString {
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
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
