import ArgumentParser
import Foundation
import GatehouseCore
import GatehouseRuntime
import GatehouseServer
import Hummingbird
import Logging

/// `gatehouse serve`: the HTTP gateway.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the HTTP gateway: intake, review queue, audit log, rule reloads.",
        discussion: """
            Configuration comes from a YAML file (--config, else ./gatehouse.yaml), \
            then environment variables, then these flags. Every key is optional:

              listen: 127.0.0.1:8080            # GATEHOUSE_LISTEN
              data_dir: data                    # GATEHOUSE_DATA_DIR
              rules: [rules]                    # GATEHOUSE_RULES (a:b); default ./rules
                                                # or the packs beside the binary
              pipeline: [pii, profanity, duplicate]
              limits:
                body_bytes: 65536
                body_seconds: 10                # a body must arrive this soon after its head
                text_chars: 20000
                json_depth: 8
                rate_per_minute: 600000         # per token
                idle_seconds: 60                # an idle connection is closed (and one
                                                # sending its headers a byte at a time)
                idempotency_hours: 168          # clientRef answers kept this long
              review:
                claim_minutes: 10               # a moderator's claim lasts this long
                reject_reasons: [abusive, personal-data, spam, off-topic, duplicate, other]
              tokens:                           # GATEHOUSE_TOKEN_<ROLE>
                - {role: intake, token: "a long random string"}
                - {role: admin, sha256: "<hex SHA-256 of a token>"}
              storage: sqlite                   # GATEHOUSE_DATABASE_URL; or
                                                # postgres://user@host:5432/db?sslmode=require
              storage_password_file: path       # GATEHOUSE_DATABASE_PASSWORD_FILE
              secret_file: path                 # GATEHOUSE_SECRET_FILE (needed with postgres)

            The data directory holds gatehouse.sqlite and secret.key (32 \
            random bytes, mode 0600, generated on first run). Back them up \
            together: with the database present and the key missing, the \
            server refuses to start.

            Several gateways share one PostgreSQL store when each is given the \
            same storage URL and the same secret_file: one audit chain, one \
            review queue, repeats found across gateways, a rules reload reaching \
            every gateway (docs/deploy.md).

            Roles: intake posts submissions and reads published contributions; \
            moderator reads the review queue and the audit log, and approves, \
            edits or rejects held items; author checks texts and reloads rules; \
            admin does everything. Tokens are kept only as SHA-256 hashes.

            Routes (docs/openapi.yaml):
            \(ServeCommand.routeList)

            SIGHUP reloads the rules (compiled and tested first; a bad set is \
            refused). SIGTERM stops accepting, finishes what is in flight, folds \
            the WAL into the database file and exits 0.
            """
    )

    /// Every route and the roles it admits, one a line, from the server's own table.
    static var routeList: String {
        Routes.table.map { route in
            let roles = route.roles.isEmpty ? "no token" : Role.allCases.filter(route.roles.contains).map(\.rawValue).joined(separator: ", ")
            let method = route.method.padding(toLength: 5, withPad: " ", startingAt: 0)
            return "  \(method)\(route.path.padding(toLength: 26, withPad: " ", startingAt: 0)) \(roles)"
        }.joined(separator: "\n")
    }

    @Option(help: ArgumentHelp("The configuration file.", valueName: "file"))
    var config: String?

    @Option(help: ArgumentHelp("Listen address, host:port.", valueName: "host:port"))
    var listen: String?

    @Option(help: ArgumentHelp("The data directory.", valueName: "dir"))
    var dataDir: String?

    @Option(name: .customLong("rules"), help: ArgumentHelp("Rule pack file or directory (repeatable).", valueName: "path"))
    var rules: [String] = []

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    func validate() throws {
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical") }
    }

    func run() async throws {
        let logger = {
            var logger = Logger(label: "gatehouse", factory: DeferredMetadataLogHandler.standardError)
            logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
            return logger
        }()
        let configuration: ServerConfiguration
        do {
            configuration = try resolvedConfiguration()
        } catch let error as ConfigurationError {
            printError("gatehouse serve: \(error)")
            throw ExitCode(2)
        }
        let gateway: Gateway
        do {
            gateway = try await Gateway.open(configuration: configuration, logger: logger)
        } catch {
            printError("gatehouse serve: cannot start: \(error)")
            throw ExitCode(2)
        }
        let hangup = DispatchSource.makeSignalSource(signal: SIGHUP)
        signal(SIGHUP, SIG_IGN)
        hangup.setEventHandler {
            Task {
                do {
                    _ = try await gateway.reloadRules(actor: "system")
                } catch {
                    logger.error("SIGHUP: rules not reloaded", metadata: ["error": "\(error)"])
                }
            }
        }
        hangup.resume()
        logger.notice(
            "gatehouse listening",
            metadata: ["address": "\(configuration.host):\(configuration.port)", "rules": "\(gateway.ruleCount)",
                       "rules_from": "\(RulePackLocator().locate(explicit: configuration.rules).paths.joined(separator: ":"))",
                       "rules_version": "\(gateway.ruleSetVersion.prefix(RuleSetVersion.displayLength))",
                       "store": "\(gateway.stores.location)"])
        try await buildApplication(gateway: gateway, logger: logger).runService()
        // Everything in flight has committed. On SQLite the WAL is folded into the database
        // file and cut, so the data directory holds one complete file and no earlier versions
        // of erased rows; on a shared store the connections close.
        await gateway.stores.close()
    }

    func resolvedConfiguration() throws -> ServerConfiguration {
        var configuration = ServerConfiguration()
        if let config {
            configuration = try ServerConfiguration.load(path: config)
        } else if FileManager.default.fileExists(atPath: "gatehouse.yaml") {
            configuration = try ServerConfiguration.load(path: "gatehouse.yaml")
        }
        try configuration.applyEnvironment(ProcessInfo.processInfo.environment)
        if let listen { try configuration.setListen(listen) }
        if let dataDir { configuration.dataDirectory = dataDir }
        if !rules.isEmpty { configuration.rules = rules }
        return configuration
    }
}
