import Foundation
import GRDB
import GatehouseCore

/// Records submissions in the gateway's SQLite database through the group committer: item,
/// audit entry, idempotency answer and the item's duplicate fingerprint, in one savepoint of a
/// shared transaction.
public struct SQLiteSubmissionRecorder: SubmissionRecorder {
    let committer: GroupCommitter
    private let fingerprints: DurableFingerprintIndex?
    private let answers: SQLiteIdempotencyAnswers
    /// The group committer's counters (for metrics).
    public var commitStatistics: CommitStatistics { committer.statistics }

    /// A recorder on `database`; each item's fingerprint in `fingerprints` (if any) is kept
    /// with the item, or withdrawn when the item is not stored.
    public init(database: GatehouseDatabase, fingerprints: DurableFingerprintIndex?) throws {
        committer = GroupCommitter(database: database)
        self.fingerprints = fingerprints
        answers = try SQLiteIdempotencyAnswers(database: database)
    }

    public func record(_ record: SubmissionRecord) async throws -> (response: StoredResponse, recorded: Bool) {
        let fingerprints = self.fingerprints
        let answers = self.answers
        let outcome: (response: StoredResponse, recorded: Bool)
        do {
            outcome = try await committer.write { db in try Self.write(record, fingerprints: fingerprints, answers: answers, in: db) }
        } catch {
            fingerprints?.withdraw(itemId: record.itemId)
            throw error
        }
        if !outcome.recorded { fingerprints?.withdraw(itemId: record.itemId) }
        return outcome
    }

    /// One submission's writes; `recorded` is false when its idempotency key was already taken.
    private static func write(
        _ record: SubmissionRecord, fingerprints: DurableFingerprintIndex?, answers: SQLiteIdempotencyAnswers, in db: Database
    ) throws -> (response: StoredResponse, recorded: Bool) {
        if let key = record.idempotencyKey,
            let existing = try answers.claim(in: db, key: key, response: record.response, at: record.decidedAt)
        {
            return (existing, false)
        }
        switch record.decision {
        case .accepted:
            try SQLiteContributionStore.insertAccepted(
                in: db, id: record.itemId, conversation: record.conversation, text: record.text,
                receivedAt: record.receivedAt, decidedAt: record.decidedAt)
        case .held:
            try SQLiteReviewStore.insertHeld(
                in: db, id: record.itemId, conversation: record.conversation, text: record.text, reasons: record.reasons,
                details: record.held ?? HeldDetails(findings: [], priority: 0), receivedAt: record.receivedAt, heldAt: record.decidedAt)
        case .rejected:
            break
        }
        try SQLiteAuditLog.append(
            in: db, time: record.decidedAt, actor: record.actor, event: "submission.\(record.decision.rawValue)",
            itemId: record.itemId, decision: record.decision.rawValue, findings: record.findings,
            textHash: record.decision == .rejected ? nil : record.textHash, rulesVersion: record.rulesVersion)
        try fingerprints?.persist(itemId: record.itemId, into: db)
        return (record.response, true)
    }

    public func recordEvent(actor: String, event: String, at time: Date, rulesVersion: String?) async throws {
        try await committer.write { db in
            _ = try SQLiteAuditLog.append(
                in: db, time: time, actor: actor, event: event, itemId: nil, decision: nil, findings: [], textHash: nil,
                rulesVersion: rulesVersion)
        }
    }
}

extension SQLiteSubmissionRecorder {
    public func prune(fingerprintsBefore: Date, answersBefore: Date) async throws -> (fingerprints: Int, answers: Int) {
        try await prune(fingerprintsBefore: fingerprintsBefore, answersBefore: answersBefore, batch: 1_000)
    }

    /// `prune` with `batch` rows at most per transaction.
    public func prune(fingerprintsBefore: Date, answersBefore: Date, batch: Int) async throws -> (fingerprints: Int, answers: Int) {
        let fingerprints = try await committer.deleteInBatches(
            from: "fingerprint", key: "seq", time: "time", before: fingerprintsBefore, batch: batch, returning: "seq", as: { _ in () })
        let answers = try await answers.prune(before: answersBefore, batch: batch, committer: committer)
        return (fingerprints, answers)
    }
}
