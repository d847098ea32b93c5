import Foundation
import GatehouseCore
import GatehouseServer
import Hummingbird
import HummingbirdTesting
import Testing

/// A second moderator, for claims and races.
let secondModerator = "moderator-token-2"

/// The test configuration with a second moderator token.
func reviewConfiguration(_ directory: TemporaryDirectory) -> ServerConfiguration {
    var configuration = testConfiguration(directory)
    configuration.tokens.append((secondModerator, .moderator))
    return configuration
}

func bearer(token: String) -> HTTPFields { [.authorization: "Bearer \(token)"] }

/// Submits `text` as the intake and returns the held item's id.
func holdItem(_ text: String, client: some TestClientProtocol, conversation: String? = nil) async throws -> String {
    var fields: [String: Any] = ["text": text]
    if let conversation { fields["conversation"] = conversation }
    return try await client.execute(uri: "/v1/submissions", method: .post, headers: bearer(.intake), body: json(fields)) { response in
        #expect(response.status == .accepted, "expected held: \(String(buffer: response.body))")
        return try #require(decode(response)["id"] as? String)
    }
}

@Suite("The review queue: claims, versions, bulk, filters, events")
struct ReviewQueueTests {
    @Test("pending → claimed → approved: spans are in the held text, a second moderator is refused while the claim lives, a stale version is 409")
    func stateMachine() async throws {
        let directory = try TemporaryDirectory()
        let gateway = try Gateway(configuration: reviewConfiguration(directory))
        // An emoji, an accented name and a combining mark before the highlighted spans; the
        // phone number is redacted, so its span in the held text is the token's.
        let text = "Zoë 👩🏽‍⚕️ and José\u{301} said the physio was a fucking twat, ring 07700 900123"
        try await buildApplication(gateway: gateway).test(.router) { client in
            let id = try await holdItem(text, client: client)
            let detail = try await client.execute(uri: "/v1/review/\(id)", method: .get, headers: bearer(.moderator)) { response in
                #expect(response.status == .ok)
                return decode(response)
            }
            let held = try #require(detail["text"] as? String)
            #expect(!held.contains("07700"))
            #expect(detail["version"] as? Int == 1)
            #expect(detail["status"] as? String == "pending")
            #expect(detail["claim"] is NSNull)
            let findings = try #require(detail["findings"] as? [[String: Any]])
            let scalars = Array(held.unicodeScalars)
            func covered(_ finding: [String: Any]) -> String {
                let start = finding["start"] as! Int, end = finding["end"] as! Int
                return String(String.UnicodeScalarView(scalars[start..<end]))
            }
            let byRule = Dictionary(findings.map { ($0["rule"] as! String, $0) }, uniquingKeysWith: { first, _ in first })
            #expect(covered(try #require(byRule["pii.uk_phone"])) == "[phone number]")
            let profane = findings.filter { $0["plugin"] as? String == "profanity" }.map(covered)
            #expect(profane.contains("fucking"), "\(profane)")
            #expect(profane.contains("twat"), "\(profane)")
            #expect(findings.allSatisfy { !($0["explanation"] as? String ?? "").isEmpty })
            #expect(findings.contains { $0["severity"] as? String == "strong" })
            let history = try #require(detail["history"] as? [[String: Any]])
            #expect(history.map { $0["event"] as? String } == ["submission.held"])

            // The first moderator claims it: version 2, the claim names the token's label.
            let claim = try await client.execute(uri: "/v1/review/\(id)/claim", method: .post, headers: bearer(.moderator)) { response in
                #expect(response.status == .ok)
                return decode(response)
            }
            #expect(claim["version"] as? Int == 2)
            let holder = try #require((claim["claim"] as? [String: Any])?["moderator"] as? String)
            #expect(holder.hasPrefix("moderator:") && !holder.contains(tokens[.moderator]!))
            // The second moderator can neither claim nor decide it; the 409 names the holder and the expiry.
            try await client.execute(uri: "/v1/review/\(id)/claim", method: .post, headers: bearer(token: secondModerator)) { response in
                #expect(response.status == .conflict)
                let body = decode(response)
                let message = try #require((body["error"] as? [String: Any])?["message"] as? String)
                #expect(message.contains(holder) && message.contains("until"))
                #expect((body["current"] as? [String: Any])?["version"] as? Int == 2)
            }
            try await client.execute(
                uri: "/v1/review/\(id)/approve", method: .post, headers: bearer(token: secondModerator), body: json(["version": 2])
            ) { response in
                #expect(response.status == .conflict)
            }
            // The holder's decision on the version read before the claim is stale.
            try await client.execute(uri: "/v1/review/\(id)/approve", method: .post, headers: bearer(.moderator), body: json(["version": 1])) { response in
                #expect(response.status == .conflict)
                #expect(String(buffer: response.body).contains("version 2, not 1"))
                #expect((decode(response)["current"] as? [String: Any])?["status"] as? String == "pending")
            }
            try await client.execute(uri: "/v1/review/\(id)/approve", method: .post, headers: bearer(.moderator), body: json(["version": 2])) { response in
                #expect(response.status == .ok)
                #expect(decode(response)["version"] as? Int == 3)
            }
            try await client.execute(uri: "/v1/review/\(id)", method: .get, headers: bearer(.moderator)) { response in
                let body = decode(response)
                #expect(body["status"] as? String == "approved")
                #expect(body["text"] as? String == "")
                #expect(body["claim"] is NSNull)
                let events = (body["history"] as? [[String: Any]])?.map { $0["event"] as? String }
                #expect(events == ["submission.held", "review.claimed", "review.approved"])
            }
            try await client.execute(uri: "/v1/review/no-such-item", method: .get, headers: bearer(.moderator)) { #expect($0.status == .notFound) }
        }
        let entries = try await gateway.audit.entries(after: 0, limit: 100)
        #expect(entries.allSatisfy { !$0.jsonText.contains("Zoë") && !$0.jsonText.contains("twat") })
        #expect(try await gateway.audit.verify().ok)
    }

    @Test("a claim expires by time alone, with no audit write; release is the holder's (or an admin's)")
    func expiryAndRelease() async throws {
        let directory = try TemporaryDirectory()
        let gateway = try Gateway(configuration: reviewConfiguration(directory))
        let first = try gateway.authorize("Bearer \(tokens[.moderator]!)", allowed: [.moderator])
        let second = try gateway.authorize("Bearer \(secondModerator)", allowed: [.moderator])
        let admin = try gateway.authorize("Bearer \(tokens[.admin]!)", allowed: [.admin])
        try await buildApplication(gateway: gateway).test(.router) { client in
            let id = try await holdItem("The podiatrist was a twat", client: client)
            // Claimed eleven minutes ago: the ten-minute claim has lapsed.
            _ = try await gateway.reviews.claim(id: id, body: Data(), caller: first, now: Date().addingTimeInterval(-660))
            let written = try await gateway.audit.entries(after: 0, limit: 100).count
            try await client.execute(uri: "/v1/review/\(id)", method: .get, headers: bearer(.moderator)) { response in
                #expect(decode(response)["claim"] is NSNull)
            }
            try await client.execute(uri: "/v1/review?status=unclaimed", method: .get, headers: bearer(.moderator)) { response in
                #expect((decode(response)["items"] as? [[String: Any]])?.count == 1)
            }
            #expect(try await gateway.audit.entries(after: 0, limit: 100).count == written)
            // So the second moderator may claim it; the first may not release it; an admin may.
            _ = try await gateway.reviews.claim(id: id, body: Data(), caller: second)
            await #expect(throws: GatewayError.self) { try await gateway.reviews.release(id: id, body: Data(), caller: first) }
            try await client.execute(uri: "/v1/review?status=claimed", method: .get, headers: bearer(.moderator)) { response in
                #expect((decode(response)["items"] as? [[String: Any]])?.count == 1)
            }
            let released = try await gateway.reviews.release(id: id, body: Data(), caller: admin)
            #expect(released.status == 200)
            // Releasing an item nobody holds changes nothing and writes nothing.
            let before = try await gateway.audit.entries(after: 0, limit: 100).count
            _ = try await gateway.reviews.release(id: id, body: Data(), caller: first)
            #expect(try await gateway.audit.entries(after: 0, limit: 100).count == before)
        }
        let events = try await gateway.audit.entries(after: 0, limit: 100).map(\.event)
        #expect(events == ["submission.held", "review.claimed", "review.claimed", "review.released"])
        #expect(try await gateway.audit.verify().ok)
    }

    @Test("two moderators claiming one item at once on a live server: exactly one wins")
    func raceOnLiveServer() async throws {
        let directory = try TemporaryDirectory()
        let gateway = try Gateway(configuration: reviewConfiguration(directory))
        try await buildApplication(gateway: gateway).test(.live) { client in
            for round in 0..<6 {
                let id = try await holdItem("Round \(round): the radiographer was a twat", client: client)
                let statuses = try await withThrowingTaskGroup(of: UInt.self) { group in
                    for token in [tokens[.moderator]!, secondModerator] {
                        group.addTask {
                            try await client.execute(uri: "/v1/review/\(id)/claim", method: .post, headers: bearer(token: token), body: json(["version": 1])) {
                                UInt($0.status.code)
                            }
                        }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }.sorted()
                }
                #expect(statuses == [200, 409], "round \(round)")
            }
        }
        #expect(try await gateway.audit.entries(after: 0, limit: 100).filter { $0.event == "review.claimed" }.count == 6)
    }

    @Test("bulk: each id decided or refused on its own, one answer listing both")
    func bulk() async throws {
        let directory = try TemporaryDirectory()
        let gateway = try Gateway(configuration: reviewConfiguration(directory))
        try await buildApplication(gateway: gateway).test(.router) { client in
            let good = try await holdItem("First: the paramedic was a twat", client: client)
            let stale = try await holdItem("Second: the paramedic was a twat", client: client)
            let decided = try await holdItem("Third: the paramedic was a twat", client: client)
            let other = try await holdItem("Fourth: the paramedic was a twat", client: client)
            try await client.execute(
                uri: "/v1/review/\(decided)/reject", method: .post, headers: bearer(.moderator), body: json(["version": 1, "reason": "abusive"])
            ) { #expect($0.status == .ok) }
            try await client.execute(uri: "/v1/review/\(other)/claim", method: .post, headers: bearer(token: secondModerator)) { #expect($0.status == .ok) }
            let body = json([
                "action": "reject", "reason": "abusive", "ids": [good, stale, decided, other, "no-such-item"],
                "versions": [good: 1, stale: 7],
            ])
            try await client.execute(uri: "/v1/review/bulk", method: .post, headers: bearer(.moderator), body: body) { response in
                #expect(response.status == .ok)
                let answer = decode(response)
                let done = try #require(answer["done"] as? [[String: Any]])
                #expect(done.map { $0["id"] as? String } == [good])
                #expect(done.first?["status"] as? String == "rejected")
                let refused = try #require(answer["refused"] as? [[String: Any]])
                #expect(refused.map { $0["id"] as? String } == [stale, decided, other, "no-such-item"])
                #expect(refused.map { $0["status"] as? Int } == [409, 409, 409, 404])
                #expect((refused[0]["message"] as? String)?.contains("version 1, not 7") == true)
                #expect((refused[1]["message"] as? String)?.contains("already rejected") == true)
                #expect((refused[2]["message"] as? String)?.contains("claimed by") == true)
            }
            // Bad bulk requests name the field.
            for (fields, field) in [
                (["action": "edit", "ids": [good]], "'action'"), (["action": "approve", "ids": []], "'ids'"),
                (["action": "reject", "ids": [good]], "'reason'"), (["action": "approve", "ids": [good, good]], "'ids[1]'"),
            ] as [([String: Any], String)] {
                try await client.execute(uri: "/v1/review/bulk", method: .post, headers: bearer(.moderator), body: json(fields)) { response in
                    #expect(response.status == .badRequest)
                    #expect(String(buffer: response.body).contains(field), "\(String(buffer: response.body))")
                }
            }
        }
        #expect(try await gateway.audit.verify().ok)
    }

    @Test("listing: counts per reason, filters by status, reason, plugin and conversation, slurs first with order=priority")
    func listing() async throws {
        let directory = try TemporaryDirectory()
        let gateway = try Gateway(configuration: reviewConfiguration(directory))
        try await buildApplication(gateway: gateway).test(.router) { client in
            let mild = try await holdItem("The physio was a shit listener", client: client, conversation: "physio")
            let strong = try await holdItem("The physio was a fucking disgrace", client: client, conversation: "physio")
            let slur = try await holdItem("The podiatrist was a spastic", client: client, conversation: "feet")
            func ids(_ query: String) async throws -> [String] {
                try await client.execute(uri: "/v1/review\(query)", method: .get, headers: bearer(.moderator)) { response in
                    #expect(response.status == .ok, "\(query): \(String(buffer: response.body))")
                    return (decode(response)["items"] as? [[String: Any]])?.compactMap { $0["id"] as? String } ?? []
                }
            }
            #expect(try await ids("") == [mild, strong, slur])
            #expect(try await ids("?order=priority").first == slur)
            #expect(try await ids("?conversation=feet") == [slur])
            #expect(try await ids("?plugin=profanity").count == 3)
            #expect(try await ids("?plugin=pii").isEmpty)
            #expect(try await ids("?reason=no-such-reason").isEmpty)
            // Paging with the cursor `next` in priority order visits every item once.
            var seen: [String] = []
            var after: Int64 = 0
            while true {
                let page = try await client.execute(uri: "/v1/review?order=priority&limit=1&after=\(after)", method: .get, headers: bearer(.moderator)) {
                    decode($0)
                }
                let items = page["items"] as? [[String: Any]] ?? []
                if items.isEmpty { break }
                seen += items.compactMap { $0["id"] as? String }
                after = (page["next"] as? NSNumber)?.int64Value ?? 0
            }
            #expect(Set(seen) == Set([mild, strong, slur]) && seen.count == 3 && seen.first == slur)
            try await client.execute(uri: "/v1/review", method: .get, headers: bearer(.moderator)) { response in
                let body = decode(response)
                #expect(body["pending"] as? Int == 3)
                #expect((body["counts"] as? [String: Int])?["profanity"] == 3)
                #expect((body["rejectReasons"] as? [String])?.contains("abusive") == true)
            }
            for query in ["?status=waiting", "?order=newest", "?limit=0", "?after=-1"] {
                try await client.execute(uri: "/v1/review\(query)", method: .get, headers: bearer(.moderator)) { response in
                    #expect(response.status == .badRequest, "\(query)")
                }
            }
        }
    }

    @Test("open pages hear of held, claimed and decided items through server-sent events")
    func events() async throws {
        let directory = try TemporaryDirectory()
        let gateway = try Gateway(configuration: reviewConfiguration(directory))
        try await buildApplication(gateway: gateway).test(.live) { client in
            let port = try #require(client.port)
            let stream = try RawConnection(port: port)
            stream.send("GET /v1/review/events HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer \(tokens[.moderator]!)\r\n\r\n")
            let opening = await stream.received(until: ": connected", seconds: 30)
            #expect(opening.contains("text/event-stream"))
            #expect(opening.contains("HTTP/1.1 200"))
            let id = try await holdItem("The orthotist was a twat to my mum", client: client)
            #expect(await stream.received(until: "event: held", seconds: 30).contains(id))
            try await client.execute(uri: "/v1/review/\(id)/claim", method: .post, headers: bearer(.moderator)) { #expect($0.status == .ok) }
            let claimed = await stream.received(until: "event: claimed", seconds: 30)
            #expect(claimed.contains("\"version\":2"))
            try await client.execute(uri: "/v1/review/\(id)/approve", method: .post, headers: bearer(.moderator), body: json(["version": 2])) {
                #expect($0.status == .ok)
            }
            let approved = await stream.received(until: "event: approved", seconds: 30)
            #expect(approved.contains(id))
            // Events carry no text.
            #expect(!(opening + claimed + approved).contains("orthotist"))
            // An intake token may not listen.
            let intake = try RawConnection(port: port)
            intake.send("GET /v1/review/events HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer \(tokens[.intake]!)\r\n\r\n")
            #expect(await intake.received(until: "\r\n\r\n", seconds: 30).contains("403"))
        }
    }

    @Test("the pages and every answer carry a strict CSP, nosniff and no-referrer; the page has no inline script")
    func pageHeaders() async throws {
        let directory = try TemporaryDirectory()
        let gateway = try Gateway(configuration: reviewConfiguration(directory))
        try await buildApplication(gateway: gateway).test(.router) { client in
            for (page, files) in [
                ("/review", ["/review/review.js", "/review/review.css"]),
                ("/playground", ["/playground/playground.js", "/playground/playground.css"]),
            ] {
                try await client.execute(uri: page, method: .get) { response in
                    #expect(response.status == .ok, "\(page)")
                    #expect(response.headers[.contentType]?.hasPrefix("text/html") == true)
                    let policy = try #require(response.headers[.contentSecurityPolicy])
                    #expect(policy.contains("script-src 'self'") && !policy.contains("unsafe"))
                    #expect(response.headers[.xContentTypeOptions] == "nosniff")
                    #expect(response.headers.first { $0.name.canonicalName == "referrer-policy" }?.value == "no-referrer")
                    let html = String(buffer: response.body)
                    let scripts = html.components(separatedBy: "<script").dropFirst()
                    #expect(!scripts.isEmpty && scripts.allSatisfy { $0.hasPrefix(" src=\"\(page)/") || $0.hasPrefix(" src=\"/pages/") })
                    #expect(html.range(of: #"\son[a-z]+\s*="#, options: .regularExpression) == nil, "no inline event handlers")
                    #expect(!html.contains("<style"))
                }
                for path in files + ["/pages/marks.js"] {
                    try await client.execute(uri: path, method: .get) { response in
                        #expect(response.status == .ok, "\(path)")
                        #expect(response.headers[.xContentTypeOptions] == "nosniff")
                        // Text from the public reaches a page only as text.
                        if path.hasSuffix(".js") { #expect(!String(buffer: response.body).contains("innerHTML"), "\(path)") }
                    }
                }
            }
            try await client.execute(uri: "/v1/review", method: .get, headers: bearer(.intake)) { response in
                #expect(response.status == .forbidden)
                #expect(response.headers[.contentSecurityPolicy] == "default-src 'none'; frame-ancestors 'none'")
                #expect(response.headers[.xContentTypeOptions] == "nosniff")
            }
        }
    }
}
