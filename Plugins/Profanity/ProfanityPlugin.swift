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
        let censor: Censor
        let fold = FoldTable.shared

        init(compiled: [ProfanityRule], list: WordList, censor: Censor) {
            self.compiled = compiled
            self.list = list
            self.censor = censor
        }
    }

    /// Compiles every rule of `packs`. Throws `RulePackError` naming the file, rule and key.
    public init(packs: [RulePack]) throws {
        var list = WordList()
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
                compiled.append(try ProfanityRule(definition, index: compiled.count, into: &list))
            }
        }
        self.engine = Engine(compiled: compiled, list: list, censor: censor ?? Censor())
        self.rules = compiled.map(\.info)
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
                if let phrase = allowingPhrase(rule, around: original, in: bytes) {
                    if explain {
                        report.notes.append(
                            CandidateNote(rule: rule.info, range: original, reason: "inside the allowed phrase '\(phrase)'"))
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
                    Detection(
                        rule: rule.info, range: original, score: 1,
                        explanation: "listed \(form.severity.rawValue) word" + evasions.description,
                        replacement: rule.info.action == .redact ? censor.replacement(length: surface.count) : nil,
                        attributes: ["severity": form.severity.rawValue]))
            }
        }
        return report
    }

    /// The allow phrase of `rule` that covers `range`, if any.
    private func allowingPhrase(_ rule: ProfanityRule, around range: Range<Int>, in bytes: UnsafeBufferPointer<UInt8>) -> String? {
        guard !rule.allowPhrases.isEmpty else { return nil }
        let longest = rule.allowPhrases.map(\.count).max() ?? 0
        let start = max(0, range.lowerBound - longest)
        let end = min(bytes.count, range.upperBound + longest)
        let window = bytes[start..<end].map { NormalizedText.asciiFold[Int($0)] }
        for phrase in rule.allowPhrases where phrase.count <= window.count {
            for offset in 0...(window.count - phrase.count) where window[offset] == phrase[0] {
                let phraseStart = start + offset
                guard phraseStart <= range.lowerBound, phraseStart + phrase.count >= range.upperBound else { continue }
                if window[offset..<(offset + phrase.count)].elementsEqual(phrase) {
                    return String(decoding: phrase, as: UTF8.self)
                }
            }
        }
        return nil
    }
}
