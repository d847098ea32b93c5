import Foundation
import Testing
@testable import GatehouseCore

@Suite("Rule packs")
struct RulePackLoaderTests {
    private func expectError(_ yaml: String, contains parts: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            _ = try RulePackLoader.parse(yaml, file: "rules/test.yaml")
            Issue.record("expected a RulePackError", sourceLocation: sourceLocation)
        } catch let error as RulePackError {
            for part in parts {
                #expect(error.description.contains(part), "\(error.description) should contain \(part)", sourceLocation: sourceLocation)
            }
        } catch {
            Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test("a good pack: common keys, plugin keys, tests, lines")
    func goodPack() throws {
        let pack = try RulePackLoader.parse(
            """
            plugin: pii
            description: test pack
            rules:
              - id: pii.thing
                description: A thing.
                category: THING
                action: hold
                mode: shadow
                pattern: 'x+'
                tests:
                  match:
                    - 'xx'
                    - text: 'a x'
                      output: 'a [x]'
                      decision: held
                  no_match: ['y']
            """, file: "rules/test.yaml")
        #expect(pack.plugin == "pii")
        #expect(pack.rules.count == 1)
        let rule = pack.rules[0]
        #expect(rule.id == "pii.thing")
        #expect(rule.action == .hold)
        #expect(rule.mode == .shadow)
        #expect(rule.line == 4)
        #expect(try rule.fields.string("pattern") == "x+")
        #expect(rule.tests.matches.count == 2)
        #expect(rule.tests.matches[1].output == "a [x]")
        #expect(rule.tests.matches[1].decision == .held)
        #expect(rule.tests.nonMatches.map(\.text) == ["y"])
    }

    @Test("errors name the file, the line, the rule and the key")
    func errorsAreLocated() {
        expectError("plugin: pii\nrules:\n  - id: r1\n    category: X\n", contains: ["rules/test.yaml:3", "rule 'r1'", "key 'description'", "is required"])
        expectError(
            "plugin: pii\nrules:\n  - id: r1\n    description: d\n    category: X\n    action: delete\n",
            contains: ["rules/test.yaml:6", "rule 'r1'", "key 'action'", "redact, hold, reject, tag"])
        expectError(
            "plugin: pii\nrules:\n  - id: r1\n    description: d\n    category: X\n  - id: r1\n    description: d\n    category: X\n",
            contains: ["rule 'r1'", "duplicate rule id", "line 3"])
        expectError("plugin: pii\nrulez: []\n", contains: ["key 'rulez'", "unknown key"])
        expectError("plugin: pii\nrules: [\n", contains: ["rules/test.yaml", "invalid YAML"])
        expectError("- just\n- a list\n", contains: ["must be a mapping"])
        expectError("plugin: pii\nrules:\n  - id: 'bad id!'\n", contains: ["key 'id'", "letters, digits"])
        expectError(
            "plugin: pii\nrules:\n  - id: r1\n    description: d\n    category: X\n    tests:\n      matches: []\n",
            contains: ["key 'matches'", "unknown key"])
    }

    @Test("typed readers check types and ranges")
    func typedReaders() throws {
        let fields = RuleFields(
            file: "f.yaml", rule: "r", line: 1,
            entries: [
                "n": RuleValue(.scalar("12"), line: 2), "flag": RuleValue(.scalar("maybe"), line: 3),
                "list": RuleValue(.list([RuleValue(.scalar("a")), RuleValue(.scalar("b"))]), line: 4),
            ])
        #expect(try fields.int("n", default: 0) == 12)
        #expect(try fields.int("missing", default: 7) == 7)
        #expect(throws: RulePackError.self) { try fields.int("n", default: 0, in: 1...10) }
        #expect(throws: RulePackError.self) { try fields.bool("flag", default: false) }
        #expect(try fields.stringList("list") == ["a", "b"])
        #expect(try fields.stringList("n") == ["12"])
        #expect(throws: RulePackError.self) { try fields.string("list") }
        do {
            try fields.rejectUnknownKeys(allowed: ["n", "flag"])
            Issue.record("expected an unknown-key error")
        } catch let error as RulePackError {
            #expect(error.key == "list")
            #expect(error.line == 4)
        }
    }

    @Test("directories are searched for YAML files in sorted order")
    func directoryLoading() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-packs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("sub"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let pack = "plugin: pii\nrules: []\n"
        try pack.write(to: directory.appendingPathComponent("b.yaml"), atomically: true, encoding: .utf8)
        try pack.write(to: directory.appendingPathComponent("sub/a.yml"), atomically: true, encoding: .utf8)
        try "not a pack".write(to: directory.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
        let files = try RulePackLoader.packFiles(in: [directory.path])
        #expect(files.map { ($0 as NSString).lastPathComponent } == ["b.yaml", "a.yml"])
        #expect(throws: RulePackError.self) { try RulePackLoader.load(paths: [directory.appendingPathComponent("nope").path]) }
    }
}
