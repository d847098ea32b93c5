/// One rule hit, as reported by the pipeline.
///
/// `start` and `end` are Unicode scalar offsets into the original submitted text, half-open.
/// A finding never carries the matched value: only where it was and why.
public struct Finding: Sendable, Hashable, Codable {
    /// The plugin that produced it (`pii`, `profanity`, `duplicate`, or `pipeline`).
    public var plugin: String
    /// The rule id.
    public var rule: String
    /// The category, e.g. `NHS_NUMBER`, `PROFANITY`, `DUPLICATE`.
    public var category: String
    /// What the rule does.
    public var action: Action
    /// True when the rule is in shadow mode: recorded, not acted on.
    public var shadow: Bool
    /// Start, in Unicode scalars of the original text.
    public var start: Int
    /// End (exclusive), in Unicode scalars of the original text.
    public var end: Int
    /// Confidence in 0...1.
    public var score: Double
    /// Why the rule fired (pattern, validator, context), without the matched value.
    public var explanation: String
    /// Plugin-specific labels, such as `severity` or `duplicate_of`. Never a matched value.
    public var attributes: [String: String]
    /// The replacement put in the text, when the span was redacted.
    public var replacement: String?

    public init(
        plugin: String, rule: String, category: String, action: Action, shadow: Bool = false,
        start: Int, end: Int, score: Double = 1, explanation: String = "",
        attributes: [String: String] = [:], replacement: String? = nil
    ) {
        self.plugin = plugin
        self.rule = rule
        self.category = category
        self.action = action
        self.shadow = shadow
        self.start = start
        self.end = end
        self.score = score
        self.explanation = explanation
        self.attributes = attributes
        self.replacement = replacement
    }
}

/// A candidate that a plugin looked at and let go, with the reason; for rule authors only.
public struct ExplainNote: Sendable, Hashable, Codable {
    public var plugin: String
    public var rule: String
    /// Start and end in Unicode scalars of the original text.
    public var start: Int
    public var end: Int
    /// Why it did not become a finding (validator failed, no context word, overlapped …).
    public var reason: String

    public init(plugin: String, rule: String, start: Int, end: Int, reason: String) {
        self.plugin = plugin
        self.rule = rule
        self.start = start
        self.end = end
        self.reason = reason
    }
}
