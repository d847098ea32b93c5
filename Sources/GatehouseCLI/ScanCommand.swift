import ArgumentParser
import Foundation
import GatehouseCore
import GatehouseRuntime

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `gatehouse scan`: a stream of contributions in, a stream of verdicts out.
struct ScanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Run the pipeline over JSON Lines, streaming, one verdict line per input line.",
        discussion: """
            Input, one object a line: {"id", "text", "conversation"?, "contributor"?, "receivedAt"?}

            Output, one object a line, in input order:
              {"id", "decision": "accepted|held|rejected", "text": <redacted text>,
               "findings": [{"plugin", "rule", "category", "action", "start", "end"}]}
            start/end are Unicode scalar offsets into the original text, end-exclusive. \
            A malformed line gets {"id", "line", "error"} and the scan goes on. A progress line \
            goes to stderr when it is a terminal.

            Duplicate rules remember the items scanned so far (in memory, for the retention of \
            the index), using each line's receivedAt as its time, so a recorded stream replays \
            as it happened; findings name the earlier line's id as duplicate_of. Contributors \
            are pseudonymised with HMAC-SHA256 under --secret-file, or under a random key for \
            this run only.
            """
    )

    @Argument(help: ArgumentHelp("A JSON Lines file, or - for standard input (the default).", valueName: "file"))
    var file: String = "-"

    @OptionGroup var rules: RulesOptions

    @Option(help: ArgumentHelp("A file holding the secret key for contributor pseudonyms (at least 16 bytes).", valueName: "file"))
    var secretFile: String?

    @Option(help: ArgumentHelp(
        "Threads to share the work (default: one per core). Findings are the same for any number: duplicate rules still see the lines in order.",
        valueName: "n"))
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    func validate() throws {
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1, not \(jobs)") }
        if let secretFile {
            guard let data = FileManager.default.contents(atPath: secretFile) else {
                throw ValidationError("cannot read --secret-file '\(secretFile)'")
            }
            guard data.count >= 16 else { throw ValidationError("--secret-file '\(secretFile)' holds \(data.count) bytes; at least 16 are needed") }
        }
    }

    func run() async throws {
        let descriptor: Int32
        if file == "-" {
            descriptor = STDIN_FILENO
        } else {
            descriptor = open(file, O_RDONLY)
            guard descriptor >= 0 else {
                printError("gatehouse scan: cannot open '\(file)': \(String(cString: strerror(errno)))")
                throw ExitCode(2)
            }
        }
        defer { if descriptor != STDIN_FILENO { close(descriptor) } }
        let hasher = secretFile.flatMap { FileManager.default.contents(atPath: $0) }.map { KeyedHasher(secret: $0) } ?? .random()
        let ruleSet = try rules.loadRuleSet(environment: PluginEnvironment(hasher: hasher))
        let scanner = StreamScanner(ruleSet: ruleSet, jobs: jobs)
        let started = Date()
        let showProgress = isatty(STDERR_FILENO) == 1
        let summary = scanner.scan(input: descriptor, output: STDOUT_FILENO, progress: showProgress ? { summary in
            let seconds = max(Date().timeIntervalSince(started), 0.001)
            printProgress("\rscanned \(summary.lines) lines (\(Int(Double(summary.lines) / seconds))/s), \(summary.errors) errors")
        } : nil)
        if showProgress {
            let seconds = max(Date().timeIntervalSince(started), 0.001)
            printProgress(
                "\rscanned \(summary.lines) lines in \(String(format: "%.1f", seconds)) s: \(summary.accepted) accepted, "
                    + "\(summary.held) held, \(summary.rejected) rejected, \(summary.errors) errors\n")
        }
    }

    private func printProgress(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
