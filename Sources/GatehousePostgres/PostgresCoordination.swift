import Foundation
import GatehouseCore
import Logging
import PostgresNIO

/// The gateways on one shared store, as the store records them: a row per gateway seen every
/// second, the rules generation, and request counts per token and minute.
struct PostgresCoordination: GatewayCoordination {
    let client: PostgresClient
    let gateway: String
    let started: Date
    let logger: Logger

    func heartbeat(name: String, rulesVersion: String, at time: Date) async throws -> Int64 {
        try await PostgresErrors.mapping {
            try await client.query(
                """
                INSERT INTO gateway_instance (id, name, rules_version, started_at, seen_at)
                VALUES (\(gateway), \(name), \(rulesVersion), \(started.timeIntervalSince1970), \(time.timeIntervalSince1970))
                ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, rules_version = EXCLUDED.rules_version, seen_at = EXCLUDED.seen_at
                """, logger: logger)
            // Gateways gone for a day are forgotten.
            try await client.query("DELETE FROM gateway_instance WHERE seen_at < \(time.timeIntervalSince1970 - 86_400)", logger: logger)
            return try await generation()
        }
    }

    private func generation() async throws -> Int64 {
        for try await value in try await client.query("SELECT value FROM gatehouse_setting WHERE key = 'rules_generation'", logger: logger)
            .decode(String.self)
        {
            return Int64(value) ?? 0
        }
        return 0
    }

    func announceRulesReload() async throws -> Int64 {
        try await PostgresErrors.mapping {
            let rows = try await client.query(
                """
                UPDATE gatehouse_setting SET value = (value::bigint + 1)::text WHERE key = 'rules_generation' RETURNING value
                """, logger: logger)
            for try await value in rows.decode(String.self) { return Int64(value) ?? 0 }
            return 0
        }
    }

    func peers(now: Date, within: TimeInterval) async throws -> [GatewayPeer] {
        try await PostgresErrors.mapping {
            let rows = try await client.query(
                """
                SELECT name, rules_version, started_at, seen_at FROM gateway_instance
                WHERE seen_at >= \(now.timeIntervalSince1970 - within) ORDER BY name, started_at
                """, logger: logger)
            var peers: [GatewayPeer] = []
            for try await (name, version, startedAt, seenAt) in rows.decode((String, String, Double, Double).self) {
                peers.append(
                    GatewayPeer(name: name, rulesVersion: version, startedAt: Date(timeIntervalSince1970: startedAt), seenAt: Date(timeIntervalSince1970: seenAt)))
            }
            return peers
        }
    }

    func exchangeRequestCounts(minute: Int64, counts: [String: Int]) async throws -> [String: Int] {
        try await PostgresErrors.mapping {
            for (token, count) in counts {
                try await client.query(
                    """
                    INSERT INTO rate_count (token, minute, gateway, count) VALUES (\(token), \(minute), \(gateway), \(count))
                    ON CONFLICT (token, minute, gateway) DO UPDATE SET count = EXCLUDED.count
                    """, logger: logger)
            }
            try await client.query("DELETE FROM rate_count WHERE minute < \(minute - 2)", logger: logger)
            var totals: [String: Int] = [:]
            let rows = try await client.query(
                "SELECT token, SUM(count)::bigint FROM rate_count WHERE minute = \(minute) GROUP BY token", logger: logger)
            for try await (token, total) in rows.decode((String, Int).self) { totals[token] = total }
            return totals
        }
    }

    func leave() async {
        _ = try? await client.query("DELETE FROM gateway_instance WHERE id = \(gateway)", logger: logger)
    }
}
