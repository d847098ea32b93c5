import Foundation
import GatehouseCore

/// The embedded default: every store in one SQLite database (WAL) in the data directory, one
/// gateway per directory.
public final class SQLiteStores: GatewayStores {
    public let database: GatehouseDatabase
    public let durableFingerprints: DurableFingerprintIndex
    private let sqliteRecorder: SQLiteSubmissionRecorder
    public let contributions: any ContributionStore
    public let audit: any AuditLog
    public let reviews: any ReviewStore

    /// Opens (creating and migrating as needed) the database at `path` and loads the
    /// fingerprints within their retention.
    public init(path: String) throws {
        database = try GatehouseDatabase(path: path)
        durableFingerprints = try DurableFingerprintIndex(database: database)
        sqliteRecorder = try SQLiteSubmissionRecorder(database: database, fingerprints: durableFingerprints)
        contributions = SQLiteContributionStore(database: database)
        audit = SQLiteAuditLog(database: database)
        reviews = SQLiteReviewStore(database: database, recorder: sqliteRecorder)
    }

    public var recorder: any SubmissionRecorder { sqliteRecorder }
    public var fingerprints: any FingerprintIndex { durableFingerprints }
    public var fingerprintRetention: TimeInterval { durableFingerprints.retention }
    public var commitStatistics: CommitStatistics { sqliteRecorder.commitStatistics }
    public var location: String { "sqlite \(database.path)" }
    public var coordination: (any GatewayCoordination)? { nil }

    public func catchUp() async throws {}

    public func ping() async throws {
        do {
            try await database.ping()
        } catch {
            throw GroupCommitter.unavailable(error)
        }
    }

    public func eraseOldVersions() async throws -> Bool {
        do {
            try await database.eraseOldVersions()
            return true
        } catch {
            return false
        }
    }

    /// One gateway per data directory: always its own.
    public func claimMaintenance(for seconds: TimeInterval) async throws -> Bool { true }

    public func close() async {
        // Everything in flight has committed: fold the WAL into the database file and cut it,
        // so no older copy of an erased text stays in it.
        _ = try? await database.eraseOldVersions()
    }
}
