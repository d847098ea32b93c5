import CPCRE2

/// Compile options for a `CompiledRegex`. UTF mode is always on.
public struct RegexOptions: OptionSet, Sendable, Hashable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// Case-insensitive matching (`(?i)`).
    public static let caseless = RegexOptions(rawValue: PCRE2_CASELESS)
    /// `^` and `$` match at line breaks (`(?m)`).
    public static let multiline = RegexOptions(rawValue: PCRE2_MULTILINE)
    /// `.` matches a newline too (`(?s)`).
    public static let dotAll = RegexOptions(rawValue: PCRE2_DOTALL)
    /// Whitespace and `#` comments in the pattern are ignored (`(?x)`).
    public static let extended = RegexOptions(rawValue: PCRE2_EXTENDED)
    /// `\d`, `\w`, `\b` use Unicode properties. Much slower (about 20× for `\d`): prefer explicit classes.
    public static let unicodeProperties = RegexOptions(rawValue: PCRE2_UCP)
}

/// Bounds on the work one match call may do, so that no pattern can run away.
public struct MatchLimits: Sendable, Hashable {
    /// PCRE2's match limit: a bound on backtracking steps in one call.
    public var matchLimit: UInt32
    /// PCRE2's depth limit (interpreter only; the JIT is bounded by `matchLimit` and its stack).
    public var depthLimit: UInt32

    public init(matchLimit: UInt32 = 1_000_000, depthLimit: UInt32 = 10_000) {
        self.matchLimit = matchLimit
        self.depthLimit = depthLimit
    }

    /// The limits used when none are given.
    public static let standard = MatchLimits()
}
