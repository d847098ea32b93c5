import Foundation
import GatehouseCore
import Logging
import PostgresNIO

/// Accepted contributions in the shared database.
struct PostgresContributionStore: ContributionStore {
    let client: PostgresClient
    let logger: Logger

    func contributions(conversation: String?, after seq: Int64, limit: Int) async throws -> [Contribution] {
        try await PostgresErrors.mapping {
            let rows = if let conversation {
                try await client.query(
                    """
                    SELECT seq, id, conversation, text, received_at FROM contribution
                    WHERE conversation = \(conversation) AND seq > \(seq) ORDER BY seq LIMIT \(limit)
                    """, logger: logger)
            } else {
                try await client.query(
                    "SELECT seq, id, conversation, text, received_at FROM contribution WHERE seq > \(seq) ORDER BY seq LIMIT \(limit)",
                    logger: logger)
            }
            var items: [Contribution] = []
            for try await (seq, id, conversation, text, receivedAt) in rows.decode((Int64, String, String?, String, Double).self) {
                items.append(Contribution(seq: seq, id: id, conversation: conversation, text: text, receivedAt: Date(timeIntervalSince1970: receivedAt)))
            }
            return items
        }
    }
}

/// The one audit chain in the shared database, which every gateway appends to.
struct PostgresAuditLog: AuditLog {
    let client: PostgresClient
    let logger: Logger

    static let columns = "seq, time, actor, event, item_id, decision, findings, text_hash, rules_version, reason, prev_hash, hash"
    typealias Columns = (Int64, Double, String, String, String?, String?, String, String?, String?, String?, String, String)

    func entries(after seq: Int64, limit: Int) async throws -> [AuditEntry] {
        try await PostgresErrors.mapping {
            let rows = try await client.query(
                "SELECT \(unescaped: Self.columns) FROM audit_entry WHERE seq > \(seq) ORDER BY seq LIMIT \(limit)", logger: logger)
            return try await Self.entries(rows)
        }
    }

    static func entries(_ rows: PostgresRowSequence) async throws -> [AuditEntry] {
        var entries: [AuditEntry] = []
        for try await row in rows.decode(Columns.self) {
            entries.append(
                AuditEntry(
                    seq: row.0, time: Date(timeIntervalSince1970: row.1), actor: row.2, event: row.3, itemId: row.4, decision: row.5,
                    findings: try PostgresJSON.decode([AuditFinding].self, row.6), textHash: row.7, rulesVersion: row.8, reason: row.9,
                    prevHash: row.10, hash: row.11))
        }
        return entries
    }

    func verify(anchor: AuditAnchor?) async throws -> AuditVerification {
        var walk = AuditChainWalk(anchor: anchor)
        // In pages, so that a long chain is never all in memory; each page has the store's
        // deadline, not the whole walk (a chain of millions takes longer than one request).
        var after: Int64 = 0
        while true {
            let from = after
            let page: [Columns] = try await PostgresErrors.mapping { [client, logger] in
                let rows = try await client.query(
                    "SELECT \(unescaped: Self.columns) FROM audit_entry WHERE seq > \(from) ORDER BY seq LIMIT 10000", logger: logger)
                var page: [Columns] = []
                for try await row in rows.decode(Columns.self) { page.append(row) }
                return page
            }
            for row in page {
                after = row.0
                if let failed = walk.check(
                    seq: row.0, time: Date(timeIntervalSince1970: row.1), actor: row.2, event: row.3, itemId: row.4, decision: row.5,
                    findingsJSON: row.6, textHash: row.7, rulesVersion: row.8, reason: row.9, prevHash: row.10, hash: row.11)
                {
                    return failed
                }
            }
            if page.count < 10_000 { return walk.finish() }
        }
    }
}
