// gatehouse-bench: throughput and accuracy of the rule plugins, for the README and the issue
// notes. Run it in release mode:
//
//   swift run -c release gatehouse-bench [pii] [--megabytes N] [--repo PATH]
//
// Throughput is measured on one core (one thread) over realistic contribution text built
// from the hand-written labelled set; accuracy is precision and recall on that set.
import Foundation
import GatehouseCore
#if canImport(Glibc)
import Glibc
#endif
import GatehouseRuntime
import PCRE2

struct Options {
    var suites: [String] = []
    var megabytes = 32.0
    var repo = FileManager.default.currentDirectoryPath
    var file: String?
    var show = 0
    /// The duplicate benchmark's sizes as a share of 100,000 earlier and 20,000 measured items
    /// (a smaller run under valgrind's cachegrind counts the same work exactly).
    var scale = 1.0

    init(_ arguments: [String]) {
        var iterator = arguments.makeIterator()
        while let argument = iterator.next() {
            switch argument {
            case "--megabytes": megabytes = Double(iterator.next() ?? "") ?? megabytes
            case "--repo": repo = iterator.next() ?? repo
            case "--file": file = iterator.next()
            case "--show": show = Int(iterator.next() ?? "") ?? 20
            case "--scale": scale = Double(iterator.next() ?? "") ?? scale
            case "-h", "--help":
                print(
                    "usage: gatehouse-bench [pii] [pii-rules] [pii-eval --file F] [profanity] [profanity-eval --file F] [duplicate] [--megabytes N] [--repo PATH] [--show N] [--scale F]")
                exit(0)
            default: suites.append(argument)
            }
        }
        if suites.isEmpty { suites = ["pii"] }
    }

    func path(_ relative: String) -> String { (repo as NSString).appendingPathComponent(relative) }
}

/// A seeded generator, so every run measures the same texts.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Hand-written ordinary sentences (Tests/Fixtures/contributions-clean.txt).
func cleanSentences(_ options: Options) throws -> [String] {
    try String(contentsOfFile: options.path("Tests/Fixtures/contributions-clean.txt"), encoding: .utf8)
        .split(separator: "\n").map(String.init).filter { !$0.hasPrefix("#") && !$0.isEmpty }
}

/// Realistic contributions: paragraphs of 2 to 12 ordinary sentences, one in ten of them
/// carrying one sentence with personal data from the labelled set.
func realisticContributions(clean: [String], withPII: [String], count: Int, every: Int = 10) -> [String] {
    var random = SplitMix64(state: 7)
    return (0..<count).map { _ in
        let length = Int.random(in: 2...12, using: &random)
        var sentences = (0..<length).map { _ in clean.randomElement(using: &random)! }
        if Int.random(in: 0..<every, using: &random) == 0 {
            sentences[Int.random(in: 0..<length, using: &random)] = withPII.randomElement(using: &random)!
        }
        return sentences.joined(separator: " ")
    }
}

/// Contributions of 2 to 12 sentences drawn from the labelled set: a paragraph, as people write.
func contributions(from sentences: [String], count: Int) -> [String] {
    var random = SplitMix64(state: 42)
    return (0..<count).map { _ in
        let length = Int.random(in: 2...12, using: &random)
        return (0..<length).map { _ in sentences.randomElement(using: &random)! }.joined(separator: " ")
    }
}

/// Runs `body` over `items` until `megabytes` have gone through, in five timed parts, and prints
/// the median and best part: this shared machine's neighbours make single runs vary twofold.
func measure(_ label: String, items: [String], megabytes: Double, _ body: (String) -> Int) {
    let bytesPerRound = items.reduce(0) { $0 + $1.utf8.count }
    let rounds = max(5, Int((megabytes * 1_048_576) / Double(bytesPerRound)))
    var sink = 0
    // Warm up: JIT code, per-thread match data, caches.
    for item in items.prefix(200) { sink &+= body(item) }
    var rates: [Double] = []
    var totalSeconds = 0.0
    let perPart = rounds / 5
    for _ in 0..<5 {
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<perPart {
            for item in items { sink &+= body(item) }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        totalSeconds += seconds
        rates.append(Double(bytesPerRound * perPart) / seconds)
    }
    rates.sort()
    let median = rates[2], best = rates[4]
    let itemBytes = Double(bytesPerRound) / Double(items.count)
    print(String(
        format: "%@  %8.0f items/s  %7.1f MB/s  (best part %.1f MB/s; %.1f MB, %d items, avg %d bytes, %.2f s; checksum %d)",
        label.padding(toLength: 26, withPad: " ", startingAt: 0), median / itemBytes, median / 1_048_576, best / 1_048_576,
        Double(bytesPerRound * perPart * 5) / 1_048_576, items.count * perPart * 5, Int(itemBytes), totalSeconds, sink))
}

func benchPII(_ options: Options) throws {
    print("== pii: UK PII redaction (rules/pii), one core, release build ==")
    let ruleSet = try RuleSet.load(paths: [options.path("rules/pii")])
    let labelled = try LabelledSet(file: options.path("Tests/Fixtures/pii-labelled.jsonl"), key: "pii")
    let plugin = ruleSet.pipeline.plugins[0]
    let sentences = labelled.examples.map(\.text)
    let withPII = labelled.examples.filter { !$0.labels.isEmpty }.map(\.text)
    let realistic = realisticContributions(clean: try cleanSentences(options), withPII: withPII, count: 2_000)
    let dense = contributions(from: sentences, count: 2_000)
    let context = EvaluationContext(receivedAt: Date(timeIntervalSince1970: 0))
    print("rules: \(ruleSet.ruleCount); labelled examples: \(labelled.examples.count)")
    print("realistic: ordinary paragraphs, 1 in 10 with personal data; dense: every sentence from the labelled set")
    measure("plugin, realistic", items: realistic, megabytes: options.megabytes) { text in
        plugin.evaluate(PluginInput(text: text, context: context)).detections.count
    }
    measure("pipeline, realistic", items: realistic, megabytes: options.megabytes) { text in
        ruleSet.pipeline.evaluate(text: text, context: context).findings.count
    }
    measure("plugin, dense", items: dense, megabytes: options.megabytes) { text in
        plugin.evaluate(PluginInput(text: text, context: context)).detections.count
    }
    measure("pipeline, dense", items: dense, megabytes: options.megabytes) { text in
        ruleSet.pipeline.evaluate(text: text, context: context).findings.count
    }
    print("\naccuracy on Tests/Fixtures/pii-labelled.jsonl:")
    let report = labelled.measure(ruleSet.pipeline, plugin: "pii")
    print(report.table)
    for line in report.falsePositives { print("  false positive: \(line)") }
    for line in report.falseNegatives { print("  missed: \(line)") }
}

func benchProfanity(_ options: Options) throws {
    print("== profanity: rules/profanity, one core, release build ==")
    let ruleSet = try RuleSet.load(paths: [options.path("rules/profanity")])
    let labelled = try LabelledSet(file: options.path("Tests/Fixtures/profanity-labelled.jsonl"), key: "profanity")
    let plugin = ruleSet.pipeline.plugins[0]
    let clean = try cleanSentences(options)
    let swearing = labelled.examples.filter { !$0.labels.isEmpty }.map(\.text)
    let asciiSwearing = swearing.filter { $0.utf8.allSatisfy { $0 < 0x80 } }
    // ASCII: ordinary paragraphs, one in five with a sentence that swears.
    let ascii = realisticContributions(clean: clean, withPII: asciiSwearing, count: 2_000, every: 5)
    // Mixed: the same with typographic quotes and dashes, accented names, emoji, and
    // the labelled set's Unicode evasions.
    let decorated = clean.map { sentence in
        sentence.replacingOccurrences(of: "'", with: "’").replacingOccurrences(of: ", ", with: " — ")
            + [" 😊", " 👍🏽", " Zoë agreed.", " — “thank you”", " café"][sentence.count % 5]
    }
    let mixed = realisticContributions(clean: decorated, withPII: swearing, count: 2_000, every: 5)
    let context = EvaluationContext(receivedAt: Date(timeIntervalSince1970: 0))
    let nonASCII = mixed.joined().unicodeScalars.filter { !$0.isASCII }.count
    print("ascii: ordinary paragraphs, 1 in 5 swearing; mixed: the same with \(nonASCII / mixed.count) non-ASCII characters per item on average")
    measure("plugin, ASCII", items: ascii, megabytes: options.megabytes) { text in
        plugin.evaluate(PluginInput(text: text, context: context)).detections.count
    }
    measure("plugin, mixed", items: mixed, megabytes: options.megabytes) { text in
        plugin.evaluate(PluginInput(text: text, context: context)).detections.count
    }
    print("\naccuracy on Tests/Fixtures/profanity-labelled.jsonl:")
    let report = labelled.measure(ruleSet.pipeline, plugin: "profanity")
    print(report.table)
    for line in report.falsePositives { print("  false positive: \(line)") }
    for line in report.falseNegatives { print("  missed: \(line)") }
}

/// The resident set size in bytes (Linux), for index memory per item: an upper bound, as it
/// also counts allocator slack.
func residentBytes() -> Int {
    guard let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8),
        let pages = statm.split(separator: " ").dropFirst().first.flatMap({ Int($0) })
    else { return 0 }
    return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
}

func benchDuplicate(_ options: Options) throws {
    print("== duplicate: rules/duplicate.yaml, memory index, one core, release build ==")
    let clean = try cleanSentences(options)
    let hasher = KeyedHasher(secret: Data("benchmark key, not a secret at all".utf8))
    let index = MemoryFingerprintIndex(retention: 365 * 86_400)
    let ruleSet = try RuleSet.load(
        paths: [options.path("rules/duplicate.yaml")], environment: PluginEnvironment(fingerprints: index, hasher: hasher))
    var random = SplitMix64(state: 99)
    let earlier = Int(100_000 * options.scale)
    let measured = Int(20_000 * options.scale)
    // Distinct contributions on one topic: 40 to 120 words drawn from the vocabulary of the
    // hand-written contributions (so texts share words, never whole passages), from 20,000
    // contributors, one a second.
    // Sorted: a set's order changes from process to process (Swift seeds its hashing per
    // process), and with it every text, so two runs would not measure the same work.
    let vocabulary = Array(Set(clean.joined(separator: " ").split(separator: " ").map(String.init))).sorted()
    let texts = (0..<(earlier + measured)).map { _ in
        (0..<Int.random(in: 40...120, using: &random)).map { _ in vocabulary.randomElement(using: &random)! }.joined(separator: " ")
    }
    let contributors = (0..<20_000).map { "token-\($0)" }
    let start = Date(timeIntervalSince1970: 1_780_000_000)
    func submission(_ number: Int) -> Submission {
        // One in twenty of the measured items repeats an earlier text from the same contributor.
        let repeatOf = number >= earlier && number % 20 == 0 ? number - earlier / 2 : number
        return Submission(
            text: texts[repeatOf], conversation: "ahp-\(number % 12)", contributor: contributors[repeatOf % contributors.count],
            receivedAt: start.addingTimeInterval(Double(number)))
    }
    let before = residentBytes()
    var clock = DispatchTime.now().uptimeNanoseconds
    for number in 0..<earlier { _ = ruleSet.evaluate(submission(number), itemId: "item-\(number)") }
    let fillSeconds = Double(DispatchTime.now().uptimeNanoseconds - clock) / 1e9
    let perItem = (residentBytes() - before) / earlier
    print(String(format: "fill:     %d items in %.2f s, %.0f items/s", earlier, fillSeconds, Double(earlier) / fillSeconds))
    print("index:    \(index.count) items, \(perItem) bytes of resident memory per item (its arrays and tables reserve \(index.heldBytes / earlier), spare capacity included)")
    // In five timed parts (the index grows by a fifth of the measured items over them), median
    // and best: this shared machine's neighbours make single runs vary by a third.
    var flagged = 0
    var rates: [Double] = []
    var seconds = 0.0
    let part = measured / 5
    for first in stride(from: earlier, to: earlier + part * 5, by: part) {
        clock = DispatchTime.now().uptimeNanoseconds
        for number in first..<(first + part) {
            flagged += ruleSet.evaluate(submission(number), itemId: "item-\(number)").findings.isEmpty ? 0 : 1
        }
        let partSeconds = Double(DispatchTime.now().uptimeNanoseconds - clock) / 1e9
        seconds += partSeconds
        rates.append(Double(part) / partSeconds)
    }
    rates.sort()
    let bytes = (earlier..<(earlier + part * 5)).reduce(0) { $0 + texts[$1].utf8.count } / (part * 5)
    print(String(format: "measured: %d items (avg %d bytes) against %d earlier: %.0f items/s (median of five parts; best %.0f, overall %.0f), %.1f µs per item; %d flagged",
                 part * 5, bytes, earlier, rates[2], rates[4], Double(part * 5) / seconds, 1e6 / rates[2], flagged))

    // A campaign: 5,000 copies of one template with small edits, from different contributors.
    let template = texts[0].split(separator: " ").map(String.init)
    let campaign = (0..<5_000).map { number in
        var words = template
        words[number % words.count] = vocabulary[number % vocabulary.count]
        return Submission(
            text: words.joined(separator: " "), contributor: "campaigner-\(number)",
            receivedAt: start.addingTimeInterval(Double(earlier + measured + number)))
    }
    clock = DispatchTime.now().uptimeNanoseconds
    var tagged = 0
    for (number, submission) in campaign.enumerated() {
        let verdict = ruleSet.evaluate(submission, itemId: "campaign-\(number)")
        tagged += verdict.findings.contains { $0.rule == "duplicate.campaign" } ? 1 : 0
    }
    let campaignSeconds = Double(DispatchTime.now().uptimeNanoseconds - clock) / 1e9
    print(String(format: "campaign: 5,000 edited copies of one text from 5,000 contributors: %.0f items/s; %d tagged",
                 5_000 / campaignSeconds, tagged))

    print("\nnear-duplicate accuracy on Tests/Fixtures/duplicate-pairs.jsonl:")
    let pairs = try LabelledPairs(file: options.path("Tests/Fixtures/duplicate-pairs.jsonl"))
    let pairIndex = MemoryFingerprintIndex()
    let pairRules = try RuleSet.load(
        paths: [options.path("rules/duplicate.yaml")], environment: PluginEnvironment(fingerprints: pairIndex, hasher: hasher))
    let report = pairs.measure { pair in
        pairIndex.reset()
        _ = pairRules.evaluate(Submission(text: pair.a, contributor: "alice", receivedAt: start), itemId: "a")
        let verdict = pairRules.evaluate(Submission(text: pair.b, contributor: "alice", receivedAt: start.addingTimeInterval(60)), itemId: "b")
        return verdict.findings.contains { $0.category == "DUPLICATE" }
    }
    print(report.table)
    for line in report.falsePositives { print("  false positive: \(line)") }
    for line in report.falseNegatives { print("  missed: \(line)") }
}

/// Each rule's pattern alone over the same text: where the time goes.
func benchRulePatterns(_ options: Options) throws {
    print("== pii-rules: each pattern alone, MB/s over the same text ==")
    let packs = try RulePackLoader.load(paths: [options.path("rules/pii")])
    let labelled = try LabelledSet(file: options.path("Tests/Fixtures/pii-labelled.jsonl"), key: "pii")
    let items = contributions(from: labelled.examples.map(\.text), count: 2_000)
    for pack in packs {
        // A detector rule (people's names) has no pattern to time alone.
        for rule in pack.rules {
            guard let pattern = try rule.fields.optionalString("pattern") else { continue }
            let caseless = try rule.fields.bool("caseless", default: false)
            let regex = try CompiledRegex(pattern, options: caseless ? .caseless : [])
            measure(rule.id, items: items, megabytes: options.megabytes / 4) { text in
                (try? regex.allRanges(in: text).count) ?? -1
            }
        }
    }
}

let options = Options(Array(CommandLine.arguments.dropFirst()))
do {
    for suite in options.suites {
        switch suite {
        case "pii": try benchPII(options)
        case "pii-rules": try benchRulePatterns(options)
        case "pii-eval":
            guard let file = options.file else {
                print("pii-eval needs --file F.jsonl (make one with scripts/eval/pii_corpus.py --seed N)")
                exit(2)
            }
            try PIIEvaluation.run(file: file, rules: options.path("rules/pii"), show: options.show)
        case "profanity": try benchProfanity(options)
        case "profanity-eval":
            guard let file = options.file else {
                print("profanity-eval needs --file F.jsonl (make one with scripts/eval/profanity_corpus.py --seed N)")
                exit(2)
            }
            try ProfanityEvaluation.run(file: file, rules: options.path("rules/profanity"), show: options.show)
        case "duplicate": try benchDuplicate(options)
        default:
            print("unknown suite '\(suite)' (known: pii, pii-rules, pii-eval, profanity, profanity-eval, duplicate)")
            exit(2)
        }
    }
} catch {
    print("gatehouse-bench: \(error)")
    exit(1)
}
