import Foundation

/// Runs every rule's embedded tests: each `match` case must make the rule fire (and give the
/// expected output and decision, when given); each `no_match` case must not.
///
/// A rule's tests run through a pipeline of its own plugin only, built from every pack of
/// that plugin, so an expected output shows what the plugin as a whole does to the text.
public struct RuleTestRunner: Sendable {
    /// One failed case.
    public struct Failure: Sendable, CustomStringConvertible {
        public var file: String
        public var line: Int?
        public var rule: String
        public var text: String
        public var expected: String
        public var actual: String

        public var description: String {
            let location = line.map { "\(file):\($0)" } ?? file
            return """
                \(location): rule '\(rule)'
                  input:    \(text.debugDescription)
                  expected: \(expected)
                  actual:   \(actual)
                """
        }
    }

    /// One case that ran, and how it went.
    public struct CaseResult: Sendable {
        public var file: String
        public var line: Int?
        /// The rule's id, or `(pack tests)` for a pack's own cases.
        public var rule: String
        public var mustFire: Bool
        public var text: String
        /// What went wrong (empty when it passed).
        public var failures: [Failure]
        public var seconds: Double
        public var passed: Bool { failures.isEmpty }
    }

    /// The outcome of a run.
    public struct Report: Sendable {
        public var results: [CaseResult] = []
        public var rulesWithoutTests: [String] = []
        /// Cases that passed.
        public var passed: Int { results.count { $0.passed } }
        /// Cases that failed.
        public var failed: Int { results.count { !$0.passed } }
        /// Every problem found, a case at a time (a case can have several).
        public var failures: [Failure] { results.flatMap(\.failures) }
        /// Rules whose cases ran.
        public var rules: Set<String> { Set(results.map(\.rule)) }
    }

    private let registry: PluginRegistry
    private let index = MemoryFingerprintIndex()
    private let environment: PluginEnvironment

    public init(registry: PluginRegistry) {
        self.registry = registry
        // A fixed key: tests are repeatable; each case starts from an empty index.
        environment = PluginEnvironment(fingerprints: index, hasher: KeyedHasher(secret: Data("gatehouse rule tests 0123456789".utf8)))
    }

    /// Runs the tests of every rule in `packs` whose id passes `include` (a pack's own cases
    /// only when every id does, as with no filter). Throws if a pack cannot be compiled.
    public func run(_ packs: [RulePack], include: (String) -> Bool = { _ in true }) throws -> Report {
        let filtered = !packs.allSatisfy { $0.rules.allSatisfy { include($0.id) } }
        var report = Report()
        let byPlugin = Dictionary(grouping: packs, by: \.plugin)
        for name in byPlugin.keys.sorted() {
            let pluginPacks = byPlugin[name]!
            let plugin = try registry.makePlugin(named: name, packs: pluginPacks, environment: environment)
            let pipeline = Pipeline(plugins: [plugin])
            for pack in pluginPacks where pack.rules.contains(where: { include($0.id) }) || !filtered {
                for testCase in pack.tests.matches where !filtered {
                    check(testCase, of: nil, in: pack, mustFire: true, pipeline: pipeline, into: &report)
                }
                for testCase in pack.tests.nonMatches where !filtered {
                    check(testCase, of: nil, in: pack, mustFire: false, pipeline: pipeline, into: &report)
                }
                for rule in pack.rules where include(rule.id) {
                    if rule.tests.count == 0 { report.rulesWithoutTests.append("\(pack.file): \(rule.id)") }
                    for testCase in rule.tests.matches {
                        check(testCase, of: rule, in: pack, mustFire: true, pipeline: pipeline, into: &report)
                    }
                    for testCase in rule.tests.nonMatches {
                        check(testCase, of: rule, in: pack, mustFire: false, pipeline: pipeline, into: &report)
                    }
                }
            }
        }
        return report
    }

    /// Checks one case of `rule`, or of the pack as a whole when `rule` is nil (any rule of
    /// the plugin counts).
    private func check(
        _ testCase: RuleTestCase, of rule: RuleDefinition?, in pack: RulePack, mustFire: Bool,
        pipeline: Pipeline, into report: inout Report
    ) {
        index.reset()
        let started = DispatchTime.now().uptimeNanoseconds
        let now = Date(timeIntervalSince1970: 1_767_225_600)
        for (number, earlier) in testCase.before.enumerated() {
            _ = pipeline.evaluate(
                text: earlier.text,
                context: context(id: "before-\(number + 1)", contributor: earlier.contributor, conversation: earlier.conversation,
                                 at: now.addingTimeInterval(-earlier.secondsBefore)))
        }
        let verdict = pipeline.evaluate(
            text: testCase.text,
            context: context(id: "case", contributor: testCase.contributor, conversation: testCase.conversation, at: now))
        let hits = verdict.findings.filter { rule == nil || $0.rule == rule?.id }
        var problems: [(expected: String, actual: String)] = []
        if mustFire && hits.isEmpty {
            problems.append(("rule fires", "it did not fire" + firedSummary(verdict)))
        }
        if !mustFire && !hits.isEmpty {
            let read = verdict.resolvedText ?? testCase.text
            let spans = hits.map { "\($0.rule) at \($0.start)..<\($0.end) " + excerpt(read, $0.start, $0.end) }
            problems.append(("no match", "fired at " + spans.joined(separator: ", ")))
        }
        if let output = testCase.output, output != verdict.text {
            problems.append(("output \(output.debugDescription)", "output \(verdict.text.debugDescription)"))
        }
        if let decision = testCase.decision, decision != verdict.decision {
            problems.append(("decision \(decision.rawValue)", "decision \(verdict.decision.rawValue)"))
        }
        let id = rule?.id ?? "(pack tests)"
        report.results.append(
            CaseResult(
                file: pack.file, line: testCase.line, rule: id, mustFire: mustFire, text: testCase.text,
                failures: problems.map {
                    Failure(file: pack.file, line: testCase.line, rule: id, text: testCase.text, expected: $0.expected, actual: $0.actual)
                },
                seconds: Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9))
    }

    private func context(id: String, contributor: String, conversation: String?, at time: Date) -> EvaluationContext {
        EvaluationContext(
            itemId: id, conversation: conversation,
            contributorPseudonym: contributor == RuleTestCase.anonymous ? nil : environment.hasher.pseudonym(for: contributor),
            receivedAt: time)
    }

    private func firedSummary(_ verdict: Verdict) -> String {
        let others = verdict.findings.map(\.rule)
        return others.isEmpty ? "" : " (fired instead: \(others.joined(separator: ", ")))"
    }

    private func excerpt(_ text: String, _ start: Int, _ end: Int) -> String {
        ScalarOffsets.substring(of: text, from: start, to: end).debugDescription
    }
}
