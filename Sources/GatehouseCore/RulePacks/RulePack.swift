/// One YAML file under `rules/`: the plugin it is for, its settings and its rules.
public struct RulePack: Sendable {
    /// The file it was read from.
    public var file: String
    /// The plugin that reads it (`pii`, `profanity`, `duplicate`).
    public var plugin: String
    /// What the pack is for.
    public var description: String
    /// Pack-level settings for the plugin (`settings:`), empty when absent.
    public var settings: RuleFields
    /// The rules, in file order.
    public var rules: [RuleDefinition]
    /// Tests of the plugin as a whole: `match` cases must make some rule of the plugin fire,
    /// `no_match` cases must make none fire (a list of clean texts, say).
    public var tests: RuleTests

    public init(
        file: String, plugin: String, description: String, settings: RuleFields, rules: [RuleDefinition],
        tests: RuleTests = RuleTests()
    ) {
        self.file = file
        self.plugin = plugin
        self.description = description
        self.settings = settings
        self.rules = rules
        self.tests = tests
    }
}

/// One rule as written: the keys every rule has, its own tests, and the plugin's keys.
public struct RuleDefinition: Sendable {
    /// Keys that every rule may carry, whatever its plugin.
    public static let commonKeys: Set<String> = ["id", "description", "category", "action", "mode", "tests"]

    public var id: String
    public var description: String
    public var category: String
    public var action: Action
    public var mode: RuleMode
    /// Every key of the rule, for the plugin to read its own.
    public var fields: RuleFields
    /// Cases that must match and cases that must not.
    public var tests: RuleTests
    /// The line where the rule starts.
    public var line: Int?

    public init(
        id: String, description: String, category: String, action: Action, mode: RuleMode,
        fields: RuleFields, tests: RuleTests, line: Int?
    ) {
        self.id = id
        self.description = description
        self.category = category
        self.action = action
        self.mode = mode
        self.fields = fields
        self.tests = tests
        self.line = line
    }
}

/// A rule's embedded tests.
public struct RuleTests: Sendable {
    /// Texts on which the rule must fire, each with the expected output when given.
    public var matches: [RuleTestCase]
    /// Texts on which the rule must not fire.
    public var nonMatches: [RuleTestCase]

    public init(matches: [RuleTestCase] = [], nonMatches: [RuleTestCase] = []) {
        self.matches = matches
        self.nonMatches = nonMatches
    }

    /// The number of cases.
    public var count: Int { matches.count + nonMatches.count }
}

/// One test case of a rule.
public struct RuleTestCase: Sendable {
    /// The input text.
    public var text: String
    /// The text the plugin must produce, when given.
    public var output: String?
    /// The decision the plugin must reach, when given.
    public var decision: Decision?
    /// The line of the case in its pack.
    public var line: Int?
    /// Who sends it (a raw token, pseudonymised like any other); `alice` when not given, and
    /// nobody (a submission without a contributor token) when `none`.
    public var contributor: String
    /// The `contributor` of a submission sent without one.
    public static let anonymous = "none"
    /// Its conversation, if any.
    public var conversation: String?
    /// Items submitted before it, oldest first, for rules that remember (duplicates, floods).
    public var before: [RuleTestHistory]

    public init(
        text: String, output: String? = nil, decision: Decision? = nil, line: Int? = nil,
        contributor: String = "alice", conversation: String? = nil, before: [RuleTestHistory] = []
    ) {
        self.text = text
        self.output = output
        self.decision = decision
        self.line = line
        self.contributor = contributor
        self.conversation = conversation
        self.before = before
    }
}

/// An earlier submission in a test case's history.
public struct RuleTestHistory: Sendable {
    public var text: String
    public var contributor: String
    public var conversation: String?
    /// How many seconds before the case it was received.
    public var secondsBefore: Double

    public init(text: String, contributor: String = "alice", conversation: String? = nil, secondsBefore: Double = 60) {
        self.text = text
        self.contributor = contributor
        self.conversation = conversation
        self.secondsBefore = secondsBefore
    }
}
