import Testing
@testable import GatehouseCore

@Suite("Draft edit map")
struct DraftTests {
    private func byteRange(of needle: String, in text: String) -> Range<Int> {
        let haystack = Array(text.utf8)
        let bytes = Array(needle.utf8)
        for start in 0...(haystack.count - bytes.count) where Array(haystack[start..<(start + bytes.count)]) == bytes {
            return start..<(start + bytes.count)
        }
        fatalError("\(needle) not in \(text)")
    }

    @Test("one round of edits rewrites the text and maps spans back")
    func singleRound() {
        var draft = Draft("call 07700 900123 or mail a@b.com now")
        let phone = byteRange(of: "07700 900123", in: draft.text)
        let mail = byteRange(of: "a@b.com", in: draft.text)
        draft.apply([(phone, "[phone]"), (mail, "[email]")])
        #expect(draft.text == "call [phone] or mail [email] now")
        #expect(draft.originalRange(of: byteRange(of: "[phone]", in: draft.text)) == phone)
        #expect(draft.originalRange(of: byteRange(of: "[email]", in: draft.text)) == mail)
        // Text after the edits maps back by the accumulated shift.
        let now = byteRange(of: "now", in: draft.text)
        #expect(draft.originalRange(of: now) == byteRange(of: "now", in: draft.original))
        // A span that starts inside a replacement grows to cover what it replaced.
        let partial = (now.lowerBound - 5)..<now.upperBound
        #expect(draft.originalRange(of: partial).lowerBound == mail.lowerBound)
    }

    @Test("a second round composes with the first")
    func composedRounds() {
        var draft = Draft("ab SECRET cd WORD ef")
        draft.apply([(byteRange(of: "SECRET", in: draft.text), "[x]")])
        #expect(draft.text == "ab [x] cd WORD ef")
        let word = byteRange(of: "WORD", in: draft.text)
        draft.apply([(word, "****")])
        #expect(draft.text == "ab [x] cd **** ef")
        #expect(draft.originalRange(of: byteRange(of: "****", in: draft.text)) == byteRange(of: "WORD", in: draft.original))
        #expect(draft.originalRange(of: byteRange(of: "[x]", in: draft.text)) == byteRange(of: "SECRET", in: draft.original))
        // An edit that swallows an earlier replacement covers its original span.
        let wide = byteRange(of: "[x] cd", in: draft.text)
        draft.apply([(wide, "#")])
        #expect(draft.text == "ab # **** ef")
        #expect(draft.originalRange(of: byteRange(of: "#", in: draft.text)) == byteRange(of: "SECRET cd", in: draft.original))
        #expect(draft.originalRange(of: byteRange(of: "****", in: draft.text)) == byteRange(of: "WORD", in: draft.original))
    }

    @Test("multi-byte characters around edits")
    func multiByte() {
        var draft = Draft("Café 👩🏽‍⚕️ SW1A 1AA über")
        let postcode = byteRange(of: "SW1A 1AA", in: draft.text)
        draft.apply([(postcode, "[postcode]")])
        #expect(draft.text == "Café 👩🏽‍⚕️ [postcode] über")
        #expect(draft.originalRange(of: byteRange(of: "über", in: draft.text)) == byteRange(of: "über", in: draft.original))
    }

    @Test("scalar offsets count code points, not bytes or characters")
    func scalarOffsets() {
        let text = "é👩🏽‍⚕️x"
        // é: 2 bytes, 1 scalar; the emoji: 17 bytes, 5 scalars (one Character).
        #expect(ScalarOffsets.convert([0, 2, 19, 20, 2], in: text) == [0, 1, 6, 7, 1])
        #expect(ScalarOffsets.convert([], in: text) == [])
    }
}

@Suite("Scalar offsets")
struct ScalarSubstringTests {
    @Test("substring by scalar offsets, and nothing for offsets that do not fit")
    func substring() {
        let text = "é👩🏽‍⚕️x"
        #expect(ScalarOffsets.substring(of: text, from: 1, to: 6) == "👩🏽‍⚕️")
        #expect(ScalarOffsets.substring(of: text, from: 6, to: 7) == "x")
        #expect(ScalarOffsets.substring(of: text, from: 6, to: 9) == "")
        #expect(ScalarOffsets.substring(of: text, from: 3, to: 2) == "")
    }
}
