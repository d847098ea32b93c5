import Logging
import ServiceLifecycle

/// Beside the HTTP server on a shared store: `Gateway.coordinate()` every second (heartbeat,
/// rules reloaded elsewhere, shared request counts). A failed round is logged once per
/// outage and tried again a second later; it stops at once on graceful shutdown.
struct CoordinationService: Service, CustomStringConvertible {
    let gateway: Gateway
    let interval: Duration
    let logger: Logger

    var description: String { "CoordinationService(every \(interval))" }

    func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                var failing = false
                while true {
                    do {
                        try await gateway.coordinate()
                        if failing { logger.notice("the shared store answers again") }
                        failing = false
                    } catch is CancellationError {
                        throw CancellationError()
                    } catch {
                        if !failing { logger.warning("cannot reach the shared store for the heartbeat", metadata: ["error": "\(error)"]) }
                        failing = true
                    }
                    try await Task.sleep(for: interval)
                }
            }
        } catch is CancellationError {
            // Shutting down.
        }
    }
}
