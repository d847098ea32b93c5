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
}
