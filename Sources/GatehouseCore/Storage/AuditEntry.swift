import Crypto
import Foundation

/// One finding as the audit log keeps it: where and which rule, never what matched.
public struct AuditFinding: Codable, Sendable, Hashable {
    public init(plugin: String, rule: String, category: String, action: String, start: Int, end: Int, shadow: Bool = false) {
        self.shadow = shadow
        self.plugin = plugin
        self.rule = rule
        self.category = category
        self.action = action
        self.start = start
        self.end = end
    }

    public var plugin: String
    public var rule: String
    public var category: String
    public var action: String
    public var start: Int
    public var end: Int
    /// True for a rule in shadow mode: it would have acted, and did not.
    public var shadow: Bool

    public init(_ finding: Finding) {
        shadow = finding.shadow
        plugin = finding.plugin
        rule = finding.rule
        category = finding.category
        action = finding.action.rawValue
        start = finding.start
        end = finding.end
    }

    private enum CodingKeys: String, CodingKey { case plugin, rule, category, action, start, end, shadow }

    /// Entries written before shadow findings were audited have no `shadow` key.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        plugin = try container.decode(String.self, forKey: .plugin)
        rule = try container.decode(String.self, forKey: .rule)
        category = try container.decode(String.self, forKey: .category)
        action = try container.decode(String.self, forKey: .action)
        start = try container.decode(Int.self, forKey: .start)
        end = try container.decode(Int.self, forKey: .end)
        shadow = try container.decodeIfPresent(Bool.self, forKey: .shadow) ?? false
    }

    /// `shadow` only when set, as `canonicalJSON` writes it.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(plugin, forKey: .plugin)
        try container.encode(rule, forKey: .rule)
        try container.encode(category, forKey: .category)
        try container.encode(action, forKey: .action)
        try container.encode(start, forKey: .start)
        try container.encode(end, forKey: .end)
        if shadow { try container.encode(true, forKey: .shadow) }
    }
}

/// One entry of the tamper-evident audit log: `hash = SHA-256(prevHash, the entry's fields)`.
public struct AuditEntry: Codable, Sendable, Hashable {
    public var seq: Int64
    public var time: Date
    /// Who acted: a role (`intake`, `moderator`, `admin`) or `system`.
    public var actor: String
    /// What happened: `submission.accepted`, `submission.held`, `submission.rejected`, `rules.reloaded` …
    public var event: String
    public var itemId: String?
    public var decision: String?
    public var findings: [AuditFinding]
    /// Keyed hash of the item's redacted text; never the text.
    public var textHash: String?
    /// The content hash of the rule set that decided (nil for entries of events no rule set
    /// decided, and for entries written before the log kept it).
    public var rulesVersion: String?
    /// A moderator's reason code (`review.rejected`: why), nil for every other entry.
    public var reason: String?
    public var prevHash: String
    public var hash: String

    public init(
        seq: Int64, time: Date, actor: String, event: String, itemId: String?, decision: String?, findings: [AuditFinding],
        textHash: String?, rulesVersion: String? = nil, reason: String? = nil, prevHash: String, hash: String
    ) {
        self.rulesVersion = rulesVersion
        self.reason = reason
        self.seq = seq
        self.time = time
        self.actor = actor
        self.event = event
        self.itemId = itemId
        self.decision = decision
        self.findings = findings
        self.textHash = textHash
        self.prevHash = prevHash
        self.hash = hash
    }

    /// The SHA-256 of the previous hash and every other field, in a fixed encoding. The rule
    /// set's version and the reason code are last fields when there are any, so that entries
    /// written before they were kept hash as they did.
    public static func computeHash(
        seq: Int64, time: Date, actor: String, event: String, itemId: String?, decision: String?,
        findingsJSON: String, textHash: String?, rulesVersion: String? = nil, reason: String? = nil, prevHash: String
    ) -> String {
        var fields = [
            String(seq), String(Int64((time.timeIntervalSince1970 * 1_000).rounded())), actor, event, itemId ?? "",
            decision ?? "", findingsJSON, textHash ?? "", prevHash,
        ]
        if let rulesVersion { fields.append("rules:" + rulesVersion) }
        if let reason { fields.append("reason:" + reason) }
        return SHA256.hash(data: Data(fields.joined(separator: "\u{1F}").utf8)).withUnsafeBytes { Hex.string($0) }
    }

    public static let genesis = String(repeating: "0", count: 64)
}

/// An audit entry's place and hash, kept outside the database (printed by `audit verify`,
/// returned by the API) so that a later check can tell whether the log was cut short or
/// rewritten since: written `SEQ:HASH`.
public struct AuditAnchor: Sendable, Equatable, CustomStringConvertible {
    public var seq: Int64
    public var hash: String

    public init(seq: Int64, hash: String) {
        self.seq = seq
        self.hash = hash
    }

    /// What `init?(_:)` takes, for error messages.
    public static let expectedForm = "SEQ:HASH, a sequence number and 64 hex digits, as an earlier check gave it"

    /// Parses `SEQ:HASH` (a positive sequence number of at most 18 digits and 64 hex digits);
    /// nil otherwise.
    public init?(_ text: String) {
        let parts = text.split(separator: ":", maxSplits: 1)
        guard parts.count == 2, (1...18).contains(parts[0].count), parts[0].allSatisfy({ $0.isASCII && $0.isWholeNumber }),
            let seq = Int64(parts[0]), seq > 0, parts[1].count == 64, parts[1].allSatisfy({ $0.isASCII && $0.isHexDigit })
        else { return nil }
        self.init(seq: seq, hash: parts[1].lowercased())
    }

    public var description: String { "\(seq):\(hash)" }
}

/// The result of checking the chain.
public struct AuditVerification: Codable, Sendable, Equatable {
    public init(ok: Bool, checked: Int, firstBadSeq: Int64?, reason: String?, lastSeq: Int64? = nil, lastHash: String? = nil) {
        self.ok = ok
        self.checked = checked
        self.firstBadSeq = firstBadSeq
        self.reason = reason
        self.lastSeq = lastSeq
        self.lastHash = lastHash
    }

    /// The newest entry checked (when the chain is sound): record `lastSeq:lastHash` outside
    /// the database and pass it to a later check as its anchor.
    public var lastSeq: Int64?
    public var lastHash: String?

    /// True when every entry's hash and link check out.
    public var ok: Bool
    /// How many entries were checked.
    public var checked: Int
    /// The sequence number of the first bad entry, if any.
    public var firstBadSeq: Int64?
    /// Why it is bad.
    public var reason: String?
}

