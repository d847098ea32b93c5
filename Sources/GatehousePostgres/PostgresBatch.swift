import Foundation
import GatehouseCore
import Logging
import PostgresNIO

/// One shared transaction of the group committer, holding the audit chain's head: writes that
/// need an answer (an idempotency claim, a held item read for update) run at once; the rest
/// (contributions, held items, audit entries, fingerprints) are kept and sent as one
/// multi-row insert each when the batch commits, so a batch of a hundred submissions costs a
/// dozen round trips, not four hundred.
final class PostgresBatch: @unchecked Sendable {
    // @unchecked Sendable: used by one task at a time, in order, inside the committer's transaction.
    let connection: PostgresConnection
    let logger: Logger
    private(set) var head: AuditChainHead
    private var audit: [(entry: AuditEntry, findingsJSON: String)] = []
    private var contributions: [ContributionRow] = []
    private var held: [HeldRow] = []
    private var fingerprints: [FingerprintRow] = []

    struct ContributionRow {
        var id: String
        var conversation: String?
        var text: String
        var receivedAt: Date
        var decidedAt: Date
    }

    struct HeldRow {
        var id: String
        var conversation: String?
        var text: String
        var reasonsJSON: String
        var findingsJSON: String
        var priority: Int
        var receivedAt: Date
        var heldAt: Date
    }

    struct FingerprintRow {
        var gateway: String
        var fingerprint: StoredFingerprint
        var rootContributor: UInt64?
    }

    /// Where the kept writes stood, to drop one write's share when it fails on its own.
    struct Mark {
        fileprivate var head: AuditChainHead
        fileprivate var counts: (Int, Int, Int, Int)
    }

    private init(connection: PostgresConnection, logger: Logger, head: AuditChainHead) {
        self.connection = connection
        self.logger = logger
        self.head = head
    }

    /// Locks the chain's head row inside the open transaction on `connection`: every writer
    /// takes it first, so there is one chain, one order of sequence numbers, and no deadlock.
    static func begin(on connection: PostgresConnection, logger: Logger) async throws -> PostgresBatch {
        let rows = try await connection.query("SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE", logger: logger)
        var head = AuditChainHead(seq: 0, hash: AuditEntry.genesis)
        for try await (seq, hash) in rows.decode((Int64, String).self) { head = AuditChainHead(seq: seq, hash: hash) }
        return PostgresBatch(connection: connection, logger: logger, head: head)
    }

    @discardableResult
    func query(_ query: PostgresQuery) async throws -> PostgresRowSequence {
        try await connection.query(query, logger: logger)
    }

    func mark() -> Mark { Mark(head: head, counts: (audit.count, contributions.count, held.count, fingerprints.count)) }

    func rollback(to mark: Mark) {
        head = mark.head
        audit.removeSubrange(mark.counts.0...)
        contributions.removeSubrange(mark.counts.1...)
        held.removeSubrange(mark.counts.2...)
        fingerprints.removeSubrange(mark.counts.3...)
    }

    /// Appends the next audit entry to the chain (written at commit).
    @discardableResult
    func appendAudit(
        time: Date, actor: String, event: String, itemId: String?, decision: String?, findings: [AuditFinding],
        textHash: String?, rulesVersion: String? = nil, reason: String? = nil
    ) -> AuditEntry {
        let next = head.next(
            time: time, actor: actor, event: event, itemId: itemId, decision: decision, findings: findings, textHash: textHash,
            rulesVersion: rulesVersion, reason: reason)
        audit.append(next)
        return next.entry
    }

    func insertContribution(_ row: ContributionRow) { contributions.append(row) }
    func insertHeld(_ row: HeldRow) { held.append(row) }
    func insertFingerprint(_ row: FingerprintRow) { fingerprints.append(row) }

    /// Claims an idempotency key for `response`; the answer already stored under it when an
    /// earlier submission (on any gateway) took it.
    func claim(key: String, response: StoredResponse, at time: Date) async throws -> StoredResponse? {
        let inserted = try await query(
            """
            INSERT INTO idempotency (key, status, body, request, created_at)
            VALUES (\(key), \(response.status), \(response.body), \(response.request), \(time.timeIntervalSince1970))
            ON CONFLICT (key) DO NOTHING RETURNING 1
            """)
        for try await _ in inserted { return nil }
        let rows = try await query("SELECT status, body, request FROM idempotency WHERE key = \(key)")
        for try await (status, body, request) in rows.decode((Int, Data, String?).self) {
            return StoredResponse(status: status, body: body, request: request)
        }
        return nil
    }

    /// Sends the kept writes and moves the head; the transaction commits after this.
    func flush() async throws {
        try await insert(into: "contribution", columns: ["id", "conversation", "text", "received_at", "decided_at"], contributions) { row, binds in
            binds.append(row.id)
            binds.append(row.conversation)
            binds.append(row.text)
            binds.append(row.receivedAt.timeIntervalSince1970)
            binds.append(row.decidedAt.timeIntervalSince1970)
        }
        try await insert(
            into: "held_item", columns: ["id", "conversation", "text", "reasons", "findings", "priority", "received_at", "held_at"],
            casts: ["reasons": "jsonb", "findings": "jsonb"], held
        ) { row, binds in
            binds.append(row.id)
            binds.append(row.conversation)
            binds.append(row.text)
            binds.append(row.reasonsJSON)
            binds.append(row.findingsJSON)
            binds.append(row.priority)
            binds.append(row.receivedAt.timeIntervalSince1970)
            binds.append(row.heldAt.timeIntervalSince1970)
        }
        try await insert(
            into: "audit_entry",
            columns: ["seq", "time", "actor", "event", "item_id", "decision", "findings", "text_hash", "rules_version", "reason", "prev_hash", "hash"],
            audit
        ) { row, binds in
            let entry = row.entry
            binds.append(entry.seq)
            binds.append(entry.time.timeIntervalSince1970)
            binds.append(entry.actor)
            binds.append(entry.event)
            binds.append(entry.itemId)
            binds.append(entry.decision)
            binds.append(row.findingsJSON)
            binds.append(entry.textHash)
            binds.append(entry.rulesVersion)
            binds.append(entry.reason)
            binds.append(entry.prevHash)
            binds.append(entry.hash)
        }
        try await insert(
            into: "fingerprint",
            columns: ["gateway", "item_id", "contributor", "root_contributor", "conversation", "time", "exact", "signature", "bands", "cluster", "sentences"],
            fingerprints
        ) { row, binds in
            let fingerprint = row.fingerprint
            binds.append(row.gateway)
            binds.append(fingerprint.itemId)
            binds.append(fingerprint.contributor.map { Int64(bitPattern: $0) })
            binds.append(row.rootContributor.map { Int64(bitPattern: $0) })
            binds.append(fingerprint.conversation)
            binds.append(fingerprint.time.timeIntervalSince1970)
            binds.append(Int64(bitPattern: fingerprint.exact))
            try binds.append(fingerprint.signature.withUnsafeBytes { Data($0) })
            try binds.append(fingerprint.bands.withUnsafeBytes { Data($0) })
            binds.append(fingerprint.cluster)
            try binds.append(Data(SentenceMark.encode(fingerprint.sentences)))
        }
        if !audit.isEmpty {
            try await query("UPDATE audit_head SET seq = \(head.seq), hash = \(head.hash) WHERE id = 1")
        }
    }

    /// One `INSERT … VALUES (…), (…)` per chunk of rows (PostgreSQL takes at most 65,535
    /// parameters in one statement).
    private func insert<Row>(
        into table: String, columns: [String], casts: [String: String] = [:], _ rows: [Row],
        bind: (Row, inout PostgresBindings) throws -> Void
    ) async throws {
        guard !rows.isEmpty else { return }
        let perChunk = max(1, 60_000 / columns.count)
        var start = 0
        while start < rows.count {
            let chunk = rows[start..<min(start + perChunk, rows.count)]
            var binds = PostgresBindings(capacity: chunk.count * columns.count)
            var sql = "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES "
            for (index, row) in chunk.enumerated() {
                let base = binds.count
                try bind(row, &binds)
                let placeholders = columns.indices.map { column in "$\(base + column + 1)" + (casts[columns[column]].map { "::" + $0 } ?? "") }
                sql += (index == 0 ? "(" : ", (") + placeholders.joined(separator: ", ") + ")"
            }
            try await query(PostgresQuery(unsafeSQL: sql, binds: binds))
            start += chunk.count
        }
    }
}
