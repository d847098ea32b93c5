import Foundation
import GatehouseCore
import Logging
import PostgresNIO

/// One shared transaction of the group committer: writes that need an answer (an idempotency
/// claim, a held item read for update) run at once; the rest (contributions, held items, audit
/// entries, fingerprints) are kept and sent as one multi-row insert each when the batch
/// commits, so a batch of a hundred submissions costs a handful of round trips, not four
/// hundred.
///
/// The audit chain's head row is the one lock every gateway's batches queue for, so a batch
/// takes it as late as it can: when its writes have run, just before its rows go in (`flush`),
/// and chains its audit entries only then. A batch holding the head never waits for a lock another
/// batch holds, so two gateways cannot deadlock: idempotency keys are claimed first, before the
/// head (sorted, so two batches claiming the same keys wait for each other in one order), and
/// a batch that locks existing rows (a review reads its held item for update) takes the head
/// after its keys and before its writes run (`lockHead`).
final class PostgresBatch: @unchecked Sendable {
    // @unchecked Sendable: used by one task at a time, in order, inside the committer's transaction.
    let connection: PostgresConnection
    let logger: Logger
    /// The chain's head, once this batch holds it.
    private var head: AuditChainHead?
    private var audit: [PendingAudit] = []
    private var contributions: [ContributionRow] = []
    private var held: [HeldRow] = []
    private var fingerprints: [FingerprintRow] = []
    /// Idempotency keys claimed for the whole batch before its writes ran (`preclaim`): nil
    /// for a key this batch inserted, the stored answer for one an earlier submission took.
    private var preclaimed: [String: StoredResponse?] = [:]
    /// Keys this batch inserted that a write has taken, with that write's answer, in order.
    private var taken: [String: StoredResponse] = [:]
    private var takenOrder: [String] = []

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

    /// An audit entry to be chained when the batch holds the head.
    private struct PendingAudit {
        var time: Date
        var actor: String
        var event: String
        var itemId: String?
        var decision: String?
        var findings: [AuditFinding]
        var textHash: String?
        var rulesVersion: String?
        var reason: String?
    }

    /// Where the kept writes stood, to drop one write's share when it fails on its own.
    struct Mark {
        fileprivate var counts: (Int, Int, Int, Int, Int)
    }

    /// An idempotency key a write will claim, known before the transaction runs.
    struct Claim: Sendable {
        var key: String
        var response: StoredResponse
        var time: Date
    }

    /// A batch in the open transaction on `connection`.
    init(connection: PostgresConnection, logger: Logger) {
        self.connection = connection
        self.logger = logger
    }

    private static let headQuery = "SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE"

    /// Locks the chain's head row now, before any write runs: for a batch whose writes lock
    /// other rows, so that it never waits on a row while another batch, holding the head,
    /// waits on one of its rows.
    func lockHead() async throws {
        guard head == nil else { return }
        head = try await Self.readHead(query(PostgresQuery(unsafeSQL: Self.headQuery)))
    }

    private static func readHead(_ rows: PostgresRowSequence) async throws -> AuditChainHead {
        var head = AuditChainHead(seq: 0, hash: AuditEntry.genesis)
        for try await (seq, hash) in rows.decode((Int64, String).self) { head = AuditChainHead(seq: seq, hash: hash) }
        return head
    }

    @discardableResult
    func query(_ query: PostgresQuery) async throws -> PostgresRowSequence {
        try await connection.query(query, logger: logger)
    }

    func mark() -> Mark {
        Mark(counts: (audit.count, contributions.count, held.count, fingerprints.count, takenOrder.count))
    }

    func rollback(to mark: Mark) {
        audit.removeSubrange(mark.counts.0...)
        contributions.removeSubrange(mark.counts.1...)
        held.removeSubrange(mark.counts.2...)
        fingerprints.removeSubrange(mark.counts.3...)
        for key in takenOrder[mark.counts.4...] { taken[key] = nil }
        takenOrder.removeSubrange(mark.counts.4...)
    }

    /// Appends an audit entry to the chain (chained and written at commit, in the order appended).
    func appendAudit(
        time: Date, actor: String, event: String, itemId: String?, decision: String?, findings: [AuditFinding],
        textHash: String?, rulesVersion: String? = nil, reason: String? = nil
    ) {
        audit.append(
            PendingAudit(
                time: time, actor: actor, event: event, itemId: itemId, decision: decision, findings: findings, textHash: textHash,
                rulesVersion: rulesVersion, reason: reason))
    }

    func insertContribution(_ row: ContributionRow) { contributions.append(row) }
    func insertHeld(_ row: HeldRow) { held.append(row) }
    func insertFingerprint(_ row: FingerprintRow) { fingerprints.append(row) }

    /// Claims the idempotency keys of every write in the batch with one insert (and, for keys
    /// already taken, one read), so a batch of a hundred submissions with a `clientRef` each
    /// costs two round trips while it holds the chain's head, not a hundred. A key claimed
    /// here that no write goes on to take (its caller gave up, its write failed) is released
    /// at `flush`.
    func preclaim(_ claims: [Claim]) async throws {
        guard !claims.isEmpty else { return }
        var binds = PostgresBindings(capacity: claims.count * 5)
        var sql = "INSERT INTO idempotency (key, status, body, request, created_at) VALUES "
        // In key order: two batches claiming the same keys then wait for each other in one
        // order, never each for the other (rows go in in the order listed).
        for (index, claim) in claims.sorted(by: { $0.key < $1.key }).enumerated() {
            let base = index * 5
            sql += (index == 0 ? "" : ", ") + "($\(base + 1), $\(base + 2), $\(base + 3), $\(base + 4), $\(base + 5))"
            binds.append(claim.key)
            binds.append(claim.response.status)
            try binds.append(claim.response.body)
            binds.append(claim.response.request)
            binds.append(claim.time.timeIntervalSince1970)
        }
        // Two writes of one batch with the same key: the first row goes in, the second does
        // nothing, and the second write gets the first one's answer (see `claim`).
        let inserted = try await query(PostgresQuery(unsafeSQL: sql + " ON CONFLICT (key) DO NOTHING RETURNING key", binds: binds))
        for try await key in inserted.decode(String.self) { preclaimed[key] = .some(nil) }
        let others = Array(Set(claims.map(\.key)).filter { preclaimed[$0] == nil })
        guard !others.isEmpty else { return }
        let rows = try await query("SELECT key, status, body, request FROM idempotency WHERE key = ANY(\(others))")
        for try await (key, status, body, request) in rows.decode((String, Int, Data, String?).self) {
            preclaimed[key] = StoredResponse(status: status, body: body, request: request)
        }
    }

    /// Claims an idempotency key for `response`; the answer already stored under it when an
    /// earlier submission (on any gateway, or earlier in this batch) took it.
    func claim(key: String, response: StoredResponse, at time: Date) async throws -> StoredResponse? {
        if let known = preclaimed[key] {
            if let stored = known { return stored }
            if let first = taken[key] { return first }
            taken[key] = response
            takenOrder.append(key)
            return nil
        }
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

    /// Takes the chain's head if the batch does not hold it yet, chains the audit entries from
    /// it, and sends the kept writes, the head's move and the release of unused claims as one
    /// statement (each a data-modifying `WITH`). The transaction commits after this.
    ///
    /// The head is taken before any row goes in: rows are numbered (`seq`) as they are
    /// inserted, and readers page by those numbers (the contribution feed, other gateways'
    /// fingerprint reads), so numbers must be taken in the order batches commit.
    func flush() async throws {
        let inserts = !(audit.isEmpty && contributions.isEmpty && held.isEmpty && fingerprints.isEmpty)
        if inserts { try await lockHead() }
        var statement = Statement()
        statement.insert(into: "contribution", columns: ["id", "conversation", "text", "received_at", "decided_at"], contributions) { row, binds in
            binds.append(row.id)
            binds.append(row.conversation)
            binds.append(row.text)
            binds.append(row.receivedAt.timeIntervalSince1970)
            binds.append(row.decidedAt.timeIntervalSince1970)
        }
        statement.insert(
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
        try statement.insert(
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
        let unused = preclaimed.compactMap { key, stored in stored == nil && taken[key] == nil ? key : nil }
        if !unused.isEmpty {
            statement.add(parameters: 1, sql: { "DELETE FROM idempotency WHERE key = ANY($\($0))" }) { $0.append(unused) }
        }
        if var head, !audit.isEmpty {
            let chained = audit.map { pending in
                head.next(
                    time: pending.time, actor: pending.actor, event: pending.event, itemId: pending.itemId, decision: pending.decision,
                    findings: pending.findings, textHash: pending.textHash, rulesVersion: pending.rulesVersion, reason: pending.reason)
            }
            appendChain(chained, head: head, to: &statement)
            self.head = head
        }
        for query in statement.finish() { try await self.query(query) }
    }

    /// The audit entries' insert and the head's move.
    private func appendChain(_ chained: [(entry: AuditEntry, findingsJSON: String)], head: AuditChainHead, to statement: inout Statement) {
        statement.insert(
            into: "audit_entry",
            columns: ["seq", "time", "actor", "event", "item_id", "decision", "findings", "text_hash", "rules_version", "reason", "prev_hash", "hash"],
            chained
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
        statement.add(parameters: 2, sql: { "UPDATE audit_head SET seq = $\($0), hash = $\($0 + 1) WHERE id = 1" }) { binds in
            binds.append(head.seq)
            binds.append(head.hash)
        }
    }

    /// The statements of a flush, joined into as few queries as PostgreSQL's limit of 65,535
    /// parameters a query allows: `WITH w0 AS (…), w1 AS (…) last`. Placeholders are numbered
    /// across the query as each part is added.
    private struct Statement {
        private var queries: [PostgresQuery] = []
        private var parts: [String] = []
        private var binds = PostgresBindings()
        static let parameterLimit = 60_000

        /// Adds `sql(first)`, whose placeholders are numbered from `first`, with its `parameters` binds.
        mutating func add(parameters: Int, sql: (Int) -> String, bind: (inout PostgresBindings) throws -> Void) rethrows {
            if binds.count + parameters > Self.parameterLimit { close() }
            parts.append(sql(binds.count + 1))
            try bind(&binds)
        }

        /// Adds one `INSERT … VALUES (…), (…)` per chunk of rows that fits under the limit.
        mutating func insert<Row>(
            into table: String, columns: [String], casts: [String: String] = [:], _ rows: [Row],
            bind: (Row, inout PostgresBindings) throws -> Void
        ) rethrows {
            let perChunk = max(1, Self.parameterLimit / columns.count)
            var start = 0
            while start < rows.count {
                let chunk = rows[start..<min(start + perChunk, rows.count)]
                if binds.count + chunk.count * columns.count > Self.parameterLimit { close() }
                var sql = "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES "
                for (index, row) in chunk.enumerated() {
                    let base = binds.count
                    try bind(row, &binds)
                    let placeholders = columns.indices.map { column in "$\(base + column + 1)" + (casts[columns[column]].map { "::" + $0 } ?? "") }
                    sql += (index == 0 ? "(" : ", (") + placeholders.joined(separator: ", ") + ")"
                }
                parts.append(sql)
                start += chunk.count
            }
        }

        /// Ends the query being built: each part but the last a `WITH` of the last.
        private mutating func close() {
            guard let last = parts.last else { return }
            let with = parts.dropLast().enumerated().map { "w\($0.offset) AS (\($0.element))" }
            queries.append(PostgresQuery(unsafeSQL: with.isEmpty ? last : "WITH " + with.joined(separator: ", ") + " " + last, binds: binds))
            parts = []
            binds = PostgresBindings()
        }

        /// The queries to send, in order.
        mutating func finish() -> [PostgresQuery] {
            close()
            return queries
        }
    }
}
