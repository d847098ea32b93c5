import Foundation
import GRDB

/// The gateway's SQLite database (WAL): accepted contributions, the review queue, the audit
/// log, fingerprints of earlier items and idempotency records.
///
/// Migrations are named and never edited once shipped: add a new one instead.
public final class GatehouseDatabase: Sendable {
    /// The connection pool: one writer, concurrent readers.
    public let pool: DatabasePool
    /// The file path.
    public let path: String
    /// Copies committed pages from the WAL into the database file off the commit path.
    private let checkpointer: WALCheckpointer?

    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    ///
    /// With `backgroundCheckpoints` (the default), WAL checkpoints mostly run off the commit
    /// path: a checkpointer on its own connection copies committed pages every 50 ms. A
    /// checkpoint writes back and syncs the database file, which took up to 15 ms (180 ms
    /// seen) inside a commit, and every request in that batch and the next waited for it.
    public init(path: String, backgroundCheckpoints: Bool = true) throws {
        var configuration = Configuration()
        // The checkpointer's connection holds WAL locks for moments; a commit that meets one
        // waits for it (SQLite's busy handler) rather than failing.
        configuration.busyMode = .timeout(5)
        configuration.prepareDatabase { db in
            // Every commit reaches the disk: an answer is sent only after its item is durable.
            try db.execute(sql: "PRAGMA synchronous = FULL")
            // Erased text (a held item's, once a moderator resolves it) is overwritten with
            // zeros in the file, not left in free pages.
            try db.execute(sql: "PRAGMA secure_delete = ON")
            // Once reset, the WAL file is cut back to 64 MiB.
            try db.execute(sql: "PRAGMA journal_size_limit = 67108864")
            // The background checkpointer keeps the database file nearly up to date; past
            // 4,096 pages (16 MiB) the writer checkpoints too, which finds little left to copy
            // and lets the WAL start again from its beginning, so it stays bounded.
            if backgroundCheckpoints { try db.execute(sql: "PRAGMA wal_autocheckpoint = 4096") }
        }
        pool = try DatabasePool(path: path, configuration: configuration)
        self.path = path
        try Self.migrator.migrate(pool)
        checkpointer = backgroundCheckpoints ? try WALCheckpointer(path: path) : nil
    }

    /// Checkpoints the WAL completely and truncates it: earlier versions of rows changed since
    /// the last reset (text a moderator erased, say) are then in neither file. With
    /// `secure_delete` on, the database file keeps no copy of them in free space either.
    ///
    /// Tries for about two seconds (`attempts` × 50 ms) while older snapshots are being read,
    /// holding up writers at most 20 ms at a time; throws `SQLITE_BUSY` if readers never let it.
    public func eraseOldVersions(attempts: Int = 40) async throws {
        let checkpointer = try self.checkpointer ?? WALCheckpointer(path: path, interval: .never)
        try await checkpointer.truncate(attempts: attempts)
    }

    /// Throws unless a read succeeds now.
    public func ping() async throws {
        _ = try await pool.read { db in try Int.fetchOne(db, sql: "SELECT 1") }
    }

    deinit {
        checkpointer?.stop()
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-contributions-review-audit") { db in
            try db.execute(sql: """
                CREATE TABLE contribution (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    id TEXT NOT NULL UNIQUE,
                    conversation TEXT,
                    text TEXT NOT NULL,
                    receivedAt REAL NOT NULL,
                    decidedAt REAL NOT NULL
                );
                CREATE INDEX contribution_conversation ON contribution(conversation, seq);
                CREATE TABLE heldItem (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    id TEXT NOT NULL UNIQUE,
                    conversation TEXT,
                    text TEXT NOT NULL,
                    reasons TEXT NOT NULL,
                    receivedAt REAL NOT NULL,
                    heldAt REAL NOT NULL,
                    status TEXT NOT NULL DEFAULT 'pending'
                );
                CREATE TABLE auditEntry (
                    seq INTEGER PRIMARY KEY,
                    time REAL NOT NULL,
                    actor TEXT NOT NULL,
                    event TEXT NOT NULL,
                    itemId TEXT,
                    decision TEXT,
                    findings TEXT NOT NULL,
                    textHash TEXT,
                    prevHash TEXT NOT NULL,
                    hash TEXT NOT NULL
                );
                CREATE TABLE idempotency (
                    key TEXT PRIMARY KEY,
                    status INTEGER NOT NULL,
                    body BLOB NOT NULL,
                    createdAt REAL NOT NULL
                );
                """)
        }
        migrator.registerMigration("v1-fingerprints") { db in
            try db.execute(sql: """
                CREATE TABLE fingerprint (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    itemId TEXT NOT NULL,
                    contributor INTEGER,
                    conversation TEXT,
                    time REAL NOT NULL,
                    exact INTEGER NOT NULL,
                    signature BLOB NOT NULL,
                    bands BLOB NOT NULL,
                    cluster TEXT NOT NULL
                );
                CREATE INDEX fingerprint_time ON fingerprint(time);
                """)
        }
        migrator.registerMigration("v2-review-resolution") { db in
            try db.execute(sql: """
                ALTER TABLE heldItem ADD COLUMN resolvedAt REAL;
                CREATE INDEX heldItem_pending ON heldItem(seq) WHERE status = 'pending';
                """)
        }
        migrator.registerMigration("v3-idempotency-created") { db in
            // Old idempotency answers are pruned by age.
            try db.execute(sql: "CREATE INDEX idempotency_created ON idempotency(createdAt)")
        }
        migrator.registerMigration("v4-idempotency-request") { db in
            // A keyed digest of the request each answer was for: a clientRef sent again with a
            // different submission is refused instead of answered with another item's answer.
            try db.execute(sql: "ALTER TABLE idempotency ADD COLUMN request TEXT")
        }
        migrator.registerMigration("v5-fingerprint-sentences") { db in
            // Sentence marks, for telling copies from answers that only share a quoted passage;
            // and the fingerprint scheme: rows of scheme 1 had their
            // MinHash bins chosen under the key, so they are only ever compared as exact hashes.
            try db.execute(sql: """
                ALTER TABLE fingerprint ADD COLUMN sentences BLOB;
                ALTER TABLE fingerprint ADD COLUMN scheme INTEGER NOT NULL DEFAULT 1;
                """)
        }
        // Every audit entry names the rule set that decided (its content hash), inside the hash.
        migrator.registerMigration("v6-audit-rules-version") { db in
            try db.execute(sql: "ALTER TABLE auditEntry ADD COLUMN rulesVersion TEXT")
        }
        // The moderators' queue: each held item's findings (spans in the held text, reasons),
        // priority, version and claim; a moderator's reason code in the audit entry, inside the
        // hash; and the audit entries of one item found by its id.
        migrator.registerMigration("v7-review-queue") { db in
            try db.execute(sql: """
                ALTER TABLE heldItem ADD COLUMN findings TEXT NOT NULL DEFAULT '[]';
                ALTER TABLE heldItem ADD COLUMN priority INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE heldItem ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
                ALTER TABLE heldItem ADD COLUMN claimedBy TEXT;
                ALTER TABLE heldItem ADD COLUMN claimExpiresAt REAL;
                ALTER TABLE auditEntry ADD COLUMN reason TEXT;
                CREATE INDEX auditEntry_item ON auditEntry(itemId) WHERE itemId IS NOT NULL;
                """)
        }
        // clientRef answers without an index on their key (a random B-tree page written per
        // answer): the gateway finds them through a map it keeps (`SQLiteIdempotencyAnswers`).
        migrator.registerMigration("v8-idempotency-unindexed") { db in
            try db.execute(sql: """
                CREATE TABLE idempotencyAnswer (
                    key TEXT NOT NULL,
                    status INTEGER NOT NULL,
                    body BLOB NOT NULL,
                    createdAt REAL NOT NULL,
                    request TEXT
                );
                INSERT INTO idempotencyAnswer (rowid, key, status, body, createdAt, request)
                    SELECT rowid, key, status, body, createdAt, request FROM idempotency ORDER BY rowid;
                DROP TABLE idempotency;
                ALTER TABLE idempotencyAnswer RENAME TO idempotency;
                CREATE INDEX idempotency_created ON idempotency(createdAt);
                """)
        }
        return migrator
    }
}
