import Foundation
import GatehouseCore
import GatehouseRuntime

// libFuzzer targets, in one binary: GATEHOUSE_FUZZ_TARGET names the one to run (pipeline,
// profanity, rulepack, submission, scanlines). Built by scripts/fuzz with
// `-sanitize=fuzzer,address`; libFuzzer supplies `main`. Each target checks invariants and traps
// (a crash libFuzzer records, with the input) when one does not hold.

/// The target named in the environment, chosen once.
private let target: String = ProcessInfo.processInfo.environment["GATEHOUSE_FUZZ_TARGET"] ?? "pipeline"

/// The shipped rules, from GATEHOUSE_RULES or ./rules.
private let shipped: RuleSet = {
    let rules = ProcessInfo.processInfo.environment["GATEHOUSE_RULES"] ?? "rules"
    do {
        return try RuleSet.load(paths: [rules], environment: PluginEnvironment(hasher: KeyedHasher(secret: Array("fuzz key, nothing stored".utf8))))
    } catch {
        fatalError("the fuzz targets need the shipped rules (GATEHOUSE_RULES or ./rules): \(error)")
    }
}()

/// The pipeline minus the duplicate plugin, for targets that want each input judged alone.
private let textOnly = shipped.textOnlyPipeline

private func require(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition {
        FileHandle.standardError.write(Data("invariant broken: \(message())\n".utf8))
        abort()
    }
}

/// How many times `needle` stands in `haystack`, byte for byte, overlaps included. String's own
/// search goes by characters: it missed a value whose last digit a combining mark after it
/// joins (`…021` + U+0612), and so counted one occurrence where the text held two.
private func occurrences(of needle: String, in haystack: String) -> Int {
    let needle = Array(needle.utf8)
    let haystack = Array(haystack.utf8)
    guard !needle.isEmpty, needle.count <= haystack.count else { return 0 }
    return (0...(haystack.count - needle.count)).count { haystack[$0..<($0 + needle.count)].elementsEqual(needle) }
}

/// Any bytes as text (invalid UTF-8 replaced, as the HTTP decoder never lets it through).
private func text(_ bytes: UnsafeBufferPointer<UInt8>) -> String { String(decoding: bytes, as: UTF8.self) }

/// The whole pipeline, duplicates included: spans inside the text the rules read, redacted
/// spans gone from the published text, a decision that follows from the findings.
/// Inputs a minute apart, so that the duplicate index ages items out as it does in service.
nonisolated(unsafe) private var clock = Date(timeIntervalSince1970: 1_767_225_600)
private func fuzzPipeline(_ bytes: UnsafeBufferPointer<UInt8>) {
    let input = text(bytes)
    clock = clock.addingTimeInterval(60)
    let verdict = shipped.pipeline.evaluate(text: input, context: EvaluationContext(receivedAt: clock, explain: true))
    let read = verdict.resolvedText ?? input
    let original = Array(read.unicodeScalars)
    for finding in verdict.findings {
        require(0 <= finding.start && finding.start <= finding.end && finding.end <= original.count,
                "finding \(finding.rule) \(finding.start)..<\(finding.end) outside 0..<\(original.count)")
        if finding.plugin == "pii", finding.replacement != nil, !finding.shadow, finding.end - finding.start >= 6 {
            let value = String(String.UnicodeScalarView(original[finding.start..<finding.end]))
            // A redacted value never survives into the text as published, unless it also stands
            // elsewhere in the text where no rule matched it (then it is not this span).
            require(
                occurrences(of: value, in: read) > 1 || occurrences(of: value, in: verdict.text) == 0,
                "redacted \(finding.rule) value survives in the text")
        }
    }
    for note in verdict.notes {
        require(0 <= note.start && note.start <= note.end && note.end <= original.count, "note \(note.rule) outside the text")
    }
    let deciding = verdict.findings.filter { !$0.shadow }.map(\.action.decision).max() ?? .accepted
    require(verdict.decision >= deciding, "decision \(verdict.decision) below its findings' \(deciding)")
}

/// The profanity normaliser's offset map through the plugin: every span it reports starts and
/// ends on a scalar boundary of the bytes it was given.
private func fuzzProfanity(_ bytes: UnsafeBufferPointer<UInt8>) {
    let input = text(bytes)
    let verdict = textOnly.evaluate(text: input)
    let scalars = (verdict.resolvedText ?? input).unicodeScalars.count
    for finding in verdict.findings {
        require(finding.start <= finding.end && finding.end <= scalars, "finding \(finding.rule) outside the text")
    }
}

/// Arbitrary YAML as a rule pack: refused with an error, never a crash; a pack that loads compiles
/// or is refused with an error too.
private func fuzzRulePack(_ bytes: UnsafeBufferPointer<UInt8>) {
    guard let pack = try? RulePackLoader.parse(text(bytes), file: "fuzz.yaml") else { return }
    _ = try? RuleSet(packs: [pack])
}

/// Arbitrary JSON as a submission body: decoded or refused with a message naming what is wrong;
/// and `JSONReader` agreeing with Foundation's parser, which it replaced, on every input that
/// is UTF-8 without NUL bytes (Foundation reads those as UTF-16) and holds no key twice
/// (Foundation never checks a value that a later copy of its key replaces): both refuse it, or
/// both read the same value (numbers to within a part in 10^12: Foundation's
/// were not always the nearest double).
private func fuzzSubmission(_ bytes: UnsafeBufferPointer<UInt8>) {
    let decoder = SubmissionDecoder(policy: .api(maxTextCharacters: 20_000, maxDepth: 8))
    do {
        let submission = try decoder.decode(Data(bytes))
        require(!submission.text.isEmpty && !submission.text.contains("\u{0}"), "a decoded text is empty or holds NUL")
    } catch {
        require(!error.message.isEmpty, "an empty refusal")
    }
    guard !bytes.contains(0), String(validating: bytes, as: UTF8.self) != nil else { return }
    var reader = JSONReader(bytes, maxDepth: 64)
    let ours: JSONValue?
    do {
        ours = try reader.readDocument()
    } catch {
        guard error == .syntax else { return }  // deeper than compared
        ours = nil
    }
    guard reader.duplicateKey == nil else { return }
    let theirs = (try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])).flatMap(JSONValue.init(foundation:))
    if ours == nil, theirs != nil, repeatsAKeyLiteral(bytes) { return }
    require(sameValue(ours, theirs), "JSONReader read \(String(describing: ours)), Foundation \(String(describing: theirs))")
}

/// True when some string literal followed by `:` appears twice, byte for byte: a document in
/// which `JSONReader` stopped before it could see the repeated key.
private func repeatsAKeyLiteral(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    var seen = Set<[UInt8]>()
    var index = 0
    while index < bytes.count {
        guard bytes[index] == UInt8(ascii: "\"") else {
            index += 1
            continue
        }
        let start = index
        index += 1
        while index < bytes.count, bytes[index] != UInt8(ascii: "\"") { index += bytes[index] == UInt8(ascii: "\\") ? 2 : 1 }
        let literal = Array(bytes[start..<min(index + 1, bytes.count)])
        index += 1
        var next = index
        while next < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[next]) { next += 1 }
        if next < bytes.count, bytes[next] == UInt8(ascii: ":"), !seen.insert(literal).inserted { return true }
    }
    return false
}

/// Both refused, or the same value (`JSONValue.agrees(withFoundation:)`).
private func sameValue(_ ours: JSONValue?, _ theirs: JSONValue?) -> Bool {
    switch (ours, theirs) {
    case (nil, nil): true
    case (let ours?, let theirs?): ours.agrees(withFoundation: theirs)
    default: false
    }
}

/// Arbitrary bytes as `gatehouse scan` input: one output line per input line, each a JSON object.
private let scanner = StreamScanner(ruleSet: shipped, jobs: 1)
private func fuzzScanLines(_ bytes: UnsafeBufferPointer<UInt8>) {
    let lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
    var clock = Date.distantPast
    let outputs = scanner.process(lines: lines, firstLineNumber: 1, clock: &clock)
    require(outputs.count == lines.count, "\(lines.count) lines in, \(outputs.count) out")
    for output in outputs {
        require(!output.json.contains(0x0A), "an output line holds a newline")
        require((try? JSONSerialization.jsonObject(with: Data(output.json))) is [String: Any], "an output line is not a JSON object")
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    switch target {
    case "pipeline": fuzzPipeline(bytes)
    case "profanity": fuzzProfanity(bytes)
    case "rulepack": fuzzRulePack(bytes)
    case "submission": fuzzSubmission(bytes)
    case "scanlines": fuzzScanLines(bytes)
    default: fatalError("GATEHOUSE_FUZZ_TARGET must be pipeline, profanity, rulepack, submission or scanlines, not \(target)")
    }
    return 0
}
