import GatehouseCore
import PCRE2

/// Finds UK personal data (and e-mail, cards, IBANs, IP addresses) and redacts it.
///
/// Each rule is a PCRE2 pattern run over the UTF-8 bytes of the text, then a validator (check
/// digit, numbering plan, real date), a gazetteer, and context words on both sides. Where
/// matches overlap, the rule with the higher `priority` wins, then the longer span: one span is
/// never redacted twice, and a phone number inside an NHS number loses.
public struct PIIRedactionPlugin: RulePlugin {
    /// The name rule packs use: `plugin: pii`.
    public static let pluginName = "pii"

    public let name = PIIRedactionPlugin.pluginName
    public let rules: [RuleInfo]
    private let compiled: [PIIRule]
    private let usesAnchors: Bool
    /// The single-byte anchors the rules use, found in the one pass over each text.
    private let anchorBytes: [UInt8]

    /// Compiles every rule of `packs`. Throws `RulePackError` naming the file, rule and key.
    ///
    /// `usesAnchors: false` runs every rule over the whole text, ignoring `anchor:`; it exists
    /// to check that anchored windows never change a result.
    public init(packs: [RulePack], usesAnchors: Bool = true) throws {
        self.usesAnchors = usesAnchors
        var compiled: [PIIRule] = []
        var seen: [String: String] = [:]
        for pack in packs {
            try pack.settings.rejectUnknownKeys(allowed: [])
            for definition in pack.rules {
                if let other = seen[definition.id] {
                    throw RulePackError(
                        file: pack.file, line: definition.line, rule: definition.id, key: "id",
                        message: "rule id already used in \(other)")
                }
                seen[definition.id] = pack.file
                compiled.append(try PIIRule(definition, packFile: pack.file))
            }
        }
        self.compiled = compiled
        self.rules = compiled.map(\.info)
        self.anchorBytes = compiled.compactMap { rule in
            if case .byte(let byte)? = rule.anchor { return byte }
            return nil
        }
    }

    public func evaluate(_ input: PluginInput) -> PluginReport {
        var text = input.text
        return text.withUTF8 { bytes in evaluate(bytes, explain: input.context.explain) }
    }

    private struct Candidate {
        var rule: Int
        var range: Range<Int>
        var score: Double
        var explanation: String
    }

    private func evaluate(_ bytes: UnsafeBufferPointer<UInt8>, explain: Bool) -> PluginReport {
        var report = PluginReport()
        var candidates: [Candidate] = []
        let entireText = [0..<bytes.count]
        let anchors = AnchorIndex(bytes, bytes: anchorBytes)
        for (index, rule) in compiled.enumerated() {
            let windows = usesAnchors ? rule.anchor?.windows(anchors, maxLength: rule.maxLength) ?? entireText : entireText
            do {
                for window in windows {
                    try rule.regex.forEachMatch(in: bytes, from: window.lowerBound, to: window.upperBound) { match throws(PCRE2Error) in
                        let whole = match.range
                        guard let value = match.range(at: rule.group), !value.isEmpty else { return true }
                        switch try rule.judge(bytes, whole: whole, value: value) {
                        case .accepted(let score, let explanation):
                            candidates.append(Candidate(rule: index, range: value, score: score, explanation: explanation))
                        case .rejected(let reason):
                            if explain {
                                report.notes.append(CandidateNote(rule: rule.info, range: value, reason: rule.describe(reason)))
                            }
                        }
                        return true
                    }
                }
            } catch {
                report.failures.append(RuleFailure(rule: rule.info, message: error.description))
            }
        }
        guard !candidates.isEmpty else { return report }

        // Resolve overlaps: higher priority, then longer, then earlier wins.
        candidates.sort { left, right in
            let l = compiled[left.rule].priority
            let r = compiled[right.rule].priority
            if l != r { return l > r }
            if left.range.count != right.range.count { return left.range.count > right.range.count }
            return left.range.lowerBound < right.range.lowerBound
        }
        var taken: [Candidate] = []
        taken.reserveCapacity(candidates.count)
        for candidate in candidates {
            if let winner = taken.first(where: { $0.range.overlaps(candidate.range) }) {
                if explain {
                    report.notes.append(
                        CandidateNote(
                            rule: compiled[candidate.rule].info, range: candidate.range,
                            reason: "overlaps '\(compiled[winner.rule].info.id)', which wins"))
                }
                continue
            }
            taken.append(candidate)
        }
        taken.sort { $0.range.lowerBound < $1.range.lowerBound }
        report.detections = taken.map { candidate in
            let rule = compiled[candidate.rule]
            return Detection(
                rule: rule.info, range: candidate.range, score: candidate.score,
                explanation: candidate.explanation, replacement: rule.replacement)
        }
        return report
    }
}
