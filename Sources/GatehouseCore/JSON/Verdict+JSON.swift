import Foundation

extension Verdict {
    /// The verdict's fields inside an object the caller has opened:
    /// `"decision", "text", "findings": [...]`, each finding
    /// `{"plugin", "rule", "category", "action", "start", "end"}` plus its attributes, and with
    /// `explain` its score, explanation, replacement and the candidates let go (`notTaken`).
    ///
    /// `gatehouse check --json`, `gatehouse scan` and `POST /v1/check` all write this shape.
    public func writeJSON(into json: inout JSONText, explain: Bool) {
        json.field("decision", decision.rawValue)
        json.field("text", text)
        json.key("findings")
        json.beginArray()
        for finding in findings {
            json.beginObject()
            json.field("plugin", finding.plugin)
            json.field("rule", finding.rule)
            json.field("category", finding.category)
            json.field("action", finding.action.rawValue)
            json.field("start", finding.start)
            json.field("end", finding.end)
            if finding.shadow { json.field("shadow", true) }
            for key in finding.attributes.keys.sorted() {
                json.field(key, finding.attributes[key]!)
            }
            if explain {
                json.key("score")
                json.raw(String(format: "%.2f", finding.score))
                json.field("explanation", finding.explanation)
                if let replacement = finding.replacement { json.field("replacement", replacement) }
            }
            json.endObject()
        }
        json.endArray()
        guard explain else { return }
        json.key("notTaken")
        json.beginArray()
        for note in notes {
            json.beginObject()
            json.field("plugin", note.plugin)
            json.field("rule", note.rule)
            json.field("start", note.start)
            json.field("end", note.end)
            json.field("reason", note.reason)
            json.endObject()
        }
        json.endArray()
    }
}
