import Foundation
import GatehouseCore

extension Verdict {
    /// The verdict as one JSON object: `{"decision", "text", "findings": [...]}`, each finding
    /// `{"plugin", "rule", "category", "action", "start", "end"}` plus its attributes, and with
    /// `explain` its score, explanation, replacement and the candidates let go.
    func writeJSON(into json: inout JSONText, explain: Bool) {
        json.field("decision", decision.rawValue)
        json.field("text", text)
        json.key("findings")
        json.raw("[")
        for (index, finding) in findings.enumerated() {
            if index > 0 { json.raw(",") }
            json.raw("{")
            json.field("plugin", finding.plugin)
            json.field("rule", finding.rule)
            json.field("category", finding.category)
            json.field("action", finding.action.rawValue)
            json.field("start", finding.start)
            json.field("end", finding.end)
            if finding.shadow {
                json.key("shadow")
                json.raw("true")
            }
            for key in finding.attributes.keys.sorted() {
                json.field(key, finding.attributes[key]!)
            }
            if explain {
                json.key("score")
                json.raw(String(format: "%.2f", finding.score))
                json.field("explanation", finding.explanation)
                if let replacement = finding.replacement { json.field("replacement", replacement) }
            }
            json.raw("}")
        }
        json.raw("]")
        if explain {
            json.key("notTaken")
            json.raw("[")
            for (index, note) in notes.enumerated() {
                if index > 0 { json.raw(",") }
                json.raw("{")
                json.field("plugin", note.plugin)
                json.field("rule", note.rule)
                json.field("start", note.start)
                json.field("end", note.end)
                json.field("reason", note.reason)
                json.raw("}")
            }
            json.raw("]")
        }
    }
}
