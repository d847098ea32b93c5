import Foundation
import GRDB
import GatehouseCore
import GatehouseServer
import GatehouseStorage
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Gateway HTTP API")
struct GatewayHTTPTests {
    @Test("submissions: 201 redacted, 202 held, 422 rejected with public reasons and never the text")
    func submissionStatuses() async throws {
        let directory = try TemporaryDirectory()
        let gateway = try Gateway(configuration: testConfiguration(directory))
        try await buildApplication(gateway: gateway).test(.router) { client in
            try await client.execute(
                uri: "/v1/submissions", method: .post, headers: bearer(.intake),
                body: json(["text": "Ring 07700 900123, the physio was great", "contributor": "c1"])
            ) { response in
                #expect(response.status == .created)
                let body = decode(response)
                #expect(body["decision"] as? String == "accepted")
                #expect(body["text"] as? String == "Ring [phone number], the physio was great")
                let redactions = body["redactions"] as? [[String: Any]]
                #expect(redactions?.first?["category"] as? String == "UK_PHONE")
                #expect(redactions?.first?["start"] as? Int == 5)
                #expect(body["id"] is String)
            }
            try await client.execute(
                uri: "/v1/submissions", method: .post, headers: bearer(.intake), body: json(["text": "this is fucking awful"])
            ) { response in
                #expect(response.status == .accepted)
                #expect(decode(response)["decision"] as? String == "held")
                #expect(decode(response)["text"] == nil)
            }
            try await client.execute(
                uri: "/v1/submissions", method: .post, headers: bearer(.intake),
                body: json(["text": "Ring 07700 900123, the physio was great", "contributor": "c1"])
            ) { response in
                #expect(response.status == .unprocessableContent)
                let body = decode(response)
                #expect(body["decision"] as? String == "rejected")
                #expect(body["reasons"] as? [String] == ["duplicate"])
                #expect(!String(buffer: response.body).contains("physio"))
            }
            // The published contributions hold the redacted text only.
            try await client.execute(uri: "/v1/contributions", method: .get, headers: bearer(.intake)) { response in
                #expect(response.status == .ok)
                let items = decode(response)["items"] as? [[String: Any]]
                #expect(items?.count == 1)
                #expect(items?.first?["text"] as? String == "Ring [phone number], the physio was great")
            }
            try await client.execute(uri: "/v1/review", method: .get, headers: bearer(.moderator)) { response in
                let items = decode(response)["items"] as? [[String: Any]]
                #expect(items?.count == 1)
                #expect(items?.first?["reasons"] as? [String] == ["profanity"])
            }
        }
    }

    @Test("bad input gets 400 naming the field; too large gets 413", arguments: [
        (#"{"text": 12}"#, 400, "field 'text' must be a string"),
        (#"{"conversation": "x"}"#, 400, "field 'text' is required"),
        (#"{"text": "hi", "contibutor": "x"}"#, 400, "field 'contibutor' is not known"),
        (#"{"text": "a\u0000b"}"#, 400, "NUL"),
        (#"{"text": "hi", "receivedAt": "yesterday"}"#, 400, "field 'receivedAt'"),
        (#"{"text": "hi", "receivedAt": "2026-12-09T23:44:10+19:50"}"#, 400, "field 'receivedAt'"),
        (#"{"text": "hi", "contributor": "a\u0000b"}"#, 400, "field 'contributor' contains a NUL"),
        (#"[1, 2]"#, 400, "expected a JSON object"),
        (#"{"text": "hi""#, 400, "not valid JSON"),
        (#"{"text": "hi", "conversation": [[[[[[[[[["deep"]]]]]]]]]]}"#, 400, "nested more than 8"),
        ("", 400, "empty"),
        // A key twice: parsers differ on which value wins, so neither is taken.
        (#"{"text": "call 07700 900123", "text": "hello"}"#, 400, "the key 'text' appears twice"),
        (#"{"text": "hi", "te\u0078t": "hello"}"#, 400, "the key 'text' appears twice"),
        (#"{"contributor": "a", "text": "hi", "contributor": "b"}"#, 400, "the key 'contributor' appears twice"),
    ])
    func badInput(body: String, status: Int, message: String) async throws {
        let directory = try TemporaryDirectory()
        let gateway = try Gateway(configuration: testConfiguration(directory))
        try await buildApplication(gateway: gateway).test(.router) { client in
            try await client.execute(uri: "/v1/submissions", method: .post, headers: bearer(.intake), body: ByteBuffer(string: body)) { response in
                #expect(Int(response.status.code) == status)
                #expect(String(buffer: response.body).contains(message), "\(String(buffer: response.body))")
            }
        }
    }

    @Test("invalid UTF-8 and oversized bodies and texts")
    func sizesAndEncoding() async throws {
        let directory = try TemporaryDirectory()
        var configuration = testConfiguration(directory)
        configuration.maxBodyBytes = 1_024
        configuration.maxTextCharacters = 100
        let gateway = try Gateway(configuration: configuration)
        try await buildApplication(gateway: gateway).test(.router) { client in
            var invalid = ByteBuffer(string: #"{"text": "caf"#)
            invalid.writeBytes([0xC3, 0x28])
            invalid.writeString(#""}"#)
            try await client.execute(uri: "/v1/submissions", method: .post, headers: bearer(.intake), body: invalid) { response in
                #expect(response.status == .badRequest)
                #expect(String(buffer: response.body).contains("UTF-8"))
            }
            try await client.execute(
                uri: "/v1/submissions", method: .post, headers: bearer(.intake),
                body: json(["text": String(repeating: "a", count: 2_000)])
            ) { response in
                #expect(response.status == .contentTooLarge)
            }
            try await client.execute(
                uri: "/v1/submissions", method: .post, headers: bearer(.intake), body: json(["text": String(repeating: "word ", count: 30)])
            ) { response in
                #expect(response.status == .contentTooLarge)
                #expect(String(buffer: response.body).contains("field 'text'"))
            }
        }
    }

    @Test("an optional field given as null is taken as absent; a null text is still missing")
    func nullOptionalFields() async throws {
        let directory = try TemporaryDirectory()
        let gateway = try Gateway(configuration: testConfiguration(directory))
        try await buildApplication(gateway: gateway).test(.router) { client in
            let body = #"{"text": "The paramedics were calm and kind.", "conversation": null, "contributor": null, "clientRef": null, "receivedAt": null}"#
            try await client.execute(uri: "/v1/submissions", method: .post, headers: bearer(.intake), body: ByteBuffer(string: body)) {
                #expect($0.status == .created)
            }
            try await client.execute(uri: "/v1/submissions", method: .post, headers: bearer(.intake), body: ByteBuffer(string: #"{"text": null}"#)) {
                #expect($0.status == .badRequest)
                #expect(String(buffer: $0.body).contains("field 'text' is required"))
            }
        }
    }

    @Test("receivedAt is stored as sent but never moves the duplicate windows: backdating does not dodge them, a future time is refused")
    func receivedAtIsNotTrustedForWindows() async throws {
        let directory = try TemporaryDirectory()
        let gateway = try Gateway(configuration: testConfiguration(directory))
        try await buildApplication(gateway: gateway).test(.router) { client in
            let text = "The occupational therapist fitted rails in my bathroom within a week."
            try await client.execute(uri: "/v1/submissions", method: .post, headers: bearer(.intake), body: json(["text": text, "contributor": "c1"])) {
                #expect($0.status == .created)
            }
            // The same text from the same contributor, dated a year back: still a repeat.
            let backdated = json(["text": text, "contributor": "c1", "receivedAt": "2025-11-01T09:00:00Z"])
            try await client.execute(uri: "/v1/submissions", method: .post, headers: bearer(.intake), body: backdated) { response in
                #expect(response.status == .unprocessableContent)
                #expect(decode(response)["reasons"] as? [String] == ["duplicate"])
            }
            // A time ahead of the gateway's clock is refused, so it cannot push earlier items out of the index.
            let future = json(["text": "Another view entirely, on the speech therapy waiting list.", "contributor": "c2", "receivedAt": "2522-12-09T23:44:10Z"])
            try await client.execute(uri: "/v1/submissions", method: .post, headers: bearer(.intake), body: future) { response in
                #expect(response.status == .badRequest)
                #expect(String(buffer: response.body).contains("field 'receivedAt' is ahead of the clock by more than 5 minutes"))
            }
            try await client.execute(uri: "/v1/submissions", method: .post, headers: bearer(.intake), body: json(["text": text, "contributor": "c1"])) {
                #expect($0.status == .unprocessableContent)
            }
            // What the intake said is what is stored.
            let dated = json(["text": "A late delivery about the podiatry clinic in Leeds.", "receivedAt": "2026-01-02T03:04:05Z"])
            try await client.execute(uri: "/v1/submissions", method: .post, headers: bearer(.intake), body: dated) { #expect($0.status == .created) }
            try await client.execute(uri: "/v1/contributions", method: .get, headers: bearer(.intake)) { response in
                let items = decode(response)["items"] as? [[String: Any]]
                #expect(items?.last?["receivedAt"] as? String == "2026-01-02T03:04:05.000Z")
            }
        }
    }

    @Test("a clientRef makes a retry idempotent: the same answer, no second item")
    func idempotentRetry() async throws {
        let directory = try TemporaryDirectory()
        let gateway = try Gateway(configuration: testConfiguration(directory))
        try await buildApplication(gateway: gateway).test(.router) { client in
            let body = json(["text": "The podiatrist was kind and thorough.", "contributor": "c9", "clientRef": "retry-1"])
            let first = try await client.execute(uri: "/v1/submissions", method: .post, headers: bearer(.intake), body: body) { decode($0) }
            let second = try await client.execute(uri: "/v1/submissions", method: .post, headers: bearer(.intake), body: body) { response in
                #expect(response.status == .created)
                return decode(response)
            }
            #expect(first["id"] as? String == second["id"] as? String)
            #expect(first["id"] != nil)
        }
        let count = try await gateway.database.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM contribution") }
        #expect(count == 1)
        let audited = try await gateway.database.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM auditEntry") }
        #expect(audited == 1)
    }

    @Test("the same submission sent twice at once with one clientRef (a double click): one item, the same answer to both")
    func concurrentDuplicateClientRef() async throws {
        let directory = try TemporaryDirectory()
        let gateway = try Gateway(configuration: testConfiguration(directory))
        try await buildApplication(gateway: gateway).test(.router) { client in
            for pair in 0..<30 {
                let body = json([
                    "text": "Pair \(pair): the stroke team's speech therapist got my dad talking again.",
                    "contributor": "double-\(pair)", "clientRef": "click-\(pair)",
                ])
                let answers = try await withThrowingTaskGroup(of: (UInt, String?).self) { group in
                    for _ in 0..<2 {
                        group.addTask {
                            try await client.execute(uri: "/v1/submissions", method: .post, headers: bearer(.intake), body: body) {
                                (UInt($0.status.code), decode($0)["id"] as? String)
                            }
                        }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                #expect(answers.map(\.0) == [201, 201], "pair \(pair): \(answers)")
                #expect(answers[0].1 != nil && answers[0].1 == answers[1].1, "pair \(pair): \(answers)")
            }
        }
        let count = try await gateway.database.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM contribution") }
        #expect(count == 30)
    }

    @Test("a clientRef used again for a different submission is 409 and stores nothing; keys are per token")
    func clientRefReuse() async throws {
        let directory = try TemporaryDirectory()
        var configuration = testConfiguration(directory)
        configuration.tokens.append(("intake-token-2", .intake))
        let gateway = try Gateway(configuration: configuration)
        @Sendable func count() async throws -> Int? {
            try await gateway.database.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM contribution") }
        }
        try await buildApplication(gateway: gateway).test(.router) { client in
            let first = json(["text": "The podiatrist was kind and thorough.", "conversation": "feet", "clientRef": "ref-7"])
            let firstId = try await client.execute(uri: "/v1/submissions", method: .post, headers: bearer(.intake), body: first) { response in
                #expect(response.status == .created)
                return decode(response)["id"] as? String
            }
            // A different text, a different conversation, a receivedAt: each is another submission.
            for other in [
                ["text": "The dietitian was rushed and curt with me.", "conversation": "feet", "clientRef": "ref-7"],
                ["text": "The podiatrist was kind and thorough.", "conversation": "hands", "clientRef": "ref-7"],
                ["text": "The podiatrist was kind and thorough.", "conversation": "feet", "clientRef": "ref-7", "receivedAt": "2026-11-30T10:00:00Z"],
            ] {
                try await client.execute(uri: "/v1/submissions", method: .post, headers: bearer(.intake), body: json(other)) { response in
                    #expect(response.status == .conflict)
                    #expect(String(buffer: response.body).contains("clientRef was already used for a different submission"))
                }
            }
            #expect(try await count() == 1)
            // Another intake token has keys of its own.
            let secondId = try await client.execute(
                uri: "/v1/submissions", method: .post, headers: [.authorization: "Bearer intake-token-2"], body: first
            ) { response in
                #expect(response.status == .created)
                return decode(response)["id"] as? String
            }
            #expect(secondId != nil && secondId != firstId)
            // An answer stored before requests were digested is replayed for any request.
            try await gateway.database.pool.write { db in try db.execute(sql: "UPDATE idempotency SET request = NULL") }
            let other = json(["text": "Something else entirely about radiography.", "clientRef": "ref-7"])
            try await client.execute(uri: "/v1/submissions", method: .post, headers: bearer(.intake), body: other) { response in
                #expect(response.status == .created)
                #expect(decode(response)["id"] as? String == firstId)
            }
        }
        #expect(try await count() == 2)
    }

    @Test("maintenance: a clientRef answer is kept for idempotency_hours, fingerprints for the index's 30 days")
    func retention() async throws {
        let directory = try TemporaryDirectory()
        var configuration = testConfiguration(directory)
        configuration.idempotencyHours = 24
        let gateway = try Gateway(configuration: configuration)
        let body = json(["text": "The hydrotherapy pool sessions helped my knee a great deal", "clientRef": "ref-1"])
        try await buildApplication(gateway: gateway).test(.router) { client in
            let first = try await client.execute(uri: "/v1/submissions", method: .post, headers: bearer(.intake), body: body) {
                decode($0)["id"] as? String
            }
            var pruned = try await gateway.maintain(now: Date().addingTimeInterval(12 * 3_600))
            #expect(pruned.fingerprints == 0 && pruned.answers == 0)
            try await client.execute(uri: "/v1/submissions", method: .post, headers: bearer(.intake), body: body) { response in
                #expect(decode(response)["id"] as? String == first)
            }
            pruned = try await gateway.maintain(now: Date().addingTimeInterval(25 * 3_600))
            #expect(pruned.fingerprints == 0 && pruned.answers == 1)
            pruned = try await gateway.maintain(now: Date().addingTimeInterval(31 * 86_400))
            #expect(pruned.fingerprints == 1 && pruned.answers == 0)
        }
    }

    @Test("the role matrix: every role on every route")
    func roleMatrix() async throws {
        let directory = try TemporaryDirectory()
        let gateway = try Gateway(configuration: testConfiguration(directory))
        try await buildApplication(gateway: gateway).test(.router) { client in
            for route in Routes.table {
                let method: HTTPRequest.Method = route.method == "POST" ? .post : .get
                let fields: [String: Any]? = switch route.path {
                case "/v1/submissions", "/v1/check": ["text": "The physio was kind."]
                case "/v1/review/{id}/edit": ["text": "The physio was kind.", "version": 1]
                case "/v1/review/{id}/approve": ["version": 1]
                case "/v1/review/{id}/reject": ["version": 1, "reason": "spam"]
                case "/v1/review/bulk": ["action": "approve", "ids": ["no-such-item"]]
                default: nil
                }
                let body = fields.map(json)
                // The event stream never ends, and the router test client reads a body to its end
                // before it answers: allowed roles read it on a live server in ReviewQueueTests.
                let streams = route.path == "/v1/review/events"
                // Routes on one item are called for an item that does not exist: 404 once past the role check.
                let uri = route.path.replacingOccurrences(of: "{id}", with: "no-such-item")
                let allowedStatus: (UInt) -> Bool = route.path.contains("{id}") ? { $0 == 404 } : { $0 < 400 }
                for role in Role.allCases {
                    let allowed = route.roles.isEmpty || route.roles.contains(role)
                    if allowed && streams { continue }
                    try await client.execute(uri: uri, method: method, headers: bearer(role), body: body) { response in
                        if allowed {
                            #expect(allowedStatus(UInt(response.status.code)), "\(role) on \(route.method) \(route.path): \(response.status)")
                        } else {
                            #expect(response.status == .forbidden, "\(role) on \(route.method) \(route.path): \(response.status)")
                        }
                    }
                }
                // No token, and an unknown token.
                for headers: HTTPFields in [[:], [.authorization: "Bearer not-a-token"]] {
                    try await client.execute(uri: uri, method: method, headers: headers, body: body) { response in
                        if route.roles.isEmpty {
                            #expect(response.status == .ok)
                        } else {
                            #expect(response.status == .unauthorized, "no token on \(route.path)")
                        }
                    }
                }
            }
        }
    }

    @Test("paging parameters out of range get 400 naming the parameter", arguments: [
        ("/v1/contributions?limit=0", "'limit' must be a whole number from 1 to 1000"),
        ("/v1/audit?limit=1001", "'limit' must be a whole number from 1 to 1000"),
        ("/v1/review?limit=ten", "'limit' must be a whole number from 1 to 1000"),
        ("/v1/review?after=-1", "'after' must be a whole number ≥ 0"),
        ("/v1/audit?after=17292239677424273408", "'after' must be a whole number ≥ 0"),
    ])
    func pagingParameters(uri: String, message: String) async throws {
        let directory = try TemporaryDirectory()
        let gateway = try Gateway(configuration: testConfiguration(directory))
        try await buildApplication(gateway: gateway).test(.router) { client in
            try await client.execute(uri: uri, method: .get, headers: bearer(.admin)) { response in
                #expect(response.status == .badRequest)
                #expect(String(buffer: response.body).contains(message), "\(String(buffer: response.body))")
            }
            try await client.execute(uri: "/v1/audit?after=0&limit=1000", method: .get, headers: bearer(.admin)) { #expect($0.status == .ok) }
        }
    }

    @Test("a path asked with a method it does not take is 405 with Allow; unknown paths and items stay 404")
    func methodNotAllowed() async throws {
        let directory = try TemporaryDirectory()
        let gateway = try Gateway(configuration: testConfiguration(directory))
        try await buildApplication(gateway: gateway).test(.router) { client in
            let wrongMethods: [(uri: String, method: HTTPRequest.Method, headers: HTTPFields, allow: String)] = [
                ("/v1/submissions", .get, bearer(.intake), "POST"),
                ("/v1/review/some-id/approve", .delete, bearer(.moderator), "POST"),
                ("/healthz", .post, [:], "GET"),
                // A literal segment beats the {id} beside it, as in the router.
                ("/v1/review/bulk", .get, bearer(.moderator), "POST"),
                ("/v1/review/events", .post, bearer(.moderator), "GET"),
            ]
            for wrong in wrongMethods {
                try await client.execute(uri: wrong.uri, method: wrong.method, headers: wrong.headers) { response in
                    #expect(response.status == .methodNotAllowed, "\(wrong.method) \(wrong.uri)")
                    #expect(response.headers[.allow] == wrong.allow)
                }
            }
            try await client.execute(uri: "/v1/review/some-id/approve", method: .post, headers: bearer(.moderator), body: json(["version": 1])) {
                #expect($0.status == .notFound)
            }
            try await client.execute(uri: "/v1/review//approve", method: .post, headers: bearer(.moderator)) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/v1/nothing-here", method: .get, headers: bearer(.admin)) { #expect($0.status == .notFound) }
        }
    }

    @Test("per-token rate limit: 429 past the limit, with Retry-After")
    func rateLimit() async throws {
        let directory = try TemporaryDirectory()
        var configuration = testConfiguration(directory)
        configuration.ratePerMinute = 3
        let gateway = try Gateway(configuration: configuration)
        try await buildApplication(gateway: gateway).test(.router) { client in
            var statuses: [UInt] = []
            for _ in 0..<5 {
                statuses.append(try await client.execute(uri: "/v1/contributions", method: .get, headers: bearer(.intake)) { UInt($0.status.code) })
            }
            #expect(statuses == [200, 200, 200, 429, 429])
            try await client.execute(uri: "/v1/contributions", method: .get, headers: bearer(.intake)) { response in
                #expect(response.status == .tooManyRequests)
                let wait = try #require(response.headers[.retryAfter].flatMap { Int($0) })
                #expect((1...60).contains(wait))
            }
            // Another token has its own budget.
            try await client.execute(uri: "/v1/contributions", method: .get, headers: bearer(.admin)) { #expect($0.status == .ok) }
        }
    }

    @Test("POST /v1/check explains and stores nothing, not even a fingerprint")
    func checkStoresNothing() async throws {
        let directory = try TemporaryDirectory()
        let gateway = try Gateway(configuration: testConfiguration(directory))
        try await buildApplication(gateway: gateway).test(.router) { client in
            for _ in 0..<2 {
                try await client.execute(
                    uri: "/v1/check", method: .post, headers: bearer(.author),
                    body: json(["text": "NHS number 943 476 5919 please", "contributor": "a"])
                ) { response in
                    #expect(response.status == .ok)
                    let body = decode(response)
                    #expect(body["decision"] as? String == "accepted")
                    let findings = body["findings"] as? [[String: Any]]
                    #expect(findings?.first?["explanation"] as? String == "pattern matched; validator nhs_mod11 passed; context word 'nhs number' before it")
                }
            }
        }
        let rows = try await gateway.database.pool.read { db in
            try Int.fetchOne(db, sql: "SELECT (SELECT COUNT(*) FROM contribution) + (SELECT COUNT(*) FROM auditEntry) + (SELECT COUNT(*) FROM fingerprint)")
        }
        #expect(rows == 0)
    }

    @Test("POST /v1/check?shadow=enforce runs shadow rules as if enforced; a live submission never does; a bad value is 400")
    func checkEnforcingShadow() async throws {
        let directory = try TemporaryDirectory()
        let rules = directory.url.appendingPathComponent("rules")
        try FileManager.default.createDirectory(at: rules, withIntermediateDirectories: true)
        let pack = try String(contentsOf: repositoryRoot.appendingPathComponent("rules/pii/contact.yaml"), encoding: .utf8)
        try pack.replacingOccurrences(of: "    category: UK_PHONE\n    action: redact\n", with: "    category: UK_PHONE\n    action: redact\n    mode: shadow\n")
            .write(to: rules.appendingPathComponent("contact.yaml"), atomically: true, encoding: .utf8)
        let gateway = try Gateway(configuration: testConfiguration(directory, rules: [rules.path]))
        let text = "ring me on 07912 345678 please"
        try await buildApplication(gateway: gateway).test(.router) { client in
            for (query, published, shadow) in [("", text, true), ("?shadow=record", text, true), ("?shadow=enforce", "ring me on [phone number] please", false)] {
                try await client.execute(uri: "/v1/check\(query)", method: .post, headers: bearer(.author), body: json(["text": text])) { response in
                    #expect(response.status == .ok, "\(query)")
                    let body = decode(response)
                    #expect(body["text"] as? String == published, "\(query)")
                    let finding = (body["findings"] as? [[String: Any]])?.first
                    #expect(finding?["rule"] as? String == "pii.uk_phone")
                    #expect((finding?["shadow"] as? Bool ?? false) == shadow, "\(query)")
                }
            }
            try await client.execute(uri: "/v1/check?shadow=on", method: .post, headers: bearer(.author), body: json(["text": text])) { response in
                #expect(response.status == .badRequest)
                #expect(String(buffer: response.body).contains("'shadow' must be 'record'"))
            }
            try await client.execute(uri: "/v1/submissions", method: .post, headers: bearer(.intake), body: json(["text": text])) { response in
                #expect(decode(response)["text"] as? String == text, "shadow rules change nothing on the live path")
            }
        }
    }

    @Test("hot reload: a good set is swapped in; a bad set is refused and the old one stays")
    func hotReload() async throws {
        let directory = try TemporaryDirectory()
        let rules = directory.url.appendingPathComponent("rules")
        try FileManager.default.createDirectory(at: rules, withIntermediateDirectories: true)
        let pack = rules.appendingPathComponent("pii.yaml")
        try FileManager.default.copyItem(at: repositoryRoot.appendingPathComponent("rules/pii/contact.yaml"), to: pack)
        let gateway = try Gateway(configuration: testConfiguration(directory, rules: [rules.path]))
        let before = gateway.ruleCount
        try await buildApplication(gateway: gateway).test(.router) { client in
            // Good: add the identifiers pack.
            try FileManager.default.copyItem(
                at: repositoryRoot.appendingPathComponent("rules/pii/identifiers.yaml"), to: rules.appendingPathComponent("ids.yaml"))
            try await client.execute(uri: "/v1/rules/reload", method: .post, headers: bearer(.author)) { response in
                #expect(response.status == .ok)
            }
            #expect(gateway.ruleCount > before)
            let after = gateway.ruleCount
            // Bad: a pattern that does not compile.
            try "plugin: pii\nrules:\n  - id: broken\n    description: d\n    category: X\n    pattern: '(unclosed'\n"
                .write(to: rules.appendingPathComponent("broken.yaml"), atomically: true, encoding: .utf8)
            try await client.execute(uri: "/v1/rules/reload", method: .post, headers: bearer(.admin)) { response in
                #expect(response.status == .unprocessableContent)
                #expect(String(buffer: response.body).contains("rule 'broken'"))
                #expect(String(buffer: response.body).contains("the old rules stay"))
            }
            #expect(gateway.ruleCount == after)
            // Bad: a rule whose own test fails.
            try "plugin: pii\nrules:\n  - id: wrong\n    description: d\n    category: X\n    pattern: 'zzz'\n    tests:\n      match: ['nothing here']\n"
                .write(to: rules.appendingPathComponent("broken.yaml"), atomically: true, encoding: .utf8)
            try await client.execute(uri: "/v1/rules/reload", method: .post, headers: bearer(.admin)) { response in
                #expect(response.status == .unprocessableContent)
                #expect(String(buffer: response.body).contains("rule tests failed"))
            }
            #expect(gateway.ruleCount == after)
            // The old rules still work.
            try await client.execute(
                uri: "/v1/submissions", method: .post, headers: bearer(.intake), body: json(["text": "NHS 943 476 5919"])
            ) { response in
                #expect(decode(response)["text"] as? String == "NHS [NHS number]")
            }
        }
        let events = try await gateway.audit.entries(after: 0, limit: 100).map(\.event)
        #expect(events.filter { $0 == "rules.reloaded" }.count == 1)
    }

    @Test("a pack in shadow mode records its findings (verdict, audit, metrics) and changes no decision and no text")
    func shadowPack() async throws {
        let directory = try TemporaryDirectory()
        let pack = directory.url.appendingPathComponent("trial.yaml")
        try """
            plugin: pii
            mode: shadow
            description: A trial rule, tried on live traffic before it is enforced.
            rules:
              - id: trial.clinic_room
                description: A clinic room number, as a trial.
                category: TRIAL
                action: reject
                pattern: '\\broom [0-9]{3}\\b'
                replacement: '[room]'
                tests:
                  match: ['seen in room 214 today']
                  no_match: ['seen in the waiting room']
            """.write(to: pack, atomically: true, encoding: .utf8)
        let rules = [repositoryRoot.appendingPathComponent("rules").path, pack.path]
        let gateway = try Gateway(configuration: testConfiguration(directory, rules: rules))
        try await buildApplication(gateway: gateway).test(.router) { client in
            let text = "I was seen in room 214 by a lovely physio."
            try await client.execute(uri: "/v1/submissions", method: .post, headers: bearer(.intake), body: json(["text": text])) { response in
                #expect(response.status == .created)
                #expect(decode(response)["text"] as? String == text)
            }
            try await client.execute(uri: "/v1/check", method: .post, headers: bearer(.author), body: json(["text": text])) { response in
                let findings = decode(response)["findings"] as? [[String: Any]] ?? []
                #expect(findings.contains { $0["rule"] as? String == "trial.clinic_room" && $0["shadow"] as? Bool == true })
                #expect(decode(response)["decision"] as? String == "accepted")
            }
            try await client.execute(uri: "/v1/audit", method: .get, headers: bearer(.admin)) { response in
                let entry = (decode(response)["items"] as? [[String: Any]])?.first
                let findings = entry?["findings"] as? [[String: Any]] ?? []
                #expect(entry?["decision"] as? String == "accepted")
                #expect(findings.contains { $0["rule"] as? String == "trial.clinic_room" && $0["shadow"] as? Bool == true })
            }
            try await client.execute(uri: "/v1/audit/verify", method: .get, headers: bearer(.moderator)) { response in
                #expect(decode(response)["ok"] as? Bool == true)
            }
            try await client.execute(uri: "/metrics", method: .get, headers: bearer(.admin)) { response in
                #expect(String(buffer: response.body).contains("gatehouse_findings_total{plugin=\"pii\",rule=\"trial.clinic_room\",mode=\"shadow\"} 1\n"))
            }
        }
    }

    @Test("every decision's audit entry names the rule set that decided, inside the hash; entries without one still verify")
    func auditNamesRuleSet() async throws {
        let directory = try TemporaryDirectory()
        let gateway = try Gateway(configuration: testConfiguration(directory))
        try await buildApplication(gateway: gateway).test(.router) { client in
            // An entry as the log wrote them before it kept the version: no rulesVersion, old hash.
            try await gateway.database.pool.write { db in
                let time = Date(timeIntervalSince1970: 1_790_000_000)
                let hash = AuditEntry.computeHash(
                    seq: 1, time: time, actor: "system", event: "rules.loaded", itemId: nil, decision: nil, findingsJSON: "[]",
                    textHash: nil, prevHash: AuditEntry.genesis)
                try db.execute(
                    sql: "INSERT INTO auditEntry (seq, time, actor, event, findings, prevHash, hash) VALUES (1, ?, 'system', 'rules.loaded', '[]', ?, ?)",
                    arguments: [time.timeIntervalSince1970, AuditEntry.genesis, hash])
            }
            try await client.execute(
                uri: "/v1/submissions", method: .post, headers: bearer(.intake), body: json(["text": "The podiatrist in Leeds was lovely."])
            ) { #expect($0.status == .created) }
            try await client.execute(uri: "/v1/audit", method: .get, headers: bearer(.admin)) { response in
                let items = decode(response)["items"] as? [[String: Any]] ?? []
                #expect(items.count == 2)
                #expect(items.first?["rulesVersion"] is NSNull || items.first?["rulesVersion"] == nil)
                #expect(items.last?["rulesVersion"] as? String == gateway.ruleSetVersion)
            }
            try await client.execute(uri: "/v1/audit/verify", method: .get, headers: bearer(.moderator)) { response in
                #expect(decode(response)["ok"] as? Bool == true)
                #expect(decode(response)["checked"] as? Int == 2)
            }
            // Claiming another rule set decided is tampering like any other.
            try await gateway.database.pool.write { db in
                try db.execute(sql: "UPDATE auditEntry SET rulesVersion = 'another rule set' WHERE seq = 2")
            }
            try await client.execute(uri: "/v1/audit/verify", method: .get, headers: bearer(.moderator)) { response in
                #expect(decode(response)["ok"] as? Bool == false)
                #expect(decode(response)["firstBadSeq"] as? Int == 2)
            }
        }
    }

    @Test("the audit chain verifies, and a tampered row is detected and named")
    func auditChain() async throws {
        let directory = try TemporaryDirectory()
        let gateway = try Gateway(configuration: testConfiguration(directory))
        try await buildApplication(gateway: gateway).test(.router) { client in
            for index in 0..<5 {
                try await client.execute(
                    uri: "/v1/submissions", method: .post, headers: bearer(.intake), body: json(["text": "Contribution number \(index) about physio."])
                ) { _ in }
            }
            try await client.execute(uri: "/v1/audit/verify", method: .get, headers: bearer(.moderator)) { response in
                #expect(decode(response)["ok"] as? Bool == true)
                #expect(decode(response)["checked"] as? Int == 5)
            }
            try await client.execute(uri: "/v1/audit?after=2&limit=2", method: .get, headers: bearer(.admin)) { response in
                let items = decode(response)["items"] as? [[String: Any]]
                #expect(items?.map { $0["seq"] as? Int } == [3, 4])
                #expect(items?.first?["prevHash"] is String)
            }
            try await gateway.database.pool.write { db in
                try db.execute(sql: "UPDATE auditEntry SET decision = 'rejected' WHERE seq = 3")
            }
            try await client.execute(uri: "/v1/audit/verify", method: .get, headers: bearer(.moderator)) { response in
                let body = decode(response)
                #expect(body["ok"] as? Bool == false)
                #expect(body["firstBadSeq"] as? Int == 3)
                #expect(body["checked"] as? Int == 2)
            }
        }
    }

    @Test("metrics in Prometheus text format; health and readiness")
    func metricsAndHealth() async throws {
        let directory = try TemporaryDirectory()
        let gateway = try Gateway(configuration: testConfiguration(directory))
        try await buildApplication(gateway: gateway).test(.router) { client in
            try await client.execute(uri: "/v1/submissions", method: .post, headers: bearer(.intake), body: json(["text": "what a pillock"])) { _ in }
            try await client.execute(uri: "/metrics", method: .get, headers: bearer(.admin)) { response in
                let text = String(buffer: response.body)
                #expect(text.contains("gatehouse_submissions_total{decision=\"accepted\"} 1"))
                #expect(text.contains("gatehouse_findings_total{plugin=\"profanity\",rule=\"profanity.mild\"} 1"))
                #expect(text.contains("gatehouse_submission_seconds_count 1"))
                #expect(text.contains("gatehouse_review_queue_depth 0"))
                #expect(text.contains("gatehouse_commits_total 1\n"))
                #expect(text.contains("gatehouse_committed_writes_total 1\n"))
                #expect(!text.contains("gatehouse_commit_slowest_seconds 0.0\n"))
                #expect(gateway.ruleSetVersion.count == 64)
                #expect(text.contains("gatehouse_rule_set_info{version=\"\(gateway.ruleSetVersion)\"} 1\n"))
            }
            try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/readyz", method: .get) { response in
                #expect(response.status == .ok)
                #expect(decode(response)["rules"] as? Int == gateway.ruleCount)
                #expect(decode(response)["rulesVersion"] as? String == gateway.ruleSetVersion)
            }
        }
    }
}
