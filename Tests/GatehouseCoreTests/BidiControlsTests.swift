import Testing
import GatehouseCore

@Suite("Bidi controls resolved as the text displays")
struct BidiControlsTests {
    @Test("a text without embeddings, overrides or isolates is returned as it is", arguments: [
        "Call 0711 456 7890 please", "", "Café 👩🏽‍⚕️ naïve", "שלום and hello", "a\u{200F}b", // RLM is not a control here
    ])
    func untouched(text: String) {
        #expect(!BidiControls.present(in: text))
        #expect(BidiControls.resolved(text) == text)
    }

    @Test("display order, controls removed", arguments: [
        // A right-to-left override shows what it holds backwards.
        ("Call me on \u{202E}0987 654 1170\u{202C} please", "Call me on 0711 456 7890 please"),
        ("\u{202E}moc.elpmaxe@mas\u{202C}", "sam@example.com"),
        // Unterminated: to the end of the paragraph, and a line break ends it.
        ("ring \u{202E}0987 654 1170\nthen \u{202E}ba", "ring 0711 456 7890\nthen ab"),
        // A right-to-left embedding reverses digit groups separated by spaces, not the digits.
        ("\u{202B}7890 456 0711\u{202C}", "0711 456 7890"),
        // ...but keeps a number joined by a hyphen, and Latin words, in order.
        ("\u{202B}0711-456-7890\u{202C} \u{202B}hello world\u{202C}", "0711-456-7890 hello world"),
        // Isolates: a right-to-left isolate of digit groups, closed by PDI (which also closes an open override).
        ("x \u{2067}12 34\u{2069} y", "x 34 12 y"),
        ("x \u{2067}\u{202E}ba\u{2069} c", "x ab c"),
        // Left-to-right controls change nothing in a left-to-right text.
        ("\u{202D}abc 123\u{202C} \u{2066}def\u{2069}", "abc 123 def"),
        // Nested: an override inside an override (levels 1 and 3) is shown backwards with it.
        ("\u{202E}ab\u{202E}cd\u{202C}ef\u{202C}", "fedcba"),
        // An override inside an embedding: the override's letters backwards, in place.
        ("\u{202B}12 \u{202E}ba\u{202C}\u{202C}", "ab 12"),
        // A stray PDF or PDI is dropped.
        ("a\u{202C}b\u{2069}c", "abc"),
    ])
    func displayOrder(input: String, shown: String) {
        #expect(BidiControls.present(in: input))
        let resolved = BidiControls.resolved(input)
        #expect(resolved == shown, "\(resolved.debugDescription)")
        #expect(!resolved.unicodeScalars.contains(where: BidiControls.isControl))
    }

    @Test("controls are found at the very start and end, beside other E2 sequences, and not in look-alikes", arguments: [
        ("\u{202E}", true), ("ab\u{2069}", true), ("\u{2026}\u{2014}\u{202A}", true), ("x\u{2066}", true),
        ("\u{2026}\u{2014}\u{20AC}", false), ("\u{2029}\u{202F}", false), ("ab", false), ("\u{2065}\u{206A}", false),
    ])
    func found(text: String, present: Bool) {
        #expect(BidiControls.present(in: text) == present)
    }

    @Test("a text with right-to-left letters keeps its logical order and only loses the controls")
    func rightToLeftScripts() {
        let text = "\u{202B}שלום 12\u{202C} and \u{202E}ba\u{202C}"
        #expect(BidiControls.resolved(text) == "שלום 12 and ba")
    }
}
