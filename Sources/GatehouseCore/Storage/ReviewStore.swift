import Foundation

/// One finding on a held item, as moderators see it: where it is **in the held text** (the
/// redacted text, Unicode scalar offsets, half-open), which rule, and why it fired. Never the
/// matched value: a redacted span covers its replacement token.
public struct HeldFinding: Codable, Sendable, Hashable {
    public var plugin: String
    public var rule: String
    public var category: String
    public var action: String
    /// `mild`, `strong` or `slur` for profanity; nil where a rule has no severity.
    public var severity: String?
    public var start: Int
    public var end: Int
    /// The rule's reasons (pattern, validator, context, evasions), as `check --explain` gives them.
    public var explanation: String
    public var shadow: Bool

    public init(
        plugin: String, rule: String, category: String, action: String, severity: String?, start: Int, end: Int,
        explanation: String, shadow: Bool = false
    ) {
        self.plugin = plugin
        self.rule = rule
        self.category = category
        self.action = action
        self.severity = severity
        self.start = start
        self.end = end
        self.explanation = explanation
        self.shadow = shadow
    }
}

/// What a held item carries for its moderators besides its text.
public struct HeldDetails: Sendable, Hashable {
    public var findings: [HeldFinding]
    /// 2 for a slur, 1 for strong profanity, 0 otherwise: `order=priority` puts higher first.
    public var priority: Int

    public init(findings: [HeldFinding], priority: Int) {
        self.findings = findings
        self.priority = priority
    }

    /// The details of a verdict's findings, their spans moved into `verdict.text`.
    public init(_ verdict: Verdict) {
        let spans = verdict.spansInText()
        findings = zip(verdict.findings, spans).map { finding, span in
            HeldFinding(
                plugin: finding.plugin, rule: finding.rule, category: finding.category, action: finding.action.rawValue,
                severity: finding.attributes["severity"], start: span.lowerBound, end: span.upperBound,
                explanation: finding.explanation, shadow: finding.shadow)
        }
        priority = Self.priority(of: findings)
    }

    /// 2 when an enforcing finding is a slur, 1 when one is strong, else 0.
    public static func priority(of findings: [HeldFinding]) -> Int {
        findings.filter { !$0.shadow }.reduce(0) { level, finding in
            switch finding.severity {
            case "slur": max(level, 2)
            case "strong": max(level, 1)
            default: level
            }
        }
    }
}

/// A moderator's hold on an item: others cannot decide it or claim it until it expires.
public struct ReviewClaim: Codable, Sendable, Hashable {
    /// The holder's token label (`moderator:3f2a9c1b0d4e`), never the token.
    public var moderator: String
    public var expiresAt: Date

    public init(moderator: String, expiresAt: Date) {
        self.moderator = moderator
        self.expiresAt = expiresAt
    }
}

/// A held item as the review queue keeps it.
public struct ReviewItem: Sendable, Hashable {
    public var seq: Int64
    public var id: String
    public var conversation: String?
    /// The held (redacted) text; empty once the item is resolved (the held copy is erased).
    public var text: String
    /// Public reason codes: the categories that held it.
    public var reasons: [String]
    public var findings: [HeldFinding]
    public var priority: Int
    /// `pending`, `approved`, `edited` or `rejected`.
    public var status: String
    /// Goes up by one with every change (claim, release, decision): a request that names an
    /// older version was made on a state that is gone.
    public var version: Int
    public var receivedAt: Date
    public var heldAt: Date
    public var resolvedAt: Date?
    /// The live claim, if any (an expired claim is no claim).
    public var claim: ReviewClaim?

    public init(
        seq: Int64, id: String, conversation: String?, text: String, reasons: [String], findings: [HeldFinding],
        priority: Int, status: String, version: Int, receivedAt: Date, heldAt: Date, resolvedAt: Date?, claim: ReviewClaim?
    ) {
        self.seq = seq
        self.id = id
        self.conversation = conversation
        self.text = text
        self.reasons = reasons
        self.findings = findings
        self.priority = priority
        self.status = status
        self.version = version
        self.receivedAt = receivedAt
        self.heldAt = heldAt
        self.resolvedAt = resolvedAt
        self.claim = claim
    }

    /// True while the item waits for a decision.
    public var isPending: Bool { status == "pending" }
}

/// Which held items a listing wants.
public struct ReviewQuery: Sendable, Hashable {
    public enum Status: String, Sendable, CaseIterable {
        /// Waiting for a decision, claimed or not (the default).
        case pending
        /// Waiting, with a live claim.
        case claimed
        /// Waiting, with no live claim.
        case unclaimed
        case approved, edited, rejected
    }

    public enum Order: String, Sendable, CaseIterable {
        /// Oldest first (the default).
        case oldest
        /// Slurs, then strong profanity, then the rest; oldest first within each.
        case priority
    }

    public var status: Status = .pending
    /// Only items held for this reason code.
    public var reason: String?
    /// Only items with a finding from this plugin.
    public var plugin: String?
    public var conversation: String?
    public var order: Order = .oldest
    /// The `next` of the previous page (0 for the first).
    public var after: Int64 = 0
    public var limit: Int = 100

    public init() {}

    /// The position of an item in `order`, as pages are cut: `next` and `after` are these.
    public static func cursor(seq: Int64, priority: Int, order: Order) -> Int64 {
        switch order {
        case .oldest: seq
        case .priority: Int64(2 - min(max(priority, 0), 2)) << 48 | seq
        }
    }
}

/// A page of held items.
public struct ReviewPage: Sendable {
    public var items: [ReviewItem]
    /// What to pass as `after` for the following page (the last item's cursor, or `after`).
    public var next: Int64
    /// Pending items per reason code (over the whole queue, whatever the filters).
    public var counts: [String: Int]
    /// Pending items in all.
    public var pending: Int

    public init(items: [ReviewItem], next: Int64, counts: [String: Int], pending: Int) {
        self.items = items
        self.next = next
        self.counts = counts
        self.pending = pending
    }
}

/// A claim or a release of a held item.
public struct ClaimRequest: Sendable {
    public var itemId: String
    /// The moderator's token label.
    public var moderator: String
    /// The version the moderator saw; nil not to check.
    public var version: Int?
    public var time: Date
    /// How long a claim lasts from `time`.
    public var duration: TimeInterval
    /// Release someone else's live claim (admins).
    public var force: Bool

    public init(itemId: String, moderator: String, version: Int?, time: Date, duration: TimeInterval = 600, force: Bool = false) {
        self.itemId = itemId
        self.moderator = moderator
        self.version = version
        self.time = time
        self.duration = duration
        self.force = force
    }
}

/// A moderator's decision on a held item.
public struct ReviewResolution: Sendable {
    public enum Action: String, Sendable, CaseIterable {
        /// Publish the held text as it is.
        case approve
        /// Publish a moderator's corrected text instead (itself checked and redacted first).
        case edit
        /// Drop the item; its text is erased.
        case reject

        /// The item's status once resolved this way.
        public var status: String {
            switch self {
            case .approve: "approved"
            case .edit: "edited"
            case .reject: "rejected"
            }
        }

        /// The decision it amounts to.
        public var decision: Decision { self == .reject ? .rejected : .accepted }
    }

    public var itemId: String
    public var action: Action
    /// Who decided (a role and token label, never a token).
    public var actor: String
    /// The version the moderator decided on; a stale one changes nothing.
    public var version: Int?
    /// The reason code of a rejection (from the configured list).
    public var reason: String?
    /// The text to publish for `edit`; nil otherwise.
    public var editedText: String?
    /// The keyed hash for the audit entry, applied by the store to the text it publishes (on
    /// approve that is the held text, which only the store reads).
    public var textHash: @Sendable (String) -> String
    /// Findings of the check run on an edited text (redactions applied to it).
    public var findings: [AuditFinding]
    public var time: Date
    /// The rule set that checked an edited text (nil for approve and reject: no rule ran).
    public var rulesVersion: String?

    public init(
        itemId: String, action: Action, actor: String, version: Int? = nil, reason: String? = nil, editedText: String? = nil,
        findings: [AuditFinding] = [], time: Date, rulesVersion: String? = nil, textHash: @escaping @Sendable (String) -> String
    ) {
        self.itemId = itemId
        self.action = action
        self.actor = actor
        self.version = version
        self.reason = reason
        self.editedText = editedText
        self.findings = findings
        self.time = time
        self.rulesVersion = rulesVersion
        self.textHash = textHash
    }
}

/// What a resolution did: the item as it now is, and the contribution it published, if any.
public struct ResolutionOutcome: Sendable {
    public var item: ReviewItem
    public var published: Contribution?
    /// False when the store could not yet erase older on-disk copies of the held text (they
    /// go when the space is reused); the caller logs it.
    public var erasedOldVersions: Bool

    public init(item: ReviewItem, published: Contribution?, erasedOldVersions: Bool) {
        self.item = item
        self.published = published
        self.erasedOldVersions = erasedOldVersions
    }
}

/// Why a review action could not be applied; each conflict carries the item as it is now.
public enum ReviewError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No held item has this id.
    case notFound(itemId: String)
    /// The item was resolved before (`approved`, `edited` or `rejected`).
    case alreadyResolved(ReviewItem)
    /// The request named a version the item has moved on from.
    case staleVersion(ReviewItem, sent: Int)
    /// Another moderator holds a live claim on it.
    case claimedByOther(ReviewItem)

    public var description: String {
        switch self {
        case .notFound(let id): return "no held item has id '\(id)'"
        case .alreadyResolved(let item): return "held item '\(item.id)' was already \(item.status)"
        case .staleVersion(let item, let sent):
            return "held item '\(item.id)' is at version \(item.version), not \(sent): it changed since it was read; read it again"
        case .claimedByOther(let item):
            let claim = item.claim!
            return "held item '\(item.id)' is claimed by \(claim.moderator) until \(claim.expiresAt.formatted(.iso8601))"
        }
    }

    /// The item as it is now, for a conflict.
    public var current: ReviewItem? {
        switch self {
        case .notFound: nil
        case .alreadyResolved(let item), .staleVersion(let item, _), .claimedByOther(let item): item
        }
    }
}

extension ReviewItem {
    /// The item, when it is pending and at `version` (if one is given); else the `ReviewError`
    /// that says why it cannot be changed. Every store checks an item this way, inside the
    /// transaction that changes it.
    public func checkedPending(version: Int?) throws(ReviewError) -> ReviewItem {
        guard isPending else { throw ReviewError.alreadyResolved(self) }
        if let version, version != self.version { throw ReviewError.staleVersion(self, sent: version) }
        return self
    }

    /// The item as `resolution` leaves it in every store: its new status, the held copy of its
    /// text erased, no claim, the next version.
    public func resolved(by resolution: ReviewResolution) -> ReviewItem {
        var item = self
        item.status = resolution.action.status
        item.text = ""
        item.resolvedAt = resolution.time
        item.claim = nil
        item.version += 1
        return item
    }
}

/// The moderators' queue: reads, claims and decisions, each decision or claim with its audit
/// entry in one transaction. The SQLite store implements it; another backend slots in beside it.
public protocol ReviewStore: Sendable {
    /// A page of held items matching `query`, claims as they stand at `now`.
    func page(_ query: ReviewQuery, now: Date) async throws -> ReviewPage
    /// The item with `id`, claims as they stand at `now`; nil if there is none.
    func item(id: String, now: Date) async throws -> ReviewItem?
    /// Every audit entry about the item, oldest first.
    func history(of id: String) async throws -> [AuditEntry]
    /// Claims a pending item for `request.moderator` until `time + duration` (renews the
    /// moderator's own claim). Throws `ReviewError` and changes nothing when the item is not
    /// pending, the version is stale or another moderator's claim is live.
    func claim(_ request: ClaimRequest) async throws -> ReviewItem
    /// Drops the moderator's claim (anyone's with `force`). Releasing an unclaimed item
    /// changes nothing and writes no audit entry; `released` says whether a claim was dropped.
    func release(_ request: ClaimRequest) async throws -> (item: ReviewItem, released: Bool)
    /// Applies a decision on a pending item with its audit entry: approve or edit publishes it
    /// as a contribution, reject drops it; either way the held copy of its text is erased.
    /// Throws `ReviewError` and changes nothing when the item is unknown, resolved, at another
    /// version or claimed by someone else.
    func resolve(_ resolution: ReviewResolution) async throws -> ResolutionOutcome
    /// How many held items wait for a moderator.
    func queueDepth() async throws -> Int
}
