/// The keys of one mapping in a rule pack (a rule, or a pack's settings), with typed readers
/// whose errors name the file, the line, the rule and the key.
public struct RuleFields: Sendable {
    /// The pack file these fields come from.
    public let file: String
    /// The rule id, when these are a rule's fields.
    public let rule: String?
    /// The line of the mapping.
    public let line: Int?
    private let entries: [String: RuleValue]

    public init(file: String, rule: String? = nil, line: Int? = nil, entries: [String: RuleValue]) {
        self.file = file
        self.rule = rule
        self.line = line
        self.entries = entries
    }

    /// The keys present, sorted.
    public var keys: [String] { entries.keys.sorted() }

    /// True if `key` is present.
    public func contains(_ key: String) -> Bool { entries[key] != nil }

    /// The raw value of `key`.
    public func value(_ key: String) -> RuleValue? { entries[key] }

    /// An error about `key`, located at its line.
    public func error(_ key: String?, _ message: String) -> RulePackError {
        RulePackError(
            file: file, line: key.flatMap { entries[$0]?.line } ?? line, rule: rule, key: key, message: message)
    }

    /// A required string.
    public func string(_ key: String) throws -> String {
        guard let value = try optionalString(key) else { throw error(key, "is required") }
        return value
    }

    /// A string, or nil when absent.
    public func optionalString(_ key: String) throws -> String? {
        guard let value = entries[key] else { return nil }
        guard case .scalar(let string) = value.kind else {
            throw error(key, "expected a string, found \(value.kindName)")
        }
        return string
    }

    /// A list of strings; a single string counts as a list of one. Empty when absent.
    public func stringList(_ key: String) throws -> [String] {
        guard let value = entries[key] else { return [] }
        switch value.kind {
        case .scalar(let string):
            return [string]
        case .list(let items):
            return try items.map { item in
                guard case .scalar(let string) = item.kind else {
                    throw error(key, "expected a list of strings, found \(item.kindName) in it")
                }
                return string
            }
        case .map:
            throw error(key, "expected a list of strings, found a mapping")
        }
    }

    /// A boolean (`true`/`false`, `yes`/`no`), or `default` when absent.
    public func bool(_ key: String, default defaultValue: Bool) throws -> Bool {
        guard let string = try optionalString(key) else { return defaultValue }
        switch string.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw error(key, "expected true or false, found '\(string)'")
        }
    }

    /// An integer in `range`, or `default` when absent.
    public func int(_ key: String, default defaultValue: Int, in range: ClosedRange<Int> = Int.min...Int.max) throws -> Int {
        guard let string = try optionalString(key) else { return defaultValue }
        guard let number = Int(string.replacingOccurrences(of: "_", with: "")) else {
            throw error(key, "expected a whole number, found '\(string)'")
        }
        guard range.contains(number) else {
            throw error(key, "must be between \(range.lowerBound) and \(range.upperBound), found \(number)")
        }
        return number
    }

    /// A number in `range`, or `default` when absent.
    public func double(_ key: String, default defaultValue: Double, in range: ClosedRange<Double> = -Double.infinity...Double.infinity) throws -> Double {
        guard let string = try optionalString(key) else { return defaultValue }
        guard let number = Double(string) else { throw error(key, "expected a number, found '\(string)'") }
        guard range.contains(number) else {
            throw error(key, "must be between \(range.lowerBound) and \(range.upperBound), found \(number)")
        }
        return number
    }

    /// One of `Choice`'s raw values, or `default` when absent.
    public func choice<Choice: RawRepresentable & CaseIterable>(_ key: String, default defaultValue: Choice) throws -> Choice
    where Choice.RawValue == String {
        guard let string = try optionalString(key) else { return defaultValue }
        guard let value = Choice(rawValue: string) else {
            let allowed = Choice.allCases.map(\.rawValue).joined(separator: ", ")
            throw error(key, "expected one of \(allowed), found '\(string)'")
        }
        return value
    }

    /// A nested mapping, or nil when absent.
    public func fields(_ key: String) throws -> RuleFields? {
        guard let value = entries[key] else { return nil }
        guard case .map(let nested) = value.kind else {
            throw error(key, "expected a mapping, found \(value.kindName)")
        }
        return RuleFields(file: file, rule: rule, line: value.line, entries: nested)
    }

    /// Refuses any key not in `allowed`: a misspelt key must not silently do nothing.
    public func rejectUnknownKeys(allowed: Set<String>) throws {
        for key in keys where !allowed.contains(key) {
            let known = allowed.sorted().joined(separator: ", ")
            let hint = Suggestion.closest(to: key, in: allowed.sorted()).map { "did you mean '\($0)'? " } ?? ""
            throw error(key, "unknown key (\(hint)known keys: \(known))")
        }
    }
}
