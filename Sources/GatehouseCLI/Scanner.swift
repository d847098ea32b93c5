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
        let object: [String: Any]
        do {
            object = try decoder.parseObject(Data(line))
        } catch {
            return errorLine(id: nil, lineNumber: lineNumber, "line \(lineNumber): \(error.message)")
        }
        let id = object["id"]
        let submission: Submission
        do {
            submission = try decoder.decode(object: object)
            // A recording holds past times; one in the future would empty the duplicate index.
            try submission.checkReceivedAt(now: Date())
        } catch {
            return errorLine(id: id, lineNumber: lineNumber, "line \(lineNumber): \(error.message)")
        }
        let verdict = ruleSet.evaluate(submission, itemId: Self.idText(id) ?? "line-\(lineNumber)")
        var json = JSONText(capacity: line.count + 128)
        json.beginObject()
        writeID(id, into: &json)
        verdict.writeJSON(into: &json, explain: false)
        json.endObject()
        return (json.bytes, verdict.decision)
    }

    /// The fields of a line: the API's, plus an `id` and anything else a recording carries.
    private let decoder = SubmissionDecoder(policy: .stream)

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
        case let string as String: json.string(string)
        case is Bool: json.null()
        case let number as Int: json.number(number)
        case let number as Double: json.raw(String(number))
        default: json.null()
        }
    }

    private func errorLine(id: Any?, lineNumber: Int, _ message: String) -> (json: [UInt8], decision: Decision?) {
        var json = JSONText()
        json.beginObject()
        writeID(id, into: &json)
        json.field("line", lineNumber)
        json.field("error", message)
        json.endObject()
        return (json.bytes, nil)
    }
}
