import ArgumentParser
import Foundation
import GatehouseCore
import GatehouseRuntime

/// `gatehouse`: the moderation and privacy gateway's command line.
@available(macOS 10.15, macCatalyst 13, iOS 13, tvOS 13, watchOS 6, *)
public struct GatehouseCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "gatehouse",
        abstract: "Moderation and privacy gateway for anonymous public contributions.",
        discussion: """
            Every text passes a pipeline of rule plugins (PII redaction first) and gets a
            decision: accepted, held for a moderator, or rejected. Rules live in YAML rule
            packs under rules/ (or --rules, or $GATEHOUSE_RULES).

            Examples:
              gatehouse check "My NHS number is 943 476 5919"
              gatehouse check --explain - < contribution.txt
              gatehouse scan contributions.jsonl > verdicts.jsonl
              gatehouse rules test
              gatehouse serve --config gatehouse.yaml
              gatehouse audit verify --data-dir data
            """,
        version: "0.1.0",
        subcommands: [CheckCommand.self, ScanCommand.self, RulesCommand.self, ServeCommand.self, AuditCommand.self]
    )

    public init() {}
}

/// Where to find rule packs; shared by every command that evaluates text.
struct RulesOptions: ParsableArguments {
    @Option(
        name: .customLong("rules"),
        help: ArgumentHelp(
            "A rule pack file or a directory of them (repeatable). Default: $GATEHOUSE_RULES, else ./rules.",
            valueName: "path"))
    var paths: [String] = []

    var resolvedPaths: [String] {
        if !paths.isEmpty { return paths }
        if let fromEnvironment = ProcessInfo.processInfo.environment["GATEHOUSE_RULES"], !fromEnvironment.isEmpty {
            return fromEnvironment.split(separator: ":").map(String.init)
        }
        return ["rules"]
    }

    /// Loads and compiles the rule set, turning a bad pack into a clear error and exit status 2.
    func loadRuleSet(environment: PluginEnvironment = PluginEnvironment()) throws -> RuleSet {
        do {
            return try RuleSet.load(paths: resolvedPaths, environment: environment)
        } catch let error as RulePackError {
            printError("gatehouse: cannot load rules: \(error)")
            throw ExitCode(2)
        }
    }
}

func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}

/// Reads all of standard input as UTF-8 text, without the one line ending that `echo` and
/// editors put at the end.
func readStandardInput() throws -> String {
    let data = FileHandle.standardInput.readDataToEndOfFile()
    guard var text = String(data: data, encoding: .utf8) else {
        throw ValidationError("standard input is not valid UTF-8")
    }
    // "\r\n" is a single Character, so one removeLast drops either ending.
    if text.hasSuffix("\n") || text.hasSuffix("\r\n") { text.removeLast() }
    return text
}
