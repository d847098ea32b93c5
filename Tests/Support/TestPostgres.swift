import Foundation
import GatehouseCore
import Logging
import PostgresNIO

/// The PostgreSQL server the shared-store tests use: `GATEHOUSE_TEST_POSTGRES` (a URL to a
/// server where the user may create databases), or else a throwaway cluster that
/// `scripts/test-postgres start` brings up on loopback. Each test gets a database of its own.
/// Runs `scripts/test-postgres COMMAND`; its exit status and output (through a file: the
/// server it starts inherits the child's descriptors, and would hold a pipe open).
func runTestPostgresScript(_ command: String, environment: [String: String] = [:]) throws -> (status: Int32, output: String) {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let child = try Spawned(root.appendingPathComponent("scripts/test-postgres").path, [command], environment: environment)
    let status = child.wait(seconds: 120) ?? -1
    return (status, child.output)
}

public enum TestPostgres {
    /// The server's URL, or why there is none (the tests that need it are then skipped, saying so).
    public static let server: Result<PostgresSettings, Unavailable> = locate()

    public struct Unavailable: Error, CustomStringConvertible {
        public var description: String
    }

    public static var isAvailable: Bool { (try? server.get()) != nil }

    /// Why the tests are skipped, when they are.
    public static var skipReason: String {
        if case .failure(let reason) = server { return "no PostgreSQL for the shared-store tests: \(reason)" }
        return ""
    }

    private static func locate() -> Result<PostgresSettings, Unavailable> {
        var url = ProcessInfo.processInfo.environment["GATEHOUSE_TEST_POSTGRES"]
        if url == nil {
            let result: (status: Int32, output: String)
            do {
                result = try runTestPostgresScript("start")
            } catch {
                return .failure(Unavailable(description: "cannot run scripts/test-postgres: \(error)"))
            }
            guard result.status == 0, let line = result.output.split(separator: "\n").first(where: { $0.hasPrefix("GATEHOUSE_TEST_POSTGRES=") }) else {
                return .failure(Unavailable(description: "scripts/test-postgres start failed: \(result.output.trimmingCharacters(in: .whitespacesAndNewlines))"))
            }
            url = String(line.dropFirst("GATEHOUSE_TEST_POSTGRES=".count))
        }
        do {
            return .success(try PostgresSettings(url: url!, source: "GATEHOUSE_TEST_POSTGRES"))
        } catch {
            return .failure(Unavailable(description: "\(error)"))
        }
    }

    /// A new, empty database on the server; dropped by `drop`.
    public static func freshDatabase() async throws -> PostgresSettings {
        var settings = try server.get()
        let name = "gatehouse_test_\(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: ""))"
        try await administer(settings) { client in
            try await client.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"))
        }
        settings.database = name
        return settings
    }

    /// Drops a database `freshDatabase` made (ending any connection still open to it).
    public static func drop(_ settings: PostgresSettings) async {
        guard var admin = try? server.get() else { return }
        admin.maxConnections = 1
        try? await administer(admin) { client in
            try await client.query(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(settings.database) WITH (FORCE)"))
        }
    }

    /// Runs `body` with a client on the server's own database.
    public static func administer(_ settings: PostgresSettings, _ body: (PostgresClient) async throws -> Void) async throws {
        let client = PostgresClient(
            configuration: .init(host: settings.host, port: settings.port, username: settings.user, password: settings.password,
                                 database: try server.get().database, tls: .disable),
            backgroundLogger: Logger(label: "test-postgres"))
        let running = Task(priority: .high) { await client.run() }
        for _ in 0..<8 { await Task.yield() }
        defer { running.cancel() }
        try await body(client)
    }

    /// Runs one SQL statement on `settings`' database (to look inside it, or to break it on purpose).
    public static func execute(_ sql: String, on settings: PostgresSettings) async throws -> [PostgresRow] {
        let client = PostgresClient(
            configuration: .init(host: settings.host, port: settings.port, username: settings.user, password: settings.password,
                                 database: settings.database, tls: .disable),
            backgroundLogger: Logger(label: "test-postgres"))
        let running = Task(priority: .high) { await client.run() }
        for _ in 0..<8 { await Task.yield() }
        defer { running.cancel() }
        return try await client.query(PostgresQuery(unsafeSQL: sql)).collect()
    }
}

/// A PostgreSQL server of a test's own (`scripts/test-postgres` on another port), for a fault
/// test that stops and starts it while gateways run: the shared test server must stay up for
/// every other test.
public final class OwnPostgresServer: Sendable {
    public let settings: PostgresSettings
    private let environment: [String: String]

    /// Starts a fresh cluster on a port the kernel picks as free. The pick and the server's bind
    /// are two steps, so another process can take the port between them (a client's ephemeral
    /// port, say): a start that fails is cleaned up and tried on another port, three times in all.
    public init() throws {
        var failures: [String] = []
        for _ in 0..<3 {
            let port = try freePort()
            let environment = ["GATEHOUSE_TEST_POSTGRES_PORT": String(port)]
            let started = try runTestPostgresScript("start", environment: environment)
            if started.status == 0, let line = started.output.split(separator: "\n").first(where: { $0.hasPrefix("GATEHOUSE_TEST_POSTGRES=") }) {
                self.environment = environment
                settings = try PostgresSettings(url: String(line.dropFirst("GATEHOUSE_TEST_POSTGRES=".count)), source: "scripts/test-postgres")
                return
            }
            _ = try? runTestPostgresScript("stop", environment: environment)
            failures.append("port \(port): \(started.output)")
        }
        throw TestPostgres.Unavailable(description: "scripts/test-postgres start failed three times: \(failures.joined(separator: "\n"))")
    }

    /// Stops the server, keeping its data (an outage).
    public func halt() throws { try run("halt") }

    /// Starts the halted server again on the same data and port. While it was down, the
    /// gateways' reconnects may hold the port for a moment (a connect from an ephemeral port equal
    /// to the one it dials connects to itself), so a failed start is tried again, five times in all.
    public func resume() throws {
        for _ in 0..<4 {
            if (try? run("resume")) != nil { return }
            Thread.sleep(forTimeInterval: 0.5)
        }
        try run("resume")
    }

    /// Stops it and removes its data.
    public func stop() { _ = try? runTestPostgresScript("stop", environment: environment) }

    private func run(_ command: String) throws {
        let result = try runTestPostgresScript(command, environment: environment)
        guard result.status == 0 else { throw TestPostgres.Unavailable(description: "scripts/test-postgres \(command) failed: \(result.output)") }
    }
}
