import Foundation

/// An accepted contribution as published: redacted text only.
public struct Contribution: Codable, Sendable, Hashable {
    public var seq: Int64
    public var id: String
    public var conversation: String?
    public var text: String
    public var receivedAt: Date

    public init(seq: Int64, id: String, conversation: String?, text: String, receivedAt: Date) {
        self.seq = seq
        self.id = id
        self.conversation = conversation
        self.text = text
        self.receivedAt = receivedAt
    }
}

/// An item held for moderators, with the public reason codes.
public struct HeldItem: Codable, Sendable, Hashable {
    public var seq: Int64
    public var id: String
    public var conversation: String?
    public var text: String
    public var reasons: [String]
    public var receivedAt: Date
    public var status: String

    public init(seq: Int64, id: String, conversation: String?, text: String, reasons: [String], receivedAt: Date, status: String) {
        self.seq = seq
        self.id = id
        self.conversation = conversation
        self.text = text
        self.reasons = reasons
        self.receivedAt = receivedAt
        self.status = status
    }
}

/// Published contributions, read by the platform.
public protocol ContributionStore: Sendable {
    /// Accepted contributions after `seq`, oldest first, optionally in one conversation.
    func contributions(conversation: String?, after seq: Int64, limit: Int) async throws -> [Contribution]
}

/// Held items waiting for a moderator.
public protocol ReviewQueue: Sendable {
    /// Pending held items after `seq`, oldest first.
    func pending(after seq: Int64, limit: Int) async throws -> [HeldItem]
    /// How many held items wait for a moderator.
    func queueDepth() async throws -> Int
}

/// The tamper-evident audit log, read side.
public protocol AuditLog: Sendable {
    /// Entries after `seq`, oldest first, at most `limit`.
    func entries(after seq: Int64, limit: Int) async throws -> [AuditEntry]
    /// Walks the whole chain and names the first entry whose hash or link is wrong. With an
    /// `anchor` (an entry's seq and hash recorded outside the database earlier), also fails if
    /// that entry has another hash now (the log was rewritten, hashes and all) or is gone (the
    /// log was cut short): what a hash chain on its own cannot show.
    func verify(anchor: AuditAnchor?) async throws -> AuditVerification
}

extension AuditLog {
    /// Walks the whole chain (no anchor).
    public func verify() async throws -> AuditVerification { try await verify(anchor: nil) }
}

/// One decided submission, ready to be recorded. Holds the redacted text only.
public struct SubmissionRecord: Sendable {
    public var itemId: String
    public var actor: String
    public var decision: Decision
    public var conversation: String?
    /// The redacted text; stored for accepted and held items, never for rejected ones.
    public var text: String
    /// Keyed hash of `text`, for the audit entry.
    public var textHash: String
    public var findings: [AuditFinding]
    /// Public reason codes (for the review queue).
    public var reasons: [String]
    public var receivedAt: Date
    public var decidedAt: Date
    /// The keyed idempotency key, when the intake sent a `clientRef`.
    public var idempotencyKey: String?
    /// The answer to store under the idempotency key.
    public var response: StoredResponse
    /// The version (content hash) of the rule set that decided, for the audit entry.
    public var rulesVersion: String?

    public init(
        itemId: String, actor: String, decision: Decision, conversation: String?, text: String, textHash: String,
        findings: [AuditFinding], reasons: [String], receivedAt: Date, decidedAt: Date, idempotencyKey: String?,
        response: StoredResponse, rulesVersion: String? = nil
    ) {
        self.rulesVersion = rulesVersion
        self.itemId = itemId
        self.actor = actor
        self.decision = decision
        self.conversation = conversation
        self.text = text
        self.textHash = textHash
        self.findings = findings
        self.reasons = reasons
        self.receivedAt = receivedAt
        self.decidedAt = decidedAt
        self.idempotencyKey = idempotencyKey
        self.response = response
    }
}

/// An HTTP answer kept for idempotent retries.
public struct StoredResponse: Sendable, Equatable {
    public var status: Int
    public var body: Data
    /// A keyed digest of the request the answer was for, so that a retry can be told from a
    /// different submission sent under the same key; nil for answers stored before it was kept.
    public var request: String?

    public init(status: Int, body: Data, request: String? = nil) {
        self.status = status
        self.body = body
        self.request = request
    }
}

/// Writes decided submissions and other audited events durably.
public protocol SubmissionRecorder: Sendable {
    /// Records the item (accepted or held), its audit entry and its idempotency answer in one
    /// transaction, and returns once it has committed, with `recorded` true. When the
    /// idempotency key was taken by an earlier submission, records nothing and returns that
    /// submission's answer, with `recorded` false.
    func record(_ record: SubmissionRecord) async throws -> (response: StoredResponse, recorded: Bool)
    /// Appends an audit entry for an event that is not a submission (`rules.reloaded` …), with
    /// the rule set it concerns, if any.
    func recordEvent(actor: String, event: String, at time: Date, rulesVersion: String?) async throws
    /// Applies a moderator's decision on a pending held item, with its audit entry, in one
    /// transaction: approve or edit publishes it as a contribution, reject drops it; either way
    /// the held copy of its text is erased. Throws `ReviewError` when the item is unknown or
    /// already resolved, and then changes nothing.
    func resolve(_ resolution: ReviewResolution) async throws -> Contribution?
    /// Deletes fingerprints of items received before `fingerprintsBefore` and idempotency
    /// answers stored before `answersBefore`, a bounded batch per transaction so that
    /// submissions are never held up for long. Returns how many of each went.
    func prune(fingerprintsBefore: Date, answersBefore: Date) async throws -> (fingerprints: Int, answers: Int)
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
        itemId: String, action: Action, actor: String, editedText: String? = nil, findings: [AuditFinding] = [],
        time: Date, rulesVersion: String? = nil, textHash: @escaping @Sendable (String) -> String
    ) {
        self.rulesVersion = rulesVersion
        self.itemId = itemId
        self.action = action
        self.actor = actor
        self.editedText = editedText
        self.findings = findings
        self.time = time
        self.textHash = textHash
    }
}

/// Why a review decision could not be applied.
public enum ReviewError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No held item has this id.
    case notFound(itemId: String)
    /// The item was resolved before (`approved`, `edited` or `rejected`).
    case alreadyResolved(itemId: String, status: String)

    public var description: String {
        switch self {
        case .notFound(let id): "no held item has id '\(id)'"
        case .alreadyResolved(let id, let status): "held item '\(id)' was already \(status)"
        }
    }
}
