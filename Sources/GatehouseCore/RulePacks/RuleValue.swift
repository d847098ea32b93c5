/// A value read from a rule pack, with the line it came from. Plain Swift, so that plugins
/// need not know the YAML library.
public struct RuleValue: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        /// A scalar as written; typed readers in `RuleFields` parse it.
        case scalar(String)
        case list([RuleValue])
        case map([String: RuleValue])
    }

    public var kind: Kind
    /// The 1-based line in the pack, when known.
    public var line: Int?

    public init(_ kind: Kind, line: Int? = nil) {
        self.kind = kind
        self.line = line
    }

    /// A short name of the kind, for error messages.
    var kindName: String {
        switch kind {
        case .scalar: return "a scalar"
        case .list: return "a list"
        case .map: return "a mapping"
        }
    }
}
