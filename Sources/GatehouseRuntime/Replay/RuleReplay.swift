import Foundation
import GatehouseCore

/// Runs two rule sets over the same corpus, in corpus order, and reports what the change
/// would do (`ReplayReport`).
///
/// Deterministic: both sets share one fixed key (pseudonyms and keyed sketches are the same
/// on every run; nothing is stored, so the key protects nothing), and a line without a
/// `receivedAt` is given the one before it plus a second (the first such line starts at
/// `RuleReplay.epoch`), so repeats and floods are judged on the same clock every time. Each
/// batch of lines is parsed and put through the text-only plugins on every core, then finished
/// by the two sets side by side; a set's duplicate rules see the items in corpus order, so
/// they keep their stream semantics.
public struct RuleReplay: Sendable {
    public let baseline: RuleSet
    public let candidate: RuleSet
    /// Scalars shown either side of a changed span in an example.
    public var excerptRadius = 60

    /// The clock for lines without a time of their own: 2026-01-01T00:00:00Z.
    public static let epoch = Date(timeIntervalSince1970: 1_767_225_600)

    /// The environment each rule set is built with (a fresh index, the fixed key).
    public static func environment() -> PluginEnvironment {
        PluginEnvironment(hasher: KeyedHasher(secret: Array("gatehouse rules replay: fixed, nothing is stored".utf8)))
    }

    public init(baseline: RuleSet, candidate: RuleSet) {
        self.baseline = baseline
        self.candidate = candidate
        var modes: [String: (plugin: String, baseline: RuleMode?, candidate: RuleMode?)] = [:]
        for pack in baseline.packs { for rule in pack.rules { modes[rule.id] = (pack.plugin, rule.mode, nil) } }
        for pack in candidate.packs {
            for rule in pack.rules { modes[rule.id] = (pack.plugin, modes[rule.id]?.baseline, rule.mode) }
        }
        self.modes = modes
    }

    private let modes: [String: (plugin: String, baseline: RuleMode?, candidate: RuleMode?)]
    private let decoder = SubmissionDecoder(policy: .stream)

    /// One line of the corpus as read.
    public struct Line: Sendable {
        public var number: Int
        public var bytes: [UInt8]
        public init(number: Int, bytes: [UInt8]) {
            self.number = number
            self.bytes = bytes
        }
    }

    /// A report to fill, before any line.
    public func emptyReport(examples: Int) -> ReplayReport {
        ReplayReport(baselineVersion: baseline.version, candidateVersion: candidate.version, examplesPerChange: examples)
    }

    /// Judges `lines` (the next lines of the corpus, in order) with both sets and adds what
    /// changed to `report`. `clock` carries the time of the last line into the next batch.
    public func feed(_ lines: [Line], into report: inout ReplayReport, clock: inout Date) {
        let parsed = ParallelMap.map(lines.count) { parse(lines[$0]) }
        var items: [(line: Int, id: String, submission: Submission)] = []
        items.reserveCapacity(lines.count)
        for (line, result) in zip(lines, parsed) {
            report.lines += 1
            switch result {
            case .failure(let failure):
                report.errorCount += 1
                if report.errors.count < 20 { report.errors.append(.init(line: line.number, message: failure.message)) }
            case .success(var item):
                if let time = item.submission.receivedAt {
                    clock = max(clock, time)
                } else {
                    clock = clock.addingTimeInterval(1)
                    item.submission.receivedAt = clock
                }
                items.append((line.number, item.id, item.submission))
            }
        }
        // The text-only plugins on every core, item by item; then each set's plugins that
        // judge against earlier items, in corpus order, the two sets side by side.
        let sets = [baseline, candidate]
        let judged = items
        let begun = ParallelMap.map(2 * judged.count) { index in
            sets[index % 2].begin(judged[index / 2].submission, itemId: judged[index / 2].id)
        }
        let verdicts = ParallelMap.map(2) { which in
            stride(from: which, to: begun.count, by: 2).map { sets[which].finish(begun[$0]) }
        }
        for (index, item) in items.enumerated() {
            compare(item, old: verdicts[0][index], new: verdicts[1][index], into: &report)
        }
    }

    private struct Parsed {
        var id: String
        var submission: Submission
    }

    private func parse(_ line: Line) -> Result<Parsed, LineFailure> {
        if StreamScanner.isBlank(line.bytes) { return .failure(LineFailure("empty line")) }
        do {
            let object = try decoder.parseObject(line.bytes)
            // No check against the wall clock: the corpus is its own clock, and a report that
            // changed with the day it ran would not be reproducible.
            let submission = try decoder.decode(object: object)
            return .success(Parsed(id: StreamScanner.idText(object["id"]) ?? "line \(line.number)", submission: submission))
        } catch {
            return .failure(LineFailure(error.message))
        }
    }

    private struct LineFailure: Error {
        var message: String
        init(_ message: String) { self.message = message }
    }


    /// A finding as the two sets are compared on: which rule, where.
    private struct Key: Hashable {
        var plugin: String
        var rule: String
        var start: Int
        var end: Int
        init(_ finding: Finding) {
            plugin = finding.plugin
            rule = finding.rule
            start = finding.start
            end = finding.end
        }
    }

    private func compare(
        _ item: (line: Int, id: String, submission: Submission), old: Verdict, new: Verdict, into report: inout ReplayReport
    ) {
        report.items += 1
        let transition = ReplayReport.Transition(from: old.decision, to: new.decision)
        report.decisions[transition, default: 0] += 1
        let gained = Self.difference(new.findings, old.findings)
        let lost = Self.difference(old.findings, new.findings)
        let oldRedactions = old.findings.filter(Self.redacts)
        let newRedactions = new.findings.filter(Self.redacts)
        let lostRedactions = oldRedactions.filter { finding in !newRedactions.contains { Self.covers($0, finding) } }
        report.lostRedactions += lostRedactions.count
        report.gainedRedactions += newRedactions.count { finding in !oldRedactions.contains { Self.covers($0, finding) } }
        if gained.isEmpty && lost.isEmpty && lostRedactions.isEmpty && !transition.changed { return }

        let original = old.resolvedText ?? item.submission.text
        let redactions = (oldRedactions + newRedactions).map { ($0.start..<$0.end, $0.replacement!) }
        func example(_ span: Range<Int>?, rule: String?) -> ReplayReport.Example {
            ReplayReport.Example(
                item: item.id, line: item.line, from: old.decision, to: new.decision, rule: rule,
                excerpt: Self.excerpt(original, redactions: redactions, mark: span, radius: excerptRadius))
        }
        for finding in gained {
            record(finding.rule, into: &report) { $0.gained += 1 }
            report.addExample(example(finding.start..<finding.end, rule: finding.rule), for: ReplayReport.gainedKey(finding.rule))
        }
        for finding in lost {
            record(finding.rule, into: &report) { $0.lost += 1 }
            report.addExample(example(finding.start..<finding.end, rule: finding.rule), for: ReplayReport.lostKey(finding.rule))
        }
        for finding in lostRedactions {
            report.addExample(example(finding.start..<finding.end, rule: finding.rule), for: ReplayReport.lostRedactionKey)
        }
        if transition.changed {
            // The finding behind the change: one that decides and differs, else the one that
            // decides in the set that decided more severely (a rule that changed mode).
            let deciding = { (finding: Finding) in !finding.shadow && finding.action.decision != .accepted }
            let severer = new.decision > old.decision ? new : old
            let cause = (gained + lost).first(where: deciding) ?? severer.findings.first(where: deciding)
            report.addExample(
                example(cause.map { $0.start..<$0.end }, rule: cause?.rule), for: ReplayReport.decisionKey(transition))
        }
    }

    private func record(_ rule: String, into report: inout ReplayReport, _ change: (inout ReplayReport.RuleChange) -> Void) {
        let known = modes[rule]
        change(&report.rules[rule, default: .init(plugin: known?.plugin ?? "", baselineMode: known?.baseline, candidateMode: known?.candidate)])
    }

    private static func redacts(_ finding: Finding) -> Bool {
        finding.replacement != nil && !finding.shadow && finding.end > finding.start
    }

    private static func covers(_ outer: Finding, _ inner: Finding) -> Bool {
        outer.start <= inner.start && inner.end <= outer.end
    }

    /// The findings of `these` that `those` do not have (as a multiset on rule and span).
    private static func difference(_ these: [Finding], _ those: [Finding]) -> [Finding] {
        var remaining: [Key: Int] = [:]
        for finding in those { remaining[Key(finding), default: 0] += 1 }
        return these.filter { finding in
            let key = Key(finding)
            guard let count = remaining[key], count > 0 else { return true }
            remaining[key] = count - 1
            return false
        }
    }

    /// `text` (cut to `radius` scalars either side of `mark`) with every span in `redactions`
    /// replaced by its token and `mark` between ⟦ and ⟧, on one line and safe to print. A cut
    /// never falls inside a redacted span, and a mark that touches one takes in all of it.
    static func excerpt(_ text: String, redactions: [(Range<Int>, String)], mark: Range<Int>?, radius: Int) -> String {
        let scalars = Array(text.unicodeScalars)
        var kept: [(range: Range<Int>, token: String)] = []
        for (range, token) in redactions.sorted(by: { ($0.0.lowerBound, -$0.0.upperBound) < ($1.0.lowerBound, -$1.0.upperBound) }) {
            guard range.upperBound <= scalars.count else { continue }
            if let last = kept.last, range.lowerBound < last.range.upperBound { continue }
            kept.append((range, token))
        }
        /// `offset` moved out of any redaction it falls inside: to its start, or to its end.
        func outside(_ offset: Int, toEnd: Bool) -> Int {
            guard let inside = kept.first(where: { $0.range.lowerBound < offset && offset < $0.range.upperBound }) else { return offset }
            return toEnd ? inside.range.upperBound : inside.range.lowerBound
        }
        let marked = mark.map { outside(min($0.lowerBound, scalars.count), toEnd: false)..<outside(min($0.upperBound, scalars.count), toEnd: true) }
        let centre = marked ?? 0..<0
        let from = outside(max(0, centre.lowerBound - radius), toEnd: false)
        let to = outside(min(scalars.count, centre.upperBound + radius), toEnd: true)
        var out = from > 0 ? "…" : ""
        var index = from
        var next = kept.firstIndex { $0.range.lowerBound >= from } ?? kept.count
        while index <= to {
            if let marked, index == marked.lowerBound, !marked.isEmpty { out += "⟦" }
            if let marked, index == marked.upperBound, !marked.isEmpty { out += "⟧" }
            if index == to { break }
            if next < kept.count, kept[next].range.lowerBound == index {
                out += kept[next].token
                index = kept[next].range.upperBound
                next += 1
            } else {
                out += PrintableText.escaped(String(scalars[index]), oneLine: true)
                index += 1
            }
        }
        if to < scalars.count { out += "…" }
        return out
    }
}
