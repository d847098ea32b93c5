import Foundation
import GatehouseCore

/// How the review routes write held items: a summary in listings and events, everything
/// (findings with their spans in the held text, the claim, the history) for one item.
enum ReviewJSON {
    static let timeStyle = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    /// `{"moderator", "expiresAt"}` or `null`.
    static func write(claim: ReviewClaim?, into json: inout JSONText) {
        guard let claim else {
            json.null()
            return
        }
        json.object { json in
            json.field("moderator", claim.moderator)
            json.field("expiresAt", claim.expiresAt.formatted(timeStyle))
        }
    }

    /// The fields every answer about an item has, inside an object the caller opened.
    static func writeSummary(_ item: ReviewItem, into json: inout JSONText) {
        json.field("seq", item.seq)
        json.field("id", item.id)
        json.field("conversation", item.conversation)
        json.field("status", item.status)
        json.field("version", item.version)
        json.field("text", item.text)
        json.field("reasons", item.reasons)
        json.field("priority", item.priority)
        json.field("receivedAt", item.receivedAt.formatted(timeStyle))
        json.field("heldAt", item.heldAt.formatted(timeStyle))
        if let resolvedAt = item.resolvedAt { json.field("resolvedAt", resolvedAt.formatted(timeStyle)) }
        json.key("claim")
        write(claim: item.claim, into: &json)
    }

    /// The summary, the findings (spans in `text`, Unicode scalars) and the history.
    static func writeDetail(_ item: ReviewItem, history: [AuditEntry], into json: inout JSONText) {
        writeSummary(item, into: &json)
        json.key("findings")
        json.beginArray()
        for finding in item.findings {
            json.object { json in
                json.field("plugin", finding.plugin)
                json.field("rule", finding.rule)
                json.field("category", finding.category)
                json.field("action", finding.action)
                json.field("severity", finding.severity)
                json.field("start", finding.start)
                json.field("end", finding.end)
                json.field("explanation", finding.explanation)
                if finding.shadow { json.field("shadow", true) }
            }
        }
        json.endArray()
        json.key("history")
        json.beginArray()
        for entry in history {
            json.object { entry.writeJSON(into: &$0) }
        }
        json.endArray()
    }

    /// An item as one JSON object's bytes (for the `current` state of a 409).
    static func summary(_ item: ReviewItem) -> [UInt8] {
        var json = JSONText(capacity: item.text.utf8.count + 320)
        json.object { writeSummary(item, into: &$0) }
        return json.bytes
    }
}
