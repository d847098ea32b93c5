import ArgumentParser
import Foundation
import GatehouseCore
import GatehouseRuntime
import PCRE2

/// `gatehouse rules`: tools for rule authors.
struct RulesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "Test, lint and replay rule packs.",
        subcommands: [TestRules.self, LintRules.self, ReplayRules.self]
    )

    struct TestRules: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "test",
            abstract: "Run every rule's embedded tests; exit status 1 on any failure.",
            discussion: """
                Each rule's tests.match cases must make the rule fire (and produce the given \
                output and decision); each tests.no_match case must not. Failures print the \
                file, line, rule, input, and expected against actual; the last line is \
                "rule tests: N passed, N failed".

                Examples:
                  gatehouse rules test rules
                  gatehouse rules test --filter 'pii.uk_*' rules/pii
                  gatehouse rules test --junit build/rule-tests.xml
                """
        )

        @Option(name: .long, help: ArgumentHelp(
            "Run only the rules whose id matches this glob (* and ?, as in a shell; e.g. 'pii.uk_*'). A pack's own tests run only without a filter.",
            valueName: "glob"))
        var filter: String?

        @Option(name: .long, help: ArgumentHelp("Also write the results as JUnit XML to this file, for CI systems.", valueName: "file"))
        var junit: String?

        @Argument(help: ArgumentHelp(
            "Rule pack files or directories. Default: $GATEHOUSE_RULES, ./rules, the installed packs, the checkout's.",
            valueName: "path"))
        var paths: [String] = []

        func run() async throws {
            let found = RulePackLocator().locate(explicit: paths, explicitSource: "arguments")
            let paths = found.paths
            printError("rules: testing \(paths.joined(separator: ", ")) (\(found.source))\(filter.map { ", rules matching '\($0)'" } ?? "")")
            let packs: [RulePack]
            let report: RuleTestRunner.Report
            let include: (String) -> Bool = { id in filter.map { fnmatch($0, id, 0) == 0 } ?? true }
            do {
                packs = try RulePackLoader.load(paths: paths)
                if let filter, !packs.contains(where: { $0.rules.contains { include($0.id) } }) {
                    printError("gatehouse: no rule id matches '\(filter)' (ids look like 'pii.uk_phone'; * and ? are wildcards)")
                    throw ExitCode(2)
                }
                report = try RuleTestRunner(registry: .standard).run(packs, include: include)
            } catch let error as RulePackError {
                printError("gatehouse: cannot load rules: \(error)")
                throw ExitCode(2)
            }
            for failure in report.failures {
                print("FAIL \(failure)\n")
            }
            if !report.rulesWithoutTests.isEmpty {
                print("rules without tests: \(report.rulesWithoutTests.joined(separator: ", "))")
            }
            if let junit {
                do {
                    try JUnitReport.xml(report).write(toFile: junit, atomically: true, encoding: .utf8)
                } catch {
                    printError("gatehouse: cannot write the JUnit report to \(junit): \(error.localizedDescription)")
                    throw ExitCode(2)
                }
            }
            let rules = report.rules.subtracting(["(pack tests)"]).count
            print("rule tests: \(report.passed) passed, \(report.failed) failed (\(rules) rules in \(Set(report.results.map(\.file)).count) packs)")
            if report.failed > 0 { throw ExitCode(1) }
        }
    }

    struct LintRules: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "lint",
            abstract: "Compile rule packs and report problems without running their tests.",
            discussion: """
                Errors: a pack that does not compile (exit 2: the file, line, rule and key, with a \
                "did you mean" for a misspelt key); a rule id used twice; a PII pattern that hits \
                its match limit on inputs built to make it backtrack (runs of the characters its \
                classes accept, near misses of its own tests). Warnings: a PII pattern slower than \
                the budget per kilobyte or super-linear; a rule without both match and no_match \
                tests. Exit status 1 on any error; warnings print but pass.

                Examples:
                  gatehouse rules lint rules
                  gatehouse rules lint --json rules/pii > lint.json
                """
        )

        @Flag(name: .long, help: "Print the problems and the rule set as JSON, for tools.")
        var json = false

        @Option(name: .long, help: ArgumentHelp("Time budget per kilobyte of probe input, in milliseconds.", valueName: "ms"))
        var budget: Double = 2

        @Argument(help: ArgumentHelp(
            "Rule pack files or directories. Default: $GATEHOUSE_RULES, ./rules, the installed packs, the checkout's.",
            valueName: "path"))
        var paths: [String] = []

        func run() async throws {
            let found = RulePackLocator().locate(explicit: paths, explicitSource: "arguments")
            let paths = found.paths
            printError("rules: linting \(paths.joined(separator: ", ")) (\(found.source))")
            let ruleSet: RuleSet
            do {
                ruleSet = try RuleSet.load(paths: paths)
            } catch let error as RulePackError {
                printError("gatehouse: \(error)")
                throw ExitCode(2)
            }
            let problems = RuleLinter(probe: BacktrackingProbe(secondsPerKilobyte: budget / 1_000)).lint(ruleSet.packs)
            let errors = problems.count { $0.severity == .error }
            let warnings = problems.count - errors
            let plugins = ruleSet.pipeline.plugins.map(\.name).joined(separator: " → ")
            if json {
                var output = JSONText()
                output.object { json in
                    json.field("ruleSet", ruleSet.version)
                    json.field("rules", ruleSet.ruleCount)
                    json.field("packs", ruleSet.packs.count)
                    json.field("errors", errors)
                    json.field("warnings", warnings)
                    json.key("problems")
                    json.beginArray()
                    for problem in problems {
                        json.object { json in
                            json.field("severity", problem.severity.rawValue)
                            json.field("check", problem.check)
                            json.field("file", problem.file)
                            json.field("line", problem.line ?? 0)
                            json.field("rule", problem.rule)
                            json.field("message", problem.message)
                        }
                    }
                    json.endArray()
                }
                print(output.text)
            } else {
                problems.forEach { print($0) }
                print("\(ruleSet.ruleCount) rules in \(ruleSet.packs.count) packs compile; rule set \(ruleSet.shortVersion); pipeline: \(plugins); \(errors) errors, \(warnings) warnings")
            }
            if errors > 0 { throw ExitCode(1) }
        }
    }
}
