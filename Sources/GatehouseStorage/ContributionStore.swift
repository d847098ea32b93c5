import Foundation
import GRDB
import GatehouseCore

/// Accepted contributions in the gateway's database, and the idempotency answers stored with them.
public struct SQLiteContributionStore: ContributionStore {
    let database: GatehouseDatabase

    public init(database: GatehouseDatabase) {
        self.database = database
    }

    /// Stores an accepted item (redacted text) inside `db`'s transaction.
    public static func insertAccepted(
        in db: Database, id: String, conversation: String?, text: String, receivedAt: Date, decidedAt: Date
    ) throws {
        try db.cachedStatement(sql: "INSERT INTO contribution (id, conversation, text, receivedAt, decidedAt) VALUES (?, ?, ?, ?, ?)")
            .execute(arguments: [id, conversation, text, receivedAt.timeIntervalSince1970, decidedAt.timeIntervalSince1970])
    }

    /// Accepted contributions after `seq`, oldest first, optionally in one conversation.
    public func contributions(conversation: String?, after seq: Int64, limit: Int) async throws -> [Contribution] {
        try await database.pool.read { db in
            let rows: [Row]
            if let conversation {
                rows = try Row.fetchAll(
                    db, sql: "SELECT * FROM contribution WHERE conversation = ? AND seq > ? ORDER BY seq LIMIT ?",
                    arguments: [conversation, seq, limit])
            } else {
                rows = try Row.fetchAll(db, sql: "SELECT * FROM contribution WHERE seq > ? ORDER BY seq LIMIT ?", arguments: [seq, limit])
            }
            return rows.map { row in
                Contribution(
                    seq: row["seq"], id: row["id"], conversation: row["conversation"], text: row["text"],
                    receivedAt: Date(timeIntervalSince1970: row["receivedAt"]))
            }
        }
    }

    /// The stored answer for an idempotency key, if a submission with it was committed.
    static func storedResponse(in db: Database, key: String) throws -> StoredResponse? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT status, body, request FROM idempotency WHERE key = ?"), arguments: [key])
            .map { StoredResponse(status: $0["status"], body: $0["body"], request: $0["request"]) }
    }

    /// Claims an idempotency key inside `db`'s transaction for `response`; returns the answer
    /// already stored under it when another submission got there first.
    public static func claim(in db: Database, key: String, response: StoredResponse, at time: Date) throws -> StoredResponse? {
        try db.cachedStatement(sql: "INSERT OR IGNORE INTO idempotency (key, status, body, request, createdAt) VALUES (?, ?, ?, ?, ?)")
            .execute(arguments: [key, response.status, response.body, response.request, time.timeIntervalSince1970])
        if db.changesCount == 1 { return nil }
        return try storedResponse(in: db, key: key)
    }
}
