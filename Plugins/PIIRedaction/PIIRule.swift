import GatehouseCore
import PCRE2

/// One compiled PII rule: a pattern, an optional validator, gazetteer and context words.
final class PIIRule: Sendable {
    /// Keys a PII rule may carry besides the common ones.
    static let keys: Set<String> = [
        "pattern", "caseless", "group", "validator", "context", "replacement", "priority", "score",
        "gazetteer", "exclude_words", "match_limit", "anchor", "anchor_words", "max_length", "min_digits", "keep",
    ]
    static let contextKeys: Set<String> = ["words", "window", "required", "exclude", "side"]

    let info: RuleInfo
    let regex: CompiledRegex
    /// The capture group whose span is redacted (0: the whole match).
    let group: Int
    let validatorName: String?
    let validator: Validator?
    /// Why a match is kept as it is (an organisation's contact), when it is; `keep:`.
    let keep: OrganisationContacts.Check?
    let context: ContextMatcher?
    let contextRequired: Bool
    /// Context words count only before the match (`side: before`): `call me on` says whose
    /// number follows, not whose came before it.
    let contextBeforeOnly: Bool
    let exclusions: ContextMatcher?
    let gazetteer: Gazetteer?
    /// Words that, anywhere in the value, mean it is not a name (`Hospital`, `Clinic` …).
    let excludedWords: Gazetteer?
    /// Where matches can be, and how long they can be; nil to run over the whole text.
    let anchor: RuleAnchor?
    let maxLength: Int
    let replacement: String
    let priority: Int
    let baseScore: Double

    /// The rule's `pattern`, compiled under its `caseless` and `match_limit` keys.
    static func compilePattern(_ fields: RuleFields) throws -> CompiledRegex {
        let pattern = try fields.string("pattern")
        let limits = MatchLimits(
            matchLimit: UInt32(try fields.int("match_limit", default: Int(MatchLimits.standard.matchLimit), in: 1_000...100_000_000)))
        let options: RegexOptions = try fields.bool("caseless", default: false) ? .caseless : []
        do {
            return try CompiledRegex(pattern, options: options, limits: limits)
        } catch {
            throw fields.error("pattern", error.description)
        }
    }

    init(_ definition: RuleDefinition, packFile: String) throws {
        let fields = definition.fields
        try fields.rejectUnknownKeys(allowed: RuleDefinition.commonKeys.union(Self.keys))
        info = RuleInfo(definition)

        regex = try Self.compilePattern(fields)

        if let name = try fields.optionalString("group") {
            let compiled = regex
            guard let number = compiled.groupNumber(named: name) ?? Int(name).flatMap({ $0 <= compiled.captureCount ? $0 : nil }) else {
                throw fields.error("group", "the pattern has no capture group '\(name)'")
            }
            group = number
        } else {
            group = regex.groupNumber(named: "value") ?? 0
        }

        validatorName = try fields.optionalString("validator")
        if let validatorName {
            guard let validator = Validators.table[validatorName] else {
                let known = Validators.table.keys.sorted().joined(separator: ", ")
                throw fields.error("validator", "unknown validator '\(validatorName)' (known: \(known))")
            }
            self.validator = validator
        } else {
            validator = nil
        }

        if let keepName = try fields.optionalString("keep") {
            guard let check = OrganisationContacts.table[keepName] else {
                let known = OrganisationContacts.table.keys.sorted().joined(separator: ", ")
                throw fields.error("keep", "unknown check '\(keepName)' (known: \(known))")
            }
            keep = check
        } else {
            keep = nil
        }

        if let contextFields = try fields.fields("context") {
            try contextFields.rejectUnknownKeys(allowed: Self.contextKeys)
            let window = try contextFields.int("window", default: 40, in: 1...1_000)
            let words = try contextFields.stringList("words")
            let excluded = try contextFields.stringList("exclude")
            contextRequired = try contextFields.bool("required", default: false)
            switch try contextFields.optionalString("side") ?? "either" {
            case "either": contextBeforeOnly = false
            case "before": contextBeforeOnly = true
            case let other: throw contextFields.error("side", "'\(other)' is not a side: either (the default) or before")
            }
            if contextRequired && words.isEmpty {
                throw contextFields.error("words", "a rule whose context is required needs context words")
            }
            do throws(PCRE2Error) {
                context = words.isEmpty ? nil : try ContextMatcher(words: words, window: window)
                exclusions = excluded.isEmpty ? nil : try ContextMatcher(words: excluded, window: window)
            } catch {
                throw contextFields.error("words", error.description)
            }
        } else {
            context = nil
            exclusions = nil
            contextRequired = false
            contextBeforeOnly = false
        }

        gazetteer = try fields.optionalString("gazetteer").map {
            try Gazetteer(file: $0, relativeTo: packFile, fields: fields, key: "gazetteer")
        }
        let excluded = try fields.stringList("exclude_words")
        excludedWords = excluded.isEmpty ? nil : Gazetteer(excluded)
        maxLength = try fields.int("max_length", default: 0, in: 0...10_000)
        anchor = try RuleAnchor(fields: fields, maxLength: maxLength)
        if anchor != nil && maxLength == 0 {
            throw fields.error("max_length", "an anchored rule needs max_length: the longest match in bytes")
        }
        replacement = try fields.optionalString("replacement") ?? "[\(definition.category)]"
        priority = try fields.int("priority", default: 50, in: 0...1_000)
        baseScore = try fields.double("score", default: 0.6, in: 0...1)
    }

    /// Why a match was let go; described only when someone asks (`--explain`).
    enum Rejection {
        case validatorFailed
        case excludedWord(String)
        case notInGazetteer
        case vetoed(ContextHit)
        case noContext
        case kept(String)
    }

    /// What became of one match.
    enum Outcome {
        case accepted(score: Double, explanation: String)
        case rejected(Rejection)
    }

    /// A rejection in words, for rule authors.
    func describe(_ rejection: Rejection) -> String {
        switch rejection {
        case .validatorFailed: return "validator \(validatorName ?? "") failed"
        case .excludedWord(let word): return "'\(word)' is on the rule's exclude list"
        case .notInGazetteer: return "first word not in the gazetteer"
        case .vetoed(let hit): return "exclude word '\(hit.word)' \(hit.before ? "before" : "after") it"
        case .noContext: return "no context word within \(context?.window ?? 0) bytes"
        case .kept(let reason): return "kept: \(reason)"
        }
    }

    /// Decides whether the match at `whole` with value span `value` is personal data.
    func judge(_ text: UnsafeBufferPointer<UInt8>, whole: Range<Int>, value: Range<Int>) throws(PCRE2Error) -> Outcome {
        let valueBytes = UnsafeBufferPointer(rebasing: text[value])
        if let validator, !validator(valueBytes) { return .rejected(.validatorFailed) }
        if let keep, let reason = keep(valueBytes) { return .rejected(.kept(reason)) }
        var gazetteerChecked = false
        if gazetteer != nil || excludedWords != nil {
            let words = String(decoding: valueBytes, as: UTF8.self)
                .split(whereSeparator: { !$0.isLetter && $0 != "'" && $0 != "’" && $0 != "-" })
            if let excludedWords, let word = words.first(where: { excludedWords.contains($0) }) {
                return .rejected(.excludedWord(word.lowercased()))
            }
            if let gazetteer {
                guard let first = words.first, gazetteer.contains(first) else { return .rejected(.notInGazetteer) }
                gazetteerChecked = true
            }
        }
        // An excluded word labels what follows it (`version 2.3.1.4`), never what came before.
        if let exclusions, let veto = try exclusions.find(in: text, around: whole, beforeOnly: true) {
            return .rejected(.vetoed(veto))
        }
        var score = baseScore
        var contextHit: ContextHit?
        if let context {
            contextHit = try context.find(in: text, around: whole, beforeOnly: contextBeforeOnly)
            if contextHit != nil {
                score = min(1, score + 0.3)
            } else if contextRequired {
                return .rejected(.noContext)
            }
        }
        var reasons = ["pattern matched"]
        if let validatorName { reasons.append("validator \(validatorName) passed") }
        if gazetteerChecked { reasons.append("first word in the gazetteer") }
        if let contextHit { reasons.append("context word '\(contextHit.word)' \(contextHit.before ? "before" : "after") it") }
        return .accepted(score: score, explanation: reasons.joined(separator: "; "))
    }
}
