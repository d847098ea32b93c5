import Foundation
import GatehouseCore
import Logging
import PostgresNIO

/// Every store on one PostgreSQL server shared by several gateways: one contribution table,
/// one review queue, one audit chain, one idempotency table, one fingerprint table that every
/// gateway reads the others' rows from.
public final class PostgresStores: GatewayStores {
    private let client: PostgresClient
    private let running: Task<Void, Never>
    private let committer: PostgresCommitter
    private let index: PostgresFingerprintIndex
    private let logger: Logger
    public let recorder: any SubmissionRecorder
    public let contributions: any ContributionStore
    public let audit: any AuditLog
    public let reviews: any ReviewStore
    public let location: String
    private let peers: PostgresCoordination

    /// This process's id among the gateways (random, new on every start).
    public let gatewayId: String

    private init(client: PostgresClient, running: Task<Void, Never>, settings: PostgresSettings, retention: TimeInterval, logger: Logger) {
        self.client = client
        self.running = running
        self.logger = logger
        gatewayId = UUID().uuidString.lowercased()
        committer = PostgresCommitter(client: client, logger: logger)
        index = PostgresFingerprintIndex(client: client, gateway: gatewayId, retention: retention, logger: logger)
        recorder = PostgresSubmissionRecorder(committer: committer, client: client, fingerprints: index, logger: logger)
        contributions = PostgresContributionStore(client: client, logger: logger)
        audit = PostgresAuditLog(client: client, logger: logger)
        reviews = PostgresReviewStore(client: client, committer: committer, logger: logger)
        location = settings.description
        peers = PostgresCoordination(client: client, gateway: gatewayId, started: Date(), logger: logger)
    }

    /// Connects, brings the schema up to date (once, under a lock, however many gateways start
    /// together), checks that this gateway's secret key is the one every other gateway uses
    /// (`keyCheck`, a keyed hash of a fixed text: the key itself never leaves the process), and
    /// loads the fingerprints within retention. Throws `StorageConfigurationError` for a server
    /// that cannot be reached or a key that does not match.
    public static func open(
        _ settings: PostgresSettings, keyCheck: String, retention: TimeInterval = 30 * 24 * 3600, logger: Logger
    ) async throws -> PostgresStores {
        let (client, running) = try await connect(settings, logger: logger)
        let stores = PostgresStores(client: client, running: running, settings: settings, retention: retention, logger: logger)
        do {
            // Start-up waits longer than a request: gateways starting together migrate one after another.
            try await PostgresErrors.mapping(deadline: .seconds(60)) { try await PostgresSchema.migrate(client, logger: logger) }
            try await stores.checkKey(keyCheck)
            try await stores.index.catchUp()
        } catch let error as StoreUnavailable {
            await stores.close()
            throw StorageConfigurationError("cannot open the shared store at \(settings): \(error)")
        } catch {
            await stores.close()
            throw error
        }
        return stores
    }

    /// A connection pool for `settings`, running.
    static func connect(_ settings: PostgresSettings, logger: Logger) async throws -> (PostgresClient, Task<Void, Never>) {
        var configuration = PostgresClient.Configuration(
            host: settings.host, port: settings.port, username: settings.user, password: settings.password, database: settings.database,
            tls: try tls(settings.tls))
        configuration.options.maximumConnections = settings.maxConnections
        configuration.options.minimumConnections = 1
        configuration.options.connectTimeout = .seconds(3)
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        let running = Task(priority: .high) { await client.run() }
        // Let the client's run loop start before the first lease (else PostgresNIO warns).
        for _ in 0..<8 { await Task.yield() }
        return (client, running)
    }

    private static func tls(_ mode: PostgresSettings.TLSMode) throws -> PostgresClient.Configuration.TLS {
        switch mode {
        case .disable: .disable
        case .prefer: .prefer(.makeClientConfiguration())
        case .require: .require(.makeClientConfiguration())
        }
    }

    /// Stores the key check value if none is there yet; refuses one that differs.
    private func checkKey(_ keyCheck: String) async throws {
        let stored: String? = try await PostgresErrors.mapping(deadline: .seconds(30)) { [self] in
            try await client.query(
                "INSERT INTO gatehouse_setting (key, value) VALUES ('key_check', \(keyCheck)) ON CONFLICT (key) DO NOTHING", logger: logger)
            for try await value in try await client.query("SELECT value FROM gatehouse_setting WHERE key = 'key_check'", logger: logger)
                .decode(String.self)
            {
                return value
            }
            return nil
        }
        guard stored == keyCheck else {
            throw StorageConfigurationError(
                """
                the secret key is not the one the other gateways on \(location) use (its check value differs): every \
                gateway sharing a store must be given the same key (secret_file), or none of them would recognise \
                the others' repeats, pseudonyms or idempotency keys
                """)
        }
    }

    public var fingerprints: any FingerprintIndex { index }
    public var fingerprintRetention: TimeInterval { index.retention }
    public var commitStatistics: CommitStatistics { committer.statistics }
    public var coordination: (any GatewayCoordination)? { peers }

    public func catchUp() async throws {
        try await PostgresErrors.mapping { [index] in try await index.catchUp() }
    }

    public func ping() async throws {
        try await PostgresErrors.mapping(deadline: .seconds(2)) { [client, logger] in _ = try await client.query("SELECT 1", logger: logger).collect() }
    }

    /// The old row version of an erased text stays until vacuum reclaims it.
    public func eraseOldVersions() async throws -> Bool { false }

    public func claimMaintenance(for seconds: TimeInterval) async throws -> Bool {
        let now = Date().timeIntervalSince1970
        return try await PostgresErrors.mapping { [self] in
            let rows = try await client.query(
                """
                UPDATE maintenance_lease SET holder = \(gatewayId), until = \(now + seconds)
                WHERE id = 1 AND (until < \(now) OR holder = \(gatewayId)) RETURNING 1
                """, logger: logger)
            return try await rows.collect().count == 1
        }
    }

    public func close() async {
        await peers.leave()
        running.cancel()
        _ = await running.value
    }
}

/// The shared audit chain alone, for `gatehouse audit verify|export` beside running gateways:
/// reads only (no migration, no key check: the chain needs no key to verify).
public final class PostgresAuditReader: Sendable {
    public let log: any AuditLog
    private let running: Task<Void, Never>

    private init(log: any AuditLog, running: Task<Void, Never>) {
        self.log = log
        self.running = running
    }

    /// Connects to `settings`; throws `StorageConfigurationError` when the server cannot be
    /// reached or holds no Gatehouse schema.
    public static func open(_ settings: PostgresSettings, logger: Logger) async throws -> PostgresAuditReader {
        let (client, running) = try await PostgresStores.connect(settings, logger: logger)
        let reader = PostgresAuditReader(log: PostgresAuditLog(client: client, logger: logger), running: running)
        do {
            let found = try await PostgresErrors.mapping(deadline: .seconds(30)) {
                for try await exists in try await client.query("SELECT to_regclass('audit_entry') IS NOT NULL", logger: logger).decode(Bool.self) {
                    return exists
                }
                return false
            }
            guard found else { throw StorageConfigurationError("\(settings) holds no Gatehouse audit log (no audit_entry table): is this the gateways' database?") }
        } catch let error as StoreUnavailable {
            await reader.close()
            throw StorageConfigurationError("cannot reach the shared store at \(settings): \(error)")
        } catch {
            await reader.close()
            throw error
        }
        return reader
    }

    public func close() async {
        running.cancel()
        _ = await running.value
    }
}
