import GatehouseCore
import Logging

/// Runs writes to the store for a service; a storage failure is logged (the backend's code and
/// message, never a value) and answered 503: the transaction rolled back, so nothing changed,
/// and the caller may retry. The one place the server meets the store's errors, and it meets
/// them only as `StoreUnavailable`, whichever backend is in use.
struct StoreWrites: Sendable {
    let metrics: Metrics
    let logger: Logger

    /// `write`'s result, or a 503 with `refusal` when the store failed; other errors pass through.
    func run<T>(_ what: String, refusal: String, _ write: () async throws -> T) async throws -> T {
        do {
            return try await write()
        } catch let error as StoreUnavailable {
            metrics.refused(status: 503)
            logger.error("could not store \(what)", metadata: ["backend": "\(error.backend)", "code": "\(error.code)", "message": "\(error.message)"])
            throw GatewayError(503, refusal, retryAfter: 1)
        }
    }
}
