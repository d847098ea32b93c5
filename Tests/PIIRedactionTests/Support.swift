import Foundation
import GatehouseCore
import GatehouseRuntime

/// Paths in the repository, found from this file.
enum Repository {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static var piiRules: String { root.appendingPathComponent("rules/pii").path }
    static func fixture(_ name: String) -> String { root.appendingPathComponent("Tests/Fixtures/\(name)").path }
}

/// The shipped PII rules, compiled once for the whole test run.
let shippedPII: RuleSet = {
    do {
        return try RuleSet.load(paths: [Repository.piiRules])
    } catch {
        fatalError("the shipped PII rules do not load: \(error)")
    }
}()

/// Runs `text` through the shipped PII rules.
func redact(_ text: String) -> Verdict {
    shippedPII.pipeline.evaluate(text: text, context: EvaluationContext(explain: true))
}
