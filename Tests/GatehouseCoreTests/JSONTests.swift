import Foundation
import Testing
@testable import GatehouseCore

@Suite("JSON text and the submission decoder")
struct JSONTests {
    @Test("JSONText places commas, escapes what RFC 8259 requires, and round-trips through a parser")
    func writer() throws {
        let awkward = "quote \" backslash \\ newline \n tab \t nul-free \u{01} del \u{7F} café 👩🏽‍⚕️ </script>"
        var json = JSONText()
        json.object { json in
            json.field("text", awkward)
            json.field("n", 42)
            json.field("big", Int64.max)
            json.field("flag", false)
            json.field("missing", nil as String?)
            json.field("list", ["a", "b"])
            json.key("objects")
            json.beginArray()
            json.object { $0.field("x", 1) }
            json.object { $0.field("x", 2) }
            json.endArray()
            json.key("empty")
            json.beginArray()
            json.endArray()
        }
        #expect(json.text.hasPrefix(#"{"text":"quote \" backslash \\ newline \n tab \t nul-free \u0001 del \u007f café"#))
        #expect(json.text.hasSuffix(#""list":["a","b"],"objects":[{"x":1},{"x":2}],"empty":[]}"#))
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(json.bytes)) as? [String: Any])
        #expect(parsed["text"] as? String == awkward)
        #expect(parsed["big"] as? Int64 == Int64.max)
        #expect(parsed["flag"] as? Bool == false)
        #expect(parsed["missing"] is NSNull)
        #expect((parsed["objects"] as? [[String: Int]])?.map { $0["x"] } == [1, 2])
    }

    let api = SubmissionDecoder(policy: .api(maxTextCharacters: 10, maxDepth: 3))
    let stream = SubmissionDecoder(policy: .stream)

    func decode(_ decoder: SubmissionDecoder, _ json: String) -> Result<Submission, SubmissionInputError> {
        Result { () throws(SubmissionInputError) in try decoder.decode(Data(json.utf8)) }
    }

    @Test("both policies read the same fields the same way, fractional seconds included")
    func sameFields() throws {
        let json = #"{"text": "hello", "conversation": "physio", "contributor": "c1", "clientRef": "r1", "receivedAt": "2026-03-01T09:30:00.250Z"}"#
        for decoder in [api, stream] {
            let submission = try decode(decoder, json).get()
            #expect(submission.text == "hello")
            #expect(submission.conversation == "physio")
            #expect(submission.contributor == "c1")
            #expect(submission.clientRef == "r1")
            #expect(submission.receivedAt?.timeIntervalSince1970 == 1_772_357_400.25)
        }
        #expect(try decode(api, #"{"text": "x", "receivedAt": "2026-03-01T09:30:00+01:00"}"#).get().receivedAt?.timeIntervalSince1970 == 1_772_353_800)
    }

    @Test("the API's policy is strict where the stream's is not", arguments: [
        (#"{"id": 1, "text": "hi"}"#, "field 'id' is not known", 400),
        (#"{"text": ""}"#, "field 'text' must not be empty", 400),
        (#"{"text": "eleven char"}"#, "field 'text' is 11 characters; the limit is 10", 413),
        (#"{"text": "hi", "conversation": [[["deep"]]]}"#, "nested more than 3 levels", 400),
    ])
    func policies(json: String, message: String, status: Int) throws {
        guard case .failure(let error) = decode(api, json) else {
            Issue.record("the API took \(json)")
            return
        }
        #expect(error.message.contains(message), "\(error.message)")
        #expect(error.tooLarge == (status == 413))
        if json.contains("deep") {
            #expect(throws: SubmissionInputError.self) { try stream.decode(object: ["text": .string("hi"), "conversation": .array([.array([.string("deep")])])]) }
        } else {
            #expect((try? decode(stream, json).get()) != nil, "the stream policy refused \(json)")
        }
    }

    @Test("refused by every policy, with the field named", arguments: [
        ("", "the input is empty"),
        (#"{"text": "hi""#, "not valid JSON"),
        (#"["a"]"#, "expected a JSON object"),
        (#"{"conversation": "x"}"#, "field 'text' is required"),
        (#"{"text": 3}"#, "field 'text' must be a string"),
        (#"{"text": "a\u0000b"}"#, "field 'text' contains a NUL character"),
        (#"{"text": "a", "contributor": 7}"#, "field 'contributor' must be a string"),
        (#"{"text": "a", "receivedAt": "yesterday"}"#, "field 'receivedAt' must be an ISO 8601 time"),
    ])
    func refused(json: String, message: String) {
        for decoder in [api, stream] {
            guard case .failure(let error) = decode(decoder, json) else {
                Issue.record("\(decoder.policy.extraFields == nil ? "stream" : "api") took \(json)")
                continue
            }
            #expect(error.message.contains(message), "\(error.message)")
        }
    }

    @Test("invalid UTF-8 is refused before parsing")
    func invalidUTF8() {
        var bytes = Array(#"{"text": "caf"#.utf8)
        bytes += [0xC3, 0x28]  // a lead byte followed by a non-continuation byte
        bytes += Array(#""}"#.utf8)
        #expect(throws: SubmissionInputError("the JSON is not valid UTF-8")) { try api.decode(Data(bytes)) }
    }
}

@Suite("Audit findings encoding")
struct AuditFindingJSONTests {
    @Test("the canonical findings JSON is byte for byte what JSONEncoder with sorted keys wrote before")
    func sameBytesAsBefore() throws {
        let findings = [
            AuditFinding(plugin: "pii", rule: "pii.uk_phone", category: "UK_PHONE", action: "redact", start: 11, end: 23),
            AuditFinding(plugin: "profanity", rule: "profanity.strong", category: "PROFANITY", action: "hold", start: 0, end: 7),
        ]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        for list in [findings, [], Array(findings.prefix(1))] {
            #expect(AuditFinding.canonicalJSON(list) == String(decoding: try encoder.encode(list), as: UTF8.self))
        }
    }

    @Test("a shadow finding carries shadow: true in its place; others no key at all; both read back")
    func shadowKey() throws {
        let shadow = AuditFinding(plugin: "pii", rule: "trial.x", category: "TRIAL", action: "reject", start: 1, end: 4, shadow: true)
        let enforced = AuditFinding(plugin: "pii", rule: "pii.email", category: "EMAIL", action: "redact", start: 5, end: 9)
        let json = AuditFinding.canonicalJSON([shadow, enforced])
        #expect(json.contains(#""rule":"trial.x","shadow":true,"start":1"#))
        #expect(!json.contains(#""rule":"pii.email","shadow""#))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        #expect(json == String(decoding: try encoder.encode([shadow, enforced]), as: UTF8.self))
        #expect(try JSONDecoder().decode([AuditFinding].self, from: Data(json.utf8)) == [shadow, enforced])
    }
}

@Suite("Submission JSON: a key twice in one object is refused")
struct DuplicateKeyTests {
    private let decoder = SubmissionDecoder(policy: .stream)

    private func refusal(_ json: String) -> String? {
        do {
            _ = try decoder.parseObject(Data(json.utf8))
            return nil
        } catch {
            return error.message
        }
    }

    @Test("refused, naming the key", arguments: [
        (#"{"text": "a", "text": "b"}"#, "text"),
        (#"{"text": "a", "te\u0078t": "b"}"#, "text"),
        (#"{"text": "a", "meta": [{"k": 1, "k": 2}]}"#, "k"),
        (#"{"text": "a", "meta": {"x": {"y": 1, "y": 1}}}"#, "y"),
        (#"{"caf\u00e9": 1, "café": 2, "text": "a"}"#, "café"),
    ])
    func refused(json: String, key: String) {
        #expect(refusal(json) == "the key '\(key)' appears twice in one object; send each field once")
    }

    @Test("the same name in different objects, or as a value, is not a repeat", arguments: [
        #"{"text": "text", "meta": {"text": 1}}"#,
        #"{"text": "a", "list": [{"x": 1}, {"x": 2}], "x": 3}"#,
        #"{"text": "a \"text\": \"b\" , \"text\"", "t": "\\"}"#,
        #"{"text": "a", "e": {}, "f": [], "g": [[], {}]}"#,
    ])
    func accepted(json: String) {
        #expect(refusal(json) == nil)
    }
}
