import Logging
import PostgresNIO

/// The shared database's schema: named migrations, each applied once, in order, under an
/// advisory lock so that gateways starting together do not race. Never edit a shipped
/// migration; add a new one.
///
/// Times are seconds since 1970 as `double precision`, as the SQLite store keeps them, so an
/// audit entry hashes the same from either store. Sequence numbers (`bigserial`) are taken
/// only inside a transaction that holds the audit chain's head row (`audit_head`), so they
/// are in commit order: a reader that pages by `seq`, or a gateway catching up on the others'
/// fingerprints, never skips a row that commits late.
enum PostgresSchema {
    /// The advisory lock key held while migrating ("gatehous" in ASCII).
    static let migrationLock: Int64 = 0x6761_7465_686F_7573

    static let migrations: [(name: String, sql: [String])] = [
        (
            "v1-shared-store",
            [
                """
                CREATE TABLE contribution (
                    seq bigserial PRIMARY KEY,
                    id text NOT NULL UNIQUE,
                    conversation text,
                    text text NOT NULL,
                    received_at double precision NOT NULL,
                    decided_at double precision NOT NULL
                )
                """,
                "CREATE INDEX contribution_conversation ON contribution (conversation, seq)",
                """
                CREATE TABLE held_item (
                    seq bigserial PRIMARY KEY,
                    id text NOT NULL UNIQUE,
                    conversation text,
                    text text NOT NULL,
                    reasons jsonb NOT NULL,
                    findings jsonb NOT NULL,
                    priority integer NOT NULL,
                    received_at double precision NOT NULL,
                    held_at double precision NOT NULL,
                    status text NOT NULL DEFAULT 'pending',
                    resolved_at double precision,
                    version integer NOT NULL DEFAULT 1,
                    claimed_by text,
                    claim_expires_at double precision
                )
                """,
                "CREATE INDEX held_item_pending ON held_item (seq) WHERE status = 'pending'",
                """
                CREATE TABLE audit_entry (
                    seq bigint PRIMARY KEY,
                    time double precision NOT NULL,
                    actor text NOT NULL,
                    event text NOT NULL,
                    item_id text,
                    decision text,
                    findings text NOT NULL,
                    text_hash text,
                    rules_version text,
                    reason text,
                    prev_hash text NOT NULL,
                    hash text NOT NULL
                )
                """,
                "CREATE INDEX audit_entry_item ON audit_entry (item_id) WHERE item_id IS NOT NULL",
                // One row: the chain's last seq and hash. Every transaction that appends, or that
                // takes a sequence number, locks it first, so the chain has one order.
                "CREATE TABLE audit_head (id integer PRIMARY KEY CHECK (id = 1), seq bigint NOT NULL, hash text NOT NULL)",
                "INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '\(String(repeating: "0", count: 64))')",
                """
                CREATE TABLE idempotency (
                    key text PRIMARY KEY,
                    status integer NOT NULL,
                    body bytea NOT NULL,
                    request text,
                    created_at double precision NOT NULL
                )
                """,
                "CREATE INDEX idempotency_created ON idempotency (created_at)",
                """
                CREATE TABLE fingerprint (
                    seq bigserial PRIMARY KEY,
                    gateway text NOT NULL,
                    item_id text NOT NULL,
                    contributor bigint,
                    root_contributor bigint,
                    conversation text,
                    time double precision NOT NULL,
                    exact bigint NOT NULL,
                    signature bytea NOT NULL,
                    bands bytea NOT NULL,
                    cluster text NOT NULL,
                    sentences bytea NOT NULL
                )
                """,
                "CREATE INDEX fingerprint_time ON fingerprint (time)",
                // Settings every gateway must agree on (the secret key's check value) and the
                // counter a rules reload bumps.
                "CREATE TABLE gatehouse_setting (key text PRIMARY KEY, value text NOT NULL)",
                "INSERT INTO gatehouse_setting (key, value) VALUES ('rules_generation', '0')",
                // The gateways sharing the store, each seen every second.
                """
                CREATE TABLE gateway_instance (
                    id text PRIMARY KEY,
                    name text NOT NULL,
                    rules_version text NOT NULL,
                    started_at double precision NOT NULL,
                    seen_at double precision NOT NULL
                )
                """,
                // Who runs retention next: one gateway at a time holds the lease.
                "CREATE TABLE maintenance_lease (id integer PRIMARY KEY CHECK (id = 1), holder text NOT NULL, until double precision NOT NULL)",
                "INSERT INTO maintenance_lease (id, holder, until) VALUES (1, '', 0)",
                // Requests per token and minute, summed over the gateways.
                """
                CREATE TABLE rate_count (
                    token text NOT NULL,
                    minute bigint NOT NULL,
                    gateway text NOT NULL,
                    count integer NOT NULL,
                    PRIMARY KEY (token, minute, gateway)
                )
                """,
            ]
        ),
    ]

    /// Applies the migrations not yet applied, under the advisory lock.
    static func migrate(_ client: PostgresClient, logger: Logger) async throws {
        try await client.withConnection { connection in
            try await connection.query("SELECT pg_advisory_lock(\(migrationLock))", logger: logger)
            do {
                try await connection.query(
                    "CREATE TABLE IF NOT EXISTS gatehouse_migration (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())",
                    logger: logger)
                var applied: Set<String> = []
                for try await name in try await connection.query("SELECT name FROM gatehouse_migration", logger: logger).decode(String.self) {
                    applied.insert(name)
                }
                for migration in migrations where !applied.contains(migration.name) {
                    try await connection.query("BEGIN", logger: logger)
                    do {
                        for statement in migration.sql {
                            try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                        }
                        try await connection.query("INSERT INTO gatehouse_migration (name) VALUES (\(migration.name))", logger: logger)
                        try await connection.query("COMMIT", logger: logger)
                    } catch {
                        _ = try? await connection.query("ROLLBACK", logger: logger)
                        throw error
                    }
                    logger.notice("applied a database migration", metadata: ["migration": "\(migration.name)"])
                }
            } catch {
                _ = try? await connection.query("SELECT pg_advisory_unlock(\(migrationLock))", logger: logger)
                throw error
            }
            try await connection.query("SELECT pg_advisory_unlock(\(migrationLock))", logger: logger)
        }
    }
}
