import Foundation

/// Everything a gateway keeps, behind one value: chosen by the store factory from the
/// configuration (`storage: sqlite`, the embedded default, or `storage: postgres://…` when
/// several gateways share state). The server sees only these protocols, never GRDB or
/// PostgresNIO, and a store's own errors reach it only as `StoreUnavailable`.
public protocol GatewayStores: Sendable {
    /// Writes submissions and audited events.
    var recorder: any SubmissionRecorder { get }
    /// Published contributions.
    var contributions: any ContributionStore { get }
    /// The audit log, read side.
    var audit: any AuditLog { get }
    /// The moderators' queue.
    var reviews: any ReviewStore { get }
    /// The duplicate plugin's index of earlier items (every gateway's, on a shared store).
    var fingerprints: any FingerprintIndex { get }
    /// How long fingerprints are kept, in seconds.
    var fingerprintRetention: TimeInterval { get }
    /// The group committer's counters, for `/metrics`.
    var commitStatistics: CommitStatistics { get }
    /// Where the state lives, for logs and `/readyz` (never a password).
    var location: String { get }
    /// What the gateways sharing this store tell each other; nil for a store of one's own.
    var coordination: (any GatewayCoordination)? { get }

    /// Brings what this gateway holds in memory up to date with what the other gateways have
    /// committed (their fingerprints), so that a repeat of an item another gateway accepted
    /// moments ago is found. Cheap when nothing is new; a no-op on a store of one's own.
    func catchUp() async throws
    /// Throws unless the store answers now (`/readyz`).
    func ping() async throws
    /// Removes older copies of changed rows where the backend can (SQLite's WAL); false where
    /// it cannot do so at once.
    func eraseOldVersions() async throws -> Bool
    /// Periodic maintenance (retention) runs once for all the gateways sharing a store, not
    /// once each: true when this gateway holds the turn for the next `seconds`.
    func claimMaintenance(for seconds: TimeInterval) async throws -> Bool
    /// Finishes: everything in flight has committed; connections close.
    func close() async
}

/// The store could not do what was asked (a lost connection, a full disk, a lock that never
/// came free): the write rolled back and nothing changed, so the caller may retry. It names
/// the backend's error code and message, never a stored value.
public struct StoreUnavailable: Error, CustomStringConvertible, Sendable {
    /// The backend (`sqlite`, `postgres`).
    public var backend: String
    /// The backend's own code (an SQLite result code, a PostgreSQL SQLSTATE), if it gave one.
    public var code: String
    /// What went wrong, in the backend's words.
    public var message: String

    public init(backend: String, code: String, message: String) {
        self.backend = backend
        self.code = code
        self.message = message
    }

    public var description: String { "\(backend) \(code): \(message)" }
}

/// Which store a gateway uses, from `storage:` in the configuration or `GATEHOUSE_DATABASE_URL`.
public enum StorageConfiguration: Sendable, Equatable {
    /// The embedded default: an SQLite database and the secret key in the data directory.
    case sqlite
    /// A PostgreSQL server shared by several gateways.
    case postgres(PostgresSettings)

    /// Parses `sqlite` or a `postgres://user[:password]@host[:port]/database[?sslmode=…]` URL;
    /// the error names `source` and what is wrong.
    public static func parse(_ value: String, source: String) throws -> StorageConfiguration {
        if value == "sqlite" { return .sqlite }
        return .postgres(try PostgresSettings(url: value, source: source))
    }
}

/// Where the shared PostgreSQL server is and how to reach it.
public struct PostgresSettings: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var user: String
    /// From the URL, `GATEHOUSE_DATABASE_PASSWORD` or a password file; never logged.
    public var password: String?
    public var database: String
    /// `disable` (the default on loopback), `prefer` or `require`.
    public var tls: TLSMode
    /// The most connections this gateway opens.
    public var maxConnections: Int

    public enum TLSMode: String, Sendable, Equatable, CaseIterable {
        case disable, prefer, require
    }

    public init(host: String, port: Int = 5432, user: String, password: String? = nil, database: String, tls: TLSMode = .disable, maxConnections: Int = 10) {
        self.host = host
        self.port = port
        self.user = user
        self.password = password
        self.database = database
        self.tls = tls
        self.maxConnections = maxConnections
    }

    /// Parses a `postgres://` (or `postgresql://`) URL.
    public init(url: String, source: String) throws {
        func bad(_ why: String) -> StorageConfigurationError {
            StorageConfigurationError("\(source): \(why); expected sqlite or postgres://user[:password]@host[:port]/database[?sslmode=disable|prefer|require]")
        }
        guard let components = URLComponents(string: url), let scheme = components.scheme,
            scheme == "postgres" || scheme == "postgresql"
        else { throw bad("not a postgres:// URL") }
        guard let host = components.host, !host.isEmpty else { throw bad("the URL names no host") }
        guard let user = components.user, !user.isEmpty else { throw bad("the URL names no user") }
        let database = String(components.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty else { throw bad("the URL names no database") }
        self.init(host: host, port: components.port ?? 5432, user: user, password: components.password, database: database)
        for item in components.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                guard let mode = item.value.flatMap(TLSMode.init(rawValue:)) else { throw bad("sslmode must be disable, prefer or require") }
                tls = mode
            case "max_connections":
                guard let count = item.value.flatMap(Int.init), (1...200).contains(count) else { throw bad("max_connections must be 1 to 200") }
                maxConnections = count
            default:
                throw bad("unknown URL parameter '\(item.name)' (known: sslmode, max_connections)")
            }
        }
    }

    /// The URL without the password.
    public var description: String { "postgres://\(user)@\(host):\(port)/\(database)" }
}

/// A storage setting that cannot be used, naming where it came from.
public struct StorageConfigurationError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
