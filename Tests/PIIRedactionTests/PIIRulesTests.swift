import Foundation
import GatehouseCore
import GatehouseRuntime
import Testing
@testable import PIIRedaction

@Suite("PII rules")
struct PIIRulesTests {
    @Test("every shipped rule passes its own YAML tests")
    func shippedRuleTests() throws {
        let packs = try RulePackLoader.load(paths: [Repository.piiRules])
        let report = try RuleTestRunner(registry: .standard).run(packs)
        #expect(report.failures.isEmpty, "\(report.failures.map(\.description).joined(separator: "\n"))")
        #expect(report.passed >= 100)
        #expect(report.rulesWithoutTests.isEmpty)
    }

    @Test("every required category has a rule")
    func categoriesCovered() {
        let categories = Set(shippedPII.pipeline.rules.map(\.rule.category))
        for required in [
            "EMAIL", "UK_PHONE", "NHS_NUMBER", "UK_NINO", "UK_POSTCODE", "CARD_NUMBER", "IBAN", "IP_ADDRESS",
            "DATE_OF_BIRTH", "UK_DRIVING_LICENCE", "UK_PASSPORT", "PERSON_NAME",
        ] {
            #expect(categories.contains(required), "no rule for \(required)")
        }
    }

    @Test("what is not personal survives untouched", arguments: [
        "The appointment was at 10:30 and I left at 11:45.",
        "Parking was £4.50 an hour, £12 for the day.",
        "I was on ward 7, bed 12, for 3 nights.",
        "Call NHS 111 or 999 in an emergency.",
        "The app is on version 2.3.1 and section 3.2 of the leaflet is wrong.",
        "We drove down the A38, then the M25 and the B1234.",
        "Treated at Queen Elizabeth Hospital, then Dr Gray's Hospital in Elgin.",
        "In 2019 there were 12 physios; by 2024 there were 7.",
        "It took 6 weeks, 3 referrals and 45 minutes on hold.",
        "Room 3B, level 2, bay 4.",
        "My mum is 84 and has had 2 falls since May.",
        "I have been waiting 18 months since my referral in 2023.",
        "The physio gave me 3 sets of 10 reps, twice a day.",
        "St Thomas' Hospital and the Royal Free both have hydrotherapy pools.",
        "Between 09:00-17:00, Mon-Fri, ext. 4567.",
        "Dose was 500 mg, BP 120/80, temperature 37.5.",
        // A role is a cue, never a name, whatever follows it.
        "Physio said I was fine.",
        "Physio in the community team is slow.",
        "Staff in the physio team were kind.",
        "Mum and Dad in the care team were lovely.",
    ])
    func nonPersonalSurvives(text: String) {
        let verdict = redact(text)
        #expect(verdict.text == text)
        #expect(verdict.findings.isEmpty, "\(verdict.findings.map(\.rule))")
    }

    @Test("a member of a team is a name, and so is the name joined to it by 'and'", arguments: [
        ("Anourla and Nomr in the podiatry team were lovely.", "[name] and [name] in the podiatry team were lovely."),
        ("Thanks to Oluwaseun from the physio team.", "Thanks to [name] from the physio team."),
    ])
    func teamMember(text: String, redacted: String) {
        #expect(redact(text).text == redacted)
    }

    @Test("a phone match inside an NHS number loses, and the span is redacted once")
    func nhsBeatsPhone() {
        // 016 977 5801 is both a valid NHS number and a 10-digit number in a five-digit area code.
        let verdict = redact("number 016 977 5801 please")
        #expect(verdict.text == "number [NHS number] please")
        #expect(verdict.findings.map(\.category) == ["NHS_NUMBER"])
        #expect(verdict.notes.contains { $0.rule == "pii.uk_phone" && $0.reason.contains("pii.nhs_number") })
    }

    @Test("context words count on both sides of a match")
    func contextBothSides() {
        let before = redact("passport: 925665416")
        let after = redact("925665416 is my passport")
        let neither = redact("order 925665416 arrived")
        #expect(before.text == "passport: [passport number]")
        #expect(after.text == "[passport number] is my passport")
        #expect(neither.text == "order 925665416 arrived")
        #expect(neither.notes.contains { $0.reason.contains("no context word") })
    }

    @Test("offsets are Unicode scalar offsets into the original text")
    func offsetsInScalars() {
        let text = "Café 👩🏽‍⚕️ — email zoë@example.com or sam@example.com"
        let verdict = redact(text)
        let scalars = Array(text.unicodeScalars)
        let spans = verdict.findings.map { String(String.UnicodeScalarView(scalars[$0.start..<$0.end])) }
        // The local part is ASCII-only, so only the ASCII tail of zoë's address is an address at all.
        #expect(spans.contains("sam@example.com"))
        for finding in verdict.findings {
            #expect(finding.category == "EMAIL")
        }
    }

    @Test("a rule that hits its match limit holds the item; other rules still redact")
    func matchLimitFailsClosed() throws {
        let pack = try RulePackLoader.parse(
            """
            plugin: pii
            rules:
              - id: test.runaway
                description: Catastrophic on purpose.
                category: TEST
                pattern: '(a+)+$'
                match_limit: 1000
              - id: test.email
                description: Emails.
                category: EMAIL
                pattern: '[a-z]+@[a-z]+\\.com'
            """, file: "runaway.yaml")
        let plugin = try PIIRedactionPlugin(packs: [pack])
        let verdict = Pipeline(plugins: [plugin]).evaluate(text: "me@example.com " + String(repeating: "a", count: 40) + "b")
        #expect(verdict.decision == .held)
        #expect(verdict.text.hasPrefix("[EMAIL] "))
        #expect(verdict.findings.contains { $0.category == "RULE_FAILURE" && $0.rule == "test.runaway" })
    }

    @Test("bad PII rules are refused with the file, rule and key", arguments: [
        ("pattern: 'abc(def'", "key 'pattern'", "missing closing parenthesis"),
        ("pattern: 'x'\n    validator: crc32", "key 'validator'", "unknown validator 'crc32'"),
        ("pattern: 'x'\n    gazetteer: nowhere.txt", "key 'gazetteer'", "cannot read"),
        ("pattern: 'x'\n    group: name", "key 'group'", "no capture group"),
        ("pattern: 'x'\n    patern: 'y'", "key 'patern'", "unknown key"),
        ("pattern: 'x'\n    context:\n      required: true", "key 'words'", "needs context words"),
        ("description2: x", "key 'description2'", "unknown key"),
    ])
    func badRules(body: String, key: String, message: String) throws {
        let yaml = """
            plugin: pii
            rules:
              - id: bad.rule
                description: A bad rule.
                category: TEST
                \(body)
            """
        let pack = try RulePackLoader.parse(yaml, file: "/tmp/bad.yaml")
        do {
            _ = try PIIRedactionPlugin(packs: [pack])
            Issue.record("expected the rule to be refused")
        } catch let error as RulePackError {
            #expect(error.description.contains("/tmp/bad.yaml"))
            #expect(error.description.contains("rule 'bad.rule'"))
            #expect(error.description.contains(key), "\(error)")
            #expect(error.description.contains(message), "\(error)")
        }
    }

    @Test("a pack naming an unknown plugin is refused")
    func unknownPlugin() throws {
        let pack = try RulePackLoader.parse("plugin: telepathy\nrules: []\n", file: "t.yaml")
        #expect(throws: RulePackError.self) { try RuleSet(packs: [pack]) }
    }
}

@Suite("PII anchors")
struct PIIAnchorTests {
    @Test("anchored windows never change a result")
    func anchoredEqualsUnanchored() throws {
        let packs = try RulePackLoader.load(paths: [Repository.piiRules])
        let anchored = try PIIRedactionPlugin(packs: packs)
        let unanchored = try PIIRedactionPlugin(packs: packs, usesAnchors: false)
        let labelled = try LabelledSet(file: Repository.fixture("pii-labelled.jsonl"), key: "pii")
        var texts = labelled.examples.map(\.text)
        // Joined texts put PII near window edges and several anchors in one window.
        for index in stride(from: 0, to: texts.count - 3, by: 3) {
            texts.append(texts[index..<(index + 3)].joined(separator: " "))
            texts.append(texts[index..<(index + 3)].joined(separator: "\n"))
        }
        texts += ["Thanks, Sarah   \n\n  ", "07700900123", "x 943 476 5919", "a@b.co", "Regards,\nJohn Smith"]
        var compared = 0
        for text in texts {
            let input = PluginInput(text: text, context: EvaluationContext())
            let left = anchored.evaluate(input).detections.map { "\($0.rule.id)@\($0.range)" }
            let right = unanchored.evaluate(input).detections.map { "\($0.rule.id)@\($0.range)" }
            #expect(left == right, "\(text)")
            compared += left.count
        }
        #expect(compared > 100)
    }

    @Test("an anchored rule needs max_length; a bad anchor or min_digits is refused")
    func anchorValidation() throws {
        for (body, key) in [
            ("anchor: digit", "max_length"), ("anchor: ab\n    max_length: 3", "anchor"),
            ("min_digits: 3", "min_digits"), ("anchor: '@'\n    max_length: 9\n    min_digits: 3", "min_digits"),
            ("anchor: digit\n    max_length: 9\n    min_digits: 10", "min_digits"),
            ("anchor: digit\n    max_length: 9\n    min_digits: 0", "min_digits"),
            ("anchor: word\n    max_length: 9", "anchor_words"), ("anchor_words: [dot]", "anchor_words"),
            ("anchor: '@'\n    max_length: 9\n    anchor_words: [dot]", "anchor_words"),
            ("anchor: word\n    max_length: 9\n    anchor_words: [dot, 'g-mail']", "anchor_words"),
            ("anchor: word\n    max_length: 9\n    anchor_words: [dot, x]", "anchor_words"),
        ] {
            let pack = try RulePackLoader.parse(
                "plugin: pii\nrules:\n  - id: r\n    description: d\n    category: C\n    pattern: 'x'\n    \(body)\n",
                file: "a.yaml")
            #expect(throws: RulePackError.self) { try PIIRedactionPlugin(packs: [pack]) }
            do { _ = try PIIRedactionPlugin(packs: [pack]) } catch let error as RulePackError { #expect(error.key == key) }
        }
    }
}

@Suite("PII hidden behind bidi controls")
struct BidiHiddenPIITests {
    @Test("a value typed backwards inside a right-to-left override (it displays as the real value) is redacted, and no control is left", arguments: [
        ("My number is \u{202E}0987 654 1170\u{202C}, call after six.", "UK_PHONE"),
        ("Write to \u{202E}moc.elpmaxe@htims.nas\u{202C} please", "EMAIL"),
        ("NHS number \u{202B}5919 476 943\u{202C} for my dad", "NHS_NUMBER"),
    ])
    func redacted(text: String, category: String) throws {
        let verdict = redact(text)
        #expect(verdict.findings.contains { $0.category == category }, "\(verdict.findings.map(\.category))")
        #expect(!verdict.text.unicodeScalars.contains(where: BidiControls.isControl))
        let read = try #require(verdict.resolvedText)
        let scalars = Array(read.unicodeScalars)
        for finding in verdict.findings where finding.category == category {
            let span = String(String.UnicodeScalarView(scalars[finding.start..<finding.end]))
            #expect(!verdict.text.contains(span), "the value \(span.debugDescription) is still in the text")
        }
    }
}
