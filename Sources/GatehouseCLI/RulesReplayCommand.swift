import ArgumentParser
import Foundation
import GatehouseCore
import GatehouseRuntime

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `gatehouse rules replay`: what a rules change would do to a corpus, before it goes live.
struct ReplayRules: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Run two rule sets over one corpus and report what the change does; optionally fail over thresholds.",
        discussion: """
            The corpus is JSON Lines in the scan format: {"id", "text", "conversation"?, \
            "contributor"?, "receivedAt"?}. Both rule sets judge every line in order (duplicate \
            rules see the stream as it was sent; a line without receivedAt is taken to come a \
            second after the one before it). The report gives the decisions that change (counts \
            by baseline → candidate), findings gained and lost per rule, redactions lost (text \
            the baseline redacted that the candidate would publish), and up to --examples \
            examples of each, shown redacted with the changed span between ⟦ and ⟧.

            The same corpus and rules give the same report on every run. Progress goes to stderr \
            on a terminal.

            Exit status: 0, or 1 when a --max-* threshold is crossed (each one crossed is named \
            on stderr), 2 when the rules or the corpus cannot be read.

            Examples:
              gatehouse rules replay --corpus recorded.jsonl --baseline /srv/gatehouse/rules --rules rules
              gatehouse rules replay --corpus recorded.jsonl --baseline main-rules --max-new-holds 10 --max-lost-redactions 0
              gatehouse rules replay --corpus recorded.jsonl --baseline rules --rules rules --as-enforced   # turn shadow rules on
            """
    )

    @Option(help: ArgumentHelp("The corpus: a JSON Lines file, or - for standard input.", valueName: "file"))
    var corpus: String

    @Option(help: ArgumentHelp("The rule set in force now: a pack file or a directory of them (repeatable).", valueName: "path"))
    var baseline: [String] = []

    @OptionGroup var rules: RulesOptions

    @Flag(help: "Run the candidate's shadow rules as if enforced, to see what switching them on would do.")
    var asEnforced = false

    @Option(help: ArgumentHelp("Examples to show per change.", valueName: "n"))
    var examples = 3

    @Option(help: ArgumentHelp("The report's format: markdown or json.", valueName: "format"))
    var format: ReportFormat = .markdown

    @Option(help: ArgumentHelp("Write the report to this file instead of standard output.", valueName: "file"))
    var output: String?

    @Option(help: ArgumentHelp("Exit 1 if more than this many items become held.", valueName: "n"))
    var maxNewHolds: Int?

    @Option(help: ArgumentHelp("Exit 1 if more than this many items become rejected.", valueName: "n"))
    var maxNewRejects: Int?

    @Option(help: ArgumentHelp("Exit 1 if more than this many redactions are lost.", valueName: "n"))
    var maxLostRedactions: Int?

    enum ReportFormat: String, ExpressibleByArgument, CaseIterable {
        case markdown, json
    }

    func validate() throws {
        guard !baseline.isEmpty else { throw ValidationError("--baseline is required: the rule packs in force now, to compare against") }
        guard examples >= 0 else { throw ValidationError("--examples must be 0 or more") }
        for (name, value) in [("--max-new-holds", maxNewHolds), ("--max-new-rejects", maxNewRejects), ("--max-lost-redactions", maxLostRedactions)] {
            if let value, value < 0 { throw ValidationError("\(name) must be 0 or more") }
        }
    }

    func run() async throws {
        let found = rules.located
        let baselineSet = try load(RulePackLocator.Found(paths: baseline, source: "--baseline"), enforcing: false)
        let candidateSet = try load(found, enforcing: asEnforced)
        if !rules.quietRules {
            printError("replay: baseline \(baselineSet.shortVersion) (\(baseline.joined(separator: ", "))) → candidate "
                + "\(candidateSet.shortVersion) (\(found.paths.joined(separator: ", ")), \(found.source))\(asEnforced ? ", shadow rules enforced" : "")")
        }
        let descriptor: Int32 = corpus == "-" ? STDIN_FILENO : open(corpus, O_RDONLY)
        guard descriptor >= 0 else {
            printError("gatehouse rules replay: cannot open --corpus '\(corpus)': \(String(cString: strerror(errno)))")
            throw ExitCode(2)
        }
        defer { if descriptor != STDIN_FILENO { close(descriptor) } }

        let replay = RuleReplay(baseline: baselineSet, candidate: candidateSet)
        var report = replay.emptyReport(examples: examples)
        var clock = RuleReplay.epoch
        var reader = LineReader(descriptor: descriptor)
        let showProgress = isatty(STDERR_FILENO) == 1
        let started = Date()
        var batch: [RuleReplay.Line] = []
        batch.reserveCapacity(Self.batchSize)
        var number = 0
        while true {
            let line = reader.next()
            if let line {
                number += 1
                batch.append(.init(number: number, bytes: line))
            }
            if batch.count == Self.batchSize || (line == nil && !batch.isEmpty) {
                replay.feed(batch, into: &report, clock: &clock)
                batch.removeAll(keepingCapacity: true)
                if showProgress {
                    printProgress("\rreplayed \(report.lines) lines (\(Int(Double(report.lines) / max(Date().timeIntervalSince(started), 0.001)))/s), \(report.changedItems) decisions changed")
                }
            }
            if line == nil { break }
        }
        if let error = reader.readError {
            printError("gatehouse rules replay: reading '\(corpus)' failed after line \(number): \(String(cString: strerror(error)))")
            throw ExitCode(2)
        }
        if showProgress { printProgress(String(format: " in %.1f s\n", Date().timeIntervalSince(started))) }

        let text = format == .json ? report.json() + "\n" : report.markdown()
        if let output {
            do {
                try text.write(toFile: output, atomically: true, encoding: .utf8)
            } catch {
                printError("gatehouse rules replay: cannot write the report to '\(output)': \(error.localizedDescription)")
                throw ExitCode(2)
            }
        } else {
            FileHandle.standardOutput.write(Data(text.utf8))
        }

        let crossed = [
            ("new holds", report.newHolds, maxNewHolds, "--max-new-holds"),
            ("new rejects", report.newRejects, maxNewRejects, "--max-new-rejects"),
            ("lost redactions", report.lostRedactions, maxLostRedactions, "--max-lost-redactions"),
        ].compactMap { name, value, limit, flag -> String? in
            guard let limit, value > limit else { return nil }
            return "\(value) \(name), more than \(flag) \(limit)"
        }
        if !crossed.isEmpty {
            printError("replay: over the threshold: \(crossed.joined(separator: "; "))")
            throw ExitCode(1)
        }
    }

    /// Lines judged per batch: enough to keep both cores busy, few enough to keep memory flat.
    static let batchSize = 4096

    private func load(_ found: RulePackLocator.Found, enforcing: Bool) throws -> RuleSet {
        do {
            return try RuleSet.load(paths: found.paths, environment: RuleReplay.environment(), enforcingShadowRules: enforcing)
        } catch let error as RulePackError {
            printError("gatehouse: cannot load rules (from \(found.source)): \(error)")
            throw ExitCode(2)
        }
    }

    private func printProgress(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
