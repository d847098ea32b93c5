import Foundation
import GatehouseCore
import GatehouseServer
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import OpenAPIRuntime
import Testing

// The client here is generated from docs/openapi.yaml at build time (swift-openapi-generator's
// build plugin; openapi.yaml in this directory is a link to the document), as the intake's
// developers would generate theirs. Every answer is decoded into the generated types: a field
// the document calls required that the server leaves out, or a value of another type, fails
// the decoding and so the test; a status the document does not list comes back `undocumented`.

private let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

private let tokens: [Role: String] = [
    .intake: "intake-token-client-test", .moderator: "moderator-token-client-test", .author: "author-token-client-test",
    .admin: "admin-token-client-test",
]

/// Sends the generated client's requests through Hummingbird's test client to the server
/// listening on loopback.
struct LoopbackTransport: ClientTransport {
    let client: any TestClientProtocol

    func send(_ request: HTTPRequest, body: HTTPBody?, baseURL: URL, operationID: String) async throws -> (HTTPResponse, HTTPBody?) {
        var bytes: [UInt8] = []
        if let body { bytes = try await [UInt8](collecting: body, upTo: 1 << 20) }
        let response = try await client.executeRequest(
            uri: request.path ?? "/", method: request.method, headers: request.headerFields,
            body: bytes.isEmpty ? nil : ByteBuffer(bytes: bytes))
        return (response.head, HTTPBody(Array(buffer: response.body)))
    }
}

/// Answers every request with one canned response, to show what a wrong answer does to the client.
struct CannedTransport: ClientTransport {
    let status: HTTPResponse.Status
    let json: String

    func send(_ request: HTTPRequest, body: HTTPBody?, baseURL: URL, operationID: String) async throws -> (HTTPResponse, HTTPBody?) {
        (HTTPResponse(status: status, headerFields: [.contentType: "application/json"]), HTTPBody(json))
    }
}

/// Adds `Authorization: Bearer …` to every request, as an intake's client would.
struct BearerToken: ClientMiddleware {
    let token: String

    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, baseURL: URL, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, URL) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        var request = request
        request.headerFields[.authorization] = "Bearer \(token)"
        return try await next(request, body, baseURL)
    }
}

/// Every time the API answers with is ISO 8601 in UTC with milliseconds.
let configuration = Configuration(dateTranscoder: .iso8601WithFractionalSeconds)

func client(_ role: Role, _ transport: some ClientTransport) -> Client {
    Client(
        serverURL: URL(string: "http://127.0.0.1")!, configuration: configuration, transport: transport,
        middlewares: [BearerToken(token: tokens[role]!)])
}

@Suite("the generated client against the real server")
struct GeneratedClientTests {
    @Test("submit, check, contributions, review, approve, reject, bulk, audit, verify and reload, every answer decoded into the generated types")
    func wholeJourney() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-client-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        var serverConfiguration = ServerConfiguration()
        serverConfiguration.port = 0
        serverConfiguration.dataDirectory = directory.appendingPathComponent("data").path
        serverConfiguration.rules = [repositoryRoot.appendingPathComponent("rules").path]
        serverConfiguration.tokens = tokens.map { ($0.value, $0.key) }
        let gateway = try Gateway(configuration: serverConfiguration)
        let app = buildApplication(gateway: gateway)
        try await app.test(.live) { testClient in
            let transport = LoopbackTransport(client: testClient)
            let intake = client(.intake, transport)
            let moderator = client(.moderator, transport)
            let admin = client(.admin, transport)
            let author = client(.author, transport)

            // No token needed.
            #expect(try await intake.health().ok.body.json.status == "ok")
            let readiness = try await intake.ready().ok.body.json
            #expect(readiness.rules > 0 && readiness.rulesVersion.count == 64)

            // Submissions: accepted with a redaction, held, rejected as a repeat.
            let accepted = try await intake.submit(body: .json(.init(
                text: "Ring me on 07700 900123 about the physio", conversation: "physio", contributor: "c-1", clientRef: "r-1")))
                .created.body.json
            #expect(accepted.decision == .accepted)
            #expect(accepted.text == "Ring me on [phone number] about the physio")
            #expect(accepted.redactions.map(\.category) == ["UK_PHONE"])
            #expect(accepted.redactions.first.map { $0.start..<$0.end } == 11..<23)
            // The same clientRef again: the first answer.
            let retried = try await intake.submit(body: .json(.init(
                text: "Ring me on 07700 900123 about the physio", conversation: "physio", contributor: "c-1", clientRef: "r-1")))
                .created.body.json
            #expect(retried.id == accepted.id)
            var heldIds: [String] = []
            for (index, text) in ["the physio was a fucking twat", "the podiatrist was a total wanker", "that radiographer, what a cunt"].enumerated() {
                let held = try await intake.submit(body: .json(.init(text: text, contributor: "held-\(index)"))).accepted.body.json
                #expect(held.decision == .held)
                heldIds.append(held.id)
            }
            _ = try await intake.submit(body: .json(.init(text: "The hydrotherapy pool saved my knee, thank you all", contributor: "c-2")))
                .created
            let rejected = try await intake.submit(body: .json(.init(text: "The hydrotherapy pool saved my knee, thank you all", contributor: "c-2")))
                .unprocessableContent.body.json
            #expect(rejected.decision == .rejected && rejected.reasons == ["duplicate"])
            // A bad body: a 400 whose message names the field.
            let refusal = try await intake.submit(body: .json(.init(text: ""))).badRequest.body.json
            #expect(refusal.error.message.contains("text"))
            // The wrong role: 403, typed.
            _ = try await intake.listHeld().forbidden.body.json

            // Check: the explained verdict.
            let checked = try await author.check(body: .json(.init(text: "NHS number 016 977 5801, thanks"))).ok.body.json
            #expect(checked.decision == .accepted)
            #expect(checked.text == "NHS number [NHS number], thanks")
            let finding = try #require(checked.findings.first)
            #expect(finding.rule == "pii.nhs_number" && finding.action == .redact && finding.replacement == "[NHS number]")
            #expect(finding.explanation?.contains("nhs_mod11") == true)
            #expect(checked.notTaken.contains { $0.rule == "pii.uk_phone" })

            // Published contributions, paged.
            let page = try await intake.listContributions(query: .init(conversation: "physio")).ok.body.json
            #expect(page.items.map(\.id) == [accepted.id])
            #expect(page.items.first?.text == "Ring me on [phone number] about the physio")
            #expect(page.next == page.items.last?.seq)

            // The review queue: list, open, claim, approve.
            let queue = try await moderator.listHeld(query: .init(order: .priority)).ok.body.json
            #expect(Set(queue.items.map(\.id)) == Set(heldIds))
            #expect(queue.pending == 3 && queue.rejectReasons.contains("abusive"))
            let detail = try await moderator.getHeld(path: .init(id: heldIds[0])).ok.body.json
            #expect(detail.value1.status == .pending && detail.value1.claim == nil)
            #expect(detail.value2.findings.contains { $0.severity == .strong })
            #expect(detail.value2.history.map(\.event) == ["submission.held"])
            let claimed = try await moderator.claimHeld(path: .init(id: heldIds[0]), body: .json(.init(version: detail.value1.version)))
                .ok.body.json
            let claim = try #require(claimed.claim)
            #expect(claim.moderator.hasPrefix("moderator:") && claim.expiresAt > Date())
            // Another moderator's claim is live: 409 with the item as it is now.
            let conflict = try await admin.claimHeld(path: .init(id: heldIds[0])).conflict.body.json
            #expect(conflict.current.version == claimed.version && conflict.current.claim?.moderator == claim.moderator)
            let approved = try await moderator.approveHeld(path: .init(id: heldIds[0]), body: .json(.init(version: claimed.version)))
                .ok.body.json
            #expect(approved.status == .approved && approved.decision == .accepted && approved.seq != nil)
            // Reject one with a reason; claim the last in bulk.
            let second = try await moderator.getHeld(path: .init(id: heldIds[1])).ok.body.json.value1
            let dropped = try await moderator.rejectHeld(path: .init(id: heldIds[1]), body: .json(.init(version: second.version, reason: .abusive)))
                .ok.body.json
            #expect(dropped.status == .rejected && dropped.reason == "abusive")
            let bulk = try await moderator.bulkReview(body: .json(.claim(.init(action: .claim, ids: [heldIds[2], "no-such-item"])))).ok.body.json
            #expect(bulk.done.map(\.id) == [heldIds[2]])
            #expect(bulk.refused.map(\.status) == [404])

            // The audit log and its chain.
            let audit = try await moderator.listAudit(query: .init(limit: 1000)).ok.body.json
            #expect(audit.items.contains { $0.event == "review.approved" && $0.itemId == heldIds[0] })
            #expect(audit.items.contains { $0.event == "review.rejected" && $0.reason == "abusive" })
            #expect(audit.items.allSatisfy { $0.hash.count == 64 })
            let verified = try await moderator.verifyAudit().ok.body.json
            #expect(verified.ok && verified.checked == audit.items.count)
            let anchor = try #require(verified.anchor)
            #expect(try await moderator.verifyAudit(query: .init(anchor: anchor)).ok.body.json.ok)

            // Rules reloaded by an author.
            let reloaded = try await author.reloadRules().ok.body.json
            #expect(reloaded.reloaded && reloaded.version == readiness.rulesVersion)

            // Metrics as text, for an admin.
            let metrics = try await admin.metrics().ok.body.plainText
            let text = try await String(collecting: metrics, upTo: 1 << 20)
            #expect(text.contains("gatehouse_submissions_total"))
        }
    }

    @Test("an answer missing a required field, or with a field of the wrong type, fails in the generated client")
    func wrongAnswersFail() async throws {
        let good = #"{"id":"a","decision":"accepted","text":"t","redactions":[]}"#
        let answer = try await client(.intake, CannedTransport(status: .created, json: good)).submit(body: .json(.init(text: "t")))
        #expect(try answer.created.body.json.id == "a")
        let missing = #"{"id":"a","decision":"accepted","text":"t"}"#
        await #expect(throws: (any Error).self) {
            _ = try await client(.intake, CannedTransport(status: .created, json: missing)).submit(body: .json(.init(text: "t")))
        }
        let wrongType = #"{"items":[{"seq":"1","id":"a","text":"t","receivedAt":"2026-01-01T00:00:00.000Z"}],"next":1}"#
        await #expect(throws: (any Error).self) {
            _ = try await client(.intake, CannedTransport(status: .ok, json: wrongType)).listContributions()
        }
        let undocumented = try await client(.intake, CannedTransport(status: HTTPResponse.Status(code: 418), json: "{}")).submit(body: .json(.init(text: "t")))
        guard case .undocumented(statusCode: 418, _) = undocumented else {
            Issue.record("a status the document does not list is undocumented")
            return
        }
    }
}
