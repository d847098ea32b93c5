import Foundation
import Testing

/// The binary finds its shipped rule packs from any working directory and says which it used.
@Suite("Finding the rule packs")
struct RuleDiscoveryTests {
    /// The environment of this process without `GATEHOUSE_RULES`.
    static var environmentWithoutRules: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "GATEHOUSE_RULES")
        return environment
    }

    @Test("check and scan work from an empty directory with no --rules and no $GATEHOUSE_RULES, and name the packs")
    func emptyDirectory() async throws {
        let directory = try TemporaryDirectory()
        let checked = try await runGatehouse(
            ["check", "Ring me on 07700 900123"], in: directory.url, environment: Self.environmentWithoutRules)
        #expect(checked.status == 0, "\(checked.output)")
        #expect(checked.output.contains("text: Ring me on [phone number]"), "\(checked.output)")
        let checkout = repositoryRoot.appendingPathComponent("rules").standardizedFileURL.path
        #expect(checked.output.contains("packs from \(checkout) (the source checkout), version "), "\(checked.output)")

        let line = #"{"id":"a","text":"my NHS number is 943 476 5919"}"#
        let scanned = try await runGatehouse(["scan"], input: line + "\n", in: directory.url, environment: Self.environmentWithoutRules)
        #expect(scanned.status == 0, "\(scanned.output)")
        #expect(scanned.output.contains(#""text":"my NHS number is [NHS number]""#), "\(scanned.output)")
        #expect(scanned.output.contains("(the source checkout)"), "\(scanned.output)")
    }

    @Test("./rules wins over the checkout's packs, and a named path that does not exist is an error, not a fallback")
    func precedence() async throws {
        let directory = try TemporaryDirectory()
        let rules = directory.url.appendingPathComponent("rules")
        try FileManager.default.createDirectory(at: rules, withIntermediateDirectories: true)
        try """
            plugin: profanity
            rules:
              - id: local.only
                description: A word only this pack knows.
                category: LOCAL
                severity: mild
                action: hold
                words: [wibble]
                tests:
                  match: [{text: 'wibble'}]
                  no_match: ['wobble']
            """.write(to: rules.appendingPathComponent("local.yaml"), atomically: true, encoding: .utf8)
        let local = try await runGatehouse(["check", "wibble"], in: directory.url, environment: Self.environmentWithoutRules)
        #expect(local.status == 0, "\(local.output)")
        #expect(local.output.contains("decision: held"), "\(local.output)")
        #expect(local.output.contains("1 rules in 1 packs from \(rules.path) (./rules)"), "\(local.output)")

        var environment = Self.environmentWithoutRules
        environment["GATEHOUSE_RULES"] = directory.url.appendingPathComponent("missing").path
        let missing = try await runGatehouse(["check", "wibble"], in: directory.url, environment: environment)
        #expect(missing.status == 2)
        #expect(missing.output.contains("cannot load rules (from $GATEHOUSE_RULES)"), "\(missing.output)")
        #expect(missing.output.contains("no such file or directory"), "\(missing.output)")
    }

    @Test("--version prints the release and the rule-set version, which changes with the packs")
    func version() async throws {
        let directory = try TemporaryDirectory()
        let shipped = try await runGatehouse(["--version"], in: directory.url, environment: Self.environmentWithoutRules)
        #expect(shipped.status == 0)
        let lines = shipped.output.split(separator: "\n")
        #expect(lines.first?.hasPrefix("gatehouse ") == true, "\(shipped.output)")
        let rulesLine = try #require(lines.dropFirst().first.map(String.init))
        let hash = try #require(rulesLine.split(separator: " ").dropFirst().first.map(String.init))
        #expect(hash.count == 12 && hash.allSatisfy(\.isHexDigit), "\(rulesLine)")

        let rules = directory.url.appendingPathComponent("rules")
        try FileManager.default.copyItem(at: repositoryRoot.appendingPathComponent("rules"), to: rules)
        let copied = try await runGatehouse(["--version"], in: directory.url, environment: Self.environmentWithoutRules)
        #expect(copied.output.contains("rules \(hash) (\(rules.path), ./rules)"), "the same files give the same version: \(copied.output)")
        let extra = rules.appendingPathComponent("profanity/words.yaml")
        let handle = try FileHandle(forWritingTo: extra)
        handle.seekToEndOfFile()
        handle.write(Data("\n# a comment is a change\n".utf8))
        try handle.close()
        let changed = try await runGatehouse(["--version"], in: directory.url, environment: Self.environmentWithoutRules)
        #expect(!changed.output.contains(hash), "\(changed.output)")
    }
}
