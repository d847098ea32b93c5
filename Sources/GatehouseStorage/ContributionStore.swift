import Foundation
import GRDB
import GatehouseCore

/// Accepted contributions in the gateway's database.
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
}
