import GatehouseCore
import PCRE2
import PIIRedaction
import Profanity

/// What `gatehouse rules lint` checks in packs that compile: problems that would not stop a
/// rule set from loading but would make it wrong or dangerous in production.
///
/// - errors: the same rule id in two places (findings, the audit log and metrics name rules by
///   id, so two rules with one id cannot be told apart); a PII pattern that hits its match limit
///   on an adversarial input (`BacktrackingProbe`: it would hold every such text, or worse, stall);
///   a match in a PII rule's own tests that breaks its anchor's promise (`anchor`: longer than
///   `max_length`, or without the anchor or `min_digits` digits), which windows would miss.
/// - warnings: a PII pattern slower than the budget per kilobyte, or super-linear; a rule
///   without both a match and a no_match test; words a profanity rule lists that another rule
///   lists too and always wins (`shadowed`: that listing never decides). A PII rule that another
///   always beats fails its own match tests ("fired instead: …"), so `rules test` reports it.
public struct RuleLinter: Sendable {
    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        public enum Severity: String, Sendable { case error, warning }
        public var severity: Severity
        public var file: String
        public var line: Int?
        public var rule: String
        /// A short name for the check: `duplicate-id`, `backtracking`, `anchor`, `slow-pattern`, `untested`.
        public var check: String
        public var message: String

        public var description: String {
            "\(file):\(line ?? 0): \(severity.rawValue): rule '\(rule)': \(message) [\(check)]"
        }
    }

    public var probe: BacktrackingProbe

    public init(probe: BacktrackingProbe = BacktrackingProbe()) {
        self.probe = probe
    }

    /// Every problem in `packs`, errors first, then in file and line order.
    public func lint(_ packs: [RulePack]) -> [Problem] {
        var problems: [Problem] = []
        var firstPlace: [String: (file: String, line: Int?)] = [:]
        for pack in packs {
            for rule in pack.rules {
                if let first = firstPlace[rule.id] {
                    problems.append(
                        Problem(
                            severity: .error, file: pack.file, line: rule.line, rule: rule.id, check: "duplicate-id",
                            message: "the id is already used at \(first.file):\(first.line ?? 0); every rule needs an id of its own"))
                } else {
                    firstPlace[rule.id] = (pack.file, rule.line)
                }
                if rule.tests.matches.isEmpty || rule.tests.nonMatches.isEmpty {
                    problems.append(
                        Problem(
                            severity: .warning, file: pack.file, line: rule.line, rule: rule.id, check: "untested",
                            message: "needs both match and no_match tests"))
                }
                if pack.plugin == "pii" {
                    if let problem = probePattern(of: rule, in: pack) { problems.append(problem) }
                    problems += anchorBounds(of: rule, in: pack)
                }
            }
        }
        problems += shadowedWords(packs.filter { $0.plugin == ProfanityPlugin.pluginName })
        return problems.enumerated().sorted { left, right in
            (left.element.severity == .error ? 0 : 1, left.offset) < (right.element.severity == .error ? 0 : 1, right.offset)
        }.map(\.element)
    }

    /// One warning per pair of profanity rules where one lists words the other always wins.
    private func shadowedWords(_ packs: [RulePack]) -> [Problem] {
        guard !packs.isEmpty, let shadowed = try? ProfanityPlugin.shadowedWords(in: packs) else { return [] }
        var pairs: [(rule: String, winner: String, words: [String])] = []
        for word in shadowed {
            if let last = pairs.indices.last, pairs[last].rule == word.rule, pairs[last].winner == word.winner {
                pairs[last].words.append(word.word)
            } else {
                pairs.append((word.rule, word.winner, [word.word]))
            }
        }
        return pairs.map { pair in
            let place = packs.lazy.compactMap { pack in pack.rules.first { $0.id == pair.rule }.map { (pack.file, $0.line) } }.first
            let words = pair.words.map { "'\($0)'" }.joined(separator: ", ")
            return Problem(
                severity: .warning, file: place?.0 ?? "", line: place?.1, rule: pair.rule, check: "shadowed",
                message: "\(words) \(pair.words.count == 1 ? "is" : "are") also listed by '\(pair.winner)', which always wins: "
                    + "this listing never decides (drop it, or move the word)")
        }
    }

    /// An error for each match in a PII rule's own tests that its `anchor`, `max_length` or
    /// `min_digits` would keep out of every window: the rule would miss it in production.
    private func anchorBounds(of rule: RuleDefinition, in pack: RulePack) -> [Problem] {
        // The packs compiled before lint runs, so a rule that does not compile is not here.
        let violations = (try? PIIRedactionPlugin.anchorViolations(of: rule, packFile: pack.file)) ?? []
        return violations.map { violation in
            Problem(severity: .error, file: pack.file, line: rule.line, rule: rule.id, check: "anchor", message: violation)
        }
    }

    /// The backtracking probe's finding for a PII rule's pattern, under the rule's own options
    /// and match limit.
    private func probePattern(of rule: RuleDefinition, in pack: RulePack) -> Problem? {
        // The packs compiled before lint runs, so a pattern that does not compile is not here.
        guard let compiled = try? PIIRedactionPlugin.pattern(of: rule),
            let finding = probe.probe(compiled.regex, pattern: compiled.text, samples: rule.tests.matches.map(\.text))
        else { return nil }
        return Problem(
            severity: finding.kind == .catastrophic ? .error : .warning, file: pack.file, line: rule.line, rule: rule.id,
            check: finding.kind == .catastrophic ? "backtracking" : "slow-pattern", message: "pattern \(finding)")
    }
}
