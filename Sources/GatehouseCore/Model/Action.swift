/// What a rule does when it fires.
public enum Action: String, Sendable, Hashable, Codable, CaseIterable {
    /// Replace the span; the item stays acceptable.
    case redact
    /// Send the item to moderators.
    case hold
    /// Refuse the item.
    case reject
    /// Label only.
    case tag

    /// The decision this action asks for on its own.
    public var decision: Decision {
        switch self {
        case .redact, .tag: return .accepted
        case .hold: return .held
        case .reject: return .rejected
        }
    }
}

/// Whether a rule acts, or only records what it would have done.
public enum RuleMode: String, Sendable, Hashable, Codable, CaseIterable {
    /// The rule acts.
    case enforce
    /// The rule records a finding and changes nothing: no redaction, no effect on the decision.
    case shadow
}
