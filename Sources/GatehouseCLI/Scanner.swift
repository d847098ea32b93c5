import Foundation
import GatehouseCore
import GatehouseRuntime

/// `gatehouse scan`: JSON Lines in, JSON Lines out, one output line per input line, in order.
///
/// Input: `{"id", "text", "conversation"?, "contributor"?, "receivedAt"?}`. Output:
/// `{"id", "decision", "text", "findings": [...]}` with offsets in Unicode scalars of the
/// original text. A malformed line gets `{"id", "line", "error"}` and the scan goes on.
public struct Scanner: Sendable {
    /// Counts from one run.
    public struct Summary: Sendable, Equatable {
        public var lines = 0
        public var errors = 0
        public var accepted = 0
        public var held = 0
        public var rejected = 0
        public var bytes = 0
    }

    private let ruleSet: RuleSet

    /// A scanner over `ruleSet`; its environment holds the fingerprints of the items scanned
    /// so far, so a time-ordered stream is checked for repeats as it goes.
    public init(ruleSet: RuleSet) {
        self.ruleSet = ruleSet
    }

    /// Reads `input` to its end and writes one line to `output` for each line read. `progress`
    /// is called now and then with the summary so far.
    public func scan(input: Int32, output: Int32, progress: ((Summary) -> Void)? = nil) -> Summary {
        var reader = LineReader(descriptor: input)
        var writer = OutputBuffer(descriptor: output)
        var summary = Summary()
        var lastProgress = DispatchTime.now().uptimeNanoseconds
        while let line = reader.next() {
            summary.lines += 1
            summary.bytes += line.count + 1
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) {
                // A blank line still gets its output line, so that lines stay paired.
                writer.write(Array(#"{"id":null,"line":\#(summary.lines),"error":"empty line"}"#.utf8) + [0x0A])
                summary.errors += 1
                continue
            }
            let result = process(line: line, lineNumber: summary.lines)
            switch result.decision {
            case .accepted?: summary.accepted += 1
            case .held?: summary.held += 1
            case .rejected?: summary.rejected += 1
            case nil: summary.errors += 1
            }
            writer.write(result.json + [0x0A])
            if let progress, summary.lines % 256 == 0 {
                let now = DispatchTime.now().uptimeNanoseconds
                if now - lastProgress > 250_000_000 {
                    lastProgress = now
                    progress(summary)
                }
            }
        }
        writer.flush()
        return summary
    }

    /// The output line (without newline) for one input line, and the decision (nil for an error).
    public func process(line: [UInt8], lineNumber: Int) -> (json: [UInt8], decision: Decision?) {
        var json = JSONText(capacity: line.count + 128)
        json.raw("{")
        let object: [String: Any]
        do {
            guard let parsed = try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] else {
                return errorLine(id: nil, lineNumber: lineNumber, "line \(lineNumber): expected a JSON object")
            }
            object = parsed
        } catch {
            return errorLine(id: nil, lineNumber: lineNumber, "line \(lineNumber): invalid JSON")
        }
        let id = object["id"]
        do {
            let submission = try Self.submission(from: object, lineNumber: lineNumber)
            let verdict = ruleSet.evaluate(submission, itemId: Self.idText(id) ?? "line-\(lineNumber)")
            writeID(id, into: &json)
            verdict.writeJSON(into: &json, explain: false)
            json.raw("}")
            return (json.bytes, verdict.decision)
        } catch let error as ScanInputError {
            return errorLine(id: id, lineNumber: lineNumber, error.message)
        } catch {
            return errorLine(id: id, lineNumber: lineNumber, "line \(lineNumber): \(error)")
        }
    }

    struct ScanInputError: Error {
        var message: String
    }

    static func submission(from object: [String: Any], lineNumber: Int) throws -> Submission {
        func fail(_ message: String) -> ScanInputError { ScanInputError(message: "line \(lineNumber): \(message)") }
        guard let rawText = object["text"] else { throw fail("field 'text' is missing") }
        guard let text = rawText as? String else { throw fail("field 'text' must be a string") }
        if text.utf8.contains(0) { throw fail("field 'text' contains a NUL character") }
        func optionalString(_ key: String) throws -> String? {
            guard let value = object[key], !(value is NSNull) else { return nil }
            guard let string = value as? String else { throw fail("field '\(key)' must be a string") }
            return string
        }
        var receivedAt: Date?
        if let stamp = try optionalString("receivedAt") {
            guard let date = parseTimestamp(stamp) else {
                throw fail("field 'receivedAt' must be an ISO 8601 time such as 2026-03-01T09:30:00Z")
            }
            receivedAt = date
        }
        return Submission(
            text: text, conversation: try optionalString("conversation"),
            contributor: try optionalString("contributor"), receivedAt: receivedAt)
    }

    static func parseTimestamp(_ text: String) -> Date? {
        if let date = try? Date(text, strategy: .iso8601) { return date }
        return try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    /// The input id as text, for `duplicate_of`.
    static func idText(_ id: Any?) -> String? {
        switch id {
        case let string as String: return string
        case is Bool: return nil
        case let number as Int: return String(number)
        case let number as Double: return String(number)
        default: return nil
        }
    }

    private func writeID(_ id: Any?, into json: inout JSONText) {
        json.key("id")
        switch id {
        case let string as String:
            json.string(string)
        case is Bool:
            json.raw("null")
        case let number as Int:
            json.raw(String(number))
        case let number as Double:
            json.raw(String(number))
        default:
            json.raw("null")
        }
    }

    private func errorLine(id: Any?, lineNumber: Int, _ message: String) -> (json: [UInt8], decision: Decision?) {
        var json = JSONText()
        json.raw("{")
        writeID(id, into: &json)
        json.field("line", lineNumber)
        json.field("error", message)
        json.raw("}")
        return (json.bytes, nil)
    }
}
