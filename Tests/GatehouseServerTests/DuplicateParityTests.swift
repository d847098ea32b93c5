import Foundation
import GatehouseCore
import GatehouseServer
import Hummingbird
import HummingbirdTesting
import Testing

/// The duplicate rules judge a stream the same way whether it comes through the gateway (durable
/// index, HTTP) or through `gatehouse scan` (memory index, JSON Lines).
@Suite("Duplicates: server and scan agree", .serialized)
struct DuplicateParityTests {
    static let stream: [(text: String, contributor: String?)] = [
        ("Question 4: how easy or difficult was it to get an appointment, and what would have made it easier? Very hard, I rang every morning for a week.", "a"),
        ("Question 4: how easy or difficult was it to get an appointment, and what would have made it easier? Easy once the GP chased them up.", "b"),
        ("I waited fourteen weeks for a podiatry appointment and my foot ulcer got much worse in that time. Please fund more podiatrists.", "d"),
        ("I waited fourteen weeks for a podiatry apointment and my foot ulcer got much worse in that time. Please fund more podiatrists.", "e"),
        ("I waited fourteen weeks for a podiatry appointment and my foot ulcer got much worse in that time.", "d"),
        ("Save our hydrotherapy pool! It is the only treatment that helps people with arthritis in this town.", "f"),
        ("Save our hydrotherapy pool! It is the only treatment that helps people with arthritis in this town.", "g"),
        ("Save our hydrotherapy pool! It is the only treatment that helps people with arthritis in this town. My mum uses it.", "h"),
        ("The speech therapist helped my father swallow again after his stroke, we are so grateful.", nil),
        ("The speech therapist helped my father swallow again after his stroke, we are so very grateful.", nil),
        ("The physiotherapy after my knee replacement was excellent and quick.", "k"),
        ("The physiotherapy after my knee replacement was excellent and quick.", "k"),
    ]

    /// The duplicate rules each item fired, in order.
    static func duplicateRules(_ findings: [[String: Any]]) -> [String] {
        findings.compactMap { $0["rule"] as? String }.filter { $0.hasPrefix("duplicate.") }.sorted()
    }

    @Test("the same stream through POST /v1/submissions and through gatehouse scan fires the same duplicate rules")
    func sameFindings() async throws {
        let directory = try TemporaryDirectory()
        let gateway = try Gateway(configuration: testConfiguration(directory))
        let served: [[String]] = try await buildApplication(gateway: gateway).test(.router) { client in
            for item in Self.stream {
                var body: [String: Any] = ["text": item.text]
                if let contributor = item.contributor { body["contributor"] = contributor }
                try await client.execute(uri: "/v1/submissions", method: .post, headers: bearer(.intake), body: json(body)) { _ in }
            }
            return try await client.execute(uri: "/v1/audit?after=0&limit=1000", method: .get, headers: bearer(.admin)) { response in
                #expect(response.status == .ok)
                let entries = (decode(response)["items"] as? [[String: Any]]) ?? []
                return entries.filter { $0["itemId"] is String && ($0["decision"] as? String) != nil }
                    .map { Self.duplicateRules(($0["findings"] as? [[String: Any]]) ?? []) }
            }
        }
        let input = Self.stream.enumerated().map { number, item in
            var line: [String: Any] = ["id": "s\(number)", "text": item.text]
            if let contributor = item.contributor { line["contributor"] = contributor }
            return String(decoding: try! JSONSerialization.data(withJSONObject: line), as: UTF8.self)
        }.joined(separator: "\n") + "\n"
        let key = directory.url.appendingPathComponent("scan.key")
        try Data((0..<32).map { UInt8($0) }).write(to: key)
        let scanned = try runGatehouse(["scan", "--quiet-rules", "--secret-file", key.path], input: input)
        #expect(scanned.status == 0, "\(scanned.output)")
        let lines = scanned.output.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        let fromScan = lines.map { Self.duplicateRules(($0["findings"] as? [[String: Any]]) ?? []) }
        #expect(served.count == Self.stream.count, "\(served)")
        #expect(served == fromScan)
        // Not a vacuous agreement: the stream has copies, a near repeat, a campaign and a repeat.
        #expect(fromScan[3] == ["duplicate.copy"])
        #expect(fromScan[4] == ["duplicate.near_repeat"])
        #expect(fromScan[7] == ["duplicate.campaign"])
        #expect(fromScan[9] == ["duplicate.copy"])
        #expect(fromScan[11] == ["duplicate.exact_repeat"])
        #expect(fromScan[1].isEmpty)
    }
}
