import GatehouseCore

/// One compiled profanity rule: a severity, the words it lists and the exceptions it knows.
struct ProfanityRule: Sendable {
    static let keys: Set<String> = [
        "severity", "words", "inflect", "suffixes", "compound", "phrases", "symbols", "allow", "allow_phrases",
        "names_when_capitalised",
    ]

    let info: RuleInfo
    let severity: Severity
    /// Tokens (lower case, as written) that this rule never matches: `scunthorpe`, `twatt`.
    let allow: Set<String>
    /// Phrases around a match that make it innocent: `finger prick`, `offa's dyke`.
    let allowPhrases: [[UInt8]]
    /// A match written as a name (Dick inside a sentence, Dick Smith) is innocent.
    let namesWhenCapitalised: Bool
    /// Emoji and other symbols that are swearing in themselves (🖕), as UTF-8.
    let symbols: [[UInt8]]

    /// Reads the rule and adds its words to `list` and its phrases to `phrases`, as rule number
    /// `index`.
    init(_ definition: RuleDefinition, index: Int, into list: inout WordList, phrases: inout PhraseMatcher) throws {
        let fields = definition.fields
        try fields.rejectUnknownKeys(allowed: RuleDefinition.commonKeys.union(Self.keys))
        info = RuleInfo(definition)
        severity = try fields.choice("severity", default: Severity.strong)
        let words = try fields.stringList("words")
        let inflected = try fields.stringList("inflect")
        let suffixes = try fields.stringList("suffixes")
        let roots = try fields.stringList("compound")
        let phraseList = try fields.stringList("phrases")
        let symbolList = try fields.stringList("symbols")
        if words.isEmpty && inflected.isEmpty && roots.isEmpty && phraseList.isEmpty && symbolList.isEmpty {
            throw fields.error("words", "a profanity rule needs words, inflect, compound, phrases or symbols")
        }
        for symbol in symbolList where symbol.isEmpty || symbol.unicodeScalars.contains(where: { $0.isASCII }) {
            throw fields.error("symbols", "'\(symbol)' must be an emoji or another symbol, with no ASCII character in it")
        }
        symbols = symbolList.map { Array($0.utf8) }
        if !inflected.isEmpty && suffixes.isEmpty {
            throw fields.error("suffixes", "inflect needs suffixes")
        }
        for word in words + inflected + roots + suffixes {
            guard !word.isEmpty, word.utf8.allSatisfy({ (0x61...0x7A).contains($0) || (0x41...0x5A).contains($0) }) else {
                throw fields.error("words", "'\(word)' must be letters a-z only: obfuscated forms are found by the normaliser")
            }
        }
        for word in words { list.add(word, rule: index, severity: severity, compound: false) }
        for word in inflected {
            list.add(word, rule: index, severity: severity, compound: false)
            for suffix in suffixes { list.add(word + suffix, rule: index, severity: severity, compound: false) }
        }
        for root in roots { list.add(root, rule: index, severity: severity, compound: true) }
        for phrase in phraseList {
            let words = phrase.lowercased().split(separator: " ").map { Array($0.utf8) }
            guard words.count >= 2, words.allSatisfy({ $0.allSatisfy { (0x61...0x7A).contains($0) } }) else {
                throw fields.error("phrases", "'\(phrase)' must be two or more words of letters a-z, split by single spaces")
            }
            phrases.add(words, rule: index)
        }
        allow = Set(try fields.stringList("allow").map { $0.lowercased() })
        allowPhrases = try fields.stringList("allow_phrases").map { Array($0.lowercased().utf8) }
        namesWhenCapitalised = try fields.bool("names_when_capitalised", default: false)
    }
}
