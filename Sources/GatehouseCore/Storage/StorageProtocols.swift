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

/// Published contributions, read by the platform.
public protocol ContributionStore: Sendable {
    /// Accepted contributions after `seq`, oldest first, optionally in one conversation.
    func contributions(conversation: String?, after seq: Int64, limit: Int) async throws -> [Contribution]
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
    /// For a held item: its findings as moderators see them, and its priority.
    public var held: HeldDetails?

    public init(
        itemId: String, actor: String, decision: Decision, conversation: String?, text: String, textHash: String,
        findings: [AuditFinding], reasons: [String], receivedAt: Date, decidedAt: Date, idempotencyKey: String?,
        response: StoredResponse, rulesVersion: String? = nil, held: HeldDetails? = nil
    ) {
        self.held = held
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
    /// Deletes fingerprints of items received before `fingerprintsBefore` and idempotency
    /// answers stored before `answersBefore`, a bounded batch per transaction so that
    /// submissions are never held up for long. Returns how many of each went.
    func prune(fingerprintsBefore: Date, answersBefore: Date) async throws -> (fingerprints: Int, answers: Int)
}
