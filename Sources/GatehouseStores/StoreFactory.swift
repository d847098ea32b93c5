import Foundation
import GatehousePostgres
import GatehouseCore
import GatehouseStorage
import Logging

/// Opens the stores a configuration names: the one place that knows both backends, so the
/// server and the CLI import neither GRDB nor PostgresNIO.
public enum StoreFactory {
    /// The embedded store: the SQLite database at `path` (created and migrated as needed).
    public static func sqlite(path: String) throws -> any GatewayStores {
        try SQLiteStores(path: path)
    }

    /// The shared store on a PostgreSQL server; `keyCheck` proves this gateway has the same
    /// secret key as the others (`PostgresStores.open`).
    public static func postgres(_ settings: PostgresSettings, keyCheck: String, logger: Logger) async throws -> any GatewayStores {
        try await PostgresStores.open(settings, keyCheck: keyCheck, logger: logger)
    }

    /// The audit log alone, for reading beside running gateways: the SQLite database in
    /// `dataDirectory` (without a checkpointer of its own), or the shared chain on PostgreSQL.
    /// `close` releases it.
    public static func auditLog(
        _ storage: StorageConfiguration, dataDirectory: String, logger: Logger
    ) async throws -> (log: any AuditLog, close: @Sendable () async -> Void) {
        switch storage {
        case .sqlite:
            let path = (dataDirectory as NSString).appendingPathComponent("gatehouse.sqlite")
            guard FileManager.default.fileExists(atPath: path) else { throw StorageConfigurationError("no database at \(path)") }
            let database = try GatehouseDatabase(path: path, backgroundCheckpoints: false)
            return (SQLiteAuditLog(database: database), {})
        case .postgres(let settings):
            let reader = try await PostgresAuditReader.open(settings, logger: logger)
            return (reader.log, { await reader.close() })
        }
    }
}
