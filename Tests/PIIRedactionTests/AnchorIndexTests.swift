import GatehouseCore
import Testing
@testable import PIIRedaction

@Suite("AnchorIndex: where digits and anchor bytes are, read eight bytes at a time")
struct AnchorIndexTests {
    /// The runs of digits and the places of `wanted`, found a byte at a time.
    private func naive(_ bytes: [UInt8], wanted: [UInt8]) -> (runs: [Range<Int>], positions: [[Int]]) {
        var runs: [Range<Int>] = []
        var start = -1
        for (index, byte) in bytes.enumerated() {
            if byte >= 0x30, byte <= 0x39 {
                if start < 0 { start = index }
            } else if start >= 0 {
                runs.append(start..<index)
                start = -1
            }
        }
        if start >= 0 { runs.append(start..<bytes.count) }
        return (runs, wanted.map { byte in bytes.indices.filter { bytes[$0] == byte } })
    }

    @Test("the same runs and places as a byte-by-byte reading, on generated texts", arguments: [[UInt8(ascii: "@")], [], Array("@.:/-".utf8)])
    func agreesWithNaive(wanted: [UInt8]) async {
        var random = SystemRandomNumberGenerator()
        let pieces: [[UInt8]] = ["a", "Z", " ", "0", "9", "5", "@", ".", ":", "/", "-", "é", "😀", "\n", "/", "(", "~"].map { Array($0.utf8) }
            + [[0x2F], [0x3A], [0xB0], [0xB9]]  // the bytes either side of the digits, and digits with the high bit set
        for round in 0..<5_000 {
            // Give the cooperative threads back now and then: live servers of other suites run on them.
            if round % 500 == 0 { await Task.yield() }
            var bytes: [UInt8] = []
            for _ in 0..<Int.random(in: 0..<60, using: &random) { bytes += pieces.randomElement(using: &random)! }
            let expected = naive(bytes, wanted: wanted)
            bytes.withUnsafeBufferPointer { buffer in
                let index = AnchorIndex(buffer, bytes: wanted)
                #expect(index.digitRuns == expected.runs, "\(bytes)")
                for (offset, byte) in wanted.enumerated() { #expect(index.positions(of: byte) == expected.positions[offset], "\(bytes)") }
            }
        }
    }
}

@Suite("Anchored windows: every shipped rule finds in its windows what it finds in the whole text")
struct AnchorWindowTests {
    /// Each anchored rule's matches over the whole text, and over its windows only (found, as
    /// the plugin finds them, with every rule's anchor bytes and words in one index).
    private func matches(_ rule: PIIRule, _ text: UnsafeBufferPointer<UInt8>, windowed: Bool, anchors: (bytes: [UInt8], words: AnchorWords?)) throws -> [Range<Int>] {
        var windows: [Range<Int>] = [0..<text.count]
        if windowed, let anchor = rule.anchor {
            anchor.windows(AnchorIndex(text, bytes: anchors.bytes, words: anchors.words), maxLength: rule.maxLength, into: &windows)
        }
        var found: [Range<Int>] = []
        for window in windows {
            try rule.regex.forEachMatch(in: text, from: window.lowerBound, to: window.upperBound) { match in
                found.append(match.range)
                return true
            }
        }
        return found
    }

    @Test("on generated texts dense with numbers, identifiers and short numbers side by side")
    func windowsMissNothing() async throws {
        let packs = try RulePackLoader.load(paths: [Repository.piiRules])
        let rules = try packs.flatMap { pack in
            try pack.rules.filter { try $0.fields.optionalString("pattern") != nil }.map { try PIIRule($0, packFile: pack.file) }
        }.filter { $0.anchor != nil }
        #expect(rules.contains { if case .digits(let needed)? = $0.anchor { needed > 1 } else { false } })
        #expect(rules.contains { if case .words? = $0.anchor { true } else { false } })
        // Every rule's anchor bytes and words in one index, as the plugin builds it.
        var anchors: (bytes: [UInt8], words: AnchorWords?) = ([], nil)
        for rule in rules {
            if case .byte(let byte)? = rule.anchor { anchors.bytes.append(byte) }
            if case .words(let own)? = rule.anchor { anchors.words = anchors.words.map { $0.union(own) } ?? own }
        }
        let pieces = [
            "07700 900123", "+44 (0)20 7946 0958", "943 476 5919", "QQ 12 34 56 C", "12/03/1985", "3rd March 1985",
            "4111 1111 1111 1111", "GB82 WEST 1234 5698 7654 32", "192.168.0.1", "SW1A 1AA", "M1 1AE", "123456789",
            "MORGA753116SM9IJ", "12 A 345 67", "7", "42", "2024", "10:30", "3", "-", "/", ".", " ", " ", "\n", "born ",
            "weeks ", "DOB ", "a@b.co ", "é", "x", "(", ")", "+", "0", "00", "44",
            // Spelled-out e-mail addresses and the words that anchor them, in pieces.
            "john", " dot ", " DOT ", " at ", "gmail", "Hotmail", ".com", " com", "co", " uk", " @ ", "(at)", "[dot]", "dotty",
        ].map { Array($0.utf8) }
        var random = SystemRandomNumberGenerator()
        var compared = 0
        for round in 0..<4_000 {
            if round % 400 == 0 { await Task.yield() }
            var bytes: [UInt8] = []
            for _ in 0..<Int.random(in: 1..<24, using: &random) { bytes += pieces.randomElement(using: &random)! }
            try bytes.withUnsafeBufferPointer { text in
                for rule in rules {
                    let whole = try matches(rule, text, windowed: false, anchors: anchors)
                    #expect(try matches(rule, text, windowed: true, anchors: anchors) == whole, "\(rule.info.id): \(String(decoding: text, as: UTF8.self))")
                    compared += whole.count
                }
            }
        }
        #expect(compared > 5_000)
    }
}

@Suite("Card numbers beside look-alikes (a pipeline fuzz input)")
struct CardBesideLookAlikeTests {
    @Test("a card number whose last digit a combining mark joins is redacted; the same digits inside a longer run are not a card and stay")
    func cardBeforeCombiningMark() {
        // The same digits stand again inside a 27-digit run, with digits either side.
        let text = "ref: 4111-1111-1111-1111\u{0612}n 637841111111111111116378717c7 t"
        let verdict = redact(text)
        #expect(verdict.findings.map(\.rule) == ["pii.card_number"])
        #expect(verdict.text == "ref: [card number]\u{0612}n 637841111111111111116378717c7 t")
    }
}

@Suite("A refused match does not hide the value inside it")
struct RefusedMatchTests {
    @Test("a short number straight before or after an identifier: the long number read first fails its check, the identifier in it is still found", arguments: [
        ("my ref 12 4111 1111 1111 1111 thanks", "my ref 12 [card number] thanks"),
        ("card 2 5500-0000-0000-0004 was charged", "card 2 [card number] was charged"),
        ("card 4111 1111 1111 1111 thanks", "card [card number] thanks"),
        // The other way round: the long number's first groups are the card.
        ("charged 4111 1111 1111 1111 12 times", "charged [card number] 12 times"),
        ("card 3782-822463-10005 3 times", "card [card number] 3 times"),
    ])
    func identifierAfterShortNumber(text: String, redacted: String) {
        #expect(redact(text).text == redacted)
    }
}
