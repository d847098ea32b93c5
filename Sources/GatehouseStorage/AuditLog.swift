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
        let seq: Int64 = (last?["seq"] ?? 0) + 1
        let prevHash: String = last?["hash"] ?? AuditEntry.genesis
        let findingsJSON = AuditFinding.canonicalJSON(findings)
        let rounded = Date(timeIntervalSince1970: (time.timeIntervalSince1970 * 1_000).rounded() / 1_000)
        let hash = AuditEntry.computeHash(
            seq: seq, time: rounded, actor: actor, event: event, itemId: itemId, decision: decision,
            findingsJSON: findingsJSON, textHash: textHash, rulesVersion: rulesVersion, reason: reason, prevHash: prevHash)
        try db.cachedStatement(
            sql: """
                INSERT INTO auditEntry (seq, time, actor, event, itemId, decision, findings, textHash, rulesVersion, reason, prevHash, hash)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(
            arguments: [
                seq, rounded.timeIntervalSince1970, actor, event, itemId, decision, findingsJSON, textHash, rulesVersion, reason,
                prevHash, hash,
            ])
        return AuditEntry(
            seq: seq, time: rounded, actor: actor, event: event, itemId: itemId, decision: decision, findings: findings,
            textHash: textHash, rulesVersion: rulesVersion, reason: reason, prevHash: prevHash, hash: hash)
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
            var previous = AuditEntry.genesis
            var expectedSeq: Int64 = 1
            var checked = 0
            while let row = try cursor.next() {
                let seq: Int64 = row["seq"]
                let findingsJSON: String = row["findings"]
                let stored: String = row["hash"]
                let prevHash: String = row["prevHash"]
                func bad(_ reason: String) -> AuditVerification {
                    AuditVerification(ok: false, checked: checked, firstBadSeq: seq, reason: reason)
                }
                guard seq == expectedSeq else { return bad("sequence gap: expected \(expectedSeq)") }
                guard prevHash == previous else { return bad("prevHash does not match the previous entry's hash") }
                let time = Date(timeIntervalSince1970: row["time"])
                let recomputed = AuditEntry.computeHash(
                    seq: seq, time: time, actor: row["actor"], event: row["event"], itemId: row["itemId"],
                    decision: row["decision"], findingsJSON: findingsJSON, textHash: row["textHash"], rulesVersion: row["rulesVersion"],
                    reason: row["reason"], prevHash: prevHash)
                guard recomputed == stored else { return bad("hash does not match the entry's contents") }
                if let anchor, anchor.seq == seq, anchor.hash != stored {
                    return bad("the hash is not the one recorded for this entry: the log was rewritten from here or earlier")
                }
                previous = stored
                expectedSeq += 1
                checked += 1
            }
            if let anchor, anchor.seq >= expectedSeq {
                return AuditVerification(
                    ok: false, checked: checked, firstBadSeq: expectedSeq,
                    reason: "the log ends at entry \(expectedSeq - 1), but entry \(anchor.seq) was recorded: entries were removed from the end")
            }
            return AuditVerification(
                ok: true, checked: checked, firstBadSeq: nil, reason: nil, lastSeq: checked > 0 ? expectedSeq - 1 : nil,
                lastHash: checked > 0 ? previous : nil)
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
