import Foundation
import GatehouseCore
import GatehouseRuntime
import GatehouseStores
import Logging
import Synchronization

/// An answer for the HTTP layer: a status and a JSON body.
public struct GatewayResponse: Sendable {
    public var status: Int
    public var body: Data

    /// A JSON object written by `body`.
    init(_ status: Int, capacity: Int = 128, _ body: (inout JSONText) -> Void) {
        var json = JSONText(capacity: capacity)
        json.beginObject()
        body(&json)
        json.endObject()
        self.status = status
        self.body = Data(json.bytes)
    }

    init(status: Int, body: Data) {
        self.status = status
        self.body = body
    }
}

/// The gateway without HTTP: takes submissions, decides, stores, audits; checks, reloads rules.
/// The HTTP routes and the tests both call it.
public final class Gateway: Sendable {
    public let configuration: ServerConfiguration
    /// Everything kept: contributions, the review queue, the audit log, fingerprints,
    /// idempotency answers (SQLite in the data directory, or a shared PostgreSQL).
    public let stores: any GatewayStores
    public let metrics = Metrics()
    let tokens: TokenStore
    let hasher: KeyedHasher
    /// The moderators' queue, claims and decisions.
    public let reviews: ReviewService
    private let writes: StoreWrites
    private let ruleSets: LiveRuleSets
    private let decoder: SubmissionDecoder
    let rateLimiter: RateLimiter
    /// How other gateways on a shared store know this one: host and port.
    public let name: String
    /// The rules generation this gateway has caught up with (a shared store's counter).
    private let rulesGeneration = Mutex<Int64?>(nil)
    private let inFlight = InFlightKeys()
    private let logger: Logger
    /// Held while the gateway lives: a second gateway on this data directory is refused.
    private let lock: DataDirectoryLock?

    /// The audit log (read side).
    public var audit: any AuditLog { stores.audit }

    /// A gateway on the embedded store: opens the data directory (creating it, the database
    /// and the secret key as needed) and compiles the rules. A bad rule set stops the start
    /// with a clear error. A configuration naming a shared store needs `Gateway.open`.
    public convenience init(configuration: ServerConfiguration, logger: Logger = Logger(label: "gatehouse")) throws {
        guard configuration.storage == .sqlite else {
            throw ConfigurationError("storage: a shared PostgreSQL store is opened with Gateway.open (it connects asynchronously)")
        }
        let directory = configuration.dataDirectory
        let manager = FileManager.default
        try manager.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        Self.warnIfOthersCanRead(directory, "the data directory can be read by other users; chmod 700 it", logger: logger)
        let lock = try DataDirectoryLock(directory: directory)
        let databasePath = (directory as NSString).appendingPathComponent("gatehouse.sqlite")
        let secret = try configuration.secretFile.map { try Self.secret(file: $0, logger: logger) }
            ?? Self.secret(in: directory, databaseExists: manager.fileExists(atPath: databasePath), logger: logger)
        try self.init(
            configuration: configuration, stores: try StoreFactory.sqlite(path: databasePath), hasher: KeyedHasher(secret: secret),
            lock: lock, logger: logger)
    }

    /// A gateway on the store the configuration names: the embedded SQLite store, or a
    /// PostgreSQL server shared with other gateways (connected, migrated and checked against
    /// their secret key before the gateway starts).
    public static func open(configuration: ServerConfiguration, logger: Logger = Logger(label: "gatehouse")) async throws -> Gateway {
        guard case .postgres(let settings) = configuration.storage else {
            return try Gateway(configuration: configuration, logger: logger)
        }
        guard let file = configuration.secretFile else {
            throw ConfigurationError(
                "storage: gateways sharing a store need the same secret key: set secret_file (or GATEHOUSE_SECRET_FILE) to a file of at least 16 random bytes")
        }
        let hasher = KeyedHasher(secret: try secret(file: file, logger: logger))
        let stores = try await StoreFactory.postgres(settings, keyCheck: keyCheck(hasher), logger: logger)
        do {
            return try Gateway(configuration: configuration, stores: stores, hasher: hasher, lock: nil, logger: logger)
        } catch {
            await stores.close()
            throw error
        }
    }

    /// The value that shows two gateways have the same secret key without showing the key.
    static func keyCheck(_ hasher: KeyedHasher) -> String {
        hasher.hexMAC("gatehouse key check", domain: "gatehouse.key-check")
    }

    private init(
        configuration: ServerConfiguration, stores: any GatewayStores, hasher: KeyedHasher, lock: DataDirectoryLock?, logger: Logger
    ) throws {
        self.configuration = configuration
        self.logger = logger
        self.lock = lock
        self.stores = stores
        self.hasher = hasher
        tokens = try configuration.tokenStore(logger: logger)
        let decoder = SubmissionDecoder(policy: .api(maxTextCharacters: configuration.maxTextCharacters, maxDepth: configuration.maxJSONDepth))
        self.decoder = decoder
        rateLimiter = RateLimiter(perMinute: configuration.ratePerMinute)
        name = "\(ProcessInfo.processInfo.hostName):\(configuration.port)"
        let ruleSets = LiveRuleSets(try Self.compile(configuration, fingerprints: stores.fingerprints, hasher: hasher, logger: logger))
        self.ruleSets = ruleSets
        writes = StoreWrites(metrics: metrics, logger: logger)
        reviews = ReviewService(
            store: stores.reviews, configuration: configuration, decoder: decoder,
            rules: { ruleSets.live }, textHash: { Self.auditTextHash($0, hasher: hasher) },
            metrics: metrics, logger: logger)
        if tokens.isEmpty {
            logger.warning("no API tokens configured: every /v1 route will answer 401 (see gatehouse serve --help)")
        }
    }

    /// The secret key in `file` (at least 16 bytes), as every gateway sharing a store reads it.
    static func secret(file: String, logger: Logger) throws -> Data {
        guard let key = FileManager.default.contents(atPath: file) else {
            throw ConfigurationError("secret_file: cannot read \(file); make one with: head -c 32 /dev/urandom > \(file) && chmod 600 \(file)")
        }
        guard key.count >= 16 else { throw ConfigurationError("secret_file: \(file) holds \(key.count) bytes; the key must be at least 16") }
        warnIfOthersCanRead(file, "the secret key can be read by other users; chmod 600 it", logger: logger)
        return key
    }

    /// The secret key for pseudonyms and keyed hashes: read from `secret.key`, or generated
    /// there (32 random bytes, mode 0600 from the moment it exists, synced to disk) on first run.
    ///
    /// Fails closed when the key is missing but the database is not: everything in it that is
    /// keyed (fingerprints, pseudonyms, idempotency keys, text hashes) was made with the lost
    /// key, and a new one would silently stop earlier items being recognised as repeats.
    static func secret(in directory: String, databaseExists: Bool, logger: Logger) throws -> Data {
        let path = (directory as NSString).appendingPathComponent("secret.key")
        if let existing = FileManager.default.contents(atPath: path) {
            guard existing.count >= 16 else { throw ConfigurationError("\(path): the secret key must be at least 16 bytes") }
            warnIfOthersCanRead(path, "the secret key can be read by other users; chmod 600 it", logger: logger)
            return existing
        }
        guard !databaseExists else {
            throw ConfigurationError(
                """
                \(path) is missing, but the database beside it exists and its fingerprints, pseudonyms, \
                idempotency keys and text hashes were made with that key. Restore the key from a backup. \
                Only to go on without recognising earlier items as repeats, make a new one: \
                head -c 32 /dev/urandom > \(path) && chmod 600 \(path)
                """)
        }
        var bytes = [UInt8](repeating: 0, count: 32)
        var generator = SystemRandomNumberGenerator()
        for index in bytes.indices { bytes[index] = UInt8.random(in: .min ... .max, using: &generator) }
        try writeNewFile(path, bytes: bytes, mode: 0o600)
        logger.notice("generated a new secret key", metadata: ["path": "\(path)"])
        return Data(bytes)
    }

    /// Logs `warning` (with the path and its mode) when `path` grants its group or others any access.
    private static func warnIfOthersCanRead(_ path: String, _ warning: Logger.Message, logger: Logger) {
        guard let mode = try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int, mode & 0o077 != 0 else { return }
        logger.warning(warning, metadata: ["path": "\(path)", "mode": "\(String(mode, radix: 8))"])
    }

    /// Creates `path` with `mode` (never wider, not even for a moment), writes `bytes` and
    /// syncs the file and its directory, so the key is on disk before anything keyed with it.
    /// Fails if the file exists: two servers starting at once do not overwrite each other's key.
    private static func writeNewFile(_ path: String, bytes: [UInt8], mode: mode_t) throws {
        let descriptor = openFile(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard descriptor >= 0 else { throw ConfigurationError("\(path): cannot create the secret key (\(String(cString: strerror(errno))))") }
        defer { close(descriptor) }
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard written == bytes.count, fsync(descriptor) == 0 else {
            unlink(path)
            throw ConfigurationError("\(path): cannot write the secret key (\(String(cString: strerror(errno))))")
        }
        let directory = openFile((path as NSString).deletingLastPathComponent, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directory >= 0 {
            _ = fsync(directory)
            close(directory)
        }
    }

    private static func compile(
        _ configuration: ServerConfiguration, fingerprints: any FingerprintIndex, hasher: KeyedHasher, logger: Logger
    ) throws -> CompiledRuleSets {
        let live = try RuleSet.load(
            paths: RulePackLocator().locate(explicit: configuration.rules).paths, order: configuration.pipeline,
            environment: PluginEnvironment(fingerprints: fingerprints, hasher: hasher), logger: logger)
        func dryRun(_ packs: [RulePack]) throws -> RuleSet {
            try RuleSet(
                packs: packs, order: configuration.pipeline,
                environment: PluginEnvironment(fingerprints: DryRunFingerprintIndex(fingerprints), hasher: hasher), logger: logger)
        }
        let checking = try dryRun(live.packs)
        // A third compiled set only where some rule is in shadow: compiling costs start-up time.
        var enforced = live.packs
        var anyShadow = false
        for pack in enforced.indices {
            for rule in enforced[pack].rules.indices where enforced[pack].rules[rule].mode == .shadow {
                enforced[pack].rules[rule].mode = .enforce
                anyShadow = true
            }
        }
        return CompiledRuleSets(live: live, dryRun: checking, dryRunEnforcingShadow: anyShadow ? try dryRun(enforced) : checking)
    }

    /// The caller presenting the bearer token in an `Authorization` header value; 401 without
    /// one that is known, 403 when its role may not call the route, 429 when over its rate.
    public func authorize(_ header: String?, allowed: Set<Role>) throws(GatewayError) -> Caller {
        // The scheme name is case-insensitive (RFC 9110, section 11.1).
        guard let header, header.count > 7, header.prefix(7).lowercased() == "bearer " else {
            metrics.refused(status: 401)
            throw GatewayError(401, "an API token is required: Authorization: Bearer <token>")
        }
        let token = String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces)
        guard let caller = tokens.caller(presenting: token) else {
            metrics.refused(status: 401)
            throw GatewayError(401, "the API token is not known")
        }
        guard allowed.contains(caller.role) else {
            metrics.refused(status: 403)
            throw GatewayError(403, "the \(caller.role.rawValue) role may not use this route")
        }
        if let wait = rateLimiter.secondsToWait(caller.index, label: caller.label) {
            metrics.refused(status: 429)
            throw GatewayError(
                429, "too many requests for this token; the limit is \(configuration.ratePerMinute) a minute", retryAfter: wait)
        }
        return caller
    }

    /// The submission in a request body, or a 400/413 naming the field; a `receivedAt` ahead
    /// of the gateway's clock is refused (`Submission.checkReceivedAt`).
    private func submission(in body: Data, now: Date) throws(GatewayError) -> Submission {
        do throws(SubmissionInputError) {
            let submission = try decoder.decode(body)
            try submission.checkReceivedAt(now: now)
            return submission
        } catch {
            let refusal = GatewayError(error)
            metrics.refused(status: refusal.status)
            throw refusal
        }
    }

    /// The submission as the rules judge it: on the gateway's clock. Duplicate, flood and
    /// campaign windows and the fingerprint index's retention run on that clock alone, so a
    /// `receivedAt` (stored as sent) can neither widen nor narrow them.
    private static func judged(_ submission: Submission, at now: Date) -> Submission {
        var judged = submission
        judged.receivedAt = now
        return judged
    }

    /// `POST /v1/submissions`: decide, store (accepted or held) and audit in one transaction;
    /// answer only after it has committed. A repeated `clientRef` from the same token gets the
    /// first answer; the same `clientRef` with a different submission is a 409.
    public func submit(_ body: Data, caller: Caller) async throws -> GatewayResponse {
        let started = DispatchTime.now().uptimeNanoseconds
        let now = Date()
        let submission = try submission(in: body, now: now)
        let idempotencyKey = submission.clientRef.map { hasher.hexMAC("\(caller.label)\u{1F}\($0)", domain: "gatehouse.clientRef") }
        let request = idempotencyKey == nil ? nil : requestDigest(submission)
        if let idempotencyKey {
            // A second request with this key (a double click, a quick retry) waits for the
            // first to finish, then gets its answer: judged side by side, the second would see
            // the first as a repeat, and whichever committed first would decide both.
            await inFlight.acquire(idempotencyKey)
        }
        defer { if let idempotencyKey { inFlight.release(idempotencyKey) } }
        // A retry is judged again and then answered from the store: its key is looked up only
        // inside the commit (`record`), not read first. Retries are rare, and a read before
        // every submission, through the reader pool, held up every intake that sends a clientRef.
        // What the other gateways on a shared store committed, so their items count as earlier.
        try await writes.run("a submission", refusal: "the store cannot be reached; nothing was kept; retry") { try await stores.catchUp() }
        let itemId = ItemID.make()
        let ruleSet = ruleSets.live
        let verdict = ruleSet.evaluate(Self.judged(submission, at: now), itemId: itemId)
        let response = Self.response(for: verdict, itemId: itemId)
        let receivedAt = submission.receivedAt ?? now
        // Rejected items keep no text, so their audit entries carry no text hash either.
        let textHash = verdict.decision == .rejected ? "" : Self.auditTextHash(verdict.text, hasher: hasher)
        let record = SubmissionRecord(
            itemId: itemId, actor: caller.label, decision: verdict.decision, conversation: submission.conversation,
            text: verdict.text, textHash: textHash, findings: verdict.findings.map(AuditFinding.init),
            reasons: Self.reasonCodes(verdict), receivedAt: receivedAt, decidedAt: now, idempotencyKey: idempotencyKey,
            response: StoredResponse(status: response.status, body: response.body, request: request),
            rulesVersion: ruleSet.version, held: verdict.decision == .held ? HeldDetails(verdict) : nil)
        let outcome = try await writes.run("a submission", refusal: "the store could not commit this submission; nothing was kept; retry") {
            try await stores.recorder.record(record)
        }
        guard outcome.recorded else {
            // An earlier submission with this key was stored: its answer, if it was the same one.
            return try replay(outcome.response, request: request)
        }
        if verdict.decision == .held { reviews.announceHeld(id: itemId, reasons: record.reasons) }
        metrics.record(
            decision: verdict.decision.rawValue, findings: verdict.findings.map { ($0.plugin, $0.rule, $0.shadow) },
            seconds: Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9)
        return GatewayResponse(status: outcome.response.status, body: outcome.response.body)
    }

    /// The answer stored under an idempotency key, if it was for `request`; a 409 if the key
    /// was used for a different submission. Answers stored without a digest match any request.
    private func replay(_ stored: StoredResponse, request: String?) throws(GatewayError) -> GatewayResponse {
        guard stored.request == nil || stored.request == request else {
            throw GatewayError(409, "this clientRef was already used for a different submission; use a new clientRef for each submission")
        }
        return GatewayResponse(status: stored.status, body: stored.body)
    }

    /// A keyed digest that tells a retry from a different submission sent with the same
    /// `clientRef`: the text's length in characters (the audit log's offsets show it anyway),
    /// the conversation, the contributor token and `receivedAt`. The text itself is left out,
    /// so nothing kept could confirm a guess at a redacted value.
    func requestDigest(_ submission: Submission) -> String {
        let fields = [
            String(submission.text.unicodeScalars.count), submission.conversation ?? "", submission.contributor ?? "",
            submission.receivedAt.map { String($0.timeIntervalSince1970) } ?? "",
        ]
        return hasher.hexMAC(fields.map { "\($0.utf8.count):\($0)" }.joined(), domain: "gatehouse.clientRef.request")
    }

    /// The keyed hash of a stored text, as its audit entries carry it: one domain for
    /// submissions and reviews, so an entry's hash can be checked against the stored text.
    /// The audit log's keyed hash of a stored text (submissions and moderators' decisions alike).
    static func auditTextHash(_ text: String, hasher: KeyedHasher) -> String {
        hasher.hexMAC(text, domain: "gatehouse.audit.text")
    }

    /// The public answer for a verdict: never a matched value.
    static func response(for verdict: Verdict, itemId: String) -> GatewayResponse {
        switch verdict.decision {
        case .accepted:
            return GatewayResponse(201, capacity: verdict.text.utf8.count + 128) { json in
                json.field("id", itemId)
                json.field("decision", "accepted")
                json.field("text", verdict.text)
                writeRedactions(verdict.findings, into: &json)
            }
        case .held:
            return GatewayResponse(202) { json in
                json.field("id", itemId)
                json.field("decision", "held")
            }
        case .rejected:
            return GatewayResponse(422) { json in
                json.field("decision", "rejected")
                json.field("reasons", reasonCodes(verdict))
            }
        }
    }

    /// `"redactions": [{category, start, end}]`: where the text was changed, never what it held.
    static func writeRedactions(_ findings: [Finding], into json: inout JSONText) {
        json.key("redactions")
        json.beginArray()
        for finding in findings where finding.replacement != nil {
            json.object { json in
                json.field("category", finding.category)
                json.field("start", finding.start)
                json.field("end", finding.end)
            }
        }
        json.endArray()
    }

    /// Public reason codes: the categories of the enforcing findings that made the decision.
    static func reasonCodes(_ verdict: Verdict) -> [String] {
        let deciding = verdict.findings.filter { !$0.shadow && $0.action.decision == verdict.decision && $0.action != .tag }
        return Array(Set(deciding.map { $0.category.lowercased() })).sorted()
    }

    /// `POST /v1/check`: the pipeline's explained verdict; nothing is stored or remembered.
    /// With `enforcingShadow`, shadow rules act as if enforced (`?shadow=enforce`).
    public func check(_ body: Data, enforcingShadow: Bool = false) async throws -> GatewayResponse {
        let now = Date()
        let submission = try submission(in: body, now: now)
        // Judged against what every gateway on a shared store has, as a submission would be.
        try await writes.run("a check", refusal: "the store cannot be reached; retry") { try await stores.catchUp() }
        let ruleSet = enforcingShadow ? ruleSets.dryRunEnforcingShadow : ruleSets.dryRun
        let verdict = ruleSet.evaluate(Self.judged(submission, at: now), itemId: nil, explain: true)
        return GatewayResponse(200, capacity: verdict.text.utf8.count * 3 + 512) { json in
            verdict.writeJSON(into: &json, explain: true)
            // Spans are offsets into the text as the rules read it (bidi controls resolved).
            if let resolved = verdict.resolvedText { json.field("resolvedText", resolved) }
        }
    }

    /// The most items a page holds; a larger `limit` is taken as this.
    public static let maxPageSize = 1_000

    /// `limit` within 1...`maxPageSize`.
    static func pageSize(_ limit: Int) -> Int { min(max(limit, 1), maxPageSize) }

    /// `GET /v1/contributions`: accepted items, paged by `after` (the last `seq` seen).
    public func contributions(conversation: String?, after: Int64, limit: Int) async throws -> GatewayResponse {
        let items = try await stores.contributions.contributions(conversation: conversation, after: after, limit: Self.pageSize(limit))
        // The same form as every other time the API answers with: UTC, milliseconds.
        let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        return Self.page(items, after: after, seq: \.seq, bytes: { $0.text.utf8.count + 160 }) { item, json in
            json.field("seq", item.seq)
            json.field("id", item.id)
            if let conversation = item.conversation { json.field("conversation", conversation) }
            json.field("text", item.text)
            json.field("receivedAt", item.receivedAt.formatted(style))
        }
    }

    /// A page of a listing: `{"items": [{…}, …], "next": <the last seq, or after>}`; `next` is
    /// what to pass as `after` for the following page.
    static func page<Item>(
        _ items: [Item], after: Int64, seq: (Item) -> Int64, bytes: (Item) -> Int, write: (Item, inout JSONText) -> Void
    ) -> GatewayResponse {
        GatewayResponse(200, capacity: items.reduce(64) { $0 + bytes($1) }) { json in
            json.key("items")
            json.beginArray()
            for item in items {
                json.object { write(item, &$0) }
            }
            json.endArray()
            json.field("next", items.last.map(seq) ?? after)
        }
    }

    /// `GET /v1/audit`: audit entries after `seq`.
    public func auditEntries(after: Int64, limit: Int) async throws -> GatewayResponse {
        let entries = try await audit.entries(after: after, limit: Self.pageSize(limit))
        return Self.page(entries, after: after, seq: \.seq, bytes: { _ in 400 }) { entry, json in entry.writeJSON(into: &json) }
    }

    /// `GET /v1/audit/verify`: the chain checked; the first bad entry named.
    public func verifyAudit(anchor: String? = nil) async throws -> GatewayResponse {
        var parsed: AuditAnchor?
        if let anchor {
            guard let value = AuditAnchor(anchor) else {
                throw GatewayError(400, "query parameter 'anchor' must be \(AuditAnchor.expectedForm)")
            }
            parsed = value
        }
        let result = try await audit.verify(anchor: parsed)
        return GatewayResponse(200) { json in
            json.field("ok", result.ok)
            json.field("checked", result.checked)
            if let seq = result.firstBadSeq { json.field("firstBadSeq", seq) }
            if let reason = result.reason { json.field("reason", reason) }
            if let seq = result.lastSeq, let hash = result.lastHash { json.field("anchor", AuditAnchor(seq: seq, hash: hash).description) }
        }
    }

    /// Reloads the rule packs: compiled and their tests run first; swapped in atomically only
    /// if all is well. A bad set is refused and the old one stays. Audited.
    public func reloadRules(actor: String) async throws -> GatewayResponse {
        let response = try await reloadRulesHere(actor: actor)
        // Every other gateway on a shared store reloads its own copy of the rules at its next
        // heartbeat (within a second): a reload asked of one is a reload of all.
        if let coordination = stores.coordination {
            do {
                let generation = try await coordination.announceRulesReload()
                rulesGeneration.withLock { $0 = max($0 ?? 0, generation) }
            } catch {
                logger.error("rules reloaded here, but the other gateways could not be told", metadata: ["error": "\(error)"])
            }
        }
        return response
    }

    /// One heartbeat on a shared store (`CoordinationService`, every second): this gateway is
    /// seen with its rule set; rules reloaded on another gateway are reloaded here; request
    /// counts per token are shared, so a token's rate limit holds over all the gateways.
    public func coordinate(now: Date = Date()) async throws {
        guard let coordination = stores.coordination else { return }
        let generation = try await coordination.heartbeat(name: name, rulesVersion: ruleSetVersion, at: now)
        let seen = rulesGeneration.withLock { seen in
            defer { seen = max(seen ?? generation, generation) }
            return seen
        }
        if let seen, generation > seen {
            do {
                _ = try await reloadRulesHere(actor: "system:peer")
            } catch {
                logger.error("another gateway reloaded its rules; reloading here failed, the old rules stay", metadata: ["error": "\(error)"])
            }
        }
        try await rateLimiter.exchange(with: coordination, now: now)
    }

    /// Reloads the rules on this gateway alone.
    private func reloadRulesHere(actor: String) async throws -> GatewayResponse {
        let fingerprints = stores.fingerprints
        let compiled: CompiledRuleSets
        do {
            compiled = try Self.compile(configuration, fingerprints: fingerprints, hasher: hasher, logger: logger)
            let report = try RuleTestRunner(registry: .standard).run(compiled.live.packs)
            if report.failed > 0 {
                let first = report.failures.prefix(3).map(\.description).joined(separator: "\n")
                throw GatewayError(422, "rule tests failed (\(report.failed)); the old rules stay:\n\(first)")
            }
        } catch let error as GatewayError {
            logger.error("rule reload refused", metadata: ["reason": "tests failed"])
            throw error
        } catch {
            logger.error("rule reload refused", metadata: ["reason": "\(error)"])
            throw GatewayError(422, "the new rules do not load; the old rules stay: \(error)")
        }
        ruleSets.replace(with: compiled)
        let count = compiled.live.ruleCount
        try await stores.recorder.recordEvent(actor: actor, event: "rules.reloaded", at: Date(), rulesVersion: compiled.live.version)
        logger.notice("rules reloaded", metadata: ["rules": "\(count)", "version": "\(compiled.live.shortVersion)"])
        return GatewayResponse(200) { json in
            json.field("reloaded", true)
            json.field("rules", count)
            json.field("packs", compiled.live.packs.count)
            json.field("version", compiled.live.version)
        }
    }

    /// Deletes what is past its retention: fingerprints older than the duplicate index keeps
    /// (30 days), and `clientRef` answers older than `limits.idempotency_hours`. The
    /// maintenance service runs it on start and every ten minutes.
    @discardableResult
    public func maintain(now: Date = Date()) async throws -> (fingerprints: Int, answers: Int) {
        // On a shared store, one gateway's turn serves them all (the turn outlasts the interval
        // a little less than the interval, so it passes on if its holder goes).
        guard try await stores.claimMaintenance(for: 540) else { return (0, 0) }
        let pruned = try await stores.recorder.prune(
            fingerprintsBefore: now.addingTimeInterval(-stores.fingerprintRetention),
            answersBefore: now.addingTimeInterval(-Double(configuration.idempotencyHours) * 3_600))
        if pruned.fingerprints + pruned.answers > 0 {
            logger.info("pruned past retention", metadata: ["fingerprints": "\(pruned.fingerprints)", "answers": "\(pruned.answers)"])
        }
        return pruned
    }

    /// `GET /readyz`: 200 when the store answers, with the rule set in force and, on a shared
    /// store, every gateway seen in the last ten seconds with the rule set it runs; 503 when
    /// the store does not answer.
    public func readiness() async -> GatewayResponse {
        do {
            try await stores.ping()
            let peers = try await stores.coordination?.peers(now: Date(), within: 10)
            return GatewayResponse(200) { json in
                json.field("status", "ready")
                json.field("rules", ruleCount)
                json.field("rulesVersion", ruleSetVersion)
                if let peers {
                    json.key("gateways")
                    json.beginArray()
                    for peer in peers {
                        json.object { json in
                            json.field("name", peer.name)
                            json.field("rulesVersion", peer.rulesVersion)
                            json.field("seenAt", peer.seenAt.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)))
                        }
                    }
                    json.endArray()
                }
            }
        } catch {
            logger.warning("not ready: the store does not answer", metadata: ["error": "\(error)"])
            return GatewayResponse(503) { $0.field("status", "not ready") }
        }
    }

    /// The number of rules in force.
    public var ruleCount: Int { ruleSets.live.ruleCount }

    /// The content hash of the rule set in force (`RuleSetVersion`).
    public var ruleSetVersion: String { ruleSets.live.version }

    /// `GET /metrics`.
    public func metricsText() async throws -> String {
        metrics.render(queueDepth: try await reviews.store.queueDepth(), commits: stores.commitStatistics, rulesVersion: ruleSetVersion)
    }
}

/// The C library's `open`, by a name `Gateway.open` does not hide.
private func openFile(_ path: String, _ flags: Int32, _ mode: mode_t = 0) -> Int32 {
    open(path, flags, mode)
}

/// Idempotency keys of submissions being decided: one request per key at a time, the others
/// waiting their turn.
final class InFlightKeys: Sendable {
    private let holders = Mutex<[String: [CheckedContinuation<Void, Never>]]>([:])

    /// Returns once no other request holds `key`, holding it.
    func acquire(_ key: String) async {
        while !holders.withLock({ table in
            guard table[key] == nil else { return false }
            table[key] = []
            return true
        }) {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                // Released between the check and here: try again at once.
                let queued = holders.withLock { table in
                    guard table[key] != nil else { return false }
                    table[key]!.append(continuation)
                    return true
                }
                if !queued { continuation.resume() }
            }
        }
    }

    /// Lets the requests waiting for `key` try again (one of them will hold it next).
    func release(_ key: String) {
        let waiting = holders.withLock { $0.removeValue(forKey: key) ?? [] }
        for continuation in waiting { continuation.resume() }
    }
}

