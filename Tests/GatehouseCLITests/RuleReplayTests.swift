import ArgumentParser
import Foundation
import GatehouseCore
@testable import GatehouseRuntime
import Testing

@testable import GatehouseCLI

/// `gatehouse rules replay` on the shipped packs against a copy with three planted changes:
/// the phone rule put in shadow mode (its redactions lost, its findings kept), the IP address
/// rule deleted (findings and redactions lost), mild swearing held instead of redacted (new holds).
@Suite("rules replay: what a rules change does to a corpus")
struct RuleReplayTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// A directory holding `baseline/` (the shipped packs) and `candidate/` (the changed copy),
    /// and `corpus.jsonl`.
    private func workspace() throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("replay-\(UUID().uuidString)")
        let baseline = root.appendingPathComponent("baseline")
        let candidate = root.appendingPathComponent("candidate")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Self.repository.appendingPathComponent("rules"), to: baseline)
        try FileManager.default.copyItem(at: baseline, to: candidate)
        try edit(candidate.appendingPathComponent("pii/contact.yaml")) { text in
            // Every phone rule in shadow (the general one and the one for a writer's own number).
            #expect(text.contains("    category: UK_PHONE\n    action: redact\n"))
            text = text.replacingOccurrences(
                of: "    category: UK_PHONE\n    action: redact\n", with: "    category: UK_PHONE\n    action: redact\n    mode: shadow\n")
            let address = try #require(text.range(of: "  - id: pii.ip_address"))
            text.removeSubrange(address.lowerBound...)
        }
        try edit(candidate.appendingPathComponent("profanity/words.yaml")) { text in
            let mild = try #require(text.range(of: "    action: redact\n"))
            text.replaceSubrange(mild, with: "    action: hold\n")
        }
        let lines = [
            #"{"id":"phone","text":"Call me on 07912 345678 after the physio visit, please."}"#,
            #"{"id":"swear","text":"The waiting list for the podiatrist was crap."}"#,
            #"{"id":"plain","text":"A lovely radiographer in Scunthorpe explained everything."}"#,
            #"{"text": 5}"#,
            "",
            #"{"id":"address","text":"The booking form crashed; my IP was 192.168.1.24 at the time."}"#,
        ]
        try (lines.joined(separator: "\n") + "\n").write(to: root.appendingPathComponent("corpus.jsonl"), atomically: true, encoding: .utf8)
        return root
    }

    private func edit(_ file: URL, _ change: (inout String) throws -> Void) throws {
        var text = try String(contentsOf: file, encoding: .utf8)
        try change(&text)
        try text.write(to: file, atomically: true, encoding: .utf8)
    }

    private func replay(_ root: URL, asEnforced: Bool = false) throws -> ReplayReport {
        let baseline = try RuleSet.load(paths: [root.appendingPathComponent("baseline").path], environment: RuleReplay.environment())
        let candidate = try RuleSet.load(
            paths: [root.appendingPathComponent("candidate").path], environment: RuleReplay.environment(), enforcingShadowRules: asEnforced)
        let replay = RuleReplay(baseline: baseline, candidate: candidate)
        var report = replay.emptyReport(examples: 3)
        var clock = RuleReplay.epoch
        let text = try String(contentsOf: root.appendingPathComponent("corpus.jsonl"), encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().enumerated()
            .map { RuleReplay.Line(number: $0.offset + 1, bytes: Array($0.element.utf8)) }
        replay.feed(lines, into: &report, clock: &clock)
        return report
    }

    @Test("the planted changes are reported: decisions by old → new, findings per rule, lost redactions, redacted examples")
    func knownChange() throws {
        let root = try workspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let report = try replay(root)
        #expect(report.lines == 6 && report.items == 4 && report.errorCount == 2)
        #expect(report.errors.map(\.line) == [4, 5])
        #expect(report.changes.map { "\($0.transition.key) \($0.items)" } == ["accepted → held 1"])
        #expect(report.newHolds == 1 && report.newRejects == 0)
        // The phone finding stays (in shadow) but its redaction goes; the address goes altogether;
        // a held word is no longer censored (a hold shows the moderator the word).
        #expect(report.lostRedactions == 3 && report.gainedRedactions == 0)
        #expect(report.changedRules.map { "\($0.id) +\($0.change.gained) -\($0.change.lost)" } == ["pii.ip_address +0 -1"])
        #expect(report.rules["pii.ip_address"]?.candidateMode == nil && report.rules["pii.ip_address"]?.baselineMode == .enforce)

        let held = try #require(report.examples["decision accepted → held"]?.first)
        #expect(held.item == "swear" && held.rule == "profanity.mild")
        #expect(held.excerpt.contains("⟦crap⟧") || held.excerpt.contains("⟦@#$%⟧"), "\(held.excerpt)")
        // Lost redactions are shown as the token the baseline put there, never the value.
        let lost = try #require(report.examples["lost redaction"])
        #expect(lost.map(\.item) == ["phone", "swear", "address"])
        #expect(lost.allSatisfy { !$0.excerpt.contains("07912") && !$0.excerpt.contains("192.168") }, "\(lost)")
        #expect(lost[2].excerpt.contains("my IP was ⟦[IP address]⟧ at the time"), "\(lost[2].excerpt)")

        let markdown = report.markdown()
        #expect(markdown.contains("| accepted → held | 1 |"))
        #expect(markdown.contains("| `pii.ip_address` | pii | removed (was enforce) | 0 | 1 |"))
        #expect(!markdown.contains("07912 345678") && !markdown.contains("192.168.1.24"))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(report.json().utf8)) as? [String: Any])
        #expect(json["newHolds"] as? Int == 1 && json["lostRedactions"] as? Int == 3 && json["errors"] as? Int == 2)
    }

    @Test("the same corpus and rules give the same report, byte for byte, on every run")
    func deterministic() throws {
        let root = try workspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let first = try replay(root)
        let second = try replay(root)
        #expect(first == second)
        #expect(first.markdown() == second.markdown() && first.json() == second.json())
    }

    @Test("--as-enforced runs the candidate's shadow rules as if enforced: the phone redaction is not lost")
    func asEnforced() throws {
        let root = try workspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let report = try replay(root, asEnforced: true)
        #expect(report.lostRedactions == 2)
        #expect(report.examples["lost redaction"]?.map(\.item) == ["swear", "address"])
    }

    @Test("each threshold crossed makes the command exit 1; under every threshold it exits 0 and writes the report")
    func thresholds() async throws {
        let root = try workspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let output = root.appendingPathComponent("report.md").path
        func run(_ extra: [String]) async throws -> Int32 {
            var command = try ReplayRules.parse([
                "--corpus", root.appendingPathComponent("corpus.jsonl").path,
                "--baseline", root.appendingPathComponent("baseline").path,
                "--rules", root.appendingPathComponent("candidate").path, "--quiet-rules", "--output", output,
            ] + extra)
            do {
                try await command.run()
                return 0
            } catch let exit as ExitCode {
                return exit.rawValue
            }
        }
        #expect(try await run(["--max-new-holds", "0"]) == 1)
        #expect(try await run(["--max-lost-redactions", "2"]) == 1)
        #expect(try await run(["--max-new-rejects", "0", "--max-new-holds", "1", "--max-lost-redactions", "3"]) == 0)
        #expect(try String(contentsOfFile: output, encoding: .utf8).hasPrefix("# Rule replay"))
        #expect(try await run(["--format", "json"]) == 0)
        #expect(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: output))) is [String: Any])
        #expect(throws: (any Error).self) { try ReplayRules.parse(["--corpus", "x.jsonl"]) }
    }

    @Test("excerpts: a cut never splits a redacted span, a mark inside one takes it whole, controls are escaped")
    func excerpts() {
        let text = "ab 0123456789 cd\u{202E}ef\ngh"
        let redactions = [(3..<13, "[PHONE]")]
        #expect(RuleReplay.excerpt(text, redactions: redactions, mark: 5..<7, radius: 2) == "…b ⟦[PHONE]⟧ c…")
        #expect(RuleReplay.excerpt(text, redactions: redactions, mark: 14..<16, radius: 100) == "ab [PHONE] ⟦cd⟧\\u{202e}ef gh")
        #expect(RuleReplay.excerpt(text, redactions: redactions, mark: nil, radius: 1) == "a…")
    }
}
