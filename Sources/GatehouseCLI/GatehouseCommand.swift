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
            Every text passes a pipeline of rule plugins (PII redaction first) and gets a \
            decision: accepted, held for a moderator, or rejected. Rules live in YAML rule \
            packs under rules/ (or --rules, or $GATEHOUSE_RULES).

            Examples:
              gatehouse check "My NHS number is 943 476 5919"
              gatehouse check --explain - < contribution.txt
              gatehouse scan contributions.jsonl > verdicts.jsonl
              gatehouse rules test
              gatehouse serve --config gatehouse.yaml
              gatehouse audit verify --data-dir data
            """,
        version: GatehouseCommand.versionText,
        subcommands: [CheckCommand.self, ScanCommand.self, RulesCommand.self, ServeCommand.self, AuditCommand.self, ReviewCommand.self]
    )

    public init() {}

    /// The release of this build.
    public static let release = "0.2.0"

    /// `gatehouse --version`: the release, and the version of the rule set this binary would
    /// load from where it is run (or why none loads).
    static var versionText: String {
        let found = RulePackLocator().locate(explicit: [])
        let rules: String
        if let digest = try? RuleSetVersion.digest(paths: found.paths) {
            rules = "rules \(digest.prefix(RuleSetVersion.displayLength)) (\(found.paths.joined(separator: ", ")), \(found.source))"
        } else {
            rules = "rules: none found (looked in ./rules, beside the binary and in the source checkout)"
        }
        return "gatehouse \(release)\n\(rules)"
    }
}

/// Where to find rule packs; shared by every command that evaluates text.
struct RulesOptions: ParsableArguments {
    @Option(
        name: .customLong("rules"),
        help: ArgumentHelp(
            "A rule pack file or a directory of them (repeatable). Default: $GATEHOUSE_RULES, else ./rules, "
                + "else the packs installed beside the binary, else the checkout it was built from.",
            valueName: "path"))
    var paths: [String] = []

    @Flag(name: .customLong("quiet-rules"), help: "Do not say on stderr which rule packs were loaded.")
    var quietRules = false

    /// The paths to load and where they came from.
    var located: RulePackLocator.Found { RulePackLocator().locate(explicit: paths) }

    /// Loads and compiles the rule set, turning a bad pack into a clear error and exit status 2,
    /// and says on stderr which packs it loaded.
    func loadRuleSet(environment: PluginEnvironment = PluginEnvironment()) throws -> RuleSet {
        let found = located
        let ruleSet = try RulesOptions.load(found, environment: environment)
        if !quietRules { printError(RulesOptions.describe(ruleSet, found: found)) }
        return ruleSet
    }

    static func load(_ found: RulePackLocator.Found, environment: PluginEnvironment = PluginEnvironment()) throws -> RuleSet {
        do {
            return try RuleSet.load(paths: found.paths, environment: environment)
        } catch let error as RulePackError {
            printError("gatehouse: cannot load rules (from \(found.source)): \(error)")
            throw ExitCode(2)
        }
    }

    /// One line for a person: which packs, from where, and the rule-set version.
    static func describe(_ ruleSet: RuleSet, found: RulePackLocator.Found) -> String {
        "rules: \(ruleSet.ruleCount) rules in \(ruleSet.packs.count) packs from \(found.paths.joined(separator: ", ")) "
            + "(\(found.source)), version \(ruleSet.shortVersion)"
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
