import ArgumentParser
import Foundation
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
            start/end are Unicode scalar offsets into the original text, end-exclusive.
            A malformed line gets {"id", "line", "error"} and the scan goes on. Memory stays
            constant however long the input. A progress line goes to stderr when it is a terminal.
            """
    )

    @Argument(help: ArgumentHelp("A JSON Lines file, or - for standard input (the default).", valueName: "file"))
    var file: String = "-"

    @OptionGroup var rules: RulesOptions

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
        let ruleSet = try rules.loadRuleSet()
        let scanner = Scanner(pipeline: ruleSet.pipeline)
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
