import Foundation
import GatehouseServer
import Hummingbird
import HummingbirdTesting
import Testing

/// Bodies built to break a parser or a limit, against a live server on a loopback port: each
/// gets a 4xx with a JSON error naming what was wrong, and the server goes on answering.
@Suite("Hostile input over HTTP")
struct HostileInputTests {
    static let deepArray = "{\"text\": \"hi\", \"conversation\": " + String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000) + "}"

    @Test("each hostile body is refused with a JSON error, and the next honest submission is accepted")
    func refusedAndStillServing() async throws {
        let directory = try TemporaryDirectory()
        let gateway = try Gateway(configuration: testConfiguration(directory))
        let emoji = String(repeating: "👩🏽‍⚕️", count: 1_048_576 / 17)  // about 1 MB of one long emoji sequence
        let cases: [(name: String, body: ByteBuffer, status: Int, message: String)] = [
            ("10,000-deep array", ByteBuffer(string: Self.deepArray), 400, "nested more than 8 levels"),
            ("huge number", ByteBuffer(string: #"{"text": "hi", "conversation": 1e999999}"#), 400, "not valid JSON"),
            ("number as text", ByteBuffer(string: #"{"text": 123456789012345678901234567890}"#), 400, "field 'text' must be a string"),
            ("NUL in text", ByteBuffer(string: #"{"text": "a\u0000b"}"#), 400, "NUL"),
            ("duplicate key", ByteBuffer(string: #"{"text": "a", "text": "b"}"#), 400, "appears twice"),
            ("1 MB of emoji", ByteBuffer(string: #"{"text": ""# + emoji + #""}"#), 413, "larger than 65536 bytes"),
            ("not JSON at all", ByteBuffer(bytes: [0xFF, 0xFE, 0x00, 0x01]), 400, "not valid UTF-8"),
            ("a lone surrogate escape", ByteBuffer(string: #"{"text": "\ud800 here"}"#), 400, "not valid JSON"),
        ]
        try await buildApplication(gateway: gateway).test(.live) { client in
            for hostile in cases {
                try await client.execute(uri: "/v1/submissions", method: .post, headers: bearer(.intake), body: hostile.body) { response in
                    #expect(Int(response.status.code) == hostile.status, "\(hostile.name): \(response.status)")
                    let body = String(buffer: response.body)
                    let parsed = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]
                    #expect((parsed?["error"] as? [String: Any])?["message"] is String, "\(hostile.name): \(body.prefix(200))")
                    #expect(body.contains(hostile.message), "\(hostile.name): \(body.prefix(200))")
                }
                try await client.execute(
                    uri: "/v1/submissions", method: .post, headers: bearer(.intake), body: json(["text": "The physio after \(hostile.name) was kind."])
                ) { response in
                    #expect(response.status == .created, "after \(hostile.name)")
                }
            }
        }
    }
}
