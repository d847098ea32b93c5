import Foundation
import GatehouseCore
import GatehousePostgres
import GatehouseRuntime
import GatehouseStorage
import GatehouseTestSupport
import Logging
import Testing

let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// The two backends behind `GatewayStores`; every test in `StoreConformanceTests` runs on each.
enum Backend: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite, postgres

    var testDescription: String { rawValue }
}

/// Where one test's state lives, and a way to open the stores on it again (a restart on
/// SQLite; on PostgreSQL, equally, another gateway).
final class StoreLocation: Sendable {
    let backend: Backend
    let directory: URL
    let postgres: PostgresSettings?
    static let keyCheck = "conformance-test-key-check"

    private init(backend: Backend, directory: URL, postgres: PostgresSettings?) {
        self.backend = backend
        self.directory = directory
        self.postgres = postgres
    }

    static func make(_ backend: Backend) async throws -> StoreLocation {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-stores-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return StoreLocation(backend: backend, directory: directory, postgres: backend == .postgres ? try await TestPostgres.freshDatabase() : nil)
    }

    func open() async throws -> any GatewayStores {
        switch backend {
        case .sqlite: try SQLiteStores(path: directory.appendingPathComponent("gatehouse.sqlite").path)
        case .postgres: try await PostgresStores.open(postgres!, keyCheck: Self.keyCheck, logger: Logger(label: "test"))
        }
    }

    func remove() async {
        try? FileManager.default.removeItem(at: directory)
        if let postgres { await TestPostgres.drop(postgres) }
    }
}

/// Runs `body` on fresh stores of `backend`, closing and removing them afterwards.
func withStores(_ backend: Backend, _ body: (any GatewayStores, StoreLocation) async throws -> Void) async throws {
    let location = try await StoreLocation.make(backend)
    let stores = try await location.open()
    do {
        try await body(stores, location)
    } catch {
        await stores.close()
        await location.remove()
        throw error
    }
    await stores.close()
    await location.remove()
}

let hasher = KeyedHasher(secret: Data("shared store tests key 0123456789".utf8))

/// The duplicate pack on `stores`' fingerprint index.
func duplicateRules(_ stores: any GatewayStores) throws -> RuleSet {
    try RuleSet.load(
        paths: [repositoryRoot.appendingPathComponent("rules/duplicate.yaml").path],
        environment: PluginEnvironment(fingerprints: stores.fingerprints, hasher: hasher))
}

/// A decided submission ready to record.
func record(
    _ id: String, _ decision: Decision, text: String = "Text of the item", key: String? = nil, findings: [AuditFinding] = [],
    at time: Date = Date()
) -> SubmissionRecord {
    SubmissionRecord(
        itemId: id, actor: "intake:test", decision: decision, conversation: "conformance", text: decision == .rejected ? "" : text,
        textHash: decision == .rejected ? "" : "hash-of-\(id)", findings: findings, reasons: decision == .held ? ["profanity"] : [],
        receivedAt: time, decidedAt: time, idempotencyKey: key,
        response: StoredResponse(status: decision == .accepted ? 201 : decision == .held ? 202 : 422, body: Data("{\"id\":\"\(id)\"}".utf8), request: key.map { "digest-\($0)" }),
        rulesVersion: "rules-v1",
        held: decision == .held
            ? HeldDetails(findings: [HeldFinding(plugin: "profanity", rule: "profanity.strong", category: "PROFANITY", action: "hold", severity: "strong", start: 0, end: 4, explanation: "listed word")], priority: 1)
            : nil)
}

@Suite("Stores: one suite, both backends", .serialized)
struct StoreConformanceTests {
    static let backends: [Backend] = TestPostgres.isAvailable ? Backend.allCases : [.sqlite]

    @Test("accepted, held and rejected: what each keeps, published in order, one audit chain that verifies", arguments: backends)
    func recordsEachDecision(_ backend: Backend) async throws {
        try await withStores(backend) { stores, _ in
            let finding = AuditFinding(plugin: "pii", rule: "pii.uk_phone", category: "PHONE", action: "redact", start: 3, end: 16)
            _ = try await stores.recorder.record(record("a1", .accepted, text: "My [PHONE] please", findings: [finding]))
            _ = try await stores.recorder.record(record("h1", .held, text: "Held words"))
            _ = try await stores.recorder.record(record("r1", .rejected))
            _ = try await stores.recorder.record(record("a2", .accepted, text: "Second"))
            let published = try await stores.contributions.contributions(conversation: nil, after: 0, limit: 10)
            #expect(published.map(\.id) == ["a1", "a2"])
            #expect(published.map(\.text) == ["My [PHONE] please", "Second"])
            #expect(try await stores.contributions.contributions(conversation: "elsewhere", after: 0, limit: 10).isEmpty)
            #expect(try await stores.contributions.contributions(conversation: nil, after: published[0].seq, limit: 10).map(\.id) == ["a2"])
            #expect(try await stores.reviews.queueDepth() == 1)
            let entries = try await stores.audit.entries(after: 0, limit: 10)
            #expect(entries.map(\.event) == ["submission.accepted", "submission.held", "submission.rejected", "submission.accepted"])
            #expect(entries.map(\.seq) == [1, 2, 3, 4])
            #expect(entries[0].findings == [finding])
            #expect(entries[0].rulesVersion == "rules-v1")
            #expect(entries[2].textHash == nil, "a rejected item keeps no text hash")
            let verification = try await stores.audit.verify(anchor: nil)
            #expect(verification.ok && verification.checked == 4)
            let anchor = AuditAnchor(seq: 2, hash: entries[1].hash)
            #expect(try await stores.audit.verify(anchor: anchor).ok)
            #expect(try await stores.audit.verify(anchor: AuditAnchor(seq: 2, hash: String(repeating: "a", count: 64))).ok == false)
            #expect(try await stores.audit.verify(anchor: AuditAnchor(seq: 9, hash: entries[1].hash)).ok == false, "an anchor past the end")
        }
    }

    @Test("a clientRef is answered once: the second record keeps nothing and returns the first answer", arguments: backends)
    func idempotency(_ backend: Backend) async throws {
        try await withStores(backend) { stores, _ in
            let first = try await stores.recorder.record(record("k1", .accepted, key: "key-1"))
            #expect(first.recorded)
            let second = try await stores.recorder.record(record("k2", .accepted, text: "Other", key: "key-1"))
            #expect(!second.recorded)
            #expect(second.response == first.response)
            #expect(try await stores.contributions.contributions(conversation: nil, after: 0, limit: 10).map(\.id) == ["k1"])
            #expect(try await stores.audit.entries(after: 0, limit: 10).count == 1)
        }
    }

    @Test("clientRefs sent together (one batch, some keys twice, some taken before): each key keeps one item, every answer is its first", arguments: backends)
    func idempotencyInOneBatch(_ backend: Backend) async throws {
        try await withStores(backend) { stores, _ in
            let earlier = try await stores.recorder.record(record("e0", .accepted, key: "key-0"))
            let outcomes = try await withThrowingTaskGroup(of: (Int, StoredResponse, Bool).self) { group in
                for index in 0..<120 {
                    // Keys 0…39: three writes each; key 0 was taken before the batch.
                    group.addTask {
                        let outcome = try await stores.recorder.record(record("b\(index)", .accepted, text: "Text \(index)", key: "key-\(index % 40)"))
                        return (index, outcome.response, outcome.recorded)
                    }
                }
                return try await group.reduce(into: [:]) { $0[$1.0] = ($1.1, $1.2) }
            }
            let stored = try await stores.contributions.contributions(conversation: nil, after: 0, limit: 1_000)
            #expect(stored.count == 40, "one item per key")
            #expect(outcomes.values.filter(\.1).count == 39, "key 0 was already taken")
            for key in 0..<40 {
                let answers = (0..<3).map { outcomes[key + 40 * $0]!.0 }
                let kept = stored.filter { item in answers.contains { $0.body == Data("{\"id\":\"\(item.id)\"}".utf8) } }
                #expect(kept.count == 1, "key-\(key): every answer names the one item kept")
                #expect(Set(answers.map(\.body)).count == 1, "key-\(key): the same answer to each")
            }
            #expect(outcomes[0]!.0 == earlier.response)
            let verification = try await stores.audit.verify(anchor: nil)
            #expect(verification.ok && verification.checked == 40)
        }
    }

    @Test("gatehouse audit verify and export read the store (--data-dir or --storage), beside the gateway that writes it", arguments: backends)
    func auditCommand(_ backend: Backend) async throws {
        let binary = try #require(GatewayProcess.binary, "the gatehouse binary is built with the tests")
        try await withStores(backend) { stores, location in
            for index in 0..<3 { _ = try await stores.recorder.record(record("v\(index)", .accepted)) }
            let place = location.postgres.map { settings in ["--storage", "postgres://\(settings.user)@\(settings.host):\(settings.port)/\(settings.database)"] }
                ?? ["--data-dir", location.directory.path]
            func run(_ arguments: [String]) async throws -> (status: Int32?, output: String) {
                let child = try Spawned(binary.path, ["audit"] + arguments + place)
                return (await child.exited(within: 60), child.output)
            }
            let verified = try await run(["verify"])
            #expect(verified.status == 0, "\(verified.output)")
            #expect(verified.output.contains("audit log ok: 3 entries verified"), "\(verified.output)")
            let exported = try await run(["export"])
            #expect(exported.status == 0)
            #expect(exported.output.split(separator: "\n").filter { $0.hasPrefix("{") }.count == 3, "\(exported.output)")
            guard let settings = location.postgres else { return }
            // An entry changed in place is found, on the shared chain as on a file.
            _ = try await TestPostgres.execute("UPDATE audit_entry SET actor = 'intake:someone-else' WHERE seq = 2", on: settings)
            let broken = try await run(["verify"])
            #expect(broken.status == 1)
            #expect(broken.output.contains("BROKEN at entry 2"), "\(broken.output)")
        }
    }

    @Test("many writes at once commit in batches, each answered, the chain in one order", arguments: backends)
    func concurrentWrites(_ backend: Backend) async throws {
        try await withStores(backend) { stores, _ in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<200 {
                    group.addTask { _ = try await stores.recorder.record(record("c\(index)", index % 10 == 0 ? .held : .accepted)) }
                }
                try await group.waitForAll()
            }
            #expect(try await stores.contributions.contributions(conversation: nil, after: 0, limit: 1_000).count == 180)
            #expect(try await stores.reviews.queueDepth() == 20)
            let verification = try await stores.audit.verify(anchor: nil)
            #expect(verification.ok && verification.checked == 200)
            #expect(stores.commitStatistics.writes == 200)
            #expect(stores.commitStatistics.transactions < 200, "writes that arrive together share a transaction")
        }
    }

    @Test("the review queue: a claim, another moderator refused, a stale version refused, a decision published and audited", arguments: backends)
    func reviewQueue(_ backend: Backend) async throws {
        try await withStores(backend) { stores, _ in
            _ = try await stores.recorder.record(record("h1", .held, text: "Held words here"))
            _ = try await stores.recorder.record(record("h2", .held, text: "Other held words"))
            let now = Date()
            let page = try await stores.reviews.page(ReviewQuery(), now: now)
            #expect(page.items.map(\.id) == ["h1", "h2"])
            #expect(page.counts == ["profanity": 2])
            #expect(page.items[0].findings.first?.severity == "strong")
            var plugin = ReviewQuery()
            plugin.plugin = "profanity"
            #expect(try await stores.reviews.page(plugin, now: now).items.count == 2)
            plugin.plugin = "pii"
            #expect(try await stores.reviews.page(plugin, now: now).items.isEmpty)
            var reason = ReviewQuery()
            reason.reason = "profanity"
            #expect(try await stores.reviews.page(reason, now: now).items.count == 2)

            let claimed = try await stores.reviews.claim(ClaimRequest(itemId: "h1", moderator: "moderator:aaa", version: 1, time: now))
            #expect(claimed.version == 2 && claimed.claim?.moderator == "moderator:aaa")
            await #expect(throws: ReviewError.self) {
                try await stores.reviews.claim(ClaimRequest(itemId: "h1", moderator: "moderator:bbb", version: 2, time: now))
            }
            do {
                _ = try await stores.reviews.claim(ClaimRequest(itemId: "h1", moderator: "moderator:aaa", version: 1, time: now))
                Issue.record("a stale version was accepted")
            } catch ReviewError.staleVersion(let current, let sent) {
                #expect(current.version == 2 && sent == 1)
            }
            var claimedOnly = ReviewQuery()
            claimedOnly.status = .claimed
            #expect(try await stores.reviews.page(claimedOnly, now: now).items.map(\.id) == ["h1"])

            let outcome = try await stores.reviews.resolve(
                ReviewResolution(itemId: "h1", action: .approve, actor: "moderator:aaa", version: 2, time: now, textHash: { "hash:\($0)" }))
            #expect(outcome.item.status == "approved" && outcome.item.text.isEmpty)
            #expect(outcome.published?.text == "Held words here")
            #expect(try await stores.contributions.contributions(conversation: nil, after: 0, limit: 10).map(\.id) == ["h1"])
            #expect(try await stores.reviews.item(id: "h1", now: now)?.text == "", "the held copy of the text is erased")
            do {
                _ = try await stores.reviews.resolve(
                    ReviewResolution(itemId: "h1", action: .reject, actor: "moderator:aaa", reason: "spam", time: now, textHash: { $0 }))
                Issue.record("a resolved item was resolved again")
            } catch ReviewError.alreadyResolved(let current) {
                #expect(current.status == "approved")
            }
            await #expect(throws: ReviewError.notFound(itemId: "nope")) {
                try await stores.reviews.claim(ClaimRequest(itemId: "nope", moderator: "moderator:aaa", version: nil, time: now))
            }
            let rejected = try await stores.reviews.resolve(
                ReviewResolution(itemId: "h2", action: .reject, actor: "moderator:bbb", reason: "abusive", time: now, textHash: { $0 }))
            #expect(rejected.published == nil && rejected.item.status == "rejected")
            #expect(try await stores.reviews.queueDepth() == 0)
            let history = try await stores.reviews.history(of: "h1").map(\.event)
            #expect(history == ["submission.held", "review.claimed", "review.approved"])
            let last = try await stores.reviews.history(of: "h2").last
            #expect(last?.reason == "abusive" && last?.decision == "rejected")
            #expect(try await stores.audit.verify(anchor: nil).ok)
        }
    }

    @Test("fingerprints are kept with their items: a repeat is found by stores opened afterwards", arguments: backends)
    func fingerprintsSurviveReopening(_ backend: Backend) async throws {
        let text = "Please keep the hydrotherapy pool open, it is the only exercise I can do."
        try await withStores(backend) { stores, location in
            let rules = try duplicateRules(stores)
            let now = Date()
            #expect(rules.evaluate(Submission(text: text, contributor: "alice", receivedAt: now), itemId: "first").decision == .accepted)
            _ = try await stores.recorder.record(record("first", .accepted, text: text, at: now))
            // Judged but never stored (the commit failed, say): its fingerprint must not count.
            _ = rules.evaluate(Submission(text: "An unrelated text about podiatry waiting lists in the north east.", contributor: "bob", receivedAt: now), itemId: "lost")
            let reopened = try await location.open()
            defer { Task { await reopened.close() } }
            let again = try duplicateRules(reopened).evaluate(
                Submission(text: text, contributor: "alice", receivedAt: now.addingTimeInterval(5)), itemId: "second")
            #expect(again.decision == .rejected)
            #expect(again.findings.first { $0.rule == "duplicate.exact_repeat" }?.attributes["duplicate_of"] == "first")
            let unrelated = try duplicateRules(reopened).evaluate(
                Submission(text: "An unrelated text about podiatry waiting lists in the north east.", contributor: "bob", receivedAt: now.addingTimeInterval(6)),
                itemId: "third")
            #expect(unrelated.decision == .accepted, "an item that was never stored is not an earlier item")
        }
    }

    @Test("retention: fingerprints and clientRef answers past it are deleted", arguments: backends)
    func prune(_ backend: Backend) async throws {
        try await withStores(backend) { stores, _ in
            let rules = try duplicateRules(stores)
            let now = Date()
            for index in 0..<5 {
                let text = "Distinct text number \(index) about speech and language therapy for my son at school."
                _ = rules.evaluate(Submission(text: text, contributor: "c\(index)", receivedAt: now), itemId: "p\(index)")
                _ = try await stores.recorder.record(record("p\(index)", .accepted, text: text, key: "key-\(index)", at: now))
            }
            let nothing = try await stores.recorder.prune(fingerprintsBefore: now.addingTimeInterval(-60), answersBefore: now.addingTimeInterval(-60))
            #expect(nothing.fingerprints == 0 && nothing.answers == 0)
            let pruned = try await stores.recorder.prune(fingerprintsBefore: now.addingTimeInterval(60), answersBefore: now.addingTimeInterval(60))
            #expect(pruned.fingerprints == 5 && pruned.answers == 5)
            // The answer is gone, so the same clientRef is a new submission now.
            #expect(try await stores.recorder.record(record("p9", .accepted, key: "key-0")).recorded)
        }
    }
}
