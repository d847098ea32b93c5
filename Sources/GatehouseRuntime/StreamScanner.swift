import Foundation
import GatehouseCore
import Synchronization

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
    ///
    /// Batches go through three stages at once when the rules judge history and there is more
    /// than one thread: while this thread judges one batch in input order, the next is read,
    /// parsed and put through the text-only plugins, and the one before is concluded and
    /// written. Done one after another, the other cores idled through every judging.
    public func scan(input: Int32, output: Int32, progress: ((Summary) -> Void)? = nil) -> Summary {
        let run = ScanRun(input: input, output: output)
        let pipelined = jobs > 1 && ruleSet.pipeline.judgesHistory
        // Pipelined, the judging keeps a core to itself.
        let workers = pipelined ? jobs - 1 : jobs
        let stages = (begin: DispatchQueue(label: "gatehouse.scan.begin"), finish: DispatchQueue(label: "gatehouse.scan.finish"))
        // Judged batches waiting to be written, at most: memory stays bounded when writing lags.
        let waiting = DispatchSemaphore(value: 4)
        var lastProgress = DispatchTime.now().uptimeNanoseconds
        var next = Handoff<Batch?>(on: pipelined ? stages.begin : nil) { self.beginBatch(run, workers: workers) }
        while var batch = next.value {
            next = Handoff(on: pipelined ? stages.begin : nil) { self.beginBatch(run, workers: workers) }
            judge(&batch.begun)
            let judged = batch
            if pipelined {
                waiting.wait()
                stages.finish.async {
                    self.finish(judged, run, workers: workers)
                    waiting.signal()
                }
            } else {
                finish(judged, run, workers: workers)
            }
            if let progress {
                let now = DispatchTime.now().uptimeNanoseconds
                if now - lastProgress > 250_000_000 {
                    lastProgress = now
                    progress(run.summary)
                }
            }
        }
        stages.finish.sync {}
        return run.flush()
    }

    /// The output lines (without newlines) for consecutive input lines, the first numbered
    /// `firstLineNumber`, in order, with their decisions (nil for an error).
    ///
    /// A line without a `receivedAt` is received now, as the scan reads it: lines of one batch
    /// a microsecond apart in input order, after `clock` (the last such time, carried from
    /// batch to batch), so that their order is the input's however many threads parse them.
    public func process(lines: [[UInt8]], firstLineNumber: Int, clock: inout Date) -> [(json: [UInt8], decision: Decision?)] {
        var started = begin(lines, firstLineNumber: firstLineNumber, clock: &clock, workers: jobs)
        judge(&started)
        return conclude(started, lines, workers: jobs)
    }

    /// Lines parsed and put through the text-only plugins, on `workers` threads.
    private func begin(_ lines: [[UInt8]], firstLineNumber: Int, clock: inout Date, workers: Int) -> [Begun] {
        let now = max(Date(), clock.addingTimeInterval(1e-6))
        clock = now.addingTimeInterval(Double(lines.count) * 1e-6)
        return ParallelMap.map(lines.count, workers: workers) { index in
            begin(line: lines[index], lineNumber: firstLineNumber + index, receivedNow: now.addingTimeInterval(Double(index) * 1e-6))
        }
    }

    /// In input order, on this thread: duplicate rules judge each item against those before it.
    /// Each partial verdict is taken out of the array while it is judged, so that what the
    /// plugins add to it is not added to a copy of arrays the array still shares.
    private func judge(_ started: inout [Begun]) {
        for index in started.indices {
            guard case .begun(let id, var partial) = started[index] else { continue }
            started[index] = .failed([])
            ruleSet.judgeHistory(&partial)
            started[index] = .begun(id: id, partial)
        }
    }

    /// Verdicts and output lines, on `workers` threads.
    private func conclude(_ judged: [Begun], _ lines: [[UInt8]], workers: Int) -> [(json: [UInt8], decision: Decision?)] {
        ParallelMap.map(lines.count, workers: workers) { index in
            switch judged[index] {
            case .failed(let line): return (line, nil)
            case .begun(let id, let partial): return outputLine(id: id, verdict: ruleSet.conclude(partial), capacity: lines[index].count + 128)
            }
        }
    }

    /// One batch of lines on its way through the stages.
    private struct Batch: Sendable {
        var lines: [[UInt8]]
        var begun: [Begun]
        /// The bytes the lines were read from, newlines included.
        var bytes: Int { lines.reduce(0) { $0 + $1.count + 1 } }
    }

    /// The next batch of `run`'s input, begun; nil at the end of the input.
    private func beginBatch(_ run: ScanRun, workers: Int) -> Batch? {
        guard let (lines, first) = run.read(Self.batchSize) else { return nil }
        return Batch(lines: lines, begun: begin(lines, firstLineNumber: first, clock: &run.clock, workers: workers))
    }

    /// Concludes a judged batch and writes its lines to `run`'s output.
    private func finish(_ batch: Batch, _ run: ScanRun, workers: Int) {
        run.write(conclude(batch.begun, batch.lines, workers: workers), bytes: batch.bytes)
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

/// A scan's input, output and counts. The reading side (`read`, `clock`) is used by one stage
/// at a time, and so is the writing side (`write`, `flush`); `summary` may be read anywhere.
private final class ScanRun: @unchecked Sendable {
    // @unchecked Sendable: the begin stage alone reads and keeps the clock, one batch after
    // another; the finish stage alone writes, in order; the counts are behind a lock.
    private var reader: LineReader
    private var writer: OutputBuffer
    private var linesRead = 0
    var clock = Date.distantPast
    private let counts = Mutex(StreamScanner.Summary())

    init(input: Int32, output: Int32) {
        reader = LineReader(descriptor: input)
        writer = OutputBuffer(descriptor: output)
    }

    /// Up to `count` lines and the number of the first; nil at the end of the input.
    func read(_ count: Int) -> ([[UInt8]], first: Int)? {
        var lines: [[UInt8]] = []
        lines.reserveCapacity(count)
        while lines.count < count, let line = reader.next() { lines.append(line) }
        guard !lines.isEmpty else { return nil }
        defer { linesRead += lines.count }
        return (lines, linesRead + 1)
    }

    /// Writes the lines of one batch, in order, and counts them and the `bytes` they were read from.
    func write(_ results: [(json: [UInt8], decision: Decision?)], bytes: Int) {
        for result in results {
            writer.write(result.json)
            writer.write([0x0A])
        }
        counts.withLock { total in
            total.lines += results.count
            total.bytes += bytes
            for result in results {
                switch result.decision {
                case .accepted?: total.accepted += 1
                case .held?: total.held += 1
                case .rejected?: total.rejected += 1
                case nil: total.errors += 1
                }
            }
        }
    }

    var summary: StreamScanner.Summary { counts.withLock { $0 } }

    func flush() -> StreamScanner.Summary {
        writer.flush()
        return summary
    }
}

/// A value made by `body`, on `queue` when there is one (so the caller goes on meanwhile) or
/// else at once; `value` waits for it.
private struct Handoff<T: Sendable>: Sendable {
    private final class Slot: @unchecked Sendable {
        // @unchecked Sendable: written once before `ready` is signalled, read after waiting on it.
        var value: T?
        let ready = DispatchSemaphore(value: 0)
    }

    private let slot = Slot()

    init(on queue: DispatchQueue?, _ body: @escaping @Sendable () -> T) {
        let slot = self.slot
        if let queue {
            queue.async {
                slot.value = body()
                slot.ready.signal()
            }
        } else {
            slot.value = body()
            slot.ready.signal()
        }
    }

    var value: T {
        slot.ready.wait()
        slot.ready.signal()
        return slot.value!
    }
}
