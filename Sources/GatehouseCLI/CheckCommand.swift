import ArgumentParser
import Foundation
import GatehouseCore
import GatehouseRuntime

/// `gatehouse check`: the verdict for one text.
struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Run the pipeline on one text and print the verdict.",
        discussion: """
            Prints the decision, the redacted text and every finding, with offsets in Unicode \
            scalars of the text (as it displays: bidi controls resolved). --explain adds, for each finding, why the rule fired \
            (pattern, validator, context word) and what it did, and lists the candidates that \
            were let go and why. Nothing is stored.
            """
    )

    @Argument(help: ArgumentHelp("The text to check, or - to read standard input (the default).", valueName: "text"))
    var text: String = "-"

    @Flag(help: "Print the verdict as JSON.")
    var json = false

    @Flag(help: "Show why every rule fired and what it did.")
    var explain = false

    @Option(help: ArgumentHelp("Colour: auto (on a terminal, unless NO_COLOR is set), always or never.", valueName: "when"))
    var color: String = "auto"

    @OptionGroup var rules: RulesOptions

    func run() async throws {
        let input = text == "-" ? try readStandardInput() : text
        guard !input.isEmpty else {
            printError("gatehouse check: no text to check: give it as an argument, or on standard input")
            throw ExitCode(2)
        }
        guard let colorChoice = Palette.Choice(rawValue: color) else {
            printError("gatehouse check: --color takes auto, always or never, not '\(color)'")
            throw ExitCode(2)
        }
        let ruleSet = try rules.loadRuleSet()
        let verdict = ruleSet.pipeline.evaluate(text: input, context: EvaluationContext(explain: explain))
        if json {
            var output = JSONText()
            output.beginObject()
            verdict.writeJSON(into: &output, explain: explain)
            output.endObject()
            print(output.text)
        } else {
            print(Self.render(verdict, original: input, explain: explain, ruleSet: ruleSet, palette: Palette(colorChoice)))
        }
    }

    /// The verdict as text for a person.
    static func render(_ verdict: Verdict, original: String, explain: Bool, ruleSet: RuleSet, palette: Palette = .plain) -> String {
        let decision: String
        switch verdict.decision {
        case .accepted: decision = palette.green(verdict.decision.rawValue)
        case .held: decision = palette.yellow(verdict.decision.rawValue)
        case .rejected: decision = palette.red(verdict.decision.rawValue)
        }
        var lines = ["decision: \(palette.bold(decision))", "text: \(verdict.text)"]
        if verdict.findings.isEmpty {
            lines.append("findings: none")
        } else {
            lines.append("findings:")
        }
        func span(_ start: Int, _ end: Int) -> String {
            ScalarOffsets.substring(of: verdict.resolvedText ?? original, from: start, to: end).debugDescription
        }
        for finding in verdict.findings {
            var line = "  \(finding.start)..<\(finding.end)  \(palette.bold(finding.category))  \(palette.cyan("\(finding.plugin)/\(finding.rule)"))  \(finding.action.rawValue)"
            if finding.shadow { line += " (shadow: not applied)" }
            lines.append(line)
            for (key, value) in finding.attributes.sorted(by: { $0.key < $1.key }) {
                lines.append("      \(key): \(value)")
            }
            guard explain else { continue }
            lines.append("      matched: \(palette.red(span(finding.start, finding.end)))")
            lines.append("      why: \(finding.explanation)")
            lines.append("      score: \(String(format: "%.2f", finding.score))")
            if let replacement = finding.replacement {
                lines.append("      did: replaced with \(replacement)")
            } else if finding.shadow {
                lines.append("      did: nothing (shadow mode); would \(finding.action.rawValue)")
            } else {
                lines.append("      did: \(finding.action.rawValue)")
            }
        }
        if explain {
            if !verdict.notes.isEmpty {
                lines.append("not taken:")
                for note in verdict.notes {
                    lines.append(palette.dim("  \(note.start)..<\(note.end)  \(note.plugin)/\(note.rule)  \(span(note.start, note.end)): \(note.reason)"))
                }
            }
            let plugins = ruleSet.pipeline.plugins.map(\.name).joined(separator: " → ")
            lines.append("rules: \(ruleSet.ruleCount) in \(ruleSet.packs.count) packs; pipeline: \(plugins)")
        }
        return lines.joined(separator: "\n")
    }
}
