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
    private let nameDetectors: [PersonNameDetector]
    private let usesAnchors: Bool
    /// The single-byte anchors the rules use, found in the one pass over each text.
    private let anchorBytes: [UInt8]
    /// The words the rules anchor on (`anchor: word`), found in one more pass when any is used.
    private let anchorWords: AnchorWords?

    /// Compiles every rule of `packs`. Throws `RulePackError` naming the file, rule and key.
    ///
    /// `usesAnchors: false` runs every rule over the whole text, ignoring `anchor:`; it exists
    /// to check that anchored windows never change a result.
    public init(packs: [RulePack], usesAnchors: Bool = true) throws {
        self.usesAnchors = usesAnchors
        var compiled: [PIIRule] = []
        var detectors: [PersonNameDetector] = []
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
                if let detector = try definition.fields.optionalString("detector") {
                    guard detector == "person_name" else {
                        throw definition.fields.error("detector", "unknown detector '\(detector)' (known: person_name)")
                    }
                    detectors.append(try PersonNameDetector(definition, packFile: pack.file))
                } else {
                    compiled.append(try PIIRule(definition, packFile: pack.file))
                }
            }
        }
        self.compiled = compiled
        self.nameDetectors = detectors
        self.rules = compiled.map(\.info) + detectors.map(\.info)
        self.anchorBytes = compiled.compactMap { rule in
            if case .byte(let byte)? = rule.anchor { return byte }
            return nil
        }
        self.anchorWords = compiled.reduce(nil) { (words: AnchorWords?, rule) in
            guard case .words(let own)? = rule.anchor else { return words }
            return words.map { $0.union(own) } ?? own
        }
    }

    public func evaluate(_ input: PluginInput) -> PluginReport {
        var text = input.text
        return text.withUTF8 { bytes in evaluate(bytes, explain: input.context.explain) }
    }

    private struct Candidate {
        /// An index into `compiled`, or `compiled.count + i` for name detector `i`.
        var rule: Int
        /// The rule's priority, carried so the overlap sort reads no rule.
        var priority: Int
        var range: Range<Int>
        var score: Double
        var explanation: String
    }

    private func evaluate(_ bytes: UnsafeBufferPointer<UInt8>, explain: Bool) -> PluginReport {
        var report = PluginReport()
        var candidates: [Candidate] = []
        let anchors = AnchorIndex(bytes, bytes: anchorBytes, words: anchorWords)
        var windows: [Range<Int>] = []
        for (index, rule) in compiled.enumerated() {
            if usesAnchors, let anchor = rule.anchor {
                anchor.windows(anchors, maxLength: rule.maxLength, into: &windows)
            } else {
                windows.removeAll(keepingCapacity: true)
                windows.append(0..<bytes.count)
            }
            do {
                for window in windows {
                    // A refused match does not hide one that starts inside it: `ref 12 4111 1111
                    // 1111 1111` is first read as one long number, whose check digit fails.
                    try rule.regex.forEachMatch(in: bytes, from: window.lowerBound, to: window.upperBound) {
                        match throws(PCRE2Error) -> CompiledRegex.Resume in
                        let whole = match.range
                        guard let value = match.range(at: rule.group), !value.isEmpty else { return .insideMatch }
                        switch try rule.judge(bytes, whole: whole, value: value) {
                        case .accepted(let score, let explanation):
                            candidates.append(
                                Candidate(rule: index, priority: rule.priority, range: value, score: score, explanation: explanation))
                            return .afterMatch
                        case .rejected(let reason):
                            if explain {
                                report.notes.append(CandidateNote(rule: rule.info, range: value, reason: rule.describe(reason)))
                            }
                            if case .validatorFailed = reason, let shorter = try shorterMatch(of: rule, in: bytes, refused: whole) {
                                candidates.append(
                                    Candidate(rule: index, priority: rule.priority, range: shorter.value, score: shorter.score, explanation: shorter.explanation))
                                return .from(shorter.whole.upperBound)
                            }
                            return .insideMatch
                        }
                    }
                }
            } catch {
                report.failures.append(RuleFailure(rule: rule.info, message: error.description))
            }
        }
        if !nameDetectors.isEmpty {
            var tokens: [NameToken] = []
            tokens.reserveCapacity(bytes.count / 5)
            for (offset, detector) in nameDetectors.enumerated() {
                detector.detect(bytes, tokens: &tokens, explain: explain, found: { candidate in
                    candidates.append(Candidate(
                        rule: compiled.count + offset, priority: detector.priority, range: candidate.range, score: detector.baseScore,
                        explanation: candidate.explanation))
                }, letGo: { range, reason in
                    report.notes.append(CandidateNote(rule: detector.info, range: range, reason: reason))
                })
            }
        }
        guard !candidates.isEmpty else { return report }

        // Resolve overlaps: higher priority, then longer, then earlier wins.
        candidates.sort { left, right in
            if left.priority != right.priority { return left.priority > right.priority }
            if left.range.count != right.range.count { return left.range.count > right.range.count }
            return left.range.lowerBound < right.range.lowerBound
        }
        var taken: [Candidate] = []
        taken.reserveCapacity(candidates.count)
        for candidate in candidates {
            if let at = taken.firstIndex(where: { $0.range.overlaps(candidate.range) }) {
                let winner = taken[at]
                // The same kind of value read further by another rule (`63a Lower Hill` by a
                // listed street word, `63a Lower Hill Wynd` after `I live at`): the winner covers
                // both, unless that would reach another value.
                let union = min(winner.range.lowerBound, candidate.range.lowerBound)..<max(winner.range.upperBound, candidate.range.upperBound)
                let grows = union != winner.range && info(winner.rule).category == info(candidate.rule).category
                    && !taken.indices.contains { $0 != at && taken[$0].range.overlaps(union) }
                if grows { taken[at].range = union }
                if explain {
                    report.notes.append(
                        CandidateNote(
                            rule: info(candidate.rule), range: candidate.range,
                            reason: grows ? "the same kind of value as '\(info(winner.rule).id)', which now covers it" : "overlaps '\(info(winner.rule).id)', which wins"))
                }
                continue
            }
            taken.append(candidate)
        }
        taken.sort { $0.range.lowerBound < $1.range.lowerBound }
        report.detections = taken.map { candidate in
            Detection(
                rule: info(candidate.rule), range: candidate.range, score: candidate.score,
                explanation: candidate.explanation, replacement: replacement(candidate.rule))
        }
        return report
    }

    /// A match whose check failed may hold the value in its first groups of digits: `4111 1111
    /// 1111 1111 12 times` is read as one number of eighteen digits, whose Luhn check fails,
    /// where the card is the first sixteen. The longest match from the same start that ends
    /// before a space or hyphen inside the refused one, and passes every check; nil if none.
    /// (A lookahead after the value sees the same space or hyphen as in the whole text.)
    private func shorterMatch(
        of rule: PIIRule, in bytes: UnsafeBufferPointer<UInt8>, refused whole: Range<Int>
    ) throws(PCRE2Error) -> (whole: Range<Int>, value: Range<Int>, score: Double, explanation: String)? {
        var end = whole.upperBound - 1
        while end > whole.lowerBound {
            guard bytes[end] == 0x20 || bytes[end] == 0x2D else {
                end -= 1
                continue
            }
            var found: (whole: Range<Int>, value: Range<Int>?)?
            try rule.regex.forEachMatch(in: bytes, from: whole.lowerBound, to: end, resuming: { match throws(PCRE2Error) in
                found = (match.range, match.range(at: rule.group))
                return .stop
            })
            guard let found, found.whole.lowerBound == whole.lowerBound else { return nil }
            if let value = found.value, !value.isEmpty,
                case .accepted(let score, let explanation) = try rule.judge(bytes, whole: found.whole, value: value)
            {
                return (found.whole, value, score, explanation + "; the first part of a longer number")
            }
            end = min(end, found.whole.upperBound) - 1
        }
        return nil
    }

    private func info(_ rule: Int) -> RuleInfo {
        rule < compiled.count ? compiled[rule].info : nameDetectors[rule - compiled.count].info
    }

    private func replacement(_ rule: Int) -> String {
        rule < compiled.count ? compiled[rule].replacement : nameDetectors[rule - compiled.count].replacement
    }
}

extension PIIRedactionPlugin {
    /// A PII rule's pattern as the plugin compiles it (its `caseless` and `match_limit` keys
    /// applied), with the pattern text; nil for a rule without a pattern (the name detector).
    /// For tools that probe patterns, such as `rules lint`.
    public static func pattern(of rule: RuleDefinition) throws -> (regex: CompiledRegex, text: String)? {
        guard let text = try rule.fields.optionalString("pattern") else { return nil }
        return (try PIIRule.compilePattern(rule.fields), text)
    }

    /// Where the rule's own test texts break its anchor's promise: a match of the pattern (run
    /// over each whole text, match and no_match alike) longer than `max_length`, or without the
    /// anchor or `min_digits` digits. Such a match can lie outside every window, so the rule
    /// would miss it in production. Empty for a rule without an anchor. For `rules lint`.
    public static func anchorViolations(of rule: RuleDefinition, packFile: String) throws -> [String] {
        guard try rule.fields.optionalString("pattern") != nil else { return [] }
        // The pack's own file, so that word lists it names load as when it is compiled.
        let compiled = try PIIRule(rule, packFile: packFile)
        guard let anchor = compiled.anchor else { return [] }
        var violations: [String] = []
        for text in (rule.tests.matches + rule.tests.nonMatches).map(\.text) {
            try withUTF8Bytes(of: text) { bytes throws(PCRE2Error) in
                try compiled.regex.forEachMatch(in: bytes) { match in
                    let value = UnsafeBufferPointer(rebasing: bytes[match.range])
                    if let broken = anchor.brokenPromise(by: value, maxLength: compiled.maxLength) {
                        violations.append("the match '\(String(decoding: value, as: UTF8.self))' in test '\(text)' \(broken)")
                    }
                    return true
                }
            }
        }
        return violations
    }
}
