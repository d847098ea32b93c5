import Foundation
import Logging

/// Runs rule plugins in their configured order over a submission and decides.
///
/// Each plugin sees the draft as earlier plugins left it (PII redaction runs first, so no
/// later plugin sees raw personal data). Redactions of enforcing rules rewrite the draft; every
/// span is mapped back to the original text. The decision is the most severe that any
/// enforcing finding asks for: reject > hold > accept. A rule that could not finish holds the
/// item (fail closed).
public struct Pipeline: Sendable {
    /// The plugins, in the order they run.
    public let plugins: [any RulePlugin]
    private let logger: Logger

    /// True when some plugin judges against earlier items (and so reads the contributor).
    public let judgesHistory: Bool

    public init(plugins: [any RulePlugin], logger: Logger = Logger(label: "gatehouse.pipeline")) {
        self.plugins = plugins
        self.logger = logger
        judgesHistory = plugins.contains { $0.judgesHistory }
    }

    /// Every rule of every plugin, in order.
    public var rules: [(plugin: String, rule: RuleInfo)] {
        plugins.flatMap { plugin in plugin.rules.map { (plugin.name, $0) } }
    }

    /// The verdict for `submission`.
    public func evaluate(_ submission: Submission, context: EvaluationContext? = nil) -> Verdict {
        let context = context ?? EvaluationContext(
            conversation: submission.conversation, receivedAt: submission.receivedAt ?? Date())
        return evaluate(text: submission.text, context: context)
    }

    /// The verdict for `text` under `context`.
    public func evaluate(text given: String, context: EvaluationContext = EvaluationContext()) -> Verdict {
        finish(begin(text: given, context: context))
    }

    /// Runs the plugins that judge a text on its own (up to the first that judges it against
    /// earlier items), for `finish` to complete. Unlike `finish`, safe to run for many items
    /// at once and in any order: batch runs spread this part over every core.
    public func begin(text given: String, context: EvaluationContext = EvaluationContext()) -> PartialVerdict {
        // Rules read a text as it displays: bidi embeddings and overrides resolved (BidiControls).
        let text = BidiControls.resolved(given)
        var partial = PartialVerdict(given: given, text: text, context: context)
        while partial.next < plugins.count, !plugins[partial.next].judgesHistory {
            run(plugins[partial.next], on: &partial)
        }
        // What the first plugin that judges history can do ahead: no plugin runs between here
        // and it, so it will see this very input.
        if partial.next < plugins.count {
            partial.prepared = plugins[partial.next].prepare(PluginInput(text: partial.draft.text, context: partial.context))
        }
        return partial
    }

    /// Runs the rest of the plugins on `partial` and decides. Plugins that judge against
    /// earlier items see the items in the order `finish` is called for them.
    public func finish(_ partial: PartialVerdict) -> Verdict {
        var partial = partial
        judgeHistory(&partial)
        return conclude(partial)
    }

    /// Runs the plugins `begin` left: those that judge against earlier items (and any after
    /// them), which see the items in the order this is called for them.
    public func judgeHistory(_ partial: inout PartialVerdict) {
        while partial.next < plugins.count { run(plugins[partial.next], on: &partial) }
    }

    /// The verdict of `partial`, whose plugins have all run: findings in offsets of the text as
    /// given, sorted. Depends on nothing but `partial`, so verdicts may be concluded on any
    /// thread, in any order (`scan` does it on every core).
    public func conclude(_ partial: PartialVerdict) -> Verdict {
        precondition(partial.next == plugins.count, "conclude(_:) before every plugin ran; call judgeHistory(_:) first")
        return verdict(partial)
    }

    private func run(_ plugin: any RulePlugin, on partial: inout PartialVerdict) {
        partial.next += 1
        let context = partial.context
        let input = PluginInput(text: partial.draft.text, context: context)
        let report: PluginReport
        if let prepared = partial.prepared {
            partial.prepared = nil
            report = plugin.evaluate(input, prepared: prepared)
        } else {
            report = plugin.evaluate(input)
        }
        var edits: [(range: Range<Int>, replacement: String)] = []
        for detection in report.detections {
            let enforced = detection.rule.mode == .enforce
            let replacement = enforced ? detection.replacement : nil
            if let replacement, !detection.range.isEmpty {
                edits.append((detection.range, replacement))
            }
            if enforced { partial.decision = max(partial.decision, detection.rule.action.decision) }
            partial.pending.append(
                PendingFinding(
                    plugin: plugin.name, detection: detection,
                    original: partial.draft.originalRange(of: detection.range),
                    replacement: replacement))
        }
        for failure in report.failures {
            logger.warning(
                "rule could not finish; item held",
                metadata: ["plugin": "\(plugin.name)", "rule": "\(failure.rule.id)", "error": "\(failure.message)"])
            partial.decision = max(partial.decision, .held)
            let detection = Detection(
                rule: RuleInfo(id: failure.rule.id, category: "RULE_FAILURE", action: .hold),
                range: 0..<0, score: 1, explanation: "rule could not finish (\(failure.message)); held for review")
            partial.pending.append(PendingFinding(plugin: plugin.name, detection: detection, original: 0..<0, replacement: nil))
        }
        if context.explain {
            for note in report.notes {
                partial.notes.append(PendingNote(plugin: plugin.name, note: note, original: partial.draft.originalRange(of: note.range)))
            }
        }
        partial.draft.apply(Self.nonOverlapping(edits))
    }

    private func verdict(_ partial: PartialVerdict) -> Verdict {
        let pending = partial.pending
        let notes = partial.notes
        let draft = partial.draft
        let offsets = ScalarOffsets.convert(
            pending.flatMap { [$0.original.lowerBound, $0.original.upperBound] }
                + notes.flatMap { [$0.original.lowerBound, $0.original.upperBound] },
            in: draft.original)
        var findings: [Finding] = []
        findings.reserveCapacity(pending.count)
        for (index, item) in pending.enumerated() {
            let detection = item.detection
            findings.append(
                Finding(
                    plugin: item.plugin, rule: detection.rule.id, category: detection.rule.category,
                    action: detection.rule.action, shadow: detection.rule.mode == .shadow,
                    start: offsets[2 * index], end: offsets[2 * index + 1], score: detection.score,
                    explanation: detection.explanation, attributes: detection.attributes,
                    replacement: item.replacement))
        }
        findings.sort { ($0.start, $0.end) < ($1.start, $1.end) }
        let base = 2 * pending.count
        let explainNotes = notes.enumerated().map { index, item in
            ExplainNote(
                plugin: item.plugin, rule: item.note.rule.id,
                start: offsets[base + 2 * index], end: offsets[base + 2 * index + 1], reason: item.note.reason)
        }
        var verdict = Verdict(decision: partial.decision, text: draft.text, findings: findings, notes: explainNotes)
        if partial.draft.original != partial.given { verdict.resolvedText = partial.draft.original }
        return verdict
    }

    /// Sorts `edits` and drops any that overlaps one kept before it: a span is never redacted twice.
    static func nonOverlapping(
        _ edits: [(range: Range<Int>, replacement: String)]
    ) -> [(range: Range<Int>, replacement: String)] {
        guard edits.count > 1 else { return edits }
        let sorted = edits.sorted {
            ($0.range.lowerBound, -$0.range.upperBound) < ($1.range.lowerBound, -$1.range.upperBound)
        }
        var kept: [(range: Range<Int>, replacement: String)] = []
        kept.reserveCapacity(sorted.count)
        for edit in sorted {
            if let last = kept.last, edit.range.lowerBound < last.range.upperBound { continue }
            kept.append(edit)
        }
        return kept
    }
}

/// A submission part-way through a `Pipeline`: the plugins before `next` have run.
public struct PartialVerdict: Sendable {
    /// The text as given (before bidi controls were resolved).
    let given: String
    let context: EvaluationContext
    var draft: Draft
    var pending: [PendingFinding] = []
    var notes: [PendingNote] = []
    var decision = Decision.accepted
    /// The index of the next plugin to run.
    var next = 0
    /// What that plugin prepared ahead (`RulePlugin.prepare`), if it did.
    var prepared: (any Sendable)?

    init(given: String, text: String, context: EvaluationContext) {
        self.given = given
        self.context = context
        self.draft = Draft(text)
    }
}

struct PendingFinding: Sendable {
    var plugin: String
    var detection: Detection
    var original: Range<Int>
    var replacement: String?
}

struct PendingNote: Sendable {
    var plugin: String
    var note: CandidateNote
    var original: Range<Int>
}
