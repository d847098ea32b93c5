import Foundation
import GatehouseCore
import Logging
import PostgresNIO

/// The moderators' queue in the shared database, one queue for every gateway: claims and
/// decisions go through the gateway's committer, each with its audit entry in the same
/// transaction, the held row locked (`FOR UPDATE`) while it is checked and changed, so two
/// moderators on two gateways cannot both decide one item.
struct PostgresReviewStore: ReviewStore {
    let client: PostgresClient
    let committer: PostgresCommitter
    let logger: Logger

    private static let columns = """
        seq, id, conversation, text, reasons::text, findings::text, priority, status, version, received_at, held_at, resolved_at, \
        claimed_by, claim_expires_at
        """

    func page(_ query: ReviewQuery, now: Date) async throws -> ReviewPage {
        var conditions: [String] = []
        var binds = PostgresBindings()
        func placeholder<Value: PostgresEncodable & Sendable>(_ value: Value) -> String {
            try? binds.append(value)
            return "$\(binds.count)"
        }
        switch query.status {
        case .pending:
            conditions.append("status = 'pending'")
        case .claimed:
            conditions.append("status = 'pending' AND claimed_by IS NOT NULL AND claim_expires_at > \(placeholder(now.timeIntervalSince1970))")
        case .unclaimed:
            conditions.append("status = 'pending' AND (claimed_by IS NULL OR claim_expires_at <= \(placeholder(now.timeIntervalSince1970)))")
        case .approved, .edited, .rejected:
            conditions.append("status = \(placeholder(query.status.rawValue))")
        }
        if let reason = query.reason {
            conditions.append("reasons ? \(placeholder(reason))")
        }
        if let plugin = query.plugin {
            conditions.append("findings @> jsonb_build_array(jsonb_build_object('plugin', \(placeholder(plugin))::text))")
        }
        if let conversation = query.conversation {
            conditions.append("conversation = \(placeholder(conversation))")
        }
        let cursor = switch query.order {
        case .oldest: "seq"
        case .priority: "(((2 - LEAST(GREATEST(priority, 0), 2))::bigint << 48) | seq)"
        }
        conditions.append("\(cursor) > \(placeholder(query.after))")
        let sql = "SELECT \(Self.columns) FROM held_item WHERE \(conditions.joined(separator: " AND ")) ORDER BY \(cursor) LIMIT \(placeholder(query.limit))"
        let statement = PostgresQuery(unsafeSQL: sql, binds: binds)
        return try await PostgresErrors.mapping {
            let items = try await Self.items(try await client.query(statement, logger: logger), now: now)
            var counts: [String: Int] = [:]
            let countRows = try await client.query(
                """
                SELECT reason, COUNT(*) FROM held_item, jsonb_array_elements_text(reasons) AS reason
                WHERE status = 'pending' GROUP BY reason
                """, logger: logger)
            for try await (reason, count) in countRows.decode((String, Int).self) { counts[reason] = count }
            let pending = try await queueDepth()
            let next = items.last.map { ReviewQuery.cursor(seq: $0.seq, priority: $0.priority, order: query.order) } ?? query.after
            return ReviewPage(items: items, next: next, counts: counts, pending: pending)
        }
    }

    func item(id: String, now: Date) async throws -> ReviewItem? {
        try await PostgresErrors.mapping {
            try await Self.items(try await client.query("SELECT \(unescaped: Self.columns) FROM held_item WHERE id = \(id)", logger: logger), now: now).first
        }
    }

    func history(of id: String) async throws -> [AuditEntry] {
        try await PostgresErrors.mapping {
            try await PostgresAuditLog.entries(
                try await client.query(
                    "SELECT \(unescaped: PostgresAuditLog.columns) FROM audit_entry WHERE item_id = \(id) ORDER BY seq", logger: logger))
        }
    }

    func queueDepth() async throws -> Int {
        try await PostgresErrors.mapping {
            for try await count in try await client.query("SELECT COUNT(*) FROM held_item WHERE status = 'pending'", logger: logger).decode(Int.self) {
                return count
            }
            return 0
        }
    }

    func claim(_ request: ClaimRequest) async throws -> ReviewItem {
        try await committer.write { batch in
            var item = try await Self.pendingItem(request.itemId, version: request.version, in: batch, now: request.time)
            if let claim = item.claim, claim.moderator != request.moderator { throw ReviewError.claimedByOther(item) }
            let expiresAt = request.time.addingTimeInterval(request.duration)
            try await batch.query(
                """
                UPDATE held_item SET claimed_by = \(request.moderator), claim_expires_at = \(expiresAt.timeIntervalSince1970),
                version = version + 1 WHERE id = \(request.itemId)
                """)
            batch.appendAudit(
                time: request.time, actor: request.moderator, event: "review.claimed", itemId: request.itemId, decision: nil, findings: [],
                textHash: nil)
            item.claim = ReviewClaim(moderator: request.moderator, expiresAt: expiresAt)
            item.version += 1
            return item
        }
    }

    func release(_ request: ClaimRequest) async throws -> (item: ReviewItem, released: Bool) {
        try await committer.write { batch in
            var item = try await Self.pendingItem(request.itemId, version: request.version, in: batch, now: request.time)
            guard let claim = item.claim else { return (item, false) }
            if claim.moderator != request.moderator, !request.force { throw ReviewError.claimedByOther(item) }
            try await batch.query(
                "UPDATE held_item SET claimed_by = NULL, claim_expires_at = NULL, version = version + 1 WHERE id = \(request.itemId)")
            batch.appendAudit(
                time: request.time, actor: request.moderator, event: "review.released", itemId: request.itemId, decision: nil, findings: [],
                textHash: nil)
            item.claim = nil
            item.version += 1
            return (item, true)
        }
    }

    func resolve(_ resolution: ReviewResolution) async throws -> ResolutionOutcome {
        let (item, published) = try await committer.write { batch -> (ReviewItem, Contribution?) in
            let item = try await Self.pendingItem(resolution.itemId, version: resolution.version, in: batch, now: resolution.time)
            if let claim = item.claim, claim.moderator != resolution.actor { throw ReviewError.claimedByOther(item) }
            // The held copy of the text goes whatever the decision: published items live in
            // `contribution`, and a rejected or corrected text is kept nowhere.
            try await batch.query(
                """
                UPDATE held_item SET status = \(resolution.action.status), text = '', resolved_at = \(resolution.time.timeIntervalSince1970),
                claimed_by = NULL, claim_expires_at = NULL, version = version + 1 WHERE id = \(resolution.itemId)
                """)
            var published: Contribution?
            var textHash: String?
            if resolution.action != .reject {
                let text = resolution.editedText ?? item.text
                let rows = try await batch.query(
                    """
                    INSERT INTO contribution (id, conversation, text, received_at, decided_at)
                    VALUES (\(item.id), \(item.conversation), \(text), \(item.receivedAt.timeIntervalSince1970), \(resolution.time.timeIntervalSince1970))
                    RETURNING seq
                    """)
                for try await seq in rows.decode(Int64.self) {
                    published = Contribution(seq: seq, id: item.id, conversation: item.conversation, text: text, receivedAt: item.receivedAt)
                }
                textHash = resolution.textHash(text)
            }
            batch.appendAudit(
                time: resolution.time, actor: resolution.actor, event: "review.\(resolution.action.status)", itemId: resolution.itemId,
                decision: resolution.action.decision.rawValue, findings: resolution.findings, textHash: textHash,
                rulesVersion: resolution.rulesVersion, reason: resolution.reason)
            return (item.resolved(by: resolution), published)
        }
        // PostgreSQL keeps the old row version until vacuum reclaims it; nothing erases it at once.
        return ResolutionOutcome(item: item, published: published, erasedOldVersions: false)
    }

    /// The item with `id`, locked for this transaction, pending and at `version`.
    private static func pendingItem(_ id: String, version: Int?, in batch: PostgresBatch, now: Date) async throws -> ReviewItem {
        let rows = try await batch.query("SELECT \(unescaped: columns) FROM held_item WHERE id = \(id) FOR UPDATE")
        guard let item = try await items(rows, now: now).first else { throw ReviewError.notFound(itemId: id) }
        return try item.checkedPending(version: version)
    }

    private static func items(_ rows: PostgresRowSequence, now: Date) async throws -> [ReviewItem] {
        var items: [ReviewItem] = []
        for try await row in rows {
            let (seq, id, conversation, text, reasons, findings, priority, status, version, receivedAt, heldAt, resolvedAt, claimedBy, expires) =
                try row.decode((Int64, String, String?, String, String, String, Int, String, Int, Double, Double, Double?, String?, Double?).self)
            var claim: ReviewClaim?
            if let claimedBy, let expires, expires > now.timeIntervalSince1970 {
                claim = ReviewClaim(moderator: claimedBy, expiresAt: Date(timeIntervalSince1970: expires))
            }
            items.append(
                ReviewItem(
                    seq: seq, id: id, conversation: conversation, text: text, reasons: try PostgresJSON.decode([String].self, reasons),
                    findings: try PostgresJSON.decode([HeldFinding].self, findings), priority: priority, status: status, version: version,
                    receivedAt: Date(timeIntervalSince1970: receivedAt), heldAt: Date(timeIntervalSince1970: heldAt),
                    resolvedAt: resolvedAt.map(Date.init(timeIntervalSince1970:)), claim: claim))
        }
        return items
    }
}
