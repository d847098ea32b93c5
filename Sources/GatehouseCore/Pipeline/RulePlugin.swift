import Foundation

/// A rule plugin: compiled once from its rule packs, immutable and `Sendable` afterwards,
/// cheap to evaluate.
///
/// A plugin only detects. It returns detections as UTF-8 byte ranges in the text it was
/// given; the `Pipeline` applies redactions, maps spans back to the original text and decides.
public protocol RulePlugin: Sendable {
    /// The plugin's name as rule packs write it (`plugin: pii`).
    var name: String { get }
    /// The rules this plugin was built from, in pack order.
    var rules: [RuleInfo] { get }
    /// Inspects `input.text` and reports what it found. Does not throw for ordinary input:
    /// a rule that cannot finish (a match limit, say) is reported in `failures`.
    func evaluate(_ input: PluginInput) -> PluginReport
    /// True when the plugin judges an item against earlier ones (and records it as it goes).
    /// Such plugins are left out when a text is checked on its own, as a moderator's edit is.
    var judgesHistory: Bool { get }
    /// For a plugin that judges history: the work on `input` that depends on nothing earlier
    /// (a fingerprint, say), done ahead on any thread while the items before it are still
    /// being judged. nil (the default) when there is none.
    func prepare(_ input: PluginInput) -> (any Sendable)?
    /// `evaluate(_:)`, given what `prepare(_:)` made of the same input.
    func evaluate(_ input: PluginInput, prepared: any Sendable) -> PluginReport
}

extension RulePlugin {
    public var judgesHistory: Bool { false }
    public func prepare(_ input: PluginInput) -> (any Sendable)? { nil }
    public func evaluate(_ input: PluginInput, prepared: any Sendable) -> PluginReport { evaluate(input) }
}

/// What a plugin sees: the current draft text (earlier plugins' redactions applied) and the
/// submission's metadata.
public struct PluginInput: Sendable {
    /// The current text of the draft.
    public var text: String
    /// Metadata about the submission.
    public var context: EvaluationContext

    public init(text: String, context: EvaluationContext) {
        self.text = text
        self.context = context
    }
}

/// Metadata that plugins may use besides the text. Never the raw contributor token.
public struct EvaluationContext: Sendable {
    /// The item's id, when it has one already (`duplicate_of` points at earlier ids).
    public var itemId: String?
    /// The conversation (topic or thread), if any.
    public var conversation: String?
    /// The contributor's keyed-hash pseudonym, if any. The raw token never gets this far.
    public var contributorPseudonym: String?
    /// When the submission was received (`receivedAt`, or the clock).
    public var receivedAt: Date
    /// When true, plugins also report candidates they let go, for `--explain`.
    public var explain: Bool

    public init(
        itemId: String? = nil, conversation: String? = nil, contributorPseudonym: String? = nil,
        receivedAt: Date = Date(), explain: Bool = false
    ) {
        self.itemId = itemId
        self.conversation = conversation
        self.contributorPseudonym = contributorPseudonym
        self.receivedAt = receivedAt
        self.explain = explain
    }
}

/// The identity and effect of one rule, as findings report it.
public struct RuleInfo: Sendable, Hashable {
    public var id: String
    public var category: String
    public var action: Action
    public var mode: RuleMode
    public var description: String

    public init(id: String, category: String, action: Action, mode: RuleMode = .enforce, description: String = "") {
        self.id = id
        self.category = category
        self.action = action
        self.mode = mode
        self.description = description
    }

    /// The identity of a rule as written in its pack.
    public init(_ definition: RuleDefinition) {
        self.init(
            id: definition.id, category: definition.category, action: definition.action,
            mode: definition.mode, description: definition.description)
    }
}

/// One hit inside a plugin: a rule and a UTF-8 byte range of the text the plugin was given.
public struct Detection: Sendable {
    public var rule: RuleInfo
    /// UTF-8 byte range in `PluginInput.text`.
    public var range: Range<Int>
    /// Confidence in 0...1.
    public var score: Double
    /// Why it fired, without the matched value.
    public var explanation: String
    /// What replaces the span when the rule enforces; nil to leave the text as it is.
    public var replacement: String?
    /// Plugin-specific labels (`severity`, `duplicate_of` …). Never a matched value.
    public var attributes: [String: String]

    public init(
        rule: RuleInfo, range: Range<Int>, score: Double = 1, explanation: String = "",
        replacement: String? = nil, attributes: [String: String] = [:]
    ) {
        self.rule = rule
        self.range = range
        self.score = score
        self.explanation = explanation
        self.replacement = replacement
        self.attributes = attributes
    }
}

/// A rule that could not finish on this text. The pipeline fails closed: the item is held.
public struct RuleFailure: Sendable {
    public var rule: RuleInfo
    public var message: String

    public init(rule: RuleInfo, message: String) {
        self.rule = rule
        self.message = message
    }
}

/// A candidate that did not become a detection, for `--explain`.
public struct CandidateNote: Sendable {
    public var rule: RuleInfo
    public var range: Range<Int>
    public var reason: String

    public init(rule: RuleInfo, range: Range<Int>, reason: String) {
        self.rule = rule
        self.range = range
        self.reason = reason
    }
}

/// Everything a plugin reports for one text.
public struct PluginReport: Sendable {
    public var detections: [Detection]
    public var failures: [RuleFailure]
    /// Only filled when `EvaluationContext.explain` is true.
    public var notes: [CandidateNote]

    public init(detections: [Detection] = [], failures: [RuleFailure] = [], notes: [CandidateNote] = []) {
        self.detections = detections
        self.failures = failures
        self.notes = notes
    }
}
