import Foundation
import GatehouseCore
import GatehouseServer
import GRDB
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Moderator decisions on held items")
struct ReviewTests {
    /// Submits `text` as the intake and returns the held item's id.
    func hold(_ text: String, client: some TestClientProtocol) async throws -> String {
        try await client.execute(uri: "/v1/submissions", method: .post, headers: bearer(.intake), body: json(["text": text])) { response in
            #expect(response.status == .accepted, "expected held: \(String(buffer: response.body))")
            return try #require(decode(response)["id"] as? String)
        }
    }

    func heldRow(_ gateway: Gateway, _ id: String) async throws -> (status: String, text: String) {
        try await gateway.database.pool.read { db in
            let row = try #require(try Row.fetchOne(db, sql: "SELECT status, text FROM heldItem WHERE id = ?", arguments: [id]))
            return (row["status"], row["text"])
        }
    }

    func auditEntries(_ gateway: Gateway) async throws -> [AuditEntry] {
        try await gateway.audit.entries(after: 0, limit: 1_000)
    }

    @Test("approve publishes the held text, erases the held copy, audits who did it; a second decision is 409")
    func approve() async throws {
        let directory = try TemporaryDirectory()
        let gateway = try Gateway(configuration: testConfiguration(directory))
        try await buildApplication(gateway: gateway).test(.router) { client in
            let id = try await hold("The podiatrist was shit at listening, call me on 07700 900123", client: client)
            try await client.execute(uri: "/v1/review/\(id)/approve", method: .post, headers: bearer(.moderator), body: json(["version": 1])) { response in
                #expect(response.status == .ok)
                let body = decode(response)
                #expect(body["status"] as? String == "approved")
                #expect(body["decision"] as? String == "accepted")
                // The held text was already redacted at intake; approval publishes it as it was held.
                #expect(body["text"] as? String == "The podiatrist was shit at listening, call me on [phone number]")
            }
            try await client.execute(uri: "/v1/contributions", method: .get, headers: bearer(.intake)) { response in
                let items = decode(response)["items"] as? [[String: Any]]
                #expect(items?.map { $0["id"] as? String } == [id])
            }
            try await client.execute(uri: "/v1/review", method: .get, headers: bearer(.moderator)) { response in
                #expect((decode(response)["items"] as? [Any])?.isEmpty == true)
            }
            #expect(try await heldRow(gateway, id) == ("approved", ""))
            try await client.execute(
                uri: "/v1/review/\(id)/reject", method: .post, headers: bearer(.admin), body: json(["version": 2, "reason": "spam"])
            ) { response in
                #expect(response.status == .conflict)
                #expect(String(buffer: response.body).contains("already approved"))
            }
            try await client.execute(uri: "/v1/review/\(id)/approve", method: .post, headers: bearer(.moderator), body: json(["version": 1])) { response in
                #expect(response.status == .conflict)
            }
        }
        let entries = try await auditEntries(gateway)
        #expect(entries.map(\.event) == ["submission.held", "review.approved"])
        let review = try #require(entries.last)
        #expect(review.actor.hasPrefix("moderator:"))
        #expect(review.actor.count == "moderator:".count + 12)
        #expect(!review.actor.contains(tokens[.moderator]!))
        #expect(review.decision == "accepted")
        #expect(review.textHash?.count == 64)
        #expect(entries.first?.actor.hasPrefix("intake:") == true)
        #expect(try await gateway.audit.verify().ok)
    }

    @Test("edit publishes the moderator's text after redaction; a text that would still be held is refused and nothing changes")
    func edit() async throws {
        let directory = try TemporaryDirectory()
        let gateway = try Gateway(configuration: testConfiguration(directory))
        try await buildApplication(gateway: gateway).test(.router) { client in
            let id = try await hold("The radiographer was a fucking star", client: client)
            // Still profane: refused, naming the rule; the item stays pending.
            try await client.execute(
                uri: "/v1/review/\(id)/edit", method: .post, headers: bearer(.moderator), body: json(["text": "a f.u.c.k.i.n.g star", "version": 1])
            ) { response in
                #expect(response.status == .unprocessableContent)
                let message = String(buffer: response.body)
                #expect(message.contains("would be held"), "\(message)")
                #expect(message.contains("profanity."), "\(message)")
            }
            #expect(try await heldRow(gateway, id).status == "pending")
            // Bad bodies name the field.
            try await client.execute(uri: "/v1/review/\(id)/edit", method: .post, headers: bearer(.moderator)) { response in
                #expect(response.status == .badRequest)
            }
            for extra in ["note", "conversation"] {
                try await client.execute(
                    uri: "/v1/review/\(id)/edit", method: .post, headers: bearer(.moderator), body: json(["text": "ok", extra: "x"])
                ) { response in
                    #expect(response.status == .badRequest)
                    #expect(String(buffer: response.body).contains("'\(extra)' is not known"))
                }
            }
            // A clean edit, with a phone number the moderator typed: redacted before it is published.
            try await client.execute(
                uri: "/v1/review/\(id)/edit", method: .post, headers: bearer(.moderator),
                body: json(["text": "The radiographer was a star; ring 07700 900123", "version": 1])
            ) { response in
                #expect(response.status == .ok)
                let body = decode(response)
                #expect(body["status"] as? String == "edited")
                #expect(body["text"] as? String == "The radiographer was a star; ring [phone number]")
                let redactions = body["redactions"] as? [[String: Any]]
                #expect(redactions?.first?["category"] as? String == "UK_PHONE")
                #expect(!String(buffer: response.body).contains("07700"))
            }
            try await client.execute(uri: "/v1/contributions", method: .get, headers: bearer(.intake)) { response in
                let items = decode(response)["items"] as? [[String: Any]]
                #expect(items?.first?["text"] as? String == "The radiographer was a star; ring [phone number]")
            }
            #expect(try await heldRow(gateway, id) == ("edited", ""))
        }
        let entries = try await auditEntries(gateway)
        #expect(entries.map(\.event) == ["submission.held", "review.edited"])
        #expect(entries.last?.findings.map(\.rule) == ["pii.uk_phone"])
        #expect(try await gateway.audit.verify().ok)
    }

    @Test("reject drops the item and erases its text with a reason code; unknown ids are 404; approve takes only a version")
    func reject() async throws {
        let directory = try TemporaryDirectory()
        let gateway = try Gateway(configuration: testConfiguration(directory))
        try await buildApplication(gateway: gateway).test(.router) { client in
            let id = try await hold("You are all cunts", client: client)
            try await client.execute(
                uri: "/v1/review/\(id)/approve", method: .post, headers: bearer(.moderator), body: json(["text": "x"])
            ) { response in
                #expect(response.status == .badRequest)
            }
            // A reason from the configured list is required.
            for body in [["version": 1], ["version": 1, "reason": "rude"]] as [[String: Any]] {
                try await client.execute(uri: "/v1/review/\(id)/reject", method: .post, headers: bearer(.moderator), body: json(body)) { response in
                    #expect(response.status == .badRequest)
                    #expect(String(buffer: response.body).contains("abusive, personal-data, spam"))
                }
            }
            try await client.execute(
                uri: "/v1/review/\(id)/reject", method: .post, headers: bearer(.moderator), body: json(["version": 1, "reason": "abusive"])
            ) { response in
                #expect(response.status == .ok)
                #expect(decode(response)["reason"] as? String == "abusive")
                let body = decode(response)
                #expect(body["status"] as? String == "rejected")
                #expect(body["decision"] as? String == "rejected")
                #expect(body["text"] == nil)
            }
            try await client.execute(
                uri: "/v1/review/not-an-item/reject", method: .post, headers: bearer(.moderator), body: json(["version": 1, "reason": "spam"])
            ) { response in
                #expect(response.status == .notFound)
                #expect(String(buffer: response.body).contains("not-an-item"))
            }
            try await client.execute(uri: "/v1/contributions", method: .get, headers: bearer(.intake)) { response in
                #expect((decode(response)["items"] as? [Any])?.isEmpty == true)
            }
            try await client.execute(uri: "/metrics", method: .get, headers: bearer(.admin)) { response in
                let text = String(buffer: response.body)
                #expect(text.contains("gatehouse_reviews_total{action=\"reject\"} 1"))
                #expect(text.contains("gatehouse_review_queue_depth 0"))
            }
        }
        #expect(try await heldRow(gateway, id: nil) == ("rejected", ""))
        let entries = try await auditEntries(gateway)
        #expect(entries.map(\.event) == ["submission.held", "review.rejected"])
        #expect(entries.last?.textHash == nil)
        #expect(entries.last?.reason == "abusive")
        #expect(try await gateway.audit.verify().ok)
    }

    @Test("two moderators deciding the same item at once: one wins, the other gets 409")
    func concurrentDecisions() async throws {
        let directory = try TemporaryDirectory()
        let gateway = try Gateway(configuration: testConfiguration(directory))
        try await buildApplication(gateway: gateway).test(.router) { client in
            var ids: [String] = []
            for index in 0..<8 { ids.append(try await hold("Item \(index): the paramedic was a twat", client: client)) }
            for id in ids {
                let statuses = try await withThrowingTaskGroup(of: UInt.self) { group in
                    for action in ["approve", "reject"] {
                        group.addTask {
                            let body = json(action == "reject" ? ["version": 1, "reason": "abusive"] : ["version": 1])
                            return try await client.execute(uri: "/v1/review/\(id)/\(action)", method: .post, headers: bearer(.moderator), body: body) {
                                UInt($0.status.code)
                            }
                        }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }.sorted()
                }
                #expect(statuses == [200, 409])
            }
        }
        let reviews = try await auditEntries(gateway).filter { $0.event.hasPrefix("review.") }
        #expect(reviews.count == 8)
        #expect(try await gateway.audit.verify().ok)
    }
}

extension ReviewTests {
    /// The one held row, when the test made only one.
    func heldRow(_ gateway: Gateway, id: String?) async throws -> (status: String, text: String) {
        try await gateway.database.pool.read { db in
            let row = try #require(try Row.fetchOne(db, sql: "SELECT status, text FROM heldItem"))
            return (row["status"], row["text"])
        }
    }
}

@Suite("Storage failures")
struct StorageFailureTests {
    @Test("a submission the store cannot commit is answered 503, logged without its text, leaves nothing behind, and can be retried")
    func storeFailure() async throws {
        let directory = try TemporaryDirectory()
        let capture = LogCapture()
        let gateway = try Gateway(configuration: testConfiguration(directory), logger: capture.logger)
        let text = "The orthoptist was brilliant with my son, thank you"
        try await buildApplication(gateway: gateway, logger: capture.logger).test(.router) { client in
            try await client.execute(uri: "/v1/submissions", method: .post, headers: bearer(.intake), body: json(["text": "A first one that is stored"])) {
                #expect($0.status == .created)
            }
            // Another connection moves the table away: the next insert fails inside the transaction.
            let other = try DatabaseQueue(path: gateway.database.path)
            try await other.write { db in try db.execute(sql: "ALTER TABLE contribution RENAME TO contribution_moved") }
            let submission = json(["text": text, "contributor": "session-42", "clientRef": "first-try"])
            try await client.execute(uri: "/v1/submissions", method: .post, headers: bearer(.intake), body: submission) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(response.headers[.retryAfter] == "1")
                #expect(String(buffer: response.body).contains("nothing was kept"))
            }
            // Only the first submission's fingerprint is kept.
            #expect(try await other.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM fingerprint") } == 1)
            // Once the store is back, the retry is a new submission, not a repeat of one never kept.
            try await other.write { db in try db.execute(sql: "ALTER TABLE contribution_moved RENAME TO contribution") }
            try await client.execute(uri: "/v1/submissions", method: .post, headers: bearer(.intake), body: submission) { response in
                #expect(response.status == .created, "\(String(buffer: response.body))")
            }
        }
        #expect(capture.text.contains("could not store a submission"))
        #expect(!capture.text.contains("orthoptist"))
        let entries = try await gateway.audit.entries(after: 0, limit: 10)
        #expect(entries.count == 2)
        #expect(try await gateway.audit.verify().ok)
    }

    @Test("a moderator's decision the store cannot commit is 503; the item stays pending and can be decided again")
    func reviewStoreFailure() async throws {
        let directory = try TemporaryDirectory()
        let capture = LogCapture()
        let gateway = try Gateway(configuration: testConfiguration(directory), logger: capture.logger)
        try await buildApplication(gateway: gateway, logger: capture.logger).test(.router) { client in
            let id = try await client.execute(
                uri: "/v1/submissions", method: .post, headers: bearer(.intake), body: json(["text": "The physio on the ward was a twat to my dad"])
            ) { response in
                #expect(response.status == .accepted)
                return try #require(decode(response)["id"] as? String)
            }
            let other = try DatabaseQueue(path: gateway.database.path)
            try await other.write { db in try db.execute(sql: "ALTER TABLE contribution RENAME TO contribution_moved") }
            try await client.execute(uri: "/v1/review/\(id)/approve", method: .post, headers: bearer(.moderator), body: json(["version": 1])) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(response.headers[.retryAfter] == "1")
                #expect(String(buffer: response.body).contains("the item is unchanged"))
            }
            try await other.write { db in try db.execute(sql: "ALTER TABLE contribution_moved RENAME TO contribution") }
            try await client.execute(uri: "/v1/review", method: .get, headers: bearer(.moderator)) { response in
                #expect((decode(response)["items"] as? [Any])?.count == 1)
            }
            try await client.execute(uri: "/v1/review/\(id)/approve", method: .post, headers: bearer(.moderator), body: json(["version": 1])) {
                #expect($0.status == .ok)
            }
        }
        #expect(capture.text.contains("could not store a review decision"))
        #expect(!capture.text.contains("twat"))
        #expect(try await gateway.audit.verify().ok)
    }
}
