import Testing
import GatehouseCore

@Suite("Unicode folding (NormalizedText)")
struct NormalizerTests {
    private func normalize(_ text: String) -> (String, NormalizedText) {
        var copy = text
        return copy.withUTF8 { bytes in
            let normalized = NormalizedText(bytes, fold: .shared)
            let form = normalized.withMatchingForm(of: bytes) { String(decoding: $0, as: UTF8.self) }
            return (form, normalized)
        }
    }

    @Test("ASCII: the text is its own matching form, identity map, nothing copied")
    func ascii() {
        let (form, normalized) = normalize("Hello WORLD, f*ck!")
        #expect(form == "Hello WORLD, f*ck!")
        #expect(normalized.isIdentity)
        #expect(normalized.chars.isEmpty)
        #expect(normalized.originalRange(6..<11) == 6..<11)
    }

    @Test("non-ASCII: folded, invisible characters removed, map back to the original bytes")
    func folding() {
        let text = "Ｆu\u{200B}\u{0441}k é\u{0301} 𝐛 ß —"
        let (form, normalized) = normalize(text)
        // é + combining acute: the mark goes too.
        #expect(form == "fuck e b ss  ")
        #expect(!normalized.isIdentity)
        // "fuck" covers the full-width F (3 bytes), u, the zero-width space and the Cyrillic с (2 bytes), k.
        #expect(normalized.originalRange(0..<4) == 0..<10)
        // é and its combining mark (4 bytes) become one letter; ß (bytes 21..<23) two.
        #expect(normalized.originalRange(5..<6) == 11..<15)
        #expect(normalized.originalRange(9..<11) == 21..<23)
        #expect(normalized.originalRange(7..<8) == 16..<20)
    }
}
