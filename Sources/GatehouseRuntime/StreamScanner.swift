import Foundation
import GatehouseCore

/// `gatehouse scan`: JSON Lines in, JSON Lines out, one output line per input line, in order.
///
/// Input: `{"id", "text", "conversation"?, "contributor"?, "receivedAt"?}`. Output:
/// `{"id", "decision", "text", "findings": [...]}` with offsets in Unicode scalars of the
/// original text. A malformed line gets `{"id", "line", "error"}` and the scan goes on.
public struct StreamScanner: Sendable {
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
    /// Threads for the parts of the work that do not depend on order.
    private let jobs: Int

    /// Lines read and judged together: parsed and put through the text-only plugins on every
    /// core, finished in input order, written out on every core again.
    public static let batchSize = 1024

    /// A scanner over `ruleSet`; its environment holds the fingerprints of the items scanned
    /// so far, so a time-ordered stream is checked for repeats as it goes. `jobs` threads
    /// share the work; the findings are the same for any number.
    public init(ruleSet: RuleSet, jobs: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.ruleSet = ruleSet
        self.jobs = max(1, jobs)
    }

    /// Reads `input` to its end and writes one line to `output` for each line read. `progress`
    /// is called now and then with the summary so far.
    public func scan(input: Int32, output: Int32, progress: ((Summary) -> Void)? = nil) -> Summary {
        var reader = LineReader(descriptor: input)
        var writer = OutputBuffer(descriptor: output)
        var summary = Summary()
        var lastProgress = DispatchTime.now().uptimeNanoseconds
        var batch: [[UInt8]] = []
        batch.reserveCapacity(Self.batchSize)
        var clock = Date.distantPast
        var more = true
        while more {
            batch.removeAll(keepingCapacity: true)
            while batch.count < Self.batchSize, let line = reader.next() { batch.append(line) }
            more = batch.count == Self.batchSize
            guard !batch.isEmpty else { break }
            let first = summary.lines + 1
            for result in process(lines: batch, firstLineNumber: first, clock: &clock) {
                switch result.decision {
                case .accepted?: summary.accepted += 1
                case .held?: summary.held += 1
                case .rejected?: summary.rejected += 1
                case nil: summary.errors += 1
                }
                writer.write(result.json)
                writer.write([0x0A])
            }
            summary.lines += batch.count
            for line in batch { summary.bytes += line.count + 1 }
            if let progress {
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

    /// The output lines (without newlines) for consecutive input lines, the first numbered
    /// `firstLineNumber`, in order, with their decisions (nil for an error).
    ///
    /// A line without a `receivedAt` is received now, as the scan reads it: lines of one batch
    /// a microsecond apart in input order, after `clock` (the last such time, carried from
    /// batch to batch), so that their order is the input's however many threads parse them.
    public func process(lines: [[UInt8]], firstLineNumber: Int, clock: inout Date) -> [(json: [UInt8], decision: Decision?)] {
        let now = max(Date(), clock.addingTimeInterval(1e-6))
        clock = now.addingTimeInterval(Double(lines.count) * 1e-6)
        var started = ParallelMap.map(lines.count, workers: jobs) { index in
            begin(line: lines[index], lineNumber: firstLineNumber + index, receivedNow: now.addingTimeInterval(Double(index) * 1e-6))
        }
        // In input order, on one thread: duplicate rules judge each item against those before it.
        // Each partial verdict is taken out of the array while it is judged, so that what the
        // plugins add to it is not added to a copy of arrays the array still shares.
        for index in started.indices {
            guard case .begun(let id, var partial) = started[index] else { continue }
            started[index] = .failed([])
            ruleSet.judgeHistory(&partial)
            started[index] = .begun(id: id, partial)
        }
        let judged = started
        // Verdicts and output lines on every core again.
        return ParallelMap.map(lines.count, workers: jobs) { index in
            switch judged[index] {
            case .failed(let line): return (line, nil)
            case .begun(let id, let partial): return outputLine(id: id, verdict: ruleSet.conclude(partial), capacity: lines[index].count + 128)
            }
        }
    }

    /// The output line (without newline) for one input line, and the decision (nil for an error).
    public func process(line: [UInt8], lineNumber: Int) -> (json: [UInt8], decision: Decision?) {
        var clock = Date.distantPast
        return process(lines: [line], firstLineNumber: lineNumber, clock: &clock)[0]
    }

    /// A line parsed and through the text-only plugins, or its error line.
    private enum Begun: Sendable {
        // `id` is the line's own id value, if it has one.
        case begun(id: JSONValue?, PartialVerdict)
        case failed([UInt8])
    }

    private func begin(line: [UInt8], lineNumber: Int, receivedNow: Date) -> Begun {
        if Self.isBlank(line) {
            // A blank line still gets its output line, so that lines stay paired.
            return .failed(errorLine(id: nil, lineNumber: lineNumber, "empty line").json)
        }
        let object: [String: JSONValue]
        do {
            object = try decoder.parseObject(line)
        } catch {
            return .failed(errorLine(id: nil, lineNumber: lineNumber, "line \(lineNumber): \(error.message)").json)
        }
        let id = object["id"]
        var submission: Submission
        do {
            submission = try decoder.decode(object: object)
            // A recording holds past times; one in the future would empty the duplicate index.
            try submission.checkReceivedAt(now: Date())
        } catch {
            return .failed(errorLine(id: id, lineNumber: lineNumber, "line \(lineNumber): \(error.message)").json)
        }
        if submission.receivedAt == nil { submission.receivedAt = receivedNow }
        return .begun(id: id, ruleSet.begin(submission, itemId: Self.idText(id) ?? "line-\(lineNumber)"))
    }

    private func outputLine(id: JSONValue?, verdict: Verdict, capacity: Int) -> (json: [UInt8], decision: Decision?) {
        var json = JSONText(capacity: capacity)
        json.beginObject()
        writeID(id, into: &json)
        verdict.writeJSON(into: &json, explain: false)
        json.endObject()
        return (json.bytes, verdict.decision)
    }

    /// The fields of a line: the API's, plus an `id` and anything else a recording carries.
    private let decoder = SubmissionDecoder(policy: .stream)

    /// True for a line of spaces and tabs only (or none): it gets an "empty line" error.
    static func isBlank(_ line: [UInt8]) -> Bool { line.allSatisfy { $0 == 0x20 || $0 == 0x09 } }

    /// The input id as text, for `duplicate_of`.
    static func idText(_ id: JSONValue?) -> String? {
        switch id {
        case .string(let string)?: return string
        case .int(let number)?: return String(number)
        case .double(let number)?: return String(number)
        default: return nil
        }
    }

    /// The id as the input gave it if it is a string or a number; null for anything else.
    private func writeID(_ id: JSONValue?, into json: inout JSONText) {
        json.key("id")
        switch id {
        case .string(let string)?: json.string(string)
        case .int(let number)?: json.number(number)
        case .double(let number)?: json.raw(String(number))
        default: json.null()
        }
    }

    private func errorLine(id: JSONValue?, lineNumber: Int, _ message: String) -> (json: [UInt8], decision: Decision?) {
        var json = JSONText()
        json.beginObject()
        writeID(id, into: &json)
        json.field("line", lineNumber)
        json.field("error", message)
        json.endObject()
        return (json.bytes, nil)
    }
}
