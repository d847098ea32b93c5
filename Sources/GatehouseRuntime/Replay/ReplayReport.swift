import GatehouseCore

/// What changing the rules would do to one corpus: decisions that change, findings gained and
/// lost per rule, redactions lost, and a few examples of each, shown redacted.
///
/// Built by `RuleReplay`; rendered by `markdown()` and `json()`. Every collection is kept in a
/// fixed order, so the same corpus and rules give the same report byte for byte.
public struct ReplayReport: Sendable, Equatable {
    /// Which rule sets were compared.
    public var baselineVersion: String
    public var candidateVersion: String
    /// Lines read, and lines that were not a contribution (their line numbers and why).
    public var lines = 0
    public var items = 0
    public var errorCount = 0
    public var errors: [LineError] = []
    /// Items per (baseline decision, candidate decision), unchanged pairs included.
    public var decisions: [Transition: Int] = [:]
    /// Per rule id: findings gained and lost, and items gaining or losing it.
    public var rules: [String: RuleChange] = [:]
    /// Redactions the baseline made that the candidate does not (that text would now be published).
    public var lostRedactions = 0
    /// Redactions the candidate makes that the baseline did not.
    public var gainedRedactions = 0
    /// Up to `examplesPerChange` examples per change, keyed by `Change.key`, in corpus order.
    public var examples: [String: [Example]] = [:]
    public var examplesPerChange: Int

    public init(baselineVersion: String, candidateVersion: String, examplesPerChange: Int) {
        self.baselineVersion = baselineVersion
        self.candidateVersion = candidateVersion
        self.examplesPerChange = examplesPerChange
    }

    public struct LineError: Sendable, Equatable {
        public var line: Int
        public var message: String
    }

    public struct Transition: Sendable, Hashable, Comparable {
        public var from: Decision
        public var to: Decision
        public var changed: Bool { from != to }
        public var key: String { "\(from.rawValue) → \(to.rawValue)" }
        public static func < (lhs: Transition, rhs: Transition) -> Bool { (lhs.from, lhs.to) < (rhs.from, rhs.to) }
    }

    public struct RuleChange: Sendable, Equatable {
        public var plugin: String
        public var gained = 0
        public var lost = 0
        /// How the rule runs in each set; nil where the set does not have it.
        public var baselineMode: RuleMode?
        public var candidateMode: RuleMode?
    }

    /// One item that shows a change.
    public struct Example: Sendable, Equatable {
        /// The line's `id` (or `line N`).
        public var item: String
        public var line: Int
        public var from: Decision
        public var to: Decision
        /// The rule whose finding changed, if the change is a finding's.
        public var rule: String?
        /// The text with every span either set redacted replaced by its token, and the span
        /// that changed between ⟦ and ⟧; cut to a window around it.
        public var excerpt: String
    }

    /// Items the candidate holds that the baseline did not hold.
    public var newHolds: Int { count { $0.to == .held && $0.from != .held } }
    /// Items the candidate rejects that the baseline did not reject.
    public var newRejects: Int { count { $0.to == .rejected && $0.from != .rejected } }
    /// Items whose decision changes.
    public var changedItems: Int { count(where: \.changed) }

    private func count(where predicate: (Transition) -> Bool) -> Int {
        decisions.reduce(0) { $0 + (predicate($1.key) ? $1.value : 0) }
    }

    /// The decision changes, most frequent first (ties in decision order).
    public var changes: [(transition: Transition, items: Int)] {
        decisions.filter(\.key.changed).map { ($0.key, $0.value) }
            .sorted { ($1.items, $0.transition) < ($0.items, $1.transition) }
    }

    /// The rules whose findings change, by rule id.
    public var changedRules: [(id: String, change: RuleChange)] {
        rules.filter { $0.value.gained > 0 || $0.value.lost > 0 }.map { ($0.key, $0.value) }.sorted { $0.id < $1.id }
    }

    mutating func addExample(_ example: Example, for key: String) {
        guard examplesPerChange > 0, examples[key, default: []].count < examplesPerChange else { return }
        examples[key, default: []].append(example)
    }

    /// The keys examples are filed under.
    static func decisionKey(_ transition: Transition) -> String { "decision \(transition.key)" }
    static func gainedKey(_ rule: String) -> String { "gained \(rule)" }
    static func lostKey(_ rule: String) -> String { "lost \(rule)" }
    static let lostRedactionKey = "lost redaction"
}
