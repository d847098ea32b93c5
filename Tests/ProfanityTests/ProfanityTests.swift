import Foundation
import GatehouseCore
import GatehouseRuntime
import Testing
@testable import Profanity

private let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
private let profanityRules: RuleSet = {
    do { return try RuleSet.load(paths: [root.appendingPathComponent("rules/profanity").path]) } catch {
        fatalError("the shipped profanity rules do not load: \(error)")
    }
}()

private func verdict(_ text: String) -> Verdict {
    profanityRules.pipeline.evaluate(text: text, context: EvaluationContext(explain: true))
}

private func surface(_ finding: Finding, in text: String) -> String {
    let scalars = Array(text.unicodeScalars)
    return String(String.UnicodeScalarView(scalars[finding.start..<finding.end]))
}

@Suite("Profanity plugin")
struct ProfanityPluginTests {
    @Test(
        "a capitalised word after a character that is no letter, space or quote is judged, not a crash (found by the fuzzer)",
        arguments: [
            "ktial! thBoole ena oc\u{1A} , aal\u{3}\u{1A} , a coca\u{E3}\u{E3}\u{E3} Cock il!sfne",
            "the physio\u{1A} Dick was rude", "rang 3 Cock ups", "ward 7 Twat",
        ])
    func nameCheckAfterNoLetter(text: String) {
        let result = verdict(text)
        // Whatever it decides, every span is inside the text; the capitalised word after a
        // non-letter reads as a word in a sentence, as after a space.
        #expect(result.findings.allSatisfy { $0.start <= $0.end && $0.end <= text.unicodeScalars.count })
    }

    @Test("every shipped rule and the clean-text pack pass their YAML tests")
    func shippedTests() throws {
        let packs = try RulePackLoader.load(paths: [root.appendingPathComponent("rules/profanity").path])
        let report = try RuleTestRunner(registry: .standard).run(packs)
        #expect(report.failures.isEmpty, "\(report.failures.map(\.description).joined(separator: "\n"))")
        let cleanCases = packs.reduce(0) { $0 + $1.tests.nonMatches.count }
        #expect(cleanCases >= 200)
    }

    @Test("spans cover the whole obfuscated surface form, in scalar offsets of the original", arguments: [
        ("well f u c k that", "f u c k"),
        ("the sh\u{200B}it service", "sh\u{200B}it"),
        ("utter \u{FF46}\u{FF55}\u{FF43}\u{FF4B}ing mess", "\u{FF46}\u{FF55}\u{FF43}\u{FF4B}ing"),
        ("👩🏽‍⚕️ said fu\u{0441}k off", "fu\u{0441}k"),
        ("f.u.c.k.", "f.u.c.k"),
        ("total sh*t!", "sh*t"),
    ])
    func surfaceForms(text: String, expected: String) throws {
        let result = verdict(text)
        let finding = try #require(result.findings.first)
        #expect(surface(finding, in: text) == expected)
        #expect(finding.category == "PROFANITY")
        #expect(finding.attributes["severity"] == "strong")
        #expect(result.decision == .held)
    }

    @Test("severity maps to action: mild is censored and accepted, strong and slurs are held")
    func severityActions() {
        let mild = verdict("what a pillock")
        #expect(mild.decision == .accepted)
        #expect(mild.text == "what a @#$%&!@")
        #expect(mild.findings.first?.attributes["severity"] == "mild")
        let slur = verdict("he called me a retard")
        #expect(slur.decision == .held)
        #expect(slur.findings.first?.attributes["severity"] == "slur")
        #expect(slur.text == "he called me a retard")
    }

    @Test("censor styles keep the original length or use a token")
    func censorStyles() {
        #expect(Censor().replacement(length: 7) == "@#$%&!@")
        var censor = Censor()
        censor.style = .asterisks
        #expect(censor.replacement(length: 4) == "****")
        censor.style = .token
        censor.token = "[removed]"
        #expect(censor.replacement(length: 4) == "[removed]")
    }

    @Test("no match across two ordinary words, nor inside an allowed word")
    func boundaries() {
        for text in ["the pen is here", "as sessment", "sh it", "I live in Scunthorpe", "a finger prick test"] {
            #expect(verdict(text).findings.isEmpty, "\(text)")
        }
        #expect(verdict("the pen is here").notes.isEmpty)
        #expect(verdict("I live in Scunthorpe").notes.contains { $0.reason.contains("allow list") })
    }

    @Test("repeated letters: stretched runs match, ordinary doubles do not make a new word")
    func stretched() {
        #expect(!verdict("fuuuuck").findings.isEmpty)
        #expect(verdict("I had to assess it").findings.isEmpty)
        #expect(verdict("as").findings.isEmpty)
    }

    @Test("PII runs first: a name is redacted before profanity sees it, and both apply")
    func withPII() throws {
        let rules = try RuleSet.load(paths: [root.appendingPathComponent("rules").path])
        let result = rules.pipeline.evaluate(text: "Ring 07700 900123 you pillock")
        #expect(result.text == "Ring [phone number] you @#$%&!@")
        #expect(result.findings.map(\.category) == ["UK_PHONE", "PROFANITY"])
        #expect(result.findings[1].start == 22 && result.findings[1].end == 29)
    }

    @Test("bad profanity rules are refused with the file, rule and key", arguments: [
        ("words: [f*ck]", "key 'words'", "letters a-z only"),
        ("inflect: [prat]", "key 'suffixes'", "inflect needs suffixes"),
        ("severity: awful\n    words: [x]", "key 'severity'", "mild, strong, slur"),
        ("description: x", "key 'words'", "needs words, inflect, compound, phrases or symbols"),
        ("words: [x]\n    wordz: [y]", "key 'wordz'", "unknown key"),
        ("phrases: [cow]", "key 'phrases'", "two or more words"),
        ("phrases: [useless c0w]", "key 'phrases'", "letters a-z"),
        ("symbols: [':-(']", "key 'symbols'", "no ASCII character"),
    ])
    func badRules(body: String, key: String, message: String) throws {
        let yaml = """
            plugin: profanity
            rules:
              - id: bad.rule
                description: d
                category: PROFANITY
                \(body)
            """
        let pack = try RulePackLoader.parse(yaml.replacingOccurrences(of: "    description: d\n    category: PROFANITY\n    description: x", with: "    description: x\n    category: PROFANITY"), file: "bad.yaml")
        do {
            _ = try ProfanityPlugin(packs: [pack])
            Issue.record("expected the rule to be refused")
        } catch let error as RulePackError {
            #expect(error.description.contains("rule 'bad.rule'"))
            #expect(error.description.contains(key), "\(error)")
            #expect(error.description.contains(message), "\(error)")
        }
    }

    @Test("two packs with different censor settings are refused")
    func conflictingCensor() throws {
        let first = try RulePackLoader.parse("plugin: profanity\nsettings: {censor: grawlix}\nrules: []\n", file: "a.yaml")
        let second = try RulePackLoader.parse("plugin: profanity\nsettings: {censor: token}\nrules: []\n", file: "b.yaml")
        #expect(throws: RulePackError.self) { try ProfanityPlugin(packs: [first, second]) }
        _ = try ProfanityPlugin(packs: [first, first])
    }

    @Test("precision and recall on Tests/Fixtures/profanity-labelled.jsonl stay above the floor")
    func labelledSet() throws {
        let set = try LabelledSet(file: root.appendingPathComponent("Tests/Fixtures/profanity-labelled.jsonl").path, key: "profanity")
        #expect(set.examples.count >= 60)
        let report = set.measure(profanityRules.pipeline, plugin: "profanity")
        #expect(report.overall.precision >= 0.95, "\(report.table)\n\(report.falsePositives.joined(separator: "\n"))")
        #expect(report.overall.recall >= 0.9, "\(report.table)\n\(report.falseNegatives.joined(separator: "\n"))")
    }
}

@Suite("Hand-written swearing and traps (a regression set: written while the rules changed)")
struct HandwrittenProfanityTests {
    private func lines(_ name: String) throws -> [String] {
        try String(contentsOfFile: root.appendingPathComponent("Tests/Fixtures/handwritten/\(name)").path, encoding: .utf8)
            .split(separator: "\n").map(String.init).filter { !$0.hasPrefix("#") && !$0.trimmingCharacters(in: .whitespaces).isEmpty }
    }

    @Test("swearing written by hand in every disguise is found, all but three")
    func swearing() throws {
        let texts = try lines("profanity.txt")
        let missed = texts.filter { text in !verdict(text).findings.contains { $0.plugin == "profanity" } }
        #expect(texts.count > 180)
        // Left: `@ss` (ass is not listed: a donkey here), `fukc` (a slip), `kcuf` (written
        // backwards).
        #expect(missed.count <= 3, "\(missed)")
    }

    @Test("clean sentences full of traps (places, anatomy, drugs, food, names) are never flagged")
    func clean() throws {
        let texts = try lines("profanity-clean.txt")
        let flagged = texts.filter { text in verdict(text).findings.contains { $0.plugin == "profanity" } }
        #expect(texts.count > 40)
        #expect(flagged.isEmpty, "\(flagged)")
    }
}
