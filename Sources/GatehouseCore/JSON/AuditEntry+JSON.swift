import Foundation

extension AuditEntry {
    /// The entry's fields inside an object the caller has opened, in the order of the chain's
    /// encoding: `seq, time, actor, event, itemId, decision, findings, textHash, prevHash, hash`
    /// (with `rulesVersion` and, when there is one, `reason`, last in the hash, written before `prevHash`).
    /// `time` is ISO 8601 in UTC with milliseconds, the precision the hash covers.
    public func writeJSON(into json: inout JSONText) {
        json.field("seq", seq)
        json.field("time", time.formatted(Self.timeStyle))
        json.field("actor", actor)
        json.field("event", event)
        json.field("itemId", itemId)
        json.field("decision", decision)
        json.key("findings")
        AuditFinding.write(findings, into: &json)
        json.field("textHash", textHash)
        json.field("rulesVersion", rulesVersion)
        if let reason { json.field("reason", reason) }
        json.field("prevHash", prevHash)
        json.field("hash", hash)
    }

    /// The entry as one JSON object.
    public var jsonText: String {
        var json = JSONText(capacity: 512)
        json.object { writeJSON(into: &$0) }
        return json.text
    }

    static let timeStyle = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
}

extension AuditFinding {
    /// The findings as the audit log stores and hashes them: a JSON array of objects with
    /// their keys in alphabetical order (`action, category, end, plugin, rule, start`), the
    /// bytes `JSONEncoder` with `.sortedKeys` wrote for the entries before it.
    public static func canonicalJSON(_ findings: [AuditFinding]) -> String {
        var json = JSONText(capacity: 16 + findings.count * 112)
        write(findings, into: &json)
        return json.text
    }

    /// The findings array in the canonical form, written where `json` stands.
    public static func write(_ findings: [AuditFinding], into json: inout JSONText) {
        json.beginArray()
        for finding in findings {
            json.object { json in
                json.field("action", finding.action)
                json.field("category", finding.category)
                json.field("end", finding.end)
                json.field("plugin", finding.plugin)
                json.field("rule", finding.rule)
                // Only when set, so that the entries before it was kept hash as they did.
                if finding.shadow { json.field("shadow", true) }
                json.field("start", finding.start)
            }
        }
        json.endArray()
    }
}
