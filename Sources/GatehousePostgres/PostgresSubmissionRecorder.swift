import Foundation
import GatehouseCore
import Logging
import PostgresNIO

/// Records submissions in the shared database through this gateway's group committer: item,
/// audit entry, idempotency answer and the item's fingerprints in one transaction, answered
/// only after it has committed.
struct PostgresSubmissionRecorder: SubmissionRecorder {
    let committer: PostgresCommitter
    let client: PostgresClient
    let fingerprints: PostgresFingerprintIndex
    let logger: Logger

    func record(_ record: SubmissionRecord) async throws -> (response: StoredResponse, recorded: Bool) {
        let fingerprints = self.fingerprints
        let outcome: (response: StoredResponse, recorded: Bool)
        do {
            let claim = record.idempotencyKey.map { PostgresBatch.Claim(key: $0, response: record.response, time: record.decidedAt) }
            outcome = try await committer.write(claiming: claim, locksRows: false) { batch in try await Self.write(record, fingerprints: fingerprints, in: batch) }
        } catch {
            fingerprints.withdraw(itemId: record.itemId)
            throw error
        }
        if !outcome.recorded { fingerprints.withdraw(itemId: record.itemId) }
        return outcome
    }

    private static func write(
        _ record: SubmissionRecord, fingerprints: PostgresFingerprintIndex, in batch: PostgresBatch
    ) async throws -> (response: StoredResponse, recorded: Bool) {
        if let key = record.idempotencyKey, let existing = try await batch.claim(key: key, response: record.response, at: record.decidedAt) {
            return (existing, false)
        }
        switch record.decision {
        case .accepted:
            batch.insertContribution(
                .init(id: record.itemId, conversation: record.conversation, text: record.text, receivedAt: record.receivedAt,
                      decidedAt: record.decidedAt))
        case .held:
            let details = record.held ?? HeldDetails(findings: [], priority: 0)
            batch.insertHeld(
                .init(
                    id: record.itemId, conversation: record.conversation, text: record.text,
                    reasonsJSON: try PostgresJSON.encode(record.reasons), findingsJSON: try PostgresJSON.encode(details.findings),
                    priority: details.priority, receivedAt: record.receivedAt, heldAt: record.decidedAt))
        case .rejected:
            break
        }
        batch.appendAudit(
            time: record.decidedAt, actor: record.actor, event: "submission.\(record.decision.rawValue)", itemId: record.itemId,
            decision: record.decision.rawValue, findings: record.findings, textHash: record.decision == .rejected ? nil : record.textHash,
            rulesVersion: record.rulesVersion)
        fingerprints.persist(itemId: record.itemId, into: batch)
        return (record.response, true)
    }

    func recordEvent(actor: String, event: String, at time: Date, rulesVersion: String?) async throws {
        try await committer.write(locksRows: false) { batch in
            batch.appendAudit(
                time: time, actor: actor, event: event, itemId: nil, decision: nil, findings: [], textHash: nil, rulesVersion: rulesVersion)
        }
    }

    func prune(fingerprintsBefore: Date, answersBefore: Date) async throws -> (fingerprints: Int, answers: Int) {
        try await PostgresErrors.mapping {
            let fingerprints = try await deleteInBatches(
                "DELETE FROM fingerprint WHERE seq IN (SELECT seq FROM fingerprint WHERE time < $1 ORDER BY time LIMIT $2)", before: fingerprintsBefore)
            let answers = try await deleteInBatches(
                "DELETE FROM idempotency WHERE key IN (SELECT key FROM idempotency WHERE created_at < $1 ORDER BY created_at LIMIT $2)",
                before: answersBefore)
            return (fingerprints, answers)
        }
    }

    /// Runs `sql` (a bounded delete) until it deletes fewer than a batch, each its own transaction.
    private func deleteInBatches(_ sql: String, before: Date, batch: Int = 1_000) async throws -> Int {
        var total = 0
        while true {
            var binds = PostgresBindings()
            binds.append(before.timeIntervalSince1970)
            binds.append(batch)
            let deleted = try await client.withConnection { connection in
                try await connection.query(PostgresQuery(unsafeSQL: sql + " RETURNING 1", binds: binds), logger: logger).collect().count
            }
            total += deleted
            if deleted < batch { return total }
        }
    }
}

/// JSON for the `jsonb` columns: sorted keys, as the SQLite store writes them.
enum PostgresJSON {
    static func encode<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        try JSONDecoder().decode(type, from: Data(text.utf8))
    }
}
