import Foundation
import GatehouseCore
import GatehouseRuntime
import Testing
@testable import GatehouseCLI

private let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
private let ruleSet: RuleSet = {
    do { return try RuleSet.load(paths: [repositoryRoot.appendingPathComponent("rules").path]) } catch {
        fatalError("rules do not load: \(error)")
    }
}()

private func object(_ bytes: [UInt8]) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
}

@Suite("gatehouse scan")
struct ScannerTests {
    let scanner = StreamScanner(ruleSet: ruleSet)

    @Test("a line in, a verdict out, with scalar offsets into the original text")
    func oneLine() throws {
        let line = #"{"id": "c-1", "text": "Café 👩🏽‍⚕️ — ring 07700 900123", "conversation": "physio"}"#
        let result = scanner.process(line: Array(line.utf8), lineNumber: 1)
        #expect(result.decision == .accepted)
        let text = String(decoding: result.json, as: UTF8.self)
        // Keys in the documented order.
        #expect(text.hasPrefix(#"{"id":"c-1","decision":"accepted","text":"Café 👩🏽‍⚕️ — ring [phone number]","findings":[{"plugin":"pii","rule":"pii.uk_phone","category":"UK_PHONE","action":"redact","start":"#))
        let parsed = try object(result.json)
        let finding = try #require((parsed["findings"] as? [[String: Any]])?.first)
        let original = Array("Café 👩🏽‍⚕️ — ring 07700 900123".unicodeScalars)
        let start = try #require(finding["start"] as? Int)
        let end = try #require(finding["end"] as? Int)
        #expect(String(String.UnicodeScalarView(original[start..<end])) == "07700 900123")
    }

    @Test("numeric ids are echoed as numbers")
    func numericID() throws {
        let parsed = try object(scanner.process(line: Array(#"{"id": 42, "text": "fine"}"#.utf8), lineNumber: 1).json)
        #expect(parsed["id"] as? Int == 42)
        #expect(parsed["decision"] as? String == "accepted")
    }

    @Test("malformed lines get an error that names the line and field", arguments: [
        (#"{"id": "a", "text": 12}"#, "field 'text' must be a string"),
        (#"{"id": "a"}"#, "field 'text' is required"),
        (#"{"id": "a", "text": "x", "receivedAt": "yesterday"}"#, "field 'receivedAt'"),
        (#"{"id": "a", "text": "x", "receivedAt": "2062-01-01T00:00:00Z"}"#, "field 'receivedAt' is ahead of the clock"),
        (#"{"id": "a", "text": "x", "conversation": 3}"#, "field 'conversation' must be a string"),
        (#"{"id": "a", "text": "x\u0000y"}"#, "NUL"),
        (#"{"id": "a", "text": "#, "not valid JSON"),
        (#"["not", "an", "object"]"#, "expected a JSON object"),
    ])
    func malformedLines(line: String, message: String) throws {
        let result = scanner.process(line: Array(line.utf8), lineNumber: 7)
        #expect(result.decision == nil)
        let parsed = try object(result.json)
        let error = try #require(parsed["error"] as? String)
        #expect(error.contains("line 7"))
        #expect(error.contains(message), "\(error)")
        #expect(parsed["line"] as? Int == 7)
        #expect(parsed["text"] == nil)
    }

    @Test("10,000 lines stream through in order, one output line per input line, bad lines included")
    func streamsInOrder() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-scan-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let inputPath = directory.appendingPathComponent("in.jsonl").path
        let outputPath = directory.appendingPathComponent("out.jsonl").path
        var input = ""
        for index in 0..<10_000 {
            switch index % 1_000 {
            case 500: input += "{broken\n"
            case 501: input += "\n"
            case 502: input += #"{"id": "n\#(index)", "text": "NHS number 943 476 5919"}"# + "\r\n"
            default: input += #"{"id": "n\#(index)", "text": "The physio was great, visit \#(index)"}"# + "\n"
            }
        }
        try input.write(toFile: inputPath, atomically: true, encoding: .utf8)
        let inputDescriptor = open(inputPath, O_RDONLY)
        let outputDescriptor = open(outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let summary = scanner.scan(input: inputDescriptor, output: outputDescriptor)
        close(inputDescriptor)
        close(outputDescriptor)
        #expect(summary.lines == 10_000)
        #expect(summary.errors == 20)
        #expect(summary.accepted == 9_980)
        let lines = try String(contentsOfFile: outputPath, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 10_001)  // the last newline leaves one empty piece
        for (index, line) in lines.prefix(10_000).enumerated() {
            let parsed = try object(Array(line.utf8))
            switch index % 1_000 {
            case 500, 501:
                #expect(parsed["error"] != nil)
                #expect(parsed["line"] as? Int == index + 1)
            case 502:
                #expect(parsed["id"] as? String == "n\(index)")
                #expect(parsed["text"] as? String == "NHS number [NHS number]")
            default:
                #expect(parsed["id"] as? String == "n\(index)")
            }
        }
    }
}

@Suite("gatehouse scan --jobs")
struct ScanJobsTests {
    /// Scans `input` with a fresh rule set (its own index, one fixed key) on `jobs` threads.
    static func scan(_ input: String, jobs: Int, in directory: URL) throws -> (output: String, summary: StreamScanner.Summary) {
        let ruleSet = try RuleSet.load(
            paths: [repositoryRoot.appendingPathComponent("rules").path],
            environment: PluginEnvironment(hasher: KeyedHasher(secret: Array("scan jobs test key".utf8))))
        let inputPath = directory.appendingPathComponent("in.jsonl").path
        let outputPath = directory.appendingPathComponent("out-\(jobs).jsonl").path
        try input.write(toFile: inputPath, atomically: true, encoding: .utf8)
        let inputDescriptor = open(inputPath, O_RDONLY)
        let outputDescriptor = open(outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let summary = StreamScanner(ruleSet: ruleSet, jobs: jobs).scan(input: inputDescriptor, output: outputDescriptor)
        close(inputDescriptor)
        close(outputDescriptor)
        return (try String(contentsOfFile: outputPath, encoding: .utf8), summary)
    }

    @Test(
        "any number of threads gives the same output, repeats and campaigns included, across batches",
        arguments: [true, false])
    func sameFindings(withTimes: Bool) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-jobs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        // More lines than two batches, so that repeats reach back across a batch boundary.
        // Without times, each line is received as the scan reads it: in input order on any thread.
        var lines = GeneratedStream(seed: 11, count: 2 * StreamScanner.batchSize + 500).items.map { $0.jsonLine(withTime: withTimes) }
        lines[700] = "{broken"
        lines[1500] = ""
        let input = lines.joined(separator: "\n") + "\n"
        let one = try Self.scan(input, jobs: 1, in: directory)
        let two = try Self.scan(input, jobs: 2, in: directory)
        let four = try Self.scan(input, jobs: 4, in: directory)
        #expect(one.summary == two.summary)
        #expect(one.output == two.output)
        #expect(one.output == four.output)
        #expect(one.summary.lines == lines.count && one.summary.errors == 2)
        // Worth comparing: the stream has repeats found across batches, and redactions.
        let outputs = one.output.split(separator: "\n")
        #expect(outputs.count == lines.count)
        let laterRepeats = outputs.dropFirst(StreamScanner.batchSize).filter { $0.contains("duplicate.exact_repeat") }
        #expect(laterRepeats.count > 20)
        #expect(outputs.filter { $0.contains("\"rule\":\"duplicate.copy\"") }.count > 20)
        #expect(outputs.filter { $0.contains("[phone number]") }.count > 50)
    }
}

@Suite("gatehouse check")
struct CheckTests {
    @Test("--explain says why each rule fired and what it did, and what was let go")
    func explain() {
        let text = "NHS number 016 977 5801, thanks"
        let verdict = ruleSet.pipeline.evaluate(text: text, context: EvaluationContext(explain: true))
        let rendered = CheckCommand.render(verdict, original: text, explain: true, ruleSet: ruleSet)
        #expect(rendered.contains("decision: accepted"))
        #expect(rendered.contains("text: NHS number [NHS number], thanks"))
        #expect(rendered.contains("why: pattern matched; validator nhs_mod11 passed; context word 'nhs number' before it"))
        #expect(rendered.contains("did: replaced with [NHS number]"))
        #expect(rendered.contains("not taken:"))
        #expect(rendered.contains("pii/pii.uk_phone"))
        #expect(rendered.contains("overlaps 'pii.nhs_number', which wins"))
    }

    @Test("--explain says why an organisation contact and a capitalised word were kept")
    func explainKept() {
        let text = "Bookings on 0300 123 4567 or pals@leedsth.nhs.uk; the Queen Elizabeth Hospital was fine"
        let verdict = ruleSet.pipeline.evaluate(text: text, context: EvaluationContext(explain: true))
        #expect(verdict.text == text, "nothing here is personal")
        let rendered = CheckCommand.render(verdict, original: text, explain: true, ruleSet: ruleSet)
        #expect(rendered.contains(#""0300 123 4567": kept: organisation contact: an 03 number"#), "\(rendered)")
        #expect(rendered.contains(#""pals@leedsth.nhs.uk": kept: organisation contact: the mailbox names a role or team ('pals')"#), "\(rendered)")
        #expect(rendered.contains("pii/pii.person_name"), "\(rendered)")
    }

    @Test("colour: escapes only when asked for or on a terminal; the same words either way")
    func colour() {
        let text = "NHS number 016 977 5801, thanks"
        let verdict = ruleSet.pipeline.evaluate(text: text, context: EvaluationContext(explain: true))
        let plain = CheckCommand.render(verdict, original: text, explain: true, ruleSet: ruleSet, palette: .plain)
        let coloured = CheckCommand.render(verdict, original: text, explain: true, ruleSet: ruleSet, palette: Palette(.always))
        #expect(!plain.contains("\u{1B}["))
        #expect(coloured.contains("\u{1B}[32maccepted\u{1B}[0m"))
        #expect(coloured.contains("\u{1B}[31m\"016 977 5801\"\u{1B}[0m"))
        #expect(coloured.replacingOccurrences(of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression) == plain)
        #expect(!Palette(.never).enabled)
        #expect(!Palette(.auto, environment: ["NO_COLOR": "1"]).enabled)
    }

    @Test("without --explain no matched value is printed")
    func plain() {
        let text = "mail me at a.b@example.com"
        let verdict = ruleSet.pipeline.evaluate(text: text)
        let rendered = CheckCommand.render(verdict, original: text, explain: false, ruleSet: ruleSet)
        #expect(!rendered.contains("a.b@example.com"))
        #expect(rendered.contains("EMAIL"))
    }

    @Test("arguments parse into the check command")
    func parsing() throws {
        let command = try GatehouseCommand.parseAsRoot(["check", "--json", "--explain", "--rules", "rules/pii", "hello"])
        let check = try #require(command as? CheckCommand)
        #expect(check.json && check.explain)
        #expect(check.text == "hello")
        #expect(check.rules.located == RulePackLocator.Found(paths: ["rules/pii"], source: "--rules"))
    }

    @Test("the locator tries $GATEHOUSE_RULES, ./rules, beside the binary, then the checkout, in that order")
    func locatorOrder() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-locator-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let work = root.appendingPathComponent("work"), bin = root.appendingPathComponent("prefix/bin")
        let installed = root.appendingPathComponent("prefix/share/gatehouse/rules"), checkout = root.appendingPathComponent("checkout/rules")
        for directory in [work, bin, installed, checkout] {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        }
        func locate(_ environment: [String: String] = [:]) -> RulePackLocator.Found {
            RulePackLocator(
                environment: environment, workingDirectory: work.path, executablePath: bin.appendingPathComponent("gatehouse").path,
                checkoutRules: checkout.path
            ).locate(explicit: [])
        }
        #expect(locate(["GATEHOUSE_RULES": "/a:/b"]) == RulePackLocator.Found(paths: ["/a", "/b"], source: "$GATEHOUSE_RULES"))
        #expect(locate() == RulePackLocator.Found(paths: [installed.path], source: "installed beside the binary"))
        try FileManager.default.removeItem(at: installed)
        #expect(locate() == RulePackLocator.Found(paths: [checkout.path], source: "the source checkout"))
        try FileManager.default.createDirectory(at: work.appendingPathComponent("rules"), withIntermediateDirectories: true)
        #expect(locate() == RulePackLocator.Found(paths: [work.appendingPathComponent("rules").path], source: "./rules"))
    }
}
