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
    /// Tests/Fixtures/duplicate-stream.jsonl (shared with the key-independence test): each line
    /// a submission with the duplicate rules it must fire.
    static func stream() throws -> [(text: String, contributor: String?, rules: [String])] {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/duplicate-stream.jsonl")
        return try String(contentsOf: file, encoding: .utf8).split(separator: "\n").map { line in
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            return (try #require(object["text"] as? String), object["contributor"] as? String, try #require(object["rules"] as? [String]))
        }
    }

    /// The duplicate rules each item fired, in order.
    static func duplicateRules(_ findings: [[String: Any]]) -> [String] {
        findings.compactMap { $0["rule"] as? String }.filter { $0.hasPrefix("duplicate.") }.sorted()
    }

    @Test("the same stream through POST /v1/submissions and through gatehouse scan fires the same duplicate rules")
    func sameFindings() async throws {
        let stream = try Self.stream()
        let directory = try TemporaryDirectory()
        let gateway = try Gateway(configuration: testConfiguration(directory))
        let served: [[String]] = try await buildApplication(gateway: gateway).test(.router) { client in
            for item in stream {
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
        let input = stream.enumerated().map { number, item in
            var line: [String: Any] = ["id": "s\(number)", "text": item.text]
            if let contributor = item.contributor { line["contributor"] = contributor }
            return String(decoding: try! JSONSerialization.data(withJSONObject: line), as: UTF8.self)
        }.joined(separator: "\n") + "\n"
        let key = directory.url.appendingPathComponent("scan.key")
        try Data((0..<32).map { UInt8($0) }).write(to: key)
        let scanned = try await runGatehouse(["scan", "--quiet-rules", "--secret-file", key.path], input: input)
        #expect(scanned.status == 0, "\(scanned.output)")
        let lines = scanned.output.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        let fromScan = lines.map { Self.duplicateRules(($0["findings"] as? [[String: Any]]) ?? []) }
        #expect(served.count == stream.count, "\(served)")
        #expect(served == fromScan)
        // Not a vacuous agreement: the stream has copies, a near repeat, a campaign and a repeat.
        #expect(fromScan == stream.map(\.rules))
    }
}
