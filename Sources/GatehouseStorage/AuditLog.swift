import Crypto
import Foundation
import GRDB
import GatehouseCore

/// The audit log in the gateway's database. Appends happen inside the caller's transaction,
/// with the item they record.
public struct SQLiteAuditLog: AuditLog {
    let database: GatehouseDatabase

    public init(database: GatehouseDatabase) {
        self.database = database
    }

    /// Appends an entry after the current last one, inside `db`'s transaction.
    @discardableResult
    public static func append(
        in db: Database, time: Date, actor: String, event: String, itemId: String?, decision: String?,
        findings: [AuditFinding], textHash: String?, rulesVersion: String? = nil, reason: String? = nil
    ) throws -> AuditEntry {
        let last = try Row.fetchOne(db.cachedStatement(sql: "SELECT seq, hash FROM auditEntry ORDER BY seq DESC LIMIT 1"))
        var head = AuditChainHead(seq: last?["seq"] ?? 0, hash: last?["hash"] ?? AuditEntry.genesis)
        let (entry, findingsJSON) = head.next(
            time: time, actor: actor, event: event, itemId: itemId, decision: decision, findings: findings, textHash: textHash,
            rulesVersion: rulesVersion, reason: reason)
        try db.cachedStatement(
            sql: """
                INSERT INTO auditEntry (seq, time, actor, event, itemId, decision, findings, textHash, rulesVersion, reason, prevHash, hash)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(
            arguments: [
                entry.seq, entry.time.timeIntervalSince1970, actor, event, itemId, decision, findingsJSON, textHash, rulesVersion,
                reason, entry.prevHash, entry.hash,
            ])
        return entry
    }

    /// Entries after `seq`, oldest first, at most `limit`.
    public func entries(after seq: Int64 = 0, limit: Int = 100) async throws -> [AuditEntry] {
        try await database.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM auditEntry WHERE seq > ? ORDER BY seq LIMIT ?", arguments: [seq, limit])
                .map(Self.entry)
        }
    }

    /// Walks the whole chain and names the first entry whose hash or link is wrong.
    public func verify(anchor: AuditAnchor?) async throws -> AuditVerification {
        try await database.pool.read { db in
            let cursor = try Row.fetchCursor(db, sql: "SELECT * FROM auditEntry ORDER BY seq")
            var walk = AuditChainWalk(anchor: anchor)
            while let row = try cursor.next() {
                if let failed = walk.check(
                    seq: row["seq"], time: Date(timeIntervalSince1970: row["time"]), actor: row["actor"], event: row["event"],
                    itemId: row["itemId"], decision: row["decision"], findingsJSON: row["findings"], textHash: row["textHash"],
                    rulesVersion: row["rulesVersion"], reason: row["reason"], prevHash: row["prevHash"], hash: row["hash"])
                {
                    return failed
                }
            }
            return walk.finish()
        }
    }

    static func entry(_ row: Row) throws -> AuditEntry {
        let findingsJSON: String = row["findings"]
        return AuditEntry(
            seq: row["seq"], time: Date(timeIntervalSince1970: row["time"]), actor: row["actor"], event: row["event"],
            itemId: row["itemId"], decision: row["decision"],
            findings: try JSONDecoder().decode([AuditFinding].self, from: Data(findingsJSON.utf8)),
            textHash: row["textHash"], rulesVersion: row["rulesVersion"], reason: row["reason"], prevHash: row["prevHash"],
            hash: row["hash"])
    }
}
