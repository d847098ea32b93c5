import ArgumentParser
import Foundation
import GatehouseCore
import GatehouseStores
import Logging

/// `gatehouse audit`: check and export the tamper-evident audit log.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Verify or export the audit log.",
        subcommands: [Verify.self, Export.self]
    )

    struct Location: ParsableArguments {
        @Option(help: ArgumentHelp("The gateway's data directory (the embedded SQLite store).", valueName: "dir"))
        var dataDir: String = "data"

        @Option(
            help: ArgumentHelp(
                "A shared store: postgres://user@host[:port]/database[?sslmode=…] (else $GATEHOUSE_DATABASE_URL; the password from $GATEHOUSE_DATABASE_PASSWORD or $GATEHOUSE_DATABASE_PASSWORD_FILE, never a flag). Without it, --data-dir is read.",
                valueName: "url"))
        var storage: String?

        /// The audit log this names, and how to let it go.
        func open() async throws -> (log: any AuditLog, close: @Sendable () async -> Void) {
            let environment = ProcessInfo.processInfo.environment
            do {
                var configuration: StorageConfiguration = .sqlite
                if let value = storage ?? environment["GATEHOUSE_DATABASE_URL"] {
                    configuration = try StorageConfiguration.parse(value, source: storage == nil ? "GATEHOUSE_DATABASE_URL" : "--storage")
                }
                if case .postgres(var settings) = configuration {
                    if let file = environment["GATEHOUSE_DATABASE_PASSWORD_FILE"] {
                        settings.password = try String(contentsOfFile: file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
                    }
                    if let password = environment["GATEHOUSE_DATABASE_PASSWORD"] { settings.password = password }
                    configuration = .postgres(settings)
                }
                var logger = Logger(label: "gatehouse.audit")
                logger.logLevel = .error
                return try await StoreFactory.auditLog(configuration, dataDirectory: dataDir, logger: logger)
            } catch let error as StorageConfigurationError {
                printError("gatehouse audit: \(error)")
                throw ExitCode(2)
            }
        }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the hash chain; name the first bad entry. Exit status 1 if it is broken.",
            discussion: "A hash chain shows an entry changed in place, but not a log cut short or rewritten from some entry on with fresh hashes. For that, keep the anchor this prints (the newest entry's SEQ:HASH) somewhere the server cannot write, and pass it to a later check with --anchor.")

        @OptionGroup var location: Location

        @Option(help: ArgumentHelp("An anchor printed by an earlier check: that entry must still be there with that hash.", valueName: "seq:hash"))
        var anchor: String?

        func validate() throws {
            if let anchor, AuditAnchor(anchor) == nil {
                throw ValidationError("--anchor must be \(AuditAnchor.expectedForm)")
            }
        }

        func run() async throws {
            let (log, close) = try await location.open()
            let result: AuditVerification
            do {
                result = try await log.verify(anchor: anchor.flatMap(AuditAnchor.init))
                await close()
            } catch {
                await close()
                throw error
            }
            if result.ok {
                print("audit log ok: \(result.checked) entries verified")
                if let seq = result.lastSeq, let hash = result.lastHash {
                    print("anchor: \(AuditAnchor(seq: seq, hash: hash))")
                }
            } else {
                print("audit log BROKEN at entry \(result.firstBadSeq ?? 0): \(result.reason ?? "") (\(result.checked) entries before it verified)")
                throw ExitCode(1)
            }
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write the audit log as JSON Lines to standard output.")

        @OptionGroup var location: Location

        @Option(help: "Start after this sequence number.")
        var after: Int64 = 0

        func run() async throws {
            let (log, close) = try await location.open()
            do {
                var next = after
                while true {
                    let entries = try await log.entries(after: next, limit: 1_000)
                    guard let last = entries.last else { break }
                    for entry in entries { print(entry.jsonText) }
                    next = last.seq
                }
                await close()
            } catch {
                await close()
                throw error
            }
        }
    }
}
