import Foundation
import Synchronization
import GatehouseCore
import PostgresNIO

/// PostgreSQL's errors as the server sees every store's: `StoreUnavailable`, with the
/// SQLSTATE (or the client's own code when the server never answered) and the server's
/// message. PostgresNIO's `PSQLError` hides the server's message from `description`, so it is
/// read from `serverInfo` here. Errors that are not the database's (a review conflict raised
/// inside a transaction) pass through unchanged.
enum PostgresErrors {
    static func unavailable(_ error: any Error) -> any Error {
        if let transaction = error as? PostgresTransactionError {
            if let closure = transaction.closureError, !(closure is PSQLError) { return closure }
            return unavailable(transaction.closureError ?? transaction.beginError ?? transaction.commitError ?? transaction.rollbackError!)
        }
        if error is StoreUnavailable { return error }
        if let psql = error as? PSQLError {
            let code = psql.serverInfo?[.sqlState] ?? psql.code.description
            let message = psql.serverInfo?[.message] ?? "\(psql.code)"
            return StoreUnavailable(backend: "postgres", code: code, message: message)
        }
        if error is CancellationError { return error }
        if "\(type(of: error))".contains("Pool") || "\(type(of: error))".contains("Connection") {
            return StoreUnavailable(backend: "postgres", code: "connection", message: "\(error)")
        }
        return error
    }

    /// How long a caller waits for the shared store before it is told the store is
    /// unavailable. PostgresNIO's pool queues requests for up to a minute while it cannot
    /// connect; a submission must be refused (503, retry) long before that.
    static let deadline: Duration = .seconds(5)

    /// Runs `body` within `deadline`, turning the database's errors into `StoreUnavailable`.
    static func mapping<T: Sendable>(deadline: Duration = deadline, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        do {
            return try await Deadline.run(deadline, body)
        } catch {
            throw unavailable(error)
        }
    }
}
