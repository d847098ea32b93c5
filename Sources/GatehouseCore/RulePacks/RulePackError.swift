/// A rule pack that cannot be used, with where and why: file, line, rule id and key.
public struct RulePackError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The pack's file path.
    public var file: String
    /// The line in the file, when known (1-based).
    public var line: Int?
    /// The rule's id, when the error is inside a rule.
    public var rule: String?
    /// The offending key, when there is one.
    public var key: String?
    /// What is wrong.
    public var message: String

    public init(file: String, line: Int? = nil, rule: String? = nil, key: String? = nil, message: String) {
        self.file = file
        self.line = line
        self.rule = rule
        self.key = key
        self.message = message
    }

    /// `rules/pii/uk.yaml:42: rule 'nhs-number': key 'pattern': <message>`
    public var description: String {
        var parts = [line.map { "\(file):\($0)" } ?? file]
        if let rule { parts.append("rule '\(rule)'") }
        if let key { parts.append("key '\(key)'") }
        parts.append(message)
        return parts.joined(separator: ": ")
    }
}
