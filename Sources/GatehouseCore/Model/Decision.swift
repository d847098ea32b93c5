/// The outcome for one submission. Ordered by severity: `rejected` > `held` > `accepted`.
public enum Decision: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case accepted
    case held
    case rejected

    private var severity: Int {
        switch self {
        case .accepted: return 0
        case .held: return 1
        case .rejected: return 2
        }
    }

    public static func < (lhs: Decision, rhs: Decision) -> Bool { lhs.severity < rhs.severity }
}

/// The pipeline's answer: the decision, the text to keep, and every finding behind it.
public struct Verdict: Sendable, Hashable {
    /// Accepted, held or rejected.
    public var decision: Decision
    /// The text after every redaction. For a rejected item it is not to be stored.
    public var text: String
    /// Every finding, in order of position in the original text.
    public var findings: [Finding]
    /// Candidate matches that did not become findings, for `--explain` (empty unless asked for).
    public var notes: [ExplainNote]
    /// The text the rules read, when it is not the one given: one with bidi embeddings or
    /// overrides, rewritten as it displays (`BidiControls`). Offsets are in this text then.
    public var resolvedText: String?

    public init(decision: Decision, text: String, findings: [Finding], notes: [ExplainNote] = []) {
        self.decision = decision
        self.text = text
        self.findings = findings
        self.notes = notes
    }
}
