import ArgumentParser
import Foundation
import GatehouseCore
import GatehouseStorage

/// `gatehouse audit`: check and export the tamper-evident audit log.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Verify or export the audit log.",
        subcommands: [Verify.self, Export.self]
    )

    struct Location: ParsableArguments {
        @Option(help: ArgumentHelp("The gateway's data directory.", valueName: "dir"))
        var dataDir: String = "data"

        func open() throws -> GatehouseDatabase {
            let path = (dataDir as NSString).appendingPathComponent("gatehouse.sqlite")
            guard FileManager.default.fileExists(atPath: path) else {
                printError("gatehouse audit: no database at \(path)")
                throw ExitCode(2)
            }
            // A reader beside a running server: no checkpointer of its own.
            return try GatehouseDatabase(path: path, backgroundCheckpoints: false)
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
            let result = try await SQLiteAuditLog(database: try location.open()).verify(anchor: anchor.flatMap(AuditAnchor.init))
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
            let log = SQLiteAuditLog(database: try location.open())
            var next = after
            while true {
                let entries = try await log.entries(after: next, limit: 1_000)
                guard let last = entries.last else { break }
                for entry in entries { print(entry.jsonText) }
                next = last.seq
            }
        }
    }
}
