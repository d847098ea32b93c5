import Foundation
import GRDB
import GatehouseCore

/// The review queue in the gateway's database: held items with their findings, versions and
/// claims. Claims and decisions go through the gateway's group committer, each with its audit
/// entry in the same savepoint; a claim expires by its time alone, with no write.
public struct SQLiteReviewStore: ReviewStore {
    let database: GatehouseDatabase
    let committer: GroupCommitter

    /// A store that writes through `recorder`'s committer, so that review writes and
    /// submissions share one writer and one audit chain.
    public init(database: GatehouseDatabase, recorder: SQLiteSubmissionRecorder) {
        self.database = database
        committer = recorder.committer
    }

    /// Queues a held item (redacted text) for moderators inside `db`'s transaction.
    public static func insertHeld(
        in db: Database, id: String, conversation: String?, text: String, reasons: [String], details: HeldDetails,
        receivedAt: Date, heldAt: Date
    ) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let reasonsJSON = String(decoding: try encoder.encode(reasons), as: UTF8.self)
        let findingsJSON = String(decoding: try encoder.encode(details.findings), as: UTF8.self)
        try db.cachedStatement(
            sql: """
                INSERT INTO heldItem (id, conversation, text, reasons, findings, priority, receivedAt, heldAt)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
            id, conversation, text, reasonsJSON, findingsJSON, details.priority, receivedAt.timeIntervalSince1970,
            heldAt.timeIntervalSince1970,
        ])
    }

    public func page(_ query: ReviewQuery, now: Date) async throws -> ReviewPage {
        var conditions: [String] = []
        var arguments = StatementArguments()
        switch query.status {
        case .pending:
            conditions.append("status = 'pending'")
        case .claimed:
            conditions.append("status = 'pending' AND claimedBy IS NOT NULL AND claimExpiresAt > ?")
            arguments += [now.timeIntervalSince1970]
        case .unclaimed:
            conditions.append("status = 'pending' AND (claimedBy IS NULL OR claimExpiresAt <= ?)")
            arguments += [now.timeIntervalSince1970]
        case .approved, .edited, .rejected:
            conditions.append("status = ?")
            arguments += [query.status.rawValue]
        }
        if let reason = query.reason {
            conditions.append("EXISTS (SELECT 1 FROM json_each(heldItem.reasons) WHERE value = ?)")
            arguments += [reason]
        }
        if let plugin = query.plugin {
            conditions.append("EXISTS (SELECT 1 FROM json_each(heldItem.findings) WHERE json_extract(value, '$.plugin') = ?)")
            arguments += [plugin]
        }
        if let conversation = query.conversation {
            conditions.append("conversation = ?")
            arguments += [conversation]
        }
        let cursor = switch query.order {
        case .oldest: "seq"
        case .priority: "((2 - MIN(MAX(priority, 0), 2)) << 48 | seq)"
        }
        conditions.append("\(cursor) > ?")
        arguments += [query.after]
        arguments += [query.limit]
        let sql = "SELECT * FROM heldItem WHERE \(conditions.joined(separator: " AND ")) ORDER BY \(cursor) LIMIT ?"
        let statementArguments = arguments
        return try await database.pool.read { db in
            let items = try Row.fetchAll(db, sql: sql, arguments: statementArguments).map { try Self.item($0, now: now) }
            var counts: [String: Int] = [:]
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT reason.value AS reason, COUNT(*) AS count FROM heldItem, json_each(heldItem.reasons) AS reason
                    WHERE heldItem.status = 'pending' GROUP BY reason.value
                    """)
            {
                counts[row["reason"]] = row["count"]
            }
            let pending = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM heldItem WHERE status = 'pending'") ?? 0
            let next = items.last.map { ReviewQuery.cursor(seq: $0.seq, priority: $0.priority, order: query.order) } ?? query.after
            return ReviewPage(items: items, next: next, counts: counts, pending: pending)
        }
    }

    public func item(id: String, now: Date) async throws -> ReviewItem? {
        try await database.pool.read { db in try Self.fetch(id, in: db, now: now) }
    }

    public func history(of id: String) async throws -> [AuditEntry] {
        try await database.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM auditEntry WHERE itemId = ? ORDER BY seq", arguments: [id]).map(SQLiteAuditLog.entry)
        }
    }

    public func queueDepth() async throws -> Int {
        try await database.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM heldItem WHERE status = 'pending'") ?? 0 }
    }

    public func claim(_ request: ClaimRequest) async throws -> ReviewItem {
        try await committer.write { db in
            var item = try Self.pendingItem(request.itemId, version: request.version, in: db, now: request.time)
            if let claim = item.claim, claim.moderator != request.moderator { throw ReviewError.claimedByOther(item) }
            let expiresAt = request.time.addingTimeInterval(request.duration)
            try db.cachedStatement(sql: "UPDATE heldItem SET claimedBy = ?, claimExpiresAt = ?, version = version + 1 WHERE id = ?")
                .execute(arguments: [request.moderator, expiresAt.timeIntervalSince1970, request.itemId])
            try SQLiteAuditLog.append(
                in: db, time: request.time, actor: request.moderator, event: "review.claimed", itemId: request.itemId,
                decision: nil, findings: [], textHash: nil)
            item.claim = ReviewClaim(moderator: request.moderator, expiresAt: expiresAt)
            item.version += 1
            return item
        }
    }

    public func release(_ request: ClaimRequest) async throws -> (item: ReviewItem, released: Bool) {
        try await committer.write { db in
            var item = try Self.pendingItem(request.itemId, version: request.version, in: db, now: request.time)
            guard let claim = item.claim else { return (item, false) }
            if claim.moderator != request.moderator, !request.force { throw ReviewError.claimedByOther(item) }
            try db.cachedStatement(sql: "UPDATE heldItem SET claimedBy = NULL, claimExpiresAt = NULL, version = version + 1 WHERE id = ?")
                .execute(arguments: [request.itemId])
            try SQLiteAuditLog.append(
                in: db, time: request.time, actor: request.moderator, event: "review.released", itemId: request.itemId,
                decision: nil, findings: [], textHash: nil)
            item.claim = nil
            item.version += 1
            return (item, true)
        }
    }

    public func resolve(_ resolution: ReviewResolution) async throws -> ResolutionOutcome {
        let (item, published) = try await committer.write { db -> (ReviewItem, Contribution?) in
            let item = try Self.pendingItem(resolution.itemId, version: resolution.version, in: db, now: resolution.time)
            if let claim = item.claim, claim.moderator != resolution.actor { throw ReviewError.claimedByOther(item) }
            // The held copy of the text goes whatever the decision: published items live in
            // `contribution`, and a rejected or corrected text is kept nowhere.
            try db.cachedStatement(
                sql: """
                    UPDATE heldItem SET status = ?, text = '', resolvedAt = ?, claimedBy = NULL, claimExpiresAt = NULL,
                    version = version + 1 WHERE id = ?
                    """
            ).execute(arguments: [resolution.action.status, resolution.time.timeIntervalSince1970, resolution.itemId])
            var published: Contribution?
            var textHash: String?
            if resolution.action != .reject {
                let text = resolution.editedText ?? item.text
                try SQLiteContributionStore.insertAccepted(
                    in: db, id: item.id, conversation: item.conversation, text: text, receivedAt: item.receivedAt,
                    decidedAt: resolution.time)
                published = Contribution(
                    seq: db.lastInsertedRowID, id: item.id, conversation: item.conversation, text: text, receivedAt: item.receivedAt)
                textHash = resolution.textHash(text)
            }
            try SQLiteAuditLog.append(
                in: db, time: resolution.time, actor: resolution.actor, event: "review.\(resolution.action.status)",
                itemId: resolution.itemId, decision: resolution.action.decision.rawValue, findings: resolution.findings,
                textHash: textHash, rulesVersion: resolution.rulesVersion, reason: resolution.reason)
            return (item.resolved(by: resolution), published)
        }
        // The held text is erased in the row; now from the WAL's older copies of the page too.
        let erased = (try? await database.eraseOldVersions()) != nil
        return ResolutionOutcome(item: item, published: published, erasedOldVersions: erased)
    }

    /// The item with `id`, pending and at `version` (when one is given), or the `ReviewError` that says why not.
    private static func pendingItem(_ id: String, version: Int?, in db: Database, now: Date) throws -> ReviewItem {
        guard let item = try fetch(id, in: db, now: now) else { throw ReviewError.notFound(itemId: id) }
        return try item.checkedPending(version: version)
    }

    private static func fetch(_ id: String, in db: Database, now: Date) throws -> ReviewItem? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM heldItem WHERE id = ?"), arguments: [id]).map { try item($0, now: now) }
    }

    private static func item(_ row: Row, now: Date) throws -> ReviewItem {
        let reasons: String = row["reasons"]
        let findings: String = row["findings"]
        var claim: ReviewClaim?
        if let moderator: String = row["claimedBy"], let expires: Double = row["claimExpiresAt"], expires > now.timeIntervalSince1970 {
            claim = ReviewClaim(moderator: moderator, expiresAt: Date(timeIntervalSince1970: expires))
        }
        let decoder = JSONDecoder()
        return ReviewItem(
            seq: row["seq"], id: row["id"], conversation: row["conversation"], text: row["text"],
            reasons: try decoder.decode([String].self, from: Data(reasons.utf8)),
            findings: try decoder.decode([HeldFinding].self, from: Data(findings.utf8)), priority: row["priority"],
            status: row["status"], version: row["version"], receivedAt: Date(timeIntervalSince1970: row["receivedAt"]),
            heldAt: Date(timeIntervalSince1970: row["heldAt"]),
            resolvedAt: (row["resolvedAt"] as Double?).map(Date.init(timeIntervalSince1970:)), claim: claim)
    }
}
