import GatehouseCore

/// Finds profanity that tries to hide, without punishing health words or place names.
///
/// The text is folded into a matching form (NFKC-style compatibility folding, format
/// characters and combining marks removed, case folded, Cyrillic and Greek look-alikes read as
/// Latin), then split into words on that form. Each word is decoded for leetspeak (`sh1t`,
/// `$hit`), masking (`f*ck`) and stretching (`fuuuck`); runs of single letters split by
/// separators (`f.u.c.k`, `f u c k`) are joined. Whole words are matched against the lists,
/// so two ordinary words never make one (`pen is`), and a listed root is found inside a longer
/// word only when the rule says it compounds (`bullshit`), minus the rule's allow list
/// (`Scunthorpe`). Spans cover the whole obfuscated surface form in the original text.
public struct ProfanityPlugin: RulePlugin {
    /// The name rule packs use: `plugin: profanity`.
    public static let pluginName = "profanity"

    public let name = ProfanityPlugin.pluginName
    public let rules: [RuleInfo]
    fileprivate let engine: Engine

    /// Everything the plugin compiled, behind one reference so that evaluating copies nothing.
    fileprivate final class Engine: Sendable {
        let compiled: [ProfanityRule]
        let list: WordList
        let phrases: PhraseMatcher
        let censor: Censor
        let fold = FoldTable.shared
        /// Whether any rule lists symbols (a text without a byte of 0xE2 or more holds none).
        let hasSymbols: Bool

        init(compiled: [ProfanityRule], list: WordList, phrases: PhraseMatcher, censor: Censor) {
            self.compiled = compiled
            self.list = list
            self.phrases = phrases
            self.censor = censor
            self.hasSymbols = compiled.contains { !$0.symbols.isEmpty }
        }
    }

    /// Compiles every rule of `packs`. Throws `RulePackError` naming the file, rule and key.
    public init(packs: [RulePack]) throws {
        let (compiled, list, phrases, censor) = try Self.compile(packs)
        self.engine = Engine(compiled: compiled, list: list, phrases: phrases, censor: censor ?? Censor())
        self.rules = compiled.map(\.info)
    }

    private static func compile(_ packs: [RulePack]) throws -> ([ProfanityRule], WordList, PhraseMatcher, Censor?) {
        var list = WordList()
        var phrases = PhraseMatcher()
        var compiled: [ProfanityRule] = []
        var censor: Censor?
        for pack in packs {
            if !pack.settings.keys.isEmpty {
                let settings = try Censor(settings: pack.settings)
                if let censor, censor != settings {
                    throw pack.settings.error("censor", "censor settings differ from another profanity pack's")
                }
                censor = settings
            }
            for definition in pack.rules {
                compiled.append(try ProfanityRule(definition, index: compiled.count, into: &list, phrases: &phrases))
            }
        }
        return (compiled, list, phrases, censor)
    }

    /// A word that two rules list, as the matcher reads it (case folded, repeated letters
    /// collapsed): only `winner` (the severer rule, or the first on a tie) ever decides it, so
    /// `rule`'s listing of it is dead.
    public struct ShadowedWord: Sendable, Equatable {
        public var word: String
        public var rule: String
        public var winner: String
    }

    /// Every word of `packs` that a rule lists and another rule's listing always wins, in rule
    /// order. For `rules lint`.
    public static func shadowedWords(in packs: [RulePack]) throws -> [ShadowedWord] {
        let (compiled, list, _, _) = try compile(packs)
        return list.shadowedForms().map { loser, winner in
            ShadowedWord(
                word: String(decoding: list.forms[loser].word, as: UTF8.self),
                rule: compiled[list.forms[loser].rule].info.id, winner: compiled[list.forms[winner].rule].info.id)
        }
    }

    public func evaluate(_ input: PluginInput) -> PluginReport {
        var text = input.text
        let explain = input.context.explain
        return text.withUTF8 { bytes in engine.evaluate(bytes, explain: explain) }
    }
}

extension ProfanityPlugin.Engine {
    /// Folds the text, scans its words, and turns listed forms into detections, minus the
    /// rules' allow lists and phrases.
    func evaluate(_ bytes: UnsafeBufferPointer<UInt8>, explain: Bool) -> PluginReport {
        let normalized = NormalizedText(bytes, fold: fold)
        var report = PluginReport()
        normalized.withMatchingForm(of: bytes) { chars in
            TokenScanner.scan(chars, list: list) { match in
                let form = list.forms[match.form]
                let rule = compiled[form.rule]
                let original = normalized.originalRange(match.range)
                let surface = String(decoding: UnsafeBufferPointer(rebasing: bytes[original]), as: UTF8.self)
                let lowered = surface.lowercased()
                if rule.allow.contains(lowered) || rule.allow.contains(String(decoding: match.token, as: UTF8.self)) {
                    if explain {
                        report.notes.append(CandidateNote(rule: rule.info, range: original, reason: "on the rule's allow list"))
                    }
                    return
                }
                if isInAllowedPhrase(rule, original, in: bytes, explain: explain, report: &report) { return }
                if rule.namesWhenCapitalised, Self.isWrittenAsName(original, in: bytes) {
                    if explain {
                        report.notes.append(CandidateNote(rule: rule.info, range: original, reason: "written as a name (capitalised)"))
                    }
                    return
                }
                if match.evasions.contains(.initialOnly), Self.isWithheldName(original, in: bytes) {
                    if explain {
                        report.notes.append(CandidateNote(rule: rule.info, range: original, reason: "a name withheld (an initial and masks)"))
                    }
                    return
                }
                var evasions = match.evasions
                // Folding changed the bytes: full-width, accented, look-alike or invisible characters.
                let folded = bytes[original].lazy.map { NormalizedText.asciiFold[Int($0)] }
                if !normalized.isIdentity, !folded.elementsEqual(normalized.chars[match.range]) {
                    evasions.insert(.hidden)
                }
                report.detections.append(
                    detection(rule, original, length: surface.count, severity: form.severity,
                              explanation: "listed \(form.severity.rawValue) word" + evasions.description))
            }
            // Phrases, where no listed word was found already; the words' detections come in
            // order, a phrase's may fall between them.
            var foundPhrase = false
            phrases.scan(chars) { range, index in
                let rule = compiled[index]
                let original = normalized.originalRange(range)
                guard !report.detections.contains(where: { $0.range.overlaps(original) }) else { return }
                if isInAllowedPhrase(rule, original, in: bytes, explain: explain, report: &report) { return }
                let surface = String(decoding: UnsafeBufferPointer(rebasing: bytes[original]), as: UTF8.self)
                report.detections.append(
                    detection(rule, original, length: surface.count, severity: rule.severity, explanation: "listed \(rule.severity.rawValue) phrase"))
                foundPhrase = true
            }
            if foundPhrase { report.detections.sort { $0.range.lowerBound < $1.range.lowerBound } }
        }
        if hasSymbols, bytes.contains(where: { $0 >= 0xE2 }) { findSymbols(in: bytes, into: &report) }
        return report
    }

    /// The rules' symbols in the original text (`🖕`, with any skin tone after it), in order
    /// among the words' detections.
    private func findSymbols(in bytes: UnsafeBufferPointer<UInt8>, into report: inout PluginReport) {
        var found = false
        for rule in compiled {
            for symbol in rule.symbols {
                var start = 0
                while start + symbol.count <= bytes.count {
                    guard bytes[start] == symbol[0], bytes[start..<(start + symbol.count)].elementsEqual(symbol) else {
                        start += 1
                        continue
                    }
                    var end = start + symbol.count
                    // A skin tone modifier (U+1F3FB–1F3FF) belongs to the symbol before it.
                    if end + 4 <= bytes.count, bytes[end] == 0xF0, bytes[end + 1] == 0x9F, bytes[end + 2] == 0x8F,
                       (0xBB...0xBF).contains(bytes[end + 3]) {
                        end += 4
                    }
                    // Censored as a short word would be: one grawlix character would read as a typo.
                    report.detections.append(
                        detection(rule, start..<end, length: 4, severity: rule.severity,
                                  explanation: "listed \(rule.severity.rawValue) symbol"))
                    found = true
                    start = end
                }
            }
        }
        if found { report.detections.sort { $0.range.lowerBound < $1.range.lowerBound } }
    }

    /// A detection of `rule` over `range` of the original text: censored in place, `length`
    /// characters long, when the rule redacts.
    private func detection(_ rule: ProfanityRule, _ range: Range<Int>, length: Int, severity: Severity, explanation: String) -> Detection {
        Detection(
            rule: rule.info, range: range, score: 1, explanation: explanation,
            replacement: rule.info.action == .redact ? censor.replacement(length: length) : nil,
            attributes: ["severity": severity.rawValue])
    }

    /// True, with a note when explaining, when `range` lies inside one of `rule`'s allowed phrases.
    private func isInAllowedPhrase(
        _ rule: ProfanityRule, _ range: Range<Int>, in bytes: UnsafeBufferPointer<UInt8>, explain: Bool, report: inout PluginReport
    ) -> Bool {
        guard let phrase = allowingPhrase(rule, around: range, in: bytes) else { return false }
        if explain {
            report.notes.append(CandidateNote(rule: rule.info, range: range, reason: "inside the allowed phrase '\(phrase)'"))
        }
        return true
    }

    /// Whether the word at `range` is written as a name: a capital then lower-case letters, and
    /// either inside a sentence or followed by another capitalised word (Dick Smith). A word in
    /// capitals is shouting, not a name.
    static func isWrittenAsName(_ range: Range<Int>, in bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard range.count >= 2, (0x41...0x5A).contains(bytes[range.lowerBound]),
              bytes[(range.lowerBound + 1)..<range.upperBound].allSatisfy({ (0x61...0x7A).contains($0) })
        else { return false }
        // Cock-up, Dick-ish: a name does not go on with a hyphen.
        if range.upperBound < bytes.count, bytes[range.upperBound] == 0x2D { return false }
        let before = markBefore(range.lowerBound, in: bytes)
        // An initial before it (`Philip K. Dick`, `J. Cocks`): its full stop ends no sentence, and
        // an initial and a capitalised word are a name.
        if before >= 1, bytes[before] == 0x2E, (0x41...0x5A).contains(bytes[before - 1]),
           before == 1 || bytes[before - 2] == 0x20 || bytes[before - 2] == 0x0A {
            return true
        }
        if !endsSentence(before, in: bytes) {
            // "a Dick", "a total Knob": an article or an intensifier before it makes it the insult.
            return !insultLead.contains(lowerCased(word(endingAt: before, in: bytes), in: bytes))
        }
        var after = range.upperBound
        while after < bytes.count, bytes[after] == 0x20 { after += 1 }
        guard after < bytes.count, after > range.upperBound else { return false }
        if (0x41...0x5A).contains(bytes[after]) { return true }
        // At a sentence's start, a word that only follows a person: `Dick from the wheelchair service`.
        var wordEnd = after
        while wordEnd < bytes.count, (0x61...0x7A).contains(bytes[wordEnd]) { wordEnd += 1 }
        return personFollowers.contains(String(decoding: UnsafeBufferPointer(rebasing: bytes[after..<wordEnd]), as: UTF8.self))
    }

    /// Whether an initial and masks at `range` (`B***`) withhold a name rather than a swear word:
    /// after a title (`Mr B***`, `dr s****`), or a capital inside a sentence (`my physio J***`)
    /// unless the word before leads an insult or says what something was (`a C***`, `was S***`)
    /// or shouts (`WHAT A F***`).
    static func isWithheldName(_ range: Range<Int>, in bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let before = markBefore(range.lowerBound, in: bytes)
        // The word before, past a title's full stop (`Mr. B***`).
        let wordRange = word(endingAt: before >= 0 && bytes[before] == 0x2E ? before - 1 : before, in: bytes)
        let previous = lowerCased(wordRange, in: bytes)
        if titles.contains(previous) { return true }
        guard (0x41...0x5A).contains(bytes[range.lowerBound]) else { return false }
        if endsSentence(before, in: bytes) { return false }
        let shouted = wordRange.count >= 2 && bytes[wordRange].allSatisfy { (0x41...0x5A).contains($0) }
        return !(shouted || insultLead.contains(previous) || verbsBeforeInsult.contains(previous))
    }

    /// The position of the last byte before `start` that is no space, double quote or opening
    /// bracket; -1 at the text's start.
    private static func markBefore(_ start: Int, in bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var before = start - 1
        while before >= 0, bytes[before] == 0x20 || bytes[before] == 0x22 || bytes[before] == 0x28 { before -= 1 }
        return before
    }

    /// Whether what stands at `position` (from `markBefore`) opens a sentence after it: the
    /// text's start, a full stop, `!`, `?`, a line break or a colon.
    private static func endsSentence(_ position: Int, in bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        position < 0 || [0x2E, 0x21, 0x3F, 0x0A, 0x0D, 0x3A].contains(bytes[position])
    }

    /// The ASCII letters ending at `end` (included): empty when what stands there is no letter
    /// (a control character, a digit) or `end` is before the text.
    private static func word(endingAt end: Int, in bytes: UnsafeBufferPointer<UInt8>) -> Range<Int> {
        var start = end
        while start >= 0, (0x41...0x5A).contains(bytes[start] & 0xDF), bytes[start] >= 0x41 { start -= 1 }
        return (start + 1)..<(end + 1)
    }

    private static func lowerCased(_ range: Range<Int>, in bytes: UnsafeBufferPointer<UInt8>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self).lowercased()
    }

    /// Words before a masked capital that make it what something was, not a person (`was S***`).
    static let verbsBeforeInsult: Set<String> = ["was", "were", "is", "are", "so", "very", "too", "be", "being", "been", "bit"]

    /// Titles before a withheld name.
    static let titles: Set<String> = ["mr", "mrs", "ms", "miss", "mx", "dr", "prof", "nurse", "sister", "fr", "rev", "sir", "dame", "cllr"]

    /// Words after a capitalised word at a sentence's start that make it a person.
    static let personFollowers: Set<String> = ["from", "at", "said", "told", "rang", "phoned", "called", "explained", "and"]

    /// Words before a capitalised word that make it an insult rather than a name.
    static let insultLead: Set<String> = [
        "a", "an", "the", "total", "complete", "absolute", "right", "utter", "such", "what", "massive", "proper", "some",
        "little", "big", "silly", "stupid", "like", "bloody", "fat", "old", "arrogant", "rude", "smug", "useless", "of",
    ]

    /// The allow phrase of `rule` that covers `range`, if any: whole words only (`sod of` does
    /// not allow `sod off`).
    private func allowingPhrase(_ rule: ProfanityRule, around range: Range<Int>, in bytes: UnsafeBufferPointer<UInt8>) -> String? {
        guard !rule.allowPhrases.isEmpty else { return nil }
        let longest = rule.allowPhrases.map(\.count).max() ?? 0
        let start = max(0, range.lowerBound - longest)
        let end = min(bytes.count, range.upperBound + longest)
        let window = bytes[start..<end].map { NormalizedText.asciiFold[Int($0)] }
        @inline(__always) func isLetter(at index: Int) -> Bool {
            guard index >= 0, index < bytes.count else { return false }
            let byte = NormalizedText.asciiFold[Int(bytes[index])]
            return byte >= 0x80 || (0x61...0x7A).contains(byte) || (0x30...0x39).contains(byte)
        }
        for phrase in rule.allowPhrases where phrase.count <= window.count {
            for offset in 0...(window.count - phrase.count) where window[offset] == phrase[0] {
                let phraseStart = start + offset
                guard phraseStart <= range.lowerBound, phraseStart + phrase.count >= range.upperBound,
                      !isLetter(at: phraseStart - 1), !isLetter(at: phraseStart + phrase.count)
                else { continue }
                if window[offset..<(offset + phrase.count)].elementsEqual(phrase) {
                    return String(decoding: phrase, as: UTF8.self)
                }
            }
        }
        return nil
    }
}
