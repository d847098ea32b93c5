import Foundation
import GatehouseCore
import GatehouseTestSupport
import Testing

let intakeToken = "intake-token-0123456789abcdef"
let moderatorTokens = ["moderator-token-0123456789abcd", "moderator-token-second-0123456"]
let adminToken = "admin-token-0123456789abcdef00"

/// Several real gateway processes on one fresh PostgreSQL database, sharing a secret key file.
final class GatewayCluster: @unchecked Sendable {
    let settings: PostgresSettings
    let directory: URL
    let rules: URL
    private(set) var gateways: [GatewayProcess] = []
    let keyFile: URL

    /// A cluster on a fresh database of the shared test server, or on `server` (one of the
    /// test's own).
    init(copyRules: Bool = false, config: String? = nil, server: PostgresSettings? = nil) async throws {
        if let server { settings = server } else { settings = try await TestPostgres.freshDatabase() }
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-cluster-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        keyFile = directory.appendingPathComponent("secret.key")
        try Data((0..<32).map { _ in UInt8.random(in: .min ... .max) }).write(to: keyFile)
        let shipped = repositoryRoot.appendingPathComponent("rules")
        if copyRules {
            rules = directory.appendingPathComponent("rules")
            try FileManager.default.copyItem(at: shipped, to: rules)
        } else {
            rules = shipped
        }
        if let config { try config.write(to: directory.appendingPathComponent("gatehouse.yaml"), atomically: true, encoding: .utf8) }
        self.config = config
    }

    private let config: String?

    var environment: [String: String] {
        [
            "GATEHOUSE_DATABASE_URL": "postgres://\(settings.user)@\(settings.host):\(settings.port)/\(settings.database)",
            "GATEHOUSE_SECRET_FILE": keyFile.path,
            "GATEHOUSE_TOKEN_INTAKE": intakeToken,
            "GATEHOUSE_TOKEN_MODERATOR": moderatorTokens.joined(separator: ","),
            "GATEHOUSE_TOKEN_ADMIN": adminToken,
        ]
    }

    /// Starts `count` more gateways and waits until each answers.
    @discardableResult
    func start(_ count: Int, environment extra: [String: String] = [:]) async throws -> [GatewayProcess] {
        let binary = try #require(GatewayProcess.binary, "build the gatehouse binary first (swift build)")
        var started: [GatewayProcess] = []
        for index in 0..<count {
            var arguments = ["--data-dir", directory.appendingPathComponent("data-\(gateways.count + index)").path, "--rules", rules.path, "--log-level", "notice"]
            if config != nil { arguments += ["--config", directory.appendingPathComponent("gatehouse.yaml").path] }
            started.append(try GatewayProcess(binary: binary, arguments: arguments, environment: environment.merging(extra) { $1 }))
        }
        for gateway in started { try await gateway.waitUntilReady() }
        gateways += started
        return started
    }

    /// Stops every gateway (SIGTERM, then SIGKILL after 5 s) and removes the directory. The
    /// test database stays on the throwaway server (dropping it needs a wait a `defer` cannot do).
    func stopNow() {
        for gateway in gateways { gateway.stopNow() }
        try? FileManager.default.removeItem(at: directory)
    }

    /// Every item id the store holds (published or held).
    func storedIds() async throws -> Set<String> {
        let rows = try await TestPostgres.execute("SELECT id FROM contribution UNION SELECT id FROM held_item", on: settings)
        return Set(try rows.map { try $0.decode(String.self) })
    }
}

func submission(_ text: String, contributor: String? = nil, clientRef: String? = nil) -> [String: Any] {
    var body: [String: Any] = ["text": text, "conversation": "physio"]
    if let contributor { body["contributor"] = contributor }
    if let clientRef { body["clientRef"] = clientRef }
    return body
}

// Run on their own (`.ci/run` does, after the suite): a dozen debug gateway processes beside
// the whole parallel suite starved its timing-sensitive tests on two cores.
@Suite("Several gateways on one PostgreSQL", .serialized,
       .enabled(if: ProcessInfo.processInfo.environment["GATEHOUSE_MULTI_GATEWAY_TESTS"] == "1", "set GATEHOUSE_MULTI_GATEWAY_TESTS=1 (with swift test --filter MultiGatewayTests)"),
       .enabled(if: TestPostgres.isAvailable, "no PostgreSQL server: set GATEHOUSE_TEST_POSTGRES or install postgresql (scripts/test-postgres start)"))
struct MultiGatewayTests {
    @Test("repeats across gateways: an exact and a near repeat on B of what A accepted, a campaign counted over three, a flood over two")
    func repeatsAcrossGateways() async throws {
        let cluster = try await GatewayCluster()
        defer { cluster.stopNow() }
        let gateways = try await cluster.start(3)
        let (a, b, c) = (gateways[0], gateways[1], gateways[2])
        let text = "The physiotherapist at the community hospital in Wrexham got my father walking again after his hip operation, week after week."
        let first = try await a.request("POST", "/v1/submissions", token: intakeToken, body: submission(text, contributor: "alice"))
        #expect(first.0 == 201)
        let firstId = try #require(first.1["id"] as? String)
        // The same contributor's exact repeat, a second later, on another gateway: rejected.
        let again = try await b.request("POST", "/v1/submissions", token: intakeToken, body: submission(text, contributor: "alice"))
        #expect(again.0 == 422)
        #expect(again.1["reasons"] as? [String] == ["duplicate"])
        // A near repeat (a word changed) from the same contributor on the third: held.
        let near = text.replacingOccurrences(of: "week after week", with: "week after every week")
        #expect(try await c.request("POST", "/v1/submissions", token: intakeToken, body: submission(near, contributor: "alice")).0 == 202)
        // Copies from other contributors on each gateway: the third makes it a campaign.
        for (gateway, contributor) in [(b, "bob"), (c, "carol"), (a, "dan")] {
            _ = try await gateway.request("POST", "/v1/submissions", token: intakeToken, body: submission(text, contributor: contributor))
        }
        let check = try await b.request("POST", "/v1/check", token: adminToken, body: submission(text, contributor: "erin"))
        let findings = try #require(check.1["findings"] as? [[String: Any]])
        let campaign = findings.first { ($0["rule"] as? String) == "duplicate.campaign" }
        #expect(campaign != nil, "a campaign counted over three gateways: \(findings)")
        #expect(campaign?["campaign"] as? String == firstId)
        // A flood: one contributor's many distinct items, spread over two gateways.
        var statuses: [Int] = []
        for index in 0..<30 {
            let gateway = index % 2 == 0 ? a : b
            statuses.append(try await gateway.request("POST", "/v1/submissions", token: intakeToken,
                body: submission("Item number \(index) of many from one sender: \(UUID().uuidString) about radiography.", contributor: "flood")).0)
        }
        #expect(statuses.contains { $0 != 201 }, "a flood split over two gateways is still a flood: \(statuses)")
    }

    @Test("the same clientRef sent to two gateways at once stores one item, and both answers match")
    func clientRefAcrossGateways() async throws {
        let cluster = try await GatewayCluster()
        defer { cluster.stopNow() }
        let gateways = try await cluster.start(2)
        for round in 0..<10 {
            let text = "Round \(round): the speech and language therapist was kind to my daughter at her school."
            let answers = try await withThrowingTaskGroup(of: (Int, String?).self) { group in
                for gateway in gateways {
                    group.addTask {
                        let answer = try await gateway.request(
                            "POST", "/v1/submissions", token: intakeToken, body: submission(text, contributor: "parent\(round)", clientRef: "ref-\(round)"))
                        return (answer.0, answer.1["id"] as? String)
                    }
                }
                var all: [(Int, String?)] = []
                for try await answer in group { all.append(answer) }
                return all
            }
            #expect(answers.allSatisfy { $0.0 == 201 }, "round \(round): \(answers.map(\.0))")
            #expect(answers[0].1 != nil && answers[0].1 == answers[1].1)
        }
        #expect(try await cluster.storedIds().count == 10)
        let audit = try await gateways[1].request("GET", "/v1/audit/verify", token: adminToken)
        #expect(audit.1["ok"] as? Bool == true)
        #expect(audit.1["checked"] as? Int == 10)
    }

    @Test("the review queue across gateways: held on A, claimed on B, another moderator refused on C, approved on A, published once")
    func reviewAcrossGateways() async throws {
        let cluster = try await GatewayCluster()
        defer { cluster.stopNow() }
        let gateways = try await cluster.start(3)
        let (a, b, c) = (gateways[0], gateways[1], gateways[2])
        let held = try await a.request("POST", "/v1/submissions", token: intakeToken, body: submission("The podiatrist was a fucking legend, honestly.", contributor: "x"))
        #expect(held.0 == 202)
        let id = try #require(held.1["id"] as? String)
        let listed = try await c.request("GET", "/v1/review", token: moderatorTokens[0])
        #expect((listed.1["items"] as? [[String: Any]])?.contains { $0["id"] as? String == id } == true)
        let claim = try await b.request("POST", "/v1/review/\(id)/claim", token: moderatorTokens[0], body: ["version": 1])
        #expect(claim.0 == 200)
        let refused = try await c.request("POST", "/v1/review/\(id)/approve", token: moderatorTokens[1], body: ["version": 2])
        #expect(refused.0 == 409)
        let approved = try await a.request("POST", "/v1/review/\(id)/approve", token: moderatorTokens[0], body: ["version": 2])
        #expect(approved.0 == 200)
        let twice = try await b.request("POST", "/v1/review/\(id)/approve", token: moderatorTokens[0], body: ["version": 3])
        #expect(twice.0 == 409)
        let published = try await c.request("GET", "/v1/contributions", token: intakeToken)
        #expect((published.1["items"] as? [[String: Any]])?.filter { $0["id"] as? String == id }.count == 1)
        #expect(try await b.request("GET", "/v1/audit/verify", token: adminToken).1["ok"] as? Bool == true)
    }

    @Test("a rules reload on one gateway reaches the others within 2 s; /readyz lists each gateway and its rule set")
    func rulesReloadReachesEveryGateway() async throws {
        let cluster = try await GatewayCluster(copyRules: true)
        defer { cluster.stopNow() }
        let gateways = try await cluster.start(2)
        let before = try #require(try await gateways[1].request("GET", "/readyz").1["rulesVersion"] as? String)
        // Wait for both heartbeats, then change a pack on disk and reload on the first gateway alone.
        var listed = 0
        for _ in 0..<50 where listed < 2 {
            listed = (try await gateways[0].request("GET", "/readyz").1["gateways"] as? [[String: Any]])?.count ?? 0
            if listed < 2 { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(listed == 2)
        let pack = cluster.rules.appendingPathComponent("duplicate.yaml")
        try (try String(contentsOf: pack, encoding: .utf8) + "\n# changed by the test\n").write(to: pack, atomically: true, encoding: .utf8)
        let reloadStarted = ContinuousClock.now
        let reload = try await gateways[0].request("POST", "/v1/rules/reload", token: adminToken)
        #expect(reload.0 == 200)
        // The other gateway hears of it within 2 s and then does the same work (compiling the
        // packs and running their tests), which in a debug build takes about as long here.
        let reloadTook = ContinuousClock.now - reloadStarted
        let after = try #require(reload.1["version"] as? String)
        #expect(after != before)
        let asked = ContinuousClock.now
        var seen = before
        while seen != after, ContinuousClock.now - asked < .seconds(2) + reloadTook * 2 {
            try await Task.sleep(for: .milliseconds(50))
            seen = try await gateways[1].request("GET", "/readyz").1["rulesVersion"] as? String ?? seen
        }
        #expect(seen == after, "the second gateway reloaded within 2 s of the first (whose reload took \(reloadTook)); its log:\n\(gateways[1].log)")
        try await Task.sleep(for: .milliseconds(1_500))
        let peers = try #require(try await gateways[1].request("GET", "/readyz").1["gateways"] as? [[String: Any]])
        #expect(peers.count == 2)
        #expect(peers.allSatisfy { $0["rulesVersion"] as? String == after }, "\(peers)")
    }

    @Test("a token's rate limit holds over two gateways (to within the last second of the other's requests)")
    func rateLimitAcrossGateways() async throws {
        let cluster = try await GatewayCluster(config: "limits:\n  rate_per_minute: 40\n")
        defer { cluster.stopNow() }
        let gateways = try await cluster.start(2)
        var answered = 0
        for index in 0..<30 {
            if try await gateways[0].request("GET", "/v1/contributions?after=\(index)", token: intakeToken).0 == 200 { answered += 1 }
        }
        #expect(answered == 30)
        // A heartbeat later, the second gateway knows of the first one's 30.
        try await Task.sleep(for: .milliseconds(2_200))
        var second = 0
        for index in 0..<30 {
            if try await gateways[1].request("GET", "/v1/contributions?after=\(index)", token: intakeToken).0 == 200 { second += 1 }
        }
        #expect(second <= 12, "the second gateway let \(second) through; the limit is 40 a minute over both")
    }

    @Test("SIGKILL one gateway under load: every acknowledged item is kept, the others go on, the chain verifies")
    func killOneUnderLoad() async throws {
        let cluster = try await GatewayCluster()
        defer { cluster.stopNow() }
        let gateways = try await cluster.start(2)
        let victim = gateways[0]
        let survivor = gateways[1]
        let acknowledged = try await withThrowingTaskGroup(of: [String].self) { group in
            for worker in 0..<12 {
                group.addTask {
                    var ids: [String] = []
                    let deadline = Date().addingTimeInterval(1.5)
                    var number = 0
                    while Date() < deadline {
                        number += 1
                        let gateway = worker % 2 == 0 ? victim : survivor
                        let body = submission("Worker \(worker) item \(number): \(UUID().uuidString) about the paramedics who came.")
                        guard let answer = try? await gateway.request("POST", "/v1/submissions", token: intakeToken, body: body) else {
                            continue
                        }
                        if answer.0 == 201 || answer.0 == 202, let id = answer.1["id"] as? String { ids.append(id) }
                    }
                    return ids
                }
            }
            group.addTask {
                try await Task.sleep(for: .milliseconds(600))
                victim.kill()
                return []
            }
            var all: [String] = []
            for try await ids in group { all += ids }
            return all
        }
        #expect(acknowledged.count > 50)
        let stored = try await cluster.storedIds()
        let missing = acknowledged.filter { !stored.contains($0) }
        #expect(missing.isEmpty, "\(missing.count) acknowledged items are not in the store")
        #expect(try await survivor.request("GET", "/healthz").0 == 200)
        let verify = try await survivor.request("GET", "/v1/audit/verify", token: adminToken)
        #expect(verify.1["ok"] as? Bool == true, "\(verify.1)")
    }

    @Test("PostgreSQL stops under load: 503 with Retry-After (never a 201 not committed), /readyz fails, and the gateways recover without a restart")
    func databaseOutage() async throws {
        let server = try OwnPostgresServer()
        defer { server.stop() }
        let cluster = try await GatewayCluster(server: server.settings)
        defer { cluster.stopNow() }
        let gateways = try await cluster.start(2)
        /// What each answer was: its status, the item id when kept, and Retry-After.
        struct Answer: Sendable { var status: Int; var id: String?; var retryAfter: String? }
        func load(for seconds: Double, worker: Int) async -> [Answer] {
            var answers: [Answer] = []
            let deadline = Date().addingTimeInterval(seconds)
            var number = 0
            while Date() < deadline {
                number += 1
                let body = submission("Worker \(worker) item \(number): \(UUID().uuidString) about the podiatry clinic.")
                guard let answer = try? await gateways[worker % 2].request("POST", "/v1/submissions", token: intakeToken, body: body, timeout: 10)
                else { continue }
                answers.append(Answer(status: answer.status, id: answer.json["id"] as? String, retryAfter: answer.headers["retry-after"]))
                if answer.status == 503 { try? await Task.sleep(for: .milliseconds(50)) }
            }
            return answers
        }
        // Load on both gateways throughout; the server stops after a second and is started
        // again after three more.
        let answers = try await withThrowingTaskGroup(of: [Answer].self) { group in
            for worker in 0..<6 { group.addTask { await load(for: 8, worker: worker) } }
            group.addTask {
                try await Task.sleep(for: .seconds(1))
                try server.halt()
                // While it is down: refused with 503, and not ready.
                try await Task.sleep(for: .seconds(1))
                for gateway in gateways {
                    let ready = try await gateway.request("GET", "/readyz", timeout: 10)
                    #expect(ready.status == 503, "readyz while the database is down: \(ready.json)")
                }
                try await Task.sleep(for: .seconds(2))
                try server.resume()
                return []
            }
            var all: [Answer] = []
            for try await part in group { all += part }
            return all
        }
        let refused = answers.filter { $0.status == 503 }
        #expect(!refused.isEmpty, "some submissions met the outage")
        #expect(refused.allSatisfy { $0.retryAfter != nil }, "every 503 says when to retry")
        #expect(answers.allSatisfy { [201, 202, 503].contains($0.status) }, "\(Set(answers.map(\.status)))")
        // Back without a restart: ready, and taking submissions again.
        for gateway in gateways {
            var ready = false
            for _ in 0..<60 where !ready {
                ready = (try? await gateway.request("GET", "/readyz", timeout: 5).status) == 200
                if !ready { try await Task.sleep(for: .milliseconds(500)) }
            }
            #expect(ready, "the gateway is ready again once the database is back")
            // The pool may still be in its reconnect backoff for a moment after /readyz passes.
            var after: (status: Int, json: [String: Any], headers: [String: String]) = (0, [:], [:])
            // Kept (201, or 202 once the conversation's flood rule holds it), not refused.
            for _ in 0..<30 where ![201, 202].contains(after.status) {
                after = try await gateway.request(
                    "POST", "/v1/submissions", token: intakeToken, body: submission("Number \(Int.random(in: 0..<1_000_000)) since: the radiographer was kind."),
                    timeout: 10)
                if after.status == 503 { try await Task.sleep(for: .milliseconds(500)) }
            }
            #expect([201, 202].contains(after.status), "\(after.json)\n\(gateway.log.suffix(3_000))")
        }
        let acknowledged = answers.filter { $0.status == 201 || $0.status == 202 }.compactMap(\.id)
        #expect(acknowledged.count > 20)
        let stored = try await cluster.storedIds()
        let missing = acknowledged.filter { !stored.contains($0) }
        #expect(missing.isEmpty, "\(missing.count) acknowledged items are not in the store")
        let verify = try await gateways[0].request("GET", "/v1/audit/verify", token: adminToken)
        #expect(verify.1["ok"] as? Bool == true, "\(verify.1)")
    }

    @Test("a gateway with another secret key refuses to start, saying why")
    func otherKeyRefused() async throws {
        let cluster = try await GatewayCluster()
        defer { cluster.stopNow() }
        try await cluster.start(1)
        let otherKey = cluster.directory.appendingPathComponent("other.key")
        try Data((0..<32).map { _ in UInt8.random(in: .min ... .max) }).write(to: otherKey)
        let binary = try #require(GatewayProcess.binary)
        let stranger = try GatewayProcess(
            binary: binary, arguments: ["--data-dir", cluster.directory.appendingPathComponent("stranger").path, "--rules", cluster.rules.path],
            environment: cluster.environment.merging(["GATEHOUSE_SECRET_FILE": otherKey.path]) { $1 })
        #expect(await stranger.child.exited(within: 60) == 2)
        #expect(stranger.log.contains("secret key"), "\(stranger.log)")
    }
}
