import Foundation
import GatehouseCore
import GatehouseServer
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Privacy invariants on a live server")
struct PrivacyTests {
    /// Personal values and whole texts that must never reach a file or a log line.
    static let personal = [
        "943 476 5919", "9434765919", "07700 900123", "sarah.jones@example.com", "SW1A 1AA", "JG103759A",
        "4111 1111 1111 1111", "GB82 WEST 1234 5698 7654 32", "contributor-token-secret-77",
        // Names, and the lower-case and spaced forms that used to go through.
        "Jacqueline", "Oluwaseun Adeyemi", "Siobhán", "danny mcdonald", "ab123456c", "ab 12 34 56 c",
        "MORGA 753116 SM9IJ", "12H45678", "7123 4567",
        // A mobile number typed backwards inside a right-to-left override (it displays forwards),
        // in either order, and the override character itself.
        "07700 900789", "987009 00770", "\u{202E}",
    ]

    @Test("no submitted PII value, no raw text of a rejected item, no contributor token in any file or log line")
    func nothingPersonalOnDiskOrInLogs() async throws {
        let directory = try TemporaryDirectory()
        let capture = LogCapture()
        let gateway = try Gateway(configuration: testConfiguration(directory), logger: capture.logger)
        // Redaction makes these two the same text, so the second is rejected as a repeat: its
        // raw text (with its own phone number) must appear nowhere.
        let accepted = "Call me on 07700 900111 about the distinctive podiatry waiting list."
        let rejected = "Call me on 07700 900456 about the distinctive podiatry waiting list."
        let texts = [
            "My NHS number is 943 476 5919 and my mobile is 07700 900123.",
            "Email sarah.jones@example.com, I live at SW1A 1AA, NI number JG103759A.",
            "Paid with 4111 1111 1111 1111, refund to GB82 WEST 1234 5698 7654 32 please.",
            "NHS no 9434765919, the physio was a fucking disgrace",  // held: stored redacted
            accepted, rejected,
            // The seventh from one contributor within a minute: held as a flood, stored redacted.
            "Text me on \u{202E}987009 00770\u{202C} about the hand clinic.",
        ]
        let held = try await buildApplication(gateway: gateway, logger: capture.logger).test(.live) { client in
            var statuses: [UInt] = []
            for text in texts {
                let body = json(["text": text, "contributor": "contributor-token-secret-77", "conversation": "physio"])
                statuses.append(try await client.execute(uri: "/v1/submissions", method: .post, headers: bearer(.intake), body: body) {
                    UInt($0.status.code)
                })
            }
            #expect(statuses == [201, 201, 201, 202, 201, 422, 202])
            // Names, and identifiers in lower case and spaced out, from contributors of their own.
            let namesAndForms = [
                "Special thanks to Jacqueline on the stroke ward. I complained to Oluwaseun Adeyemi.\n\nRegards,\nSiobhán",
                "my physio danny mcdonald asked for my ni number ab123456c (or ab 12 34 56 c), trn 12H45678",
                "Driving licence MORGA 753116 SM9IJ 35, ring +44 (20) 7123 4567 in the evening",
            ]
            for (index, text) in namesAndForms.enumerated() {
                let body = json(["text": text, "contributor": "another-contributor-\(index)", "conversation": "names"])
                try await client.execute(uri: "/v1/submissions", method: .post, headers: bearer(.intake), body: body) { response in
                    #expect(response.status == .created, "\(text)")
                }
            }
            // A moderator's edit of the held item, with a phone number of their own: redacted too.
            let held = try await client.execute(uri: "/v1/review", method: .get, headers: bearer(.moderator)) { response in
                try #require((decode(response)["items"] as? [[String: Any]])?.first?["id"] as? String)
            }
            let edit = json(["text": "Ring 07700 900789: the physio was a disgrace", "version": 1])
            try await client.execute(uri: "/v1/review/\(held)/edit", method: .post, headers: bearer(.moderator), body: edit) { response in
                #expect(response.status == .ok)
            }
            // A caller that puts personal data in a path: the access log names routes, not paths.
            try await client.execute(uri: "/v1/contributors/sarah.jones@example.com", method: .get, headers: bearer(.intake)) { response in
                #expect(response.status == .notFound)
            }
            return held
        }
        var files: [String] = []
        let enumerator = FileManager.default.enumerator(atPath: gateway.configuration.dataDirectory)!
        for case let name as String in enumerator where name != "secret.key" {
            files.append((gateway.configuration.dataDirectory as NSString).appendingPathComponent(name))
        }
        #expect(files.contains { $0.hasSuffix("gatehouse.sqlite") })
        #expect(files.contains { $0.hasSuffix("-wal") })
        for file in files {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: file))
            for value in Self.personal + [accepted, rejected, "07700 900111", "07700 900456", "07700 900789", "fucking disgrace"] {
                #expect(bytes.range(of: Data(value.utf8)) == nil, "\(value) found in \(file)")
            }
        }
        let log = capture.text
        #expect(log.contains("route=/v1/submissions"))
        #expect(log.contains("route=/v1/review/{id}/edit"))
        #expect(!log.contains(held))
        for value in Self.personal + [rejected, "07700 900456", "07700 900789", "physio", "podiatry", tokens[.moderator]!, tokens[.intake]!] {
            #expect(!log.contains(value), "\(value) found in the log")
        }
        // What was stored is the redacted text.
        let published = try await gateway.contributions(conversation: "physio", after: 0, limit: 10)
        let stored = String(decoding: published.body, as: UTF8.self)
        #expect(stored.contains("[NHS number]"))
        #expect(stored.contains("[email]"))
    }
}
