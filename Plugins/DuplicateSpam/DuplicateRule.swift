import Foundation
import GatehouseCore

/// One compiled duplicate/spam rule: which check, over what window, with what threshold.
struct DuplicateRule: Sendable {
    static let keys: Set<String> = ["check", "window", "similarity", "min_contributors", "per", "limit"]

    enum Check: String, Sendable, CaseIterable {
        /// The same canonical text from the same contributor.
        case exactRepeat = "exact_repeat"
        /// A near-identical text from the same contributor.
        case nearRepeat = "near_repeat"
        /// The same or a near-identical text from someone else, or with no contributor to tell.
        case copy
        /// The same or nearly the same text from several different contributors.
        case campaign
        /// More than `limit` items within the window.
        case flood
    }

    enum Scope: String, Sendable, CaseIterable {
        case contributor, conversation
    }

    let info: RuleInfo
    let check: Check
    let window: TimeInterval
    let similarity: Double
    let minContributors: Int
    let scope: Scope
    let limit: Int

    init(_ definition: RuleDefinition) throws {
        let fields = definition.fields
        try fields.rejectUnknownKeys(allowed: RuleDefinition.commonKeys.union(Self.keys))
        info = RuleInfo(definition)
        guard fields.contains("check") else {
            throw fields.error("check", "is required (one of \(Check.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        check = try fields.choice("check", default: Check.exactRepeat)
        window = try Self.duration(fields, "window", default: check == .flood ? 60 : 30 * 86_400)
        similarity = try fields.double("similarity", default: 0.5, in: 0.1...1)
        minContributors = try fields.int("min_contributors", default: 3, in: 2...1_000_000)
        scope = try fields.choice("per", default: Scope.contributor)
        limit = try fields.int("limit", default: 5, in: 1...1_000_000)
        if check == .flood && !fields.contains("limit") {
            throw fields.error("limit", "a flood rule needs limit: the most items allowed within the window")
        }
    }

    /// A duration: seconds as a number, or a number with s, m, h or d (`90s`, `10m`, `24h`, `30d`).
    static func duration(_ fields: RuleFields, _ key: String, default defaultValue: TimeInterval) throws -> TimeInterval {
        guard let text = try fields.optionalString(key)?.trimmingCharacters(in: .whitespaces) else { return defaultValue }
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3_600, "d": 86_400]
        let unit = text.last.flatMap { units[$0] }
        let number = Double(unit == nil ? text : String(text.dropLast()))
        guard let number, number > 0 else {
            throw fields.error(key, "expected a duration such as 60s, 10m, 24h or 30d, found '\(text)'")
        }
        return number * (unit ?? 1)
    }
}
