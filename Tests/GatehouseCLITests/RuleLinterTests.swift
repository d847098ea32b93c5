import Foundation
import GatehouseCore
import GatehouseRuntime
import PIIRedaction
import Testing

@Suite("rules lint: what compiles but must not ship")
struct RuleLinterTests {
    private func pack(_ rules: String, file: String) throws -> RulePack {
        try RulePackLoader.parse("plugin: pii\nrules:\n" + rules, file: file)
    }

    private func rule(_ id: String, _ pattern: String, tests: Bool = true) -> String {
        let cases = tests ? "\n    tests:\n      match: ['x 123456 y']\n      no_match: ['nothing here']" : ""
        return "  - id: \(id)\n    description: d\n    category: TEST\n    pattern: '\(pattern)'\(cases)\n"
    }

    @Test("planted catastrophic patterns, a duplicate id and an untested rule are reported; errors first")
    func planted() throws {
        let first = try pack(rule("t.nested", "(a+)+b") + rule("t.email", "([a-z0-9]+[ .-]?)+@") + rule("t.fine", "\\\\b\\\\d{6}\\\\b"), file: "one.yaml")
        let second = try pack(rule("t.fine", "\\\\b\\\\d{7}\\\\b") + rule("t.bare", "\\\\bzz\\\\b", tests: false), file: "two.yaml")
        let problems = RuleLinter().lint([first, second])
        let summary = problems.map { "\($0.severity.rawValue) \($0.check) \($0.rule) \($0.file)" }
        #expect(summary == [
            "error backtracking t.nested one.yaml",
            "error backtracking t.email one.yaml",
            "error duplicate-id t.fine two.yaml",
            "warning untested t.bare two.yaml",
        ], "\(problems.map(\.description).joined(separator: "\n"))")
        #expect(problems[0].message.contains("hits the match limit"))
        #expect(problems[2].message.contains("already used at one.yaml:"))
    }

    @Test("a match in a rule's own tests that its anchor, max_length or min_digits would keep out of every window is an error")
    func anchorBounds() throws {
        func rule(_ id: String, _ bounds: String) -> String {
            "  - id: \(id)\n    description: d\n    category: TEST\n    pattern: '[0-9](?:[ -]?[0-9]){5,9}'\n    \(bounds)\n"
                + "    tests:\n      match: ['ref 123 456']\n      no_match: ['call 12-34-56-78-90 now']\n"
        }
        let problems = RuleLinter().lint([
            try pack(
                rule("t.fits", "anchor: digit\n    max_length: 19\n    min_digits: 6") + rule("t.short", "anchor: digit\n    max_length: 10")
                    + rule("t.greedy", "anchor: digit\n    max_length: 19\n    min_digits: 7") + rule("t.byte", "anchor: '#'\n    max_length: 19"),
                file: "a.yaml")
        ]).filter { $0.check == "anchor" }
        #expect(problems.map { "\($0.rule): \($0.message)" } == [
            "t.short: the match '12-34-56-78-90' in test 'call 12-34-56-78-90 now' is 14 bytes, longer than max_length 10",
            "t.greedy: the match '123 456' in test 'ref 123 456' holds 6 digits, fewer than min_digits 7 needs",
            "t.byte: the match '123 456' in test 'ref 123 456' does not hold the anchor '#'",
            "t.byte: the match '12-34-56-78-90' in test 'call 12-34-56-78-90 now' does not hold the anchor '#'",
        ], "\(problems.map(\.description).joined(separator: "\n"))")
        #expect(problems.allSatisfy { $0.severity == .error && $0.file == "a.yaml" })
    }

    @Test("the anchor check loads a rule's word lists beside its pack, as compiling it does")
    func anchorBoundsWithGazetteer() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-lint-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try "ref\n".write(to: directory.appendingPathComponent("words.txt"), atomically: true, encoding: .utf8)
        try """
            plugin: pii
            rules:
              - id: t.listed
                description: d
                category: TEST
                pattern: '[a-z]+ [0-9]{6,9}'
                gazetteer: words.txt
                anchor: digit
                max_length: 9
                tests:
                  match: ['ref 1234567']
                  no_match: ['nothing']
            """.write(to: directory.appendingPathComponent("pack.yaml"), atomically: true, encoding: .utf8)
        let problems = RuleLinter().lint(try RulePackLoader.load(paths: [directory.path])).filter { $0.check == "anchor" }
        #expect(problems.map(\.message) == ["the match 'ref 1234567' in test 'ref 1234567' is 11 bytes, longer than max_length 9"])
    }

    @Test("a word two profanity rules list is reported on the rule that never decides it: the milder, or the later on a tie")
    func shadowedWords() throws {
        func rule(_ id: String, _ severity: String, _ words: String) -> String {
            "  - id: \(id)\n    description: d\n    category: PROFANITY\n    severity: \(severity)\n    action: redact\n    words: [\(words)]\n"
                + "    tests:\n      match: ['x']\n      no_match: ['y']\n"
        }
        let pack = try RulePackLoader.parse(
            "plugin: profanity\nrules:\n" + rule("t.mild", "mild", "crap, Damn, sod") + rule("t.strong", "strong", "CRAP, damn, git")
                + rule("t.again", "strong", "git, wazzock"),
            file: "p.yaml")
        let problems = RuleLinter().lint([pack]).filter { $0.check == "shadowed" }
        #expect(problems.map { "\($0.rule): \($0.message.prefix(while: { $0 != ":" }))" } == [
            "t.mild: 'crap', 'damn' are also listed by 't.strong', which always wins",
            "t.again: 'git' is also listed by 't.strong', which always wins",
        ], "\(problems.map(\.description).joined(separator: "\n"))")
        #expect(problems.allSatisfy { $0.severity == .warning && $0.file == "p.yaml" && $0.line != nil })
    }

    @Test("every shipped pack lints clean (slow-pattern warnings, which depend on the machine's speed, aside)")
    func shippedPacks() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let packs = try RulePackLoader.load(paths: [root.appendingPathComponent("rules").path])
        let problems = RuleLinter().lint(packs).filter { $0.check != "slow-pattern" }
        #expect(problems.isEmpty, "\(problems.map(\.description).joined(separator: "\n"))")
    }

    @Test("a misspelt key is refused with a suggestion", arguments: [
        ("patern", "did you mean 'pattern'?"), ("replacment", "did you mean 'replacement'?"), ("validtor", "did you mean 'validator'?"),
        ("zzzzzz", "known keys:"),
    ])
    func misspeltKey(key: String, hint: String) throws {
        let pack = try RulePackLoader.parse(
            "plugin: pii\nrules:\n  - id: t.k\n    description: d\n    category: TEST\n    pattern: 'x'\n    \(key): 'y'\n", file: "k.yaml")
        do {
            _ = try PIIRedactionPlugin(packs: [pack])
            Issue.record("the key was accepted")
        } catch let error as RulePackError {
            #expect(error.description.contains("key '\(key)'"))
            #expect(error.description.contains(hint), "\(error)")
            if key == "zzzzzz" { #expect(!error.description.contains("did you mean")) }
        }
    }
}
