import Logging
import ServiceLifecycle

/// Runs `Gateway.maintain()` on start and then every `interval`, beside the HTTP server, and
/// stops at once on graceful shutdown. A failed round is logged and tried again next time.
struct MaintenanceService: Service, CustomStringConvertible {
    let gateway: Gateway
    let interval: Duration
    let logger: Logger

    /// How service-lifecycle's logs name it.
    var description: String { "MaintenanceService(every \(interval))" }

    func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                while true {
                    do {
                        try await gateway.maintain()
                    } catch {
                        logger.warning("maintenance failed; trying again later", metadata: ["error": "\(type(of: error))"])
                    }
                    try await Task.sleep(for: interval)
                }
            }
        } catch is CancellationError {
            // Shutting down.
        }
    }
}
