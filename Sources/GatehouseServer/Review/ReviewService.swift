import Foundation
import GatehouseCore
import GatehouseRuntime
import Logging

/// The moderators' side of the gateway: the queue, one item with its findings and history,
/// claims, decisions (one or in bulk) and the events that keep open pages current.
///
/// The state machine: an item is held `pending`; a moderator may claim it (others then cannot
/// claim or decide it until the claim is released or expires) and decide it `approved`,
/// `edited` or `rejected`, which is final. Every change raises the item's `version`, and every
/// decision names the version it was made on, so that two moderators' decisions cannot cross.
public final class ReviewService: Sendable {
    let store: any ReviewStore
    /// Changes to the queue, for `GET /v1/review/events`.
    public let events: ReviewEvents
    let claimDuration: TimeInterval
    /// The reason codes a rejection may give.
    let rejectReasons: [String]
    private let decoder: SubmissionDecoder
    private let rules: @Sendable () -> RuleSet
    private let textHash: @Sendable (String) -> String
    private let metrics: Metrics
    private let writes: StoreWrites
    private let logger: Logger

    init(
        store: any ReviewStore, configuration: ServerConfiguration, decoder: SubmissionDecoder, rules: @escaping @Sendable () -> RuleSet,
        textHash: @escaping @Sendable (String) -> String, metrics: Metrics, logger: Logger
    ) {
        self.store = store
        events = ReviewEvents()
        claimDuration = TimeInterval(configuration.claimMinutes * 60)
        rejectReasons = configuration.rejectReasons
        self.decoder = decoder
        self.rules = rules
        self.textHash = textHash
        self.metrics = metrics
        writes = StoreWrites(metrics: metrics, logger: logger)
        self.logger = logger
    }

    /// The most ids one bulk request may name.
    public static let maxBulk = 200

    // MARK: Reading

    /// `GET /v1/review`: a page of held items, with counts of pending items per reason.
    public func list(_ query: ReviewQuery, now: Date = Date()) async throws -> GatewayResponse {
        let page = try await store.page(query, now: now)
        return GatewayResponse(200, capacity: page.items.reduce(256) { $0 + $1.text.utf8.count + 360 }) { json in
            json.key("items")
            json.beginArray()
            for item in page.items {
                json.object { ReviewJSON.writeSummary(item, into: &$0) }
            }
            json.endArray()
            json.field("next", page.next)
            json.field("pending", page.pending)
            json.field("rejectReasons", rejectReasons)
            json.key("counts")
            json.object { json in
                for reason in page.counts.keys.sorted() { json.field(reason, page.counts[reason]!) }
            }
        }
    }

    /// `GET /v1/review/{id}`: the held text, its findings with their spans in that text and
    /// why each fired, the version, the claim and every audited action on the item.
    public func detail(id: String, now: Date = Date()) async throws -> GatewayResponse {
        guard let item = try await store.item(id: id, now: now) else { throw GatewayError(404, ReviewError.notFound(itemId: id).description) }
        let history = try await store.history(of: id)
        return GatewayResponse(200, capacity: item.text.utf8.count + 400 * (item.findings.count + history.count + 1)) { json in
            ReviewJSON.writeDetail(item, history: history, into: &json)
        }
    }

    // MARK: Claims

    /// `POST /v1/review/{id}/claim`, body empty or `{"version": N}`: holds the item for the
    /// caller for the configured time (renewing the caller's own claim).
    public func claim(id: String, body: Data, caller: Caller, now: Date = Date()) async throws -> GatewayResponse {
        let version = try optionalVersion(in: body, route: "claim")
        return Self.answer(try await claim(id: id, version: version, caller: caller, now: now))
    }

    /// `POST /v1/review/{id}/release`, body empty or `{"version": N}`: gives up the caller's
    /// claim; an admin may release anyone's.
    public func release(id: String, body: Data, caller: Caller, now: Date = Date()) async throws -> GatewayResponse {
        let version = try optionalVersion(in: body, route: "release")
        return Self.answer(try await release(id: id, version: version, caller: caller, now: now))
    }

    private func claim(id: String, version: Int?, caller: Caller, now: Date) async throws -> ReviewItem {
        let item = try await changing("a claim") {
            try await store.claim(ClaimRequest(itemId: id, moderator: caller.label, version: version, time: now, duration: claimDuration))
        }
        metrics.reviewed("claim")
        events.publish("claimed", item: item)
        return item
    }

    private func release(id: String, version: Int?, caller: Caller, now: Date) async throws -> ReviewItem {
        let (item, released) = try await changing("a release") {
            try await store.release(
                ClaimRequest(itemId: id, moderator: caller.label, version: version, time: now, force: caller.role == .admin))
        }
        if released {
            metrics.reviewed("release")
            events.publish("released", item: item)
        }
        return item
    }

    // MARK: Decisions

    /// `POST /v1/review/{id}/approve|edit|reject`: a moderator's decision on a held item, made
    /// on the version the body names, stored with its audit entry in one transaction. An
    /// edited text is checked on its own first (redaction and profanity rules, not repeats):
    /// its redactions are applied, and a text that would still be held or rejected is refused
    /// with the rules that object. A rejection gives a reason code from the configured list.
    public func decide(id: String, action: ReviewResolution.Action, body: Data, caller: Caller, now: Date = Date()) async throws
        -> GatewayResponse
    {
        let fields = try decisionFields(action, in: body)
        let (outcome, findings) = try await decide(id: id, action: action, fields: fields, caller: caller, now: now)
        let published = outcome.published
        return GatewayResponse(200, capacity: (published?.text.utf8.count ?? 0) + 200) { json in
            json.field("id", id)
            json.field("status", action.status)
            json.field("decision", action.decision.rawValue)
            json.field("version", outcome.item.version)
            if let reason = fields.reason { json.field("reason", reason) }
            if let published {
                json.field("seq", published.seq)
                json.field("text", published.text)
                Gateway.writeRedactions(findings, into: &json)
            }
        }
    }

    /// A decision stored and announced; with the findings of an edited text.
    private func decide(id: String, action: ReviewResolution.Action, fields: DecisionFields, caller: Caller, now: Date) async throws
        -> (ResolutionOutcome, [Finding])
    {
        var editedText: String?
        var findings: [Finding] = []
        var rulesVersion: String?
        if let text = fields.text {
            let ruleSet = rules()
            rulesVersion = ruleSet.version
            let verdict = ruleSet.textOnlyPipeline.evaluate(text: text)
            guard verdict.decision == .accepted else {
                let objections = verdict.findings.filter { !$0.shadow && $0.action.decision != .accepted }
                    .map { "\($0.rule) (\($0.category), characters \($0.start)–\($0.end))" }
                throw GatewayError(422, "the edited text would be \(verdict.decision.rawValue): \(objections.joined(separator: "; "))")
            }
            editedText = verdict.text
            findings = verdict.findings
        }
        let resolution = ReviewResolution(
            itemId: id, action: action, actor: caller.label, version: fields.version, reason: fields.reason, editedText: editedText,
            findings: findings.map(AuditFinding.init), time: now, rulesVersion: rulesVersion, textHash: textHash)
        let outcome = try await changing("a review decision") { try await store.resolve(resolution) }
        if !outcome.erasedOldVersions {
            logger.warning("could not truncate the WAL after a review; older page copies stay until it is reused")
        }
        metrics.reviewed(action.rawValue)
        events.publish(action.status, item: outcome.item)
        logger.info("held item resolved", metadata: ["action": "\(action.rawValue)", "actor": "\(caller.label)"])
        return (outcome, findings)
    }

    /// `POST /v1/review/bulk` `{"action", "ids", "reason"?, "versions"?}`: each id decided (or
    /// claimed, or released) on its own; one answer lists what was done and what was refused
    /// and why. `versions` (`{"id": N}`) makes each decision check the version it was read at.
    public func bulk(body: Data, caller: Caller, now: Date = Date()) async throws -> GatewayResponse {
        let request = try bulkRequest(in: body)
        var done: [ReviewItem] = []
        var refused: [(id: String, error: GatewayError)] = []
        for id in request.ids {
            let version = request.versions[id]
            do {
                switch request.action {
                case "claim": done.append(try await claim(id: id, version: version, caller: caller, now: now))
                case "release": done.append(try await release(id: id, version: version, caller: caller, now: now))
                default:
                    let action = ReviewResolution.Action(rawValue: request.action)!
                    let fields = DecisionFields(version: version, reason: request.reason, text: nil)
                    done.append(try await decide(id: id, action: action, fields: fields, caller: caller, now: now).0.item)
                }
            } catch let error as GatewayError {
                refused.append((id, error))
            }
        }
        return GatewayResponse(200, capacity: 128 + 160 * request.ids.count) { json in
            json.field("action", request.action)
            json.key("done")
            json.beginArray()
            for item in done {
                json.object { json in
                    json.field("id", item.id)
                    json.field("status", item.status)
                    json.field("version", item.version)
                }
            }
            json.endArray()
            json.key("refused")
            json.beginArray()
            for (id, error) in refused {
                json.object { json in
                    json.field("id", id)
                    json.field("status", error.status)
                    json.field("message", error.message)
                    if let current = error.current {
                        json.key("current")
                        json.raw(String(decoding: current, as: UTF8.self))
                    }
                }
            }
            json.endArray()
        }
    }

    /// Tells open pages that an item was held (after its commit).
    func announceHeld(id: String, reasons: [String]) {
        var json = JSONText(capacity: 128)
        json.object { json in
            json.field("id", id)
            json.field("status", "pending")
            json.field("version", 1)
            json.field("reasons", reasons)
            json.field("claim", nil as String?)
        }
        events.publish("held", data: json.text)
    }

    // MARK: Helpers

    /// A claim's or decision's answer: the item as it now is.
    private static func answer(_ item: ReviewItem) -> GatewayResponse {
        GatewayResponse(200, capacity: item.text.utf8.count + 360) { ReviewJSON.writeSummary(item, into: &$0) }
    }

    /// Runs a store change; a `ReviewError` becomes 404 or a 409 with the item's current state.
    private func changing<T>(_ what: String, _ change: () async throws -> T) async throws -> T {
        do {
            return try await writes.run(what, refusal: "the store could not commit this change; the item is unchanged; retry") {
                try await change()
            }
        } catch let error as ReviewError {
            metrics.refused(status: error.current == nil ? 404 : 409)
            guard let current = error.current else { throw GatewayError(404, error.description) }
            throw GatewayError(409, error.description, current: ReviewJSON.summary(current))
        }
    }

    struct DecisionFields {
        var version: Int?
        var reason: String?
        var text: String?
    }

    /// The fields of a decision's body: `version` (required) and, for a rejection, `reason`;
    /// for an edit, `text`. Anything else is refused, naming the field.
    func decisionFields(_ action: ReviewResolution.Action, in body: Data) throws(GatewayError) -> DecisionFields {
        let allowed: [String] = switch action {
        case .approve: ["version"]
        case .reject: ["version", "reason"]
        case .edit: ["version", "text"]
        }
        let object = try fields(in: body, allowed: allowed, route: action.rawValue, required: true)
        var fields = DecisionFields(version: try version(in: object))
        guard fields.version != nil else {
            throw GatewayError(
                400, "field 'version' is required: the item's version as GET /v1/review/{id} gave it, so that two decisions cannot cross")
        }
        if action == .reject {
            fields.reason = try reason(object["reason"], field: "reason")
        }
        if action == .edit {
            do throws(SubmissionInputError) {
                fields.text = try decoder.decode(object: ["text": object["text"] ?? .null]).text
            } catch {
                throw GatewayError(error)
            }
        }
        return fields
    }

    /// A reason code from the configured list, or a 400 that lists them.
    private func reason(_ value: JSONValue?, field: String) throws(GatewayError) -> String {
        guard let value else {
            throw GatewayError(400, "field '\(field)' is required: one of \(rejectReasons.joined(separator: ", "))")
        }
        guard let code = value.string, rejectReasons.contains(code) else {
            throw GatewayError(400, "field '\(field)' must be one of \(rejectReasons.joined(separator: ", "))")
        }
        return code
    }

    private func optionalVersion(in body: Data, route: String) throws(GatewayError) -> Int? {
        try version(in: fields(in: body, allowed: ["version"], route: route, required: false))
    }

    private func version(in object: [String: JSONValue]) throws(GatewayError) -> Int? {
        guard let value = object["version"] else { return nil }
        guard let number = Self.wholeNumber(value), number >= 1 else {
            throw GatewayError(400, "field 'version' must be a whole number ≥ 1 (the item's version)")
        }
        return number
    }

    /// The body's object with only `allowed` keys; an empty body is `{}` unless `required`.
    private func fields(in body: Data, allowed: [String], route: String, required: Bool) throws(GatewayError) -> [String: JSONValue] {
        if body.isEmpty, !required { return [:] }
        let object: [String: JSONValue]
        do throws(SubmissionInputError) {
            object = try decoder.parseObject(body)
        } catch {
            throw GatewayError(error)
        }
        if let key = object.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw GatewayError(400, "field '\(key)' is not known (\(route) takes \(allowed.map { "'\($0)'" }.joined(separator: ", ")))")
        }
        return object
    }

    /// A JSON whole number a client can hold exactly (at most 2^53 - 1, as the API document
    /// says: JavaScript's numbers stop being exact beyond it); nil for anything else, `true`
    /// and `false` included.
    static func wholeNumber(_ value: JSONValue) -> Int? {
        guard let whole = value.wholeNumber, whole <= maxExactInteger else { return nil }
        return whole
    }

    static let maxExactInteger = 9_007_199_254_740_991

    struct BulkRequest {
        var action: String
        var ids: [String]
        var reason: String?
        var versions: [String: Int]
    }

    static let bulkActions = ["approve", "reject", "claim", "release"]

    func bulkRequest(in body: Data) throws(GatewayError) -> BulkRequest {
        let object = try fields(in: body, allowed: ["action", "ids", "reason", "versions"], route: "bulk", required: true)
        guard let action = object["action"]?.string, Self.bulkActions.contains(action) else {
            throw GatewayError(400, "field 'action' must be one of \(Self.bulkActions.joined(separator: ", ")) (edit one item at a time)")
        }
        guard let ids = object["ids"]?.array, !ids.isEmpty, ids.count <= Self.maxBulk else {
            throw GatewayError(400, "field 'ids' must be a list of 1 to \(Self.maxBulk) item ids")
        }
        var seen = Set<String>()
        var list: [String] = []
        for (index, value) in ids.enumerated() {
            guard let id = value.string, !id.isEmpty else { throw GatewayError(400, "field 'ids[\(index)]' must be an item id") }
            guard seen.insert(id).inserted else { throw GatewayError(400, "field 'ids[\(index)]' repeats '\(id)'") }
            list.append(id)
        }
        var reason: String?
        if action == "reject" {
            reason = try self.reason(object["reason"], field: "reason")
        } else if object["reason"] != nil {
            throw GatewayError(400, "field 'reason' is only for reject")
        }
        var versions: [String: Int] = [:]
        if let given = object["versions"] {
            guard let map = given.object else { throw GatewayError(400, "field 'versions' must map item ids to versions") }
            for (id, value) in map {
                guard let number = Self.wholeNumber(value), number >= 1 else {
                    throw GatewayError(400, "field 'versions.\(id)' must be a whole number ≥ 1")
                }
                versions[id] = number
            }
        }
        return BulkRequest(action: action, ids: list, reason: reason, versions: versions)
    }
}
