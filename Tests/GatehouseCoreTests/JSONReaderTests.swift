import Foundation
import Testing
@testable import GatehouseCore

@Suite("JSONReader: the parser every submission and scan line goes through")
struct JSONReaderTests {
    private func read(_ text: String, maxDepth: Int = 64) -> Result<JSONValue, JSONReader.Failure> {
        read(Array(text.utf8), maxDepth: maxDepth)
    }

    private func read(_ bytes: [UInt8], maxDepth: Int = 64) -> Result<JSONValue, JSONReader.Failure> {
        bytes.withUnsafeBufferPointer { buffer in
            var reader = JSONReader(buffer, maxDepth: maxDepth)
            return Result { () throws(JSONReader.Failure) in try reader.readDocument() }
        }
    }

    /// What Foundation's parser makes of the same bytes (nil when it refuses them).
    private func foundation(_ bytes: [UInt8]) -> JSONValue? {
        guard let parsed = try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed]) else { return nil }
        return JSONValue(foundation: parsed)
    }

    @Test("values of every kind, numbers read as Foundation read them, 0 and 1 never booleans", arguments: [
        (#"{"a": [1, -2, 0, 1.5, 1e3, 2.0, -0, 1E-2, 9223372036854775807, -9223372036854775808]}"#,
         JSONValue.object(["a": .array([.int(1), .int(-2), .int(0), .double(1.5), .int(1000), .int(2), .int(0), .double(0.01),
                                        .int(Int.max), .int(Int.min)])])),
        (#"[true, false, null, 12345678901234567890, 1.5e300]"#,
         .array([.bool(true), .bool(false), .null, .double(12_345_678_901_234_567_168), .double(1.5e300)])),
        (#"  "caf\u00e9 \ud83d\ude00 \"q\" \\ \/ \b\f\n\r\t"  "#, .string("café 😀 \"q\" \\ / \u{08}\u{0C}\n\r\t")),
        ("\u{FEFF}{\"bom\": 1}", .object(["bom": .int(1)])),
        (#"{"trailing": [1, 2, ], "comma": {}, }"#, .object(["trailing": .array([.int(1), .int(2)]), "comma": .object([:])])),
        (#""raw UTF-8 👩🏽‍⚕️ stays""#, .string("raw UTF-8 👩🏽‍⚕️ stays")),
    ])
    func values(json: String, expected: JSONValue) throws {
        #expect(try read(json).get() == expected)
        #expect(foundation(Array(json.utf8)) == expected, "Foundation's parser reads \(json) otherwise")
    }

    @Test("refused as Foundation refused them", arguments: [
        "", " ", "{", "}", "[1,]]", "{,}", "[,]", "[1 2]", #"{"a" 1}"#, #"{"a":}"#, #"{a: 1}"#, "{'a': 1}", "01", "+1", ".5", "1.",
        "1e", "1e+", "-", "0x10", "NaN", "Infinity", "1e400", "-1e400", "tru", "nul", "falsey", #""open"#, "\"tab\there\"",
        #""\q""#, #""\u12""#, #""\ud800""#, #""\udc00x""#, #""\ud800\u0041""#, #"{"a": 1} {"b": 2}"#, "[1] x",
    ])
    func refused(json: String) {
        #expect(throws: JSONReader.Failure.syntax) { try read(json).get() }
        #expect(foundation(Array(json.utf8)) == nil, "Foundation's parser took \(json)")
    }

    @Test("nesting past the limit stops the read at the limit, however deep the body")
    func depth() {
        #expect(throws: JSONReader.Failure.tooDeep) { try read(String(repeating: "[", count: 100_000), maxDepth: 8).get() }
        #expect(throws: JSONReader.Failure.tooDeep) { try read(#"{"a": [[[{"b": 1}]]]}"#, maxDepth: 4).get() }
        #expect((try? read(#"{"a": [[[{"b": 1}]]]}"#, maxDepth: 5).get()) != nil)
    }

    @Test("a key twice is remembered, the first found, after escapes are decoded")
    func duplicateKeys() {
        for (json, key) in [(#"{"a": {"x": 1, "x": 2}, "b": 1, "b": 2}"#, "x"), (#"[{"te\u0078t": 1, "text": 2}]"#, "text")] {
            Array(json.utf8).withUnsafeBufferPointer { buffer in
                var reader = JSONReader(buffer, maxDepth: 8)
                #expect((try? reader.readDocument()) != nil)
                #expect(reader.duplicateKey == key)
            }
        }
    }

    @Test("agrees with Foundation's parser on 20,000 generated documents and mutations of them, numbers to a part in 10^12")
    func agreesWithFoundation() async {
        var random = SystemRandomNumberGenerator()
        var disagreements: [String] = []
        var accepted = 0
        for round in 0..<20_000 {
            // Give the cooperative threads back now and then: live servers of other suites run on them.
            if round % 500 == 0 { await Task.yield() }
            var bytes = Array(Self.document(depth: 0, using: &random).utf8)
            if round % 2 == 1 { Self.mutate(&bytes, using: &random) }
            // Foundation reads a NUL byte as a sign of UTF-16 or UTF-32; the gateway reads UTF-8 only.
            guard !bytes.contains(0), bytes.withUnsafeBufferPointer(SubmissionDecoder.isValidUTF8) else { continue }
            let ours = try? read(bytes).get()
            let theirs = foundation(bytes)
            if ours != nil { accepted += 1 }
            if !Self.same(ours, theirs), disagreements.count < 5 {
                disagreements.append("\(String(decoding: bytes, as: UTF8.self)): ours \(String(describing: ours)), Foundation's \(String(describing: theirs))")
            }
        }
        #expect(disagreements.isEmpty, "\(disagreements.joined(separator: "\n"))")
        #expect(accepted > 10_000, "too few documents were valid to test much: \(accepted)")
    }

    private static func same(_ ours: JSONValue?, _ theirs: JSONValue?) -> Bool {
        switch (ours, theirs) {
        case (nil, nil): true
        case (let ours?, let theirs?): ours.agrees(withFoundation: theirs)
        default: false
        }
    }

    @Test("JSONText escapes every special character wherever it falls in an eight-byte word, and the reader reads it back")
    func writerRoundTrip() throws {
        var random = SystemRandomNumberGenerator()
        let pieces = ["a", "b", " ", "é", "😀", "\"", "\\", "\n", "\r", "\t", "\u{01}", "\u{1F}", "\u{7F}", "\u{80}", "/", "~", "!"]
        for _ in 0..<5_000 {
            let text = (0..<Int.random(in: 0..<40, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined()
            var json = JSONText()
            json.string(text)
            #expect(!json.bytes.contains { $0 < 0x20 || $0 == 0x7F }, "\(text.debugDescription) written with a raw control character")
            #expect(try read(json.bytes).get() == .string(text), "\(text.debugDescription)")
        }
    }

    @Test("the UTF-8 check agrees with the standard library's on generated bytes around every boundary")
    func utf8() async {
        var random = SystemRandomNumberGenerator()
        let interesting: [UInt8] = [0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE1, 0xEC, 0xED, 0xEE,
                                    0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xFF]
        for round in 0..<50_000 {
            if round % 2_000 == 0 { await Task.yield() }
            let prefix = [UInt8](repeating: 0x61, count: Int.random(in: 0..<12, using: &random))
            let tail = (0..<Int.random(in: 0..<6, using: &random)).map { _ in interesting.randomElement(using: &random)! }
            let bytes = prefix + tail + [UInt8](repeating: 0x62, count: Int.random(in: 0..<10, using: &random))
            let expected = String(validating: bytes, as: UTF8.self) != nil
            #expect(bytes.withUnsafeBufferPointer(SubmissionDecoder.isValidUTF8) == expected, "\(bytes)")
        }
    }

    // MARK: generated documents

    private static let scalars: [String] = ["a", "Z", " ", "é", "😀", "\u{202E}", "\\\"", "\\\\", "\\/", "\\n", "\\t", "\\u00e9", "\\u0041",
                                            "\\ud83d\\ude00", "\\u0000", "text", ",", ":", "{", "]"]
    private static let numbers = ["0", "-0", "1", "-1", "42", "1.5", "-2.25", "1e3", "1E-2", "2.0", "1e+2", "0.1", "123456789.123456789",
                                  "9223372036854775807", "9223372036854775808", "-9223372036854775809", "12345678901234567890",
                                  "1.7976931348623157e308", "5e-324", "1e-400", "100000000000000000000000"]
    private static let spaces = ["", "", " ", "\n", "\t", "\r\n  "]

    private static func document<R: RandomNumberGenerator>(depth: Int, using random: inout R) -> String {
        let space = { (random: inout R) in spaces.randomElement(using: &random)! }
        switch Int.random(in: 0..<(depth > 3 ? 5 : 7), using: &random) {
        case 0: return "null"
        case 1: return Bool.random(using: &random) ? "true" : "false"
        case 2: return numbers.randomElement(using: &random)!
        case 3, 4: return string(using: &random)
        case 5:
            let elements = (0..<Int.random(in: 0..<4, using: &random)).map { _ in space(&random) + document(depth: depth + 1, using: &random) + space(&random) }
            return "[" + elements.joined(separator: ",") + "]"
        default:
            // Keys differ (a numbered prefix): Foundation's parser never checks a value that a
            // later copy of its key replaces (it takes `{"a": 1e999, "a": 1}`), and the decoder
            // refuses a key twice before any value is used.
            let members = (0..<Int.random(in: 0..<4, using: &random)).map { number in
                space(&random) + "\"k\(number)" + string(using: &random).dropFirst() + space(&random) + ":" + space(&random)
                    + document(depth: depth + 1, using: &random)
            }
            return "{" + members.joined(separator: ",") + space(&random) + "}"
        }
    }

    private static func string<R: RandomNumberGenerator>(using random: inout R) -> String {
        "\"" + (0..<Int.random(in: 0..<4, using: &random)).map { _ in scalars.randomElement(using: &random)! }.joined() + "\""
    }

    /// One byte deleted, inserted or replaced, with bytes that matter to JSON.
    private static func mutate<R: RandomNumberGenerator>(_ bytes: inout [UInt8], using random: inout R) {
        let significant = Array(#"{}[]",:\ 0123456789-+.eEtfnu"#.utf8) + [0x09, 0x0A, 0x01, 0x7F, 0xC3, 0xA9]
        let position = Int.random(in: 0...bytes.count, using: &random)
        switch Int.random(in: 0..<3, using: &random) {
        case 0 where position < bytes.count: bytes.remove(at: position)
        case 1 where position < bytes.count: bytes[position] = significant.randomElement(using: &random)!
        default: bytes.insert(significant.randomElement(using: &random)!, at: position)
        }
    }
}
