import Testing
@testable import GatehouseCore

@Suite("Pipeline")
struct PipelineTests {
    @Test("findings are reported in scalar offsets of the original text")
    func scalarOffsetsOfOriginal() {
        let pipeline = Pipeline(plugins: [LiteralPlugin(word: "secret", action: .redact, replacement: "[r]")])
        let text = "👩🏽‍⚕️ é secret"
        let verdict = pipeline.evaluate(text: text)
        #expect(verdict.text == "👩🏽‍⚕️ é [r]")
        #expect(verdict.decision == .accepted)
        let finding = try! #require(verdict.findings.first)
        let scalars = Array(text.unicodeScalars)
        #expect(finding.start == 8 && finding.end == 14)
        #expect(String(String.UnicodeScalarView(scalars[finding.start..<finding.end])) == "secret")
    }

    @Test("a later plugin sees the redacted draft; its spans map to the original")
    func laterPluginSeesRedactedDraft() {
        let pipeline = Pipeline(plugins: [
            LiteralPlugin(name: "first", word: "0123", action: .redact, replacement: "[number]"),
            LiteralPlugin(name: "second", word: "damn", action: .redact, replacement: "****"),
            // Sees "[number]", never the digits.
            LiteralPlugin(name: "third", word: "0123", action: .hold),
        ])
        let text = "né 0123 and damn"
        let verdict = pipeline.evaluate(text: text)
        #expect(verdict.text == "né [number] and ****")
        #expect(verdict.decision == .accepted)
        #expect(verdict.findings.map(\.plugin) == ["first", "second"])
        #expect(verdict.findings[1].start == 12 && verdict.findings[1].end == 16)
    }

    @Test("decision: reject beats hold beats accept; tag changes nothing")
    func decisionOrder() {
        let text = "alpha beta gamma"
        func decide(_ plugins: [LiteralPlugin]) -> Decision { Pipeline(plugins: plugins).evaluate(text: text).decision }
        #expect(decide([LiteralPlugin(word: "alpha", action: .tag)]) == .accepted)
        #expect(decide([LiteralPlugin(word: "alpha", action: .hold), LiteralPlugin(word: "beta", action: .tag)]) == .held)
        #expect(decide([
            LiteralPlugin(word: "alpha", action: .hold), LiteralPlugin(word: "beta", action: .reject),
            LiteralPlugin(word: "gamma", action: .redact, replacement: "x"),
        ]) == .rejected)
        #expect(decide([LiteralPlugin(word: "delta", action: .reject)]) == .accepted)
    }

    @Test("shadow rules are recorded but neither redact nor decide")
    func shadowMode() {
        let pipeline = Pipeline(plugins: [
            LiteralPlugin(word: "alpha", action: .reject, mode: .shadow),
            LiteralPlugin(name: "other", word: "beta", action: .redact, mode: .shadow, replacement: "[b]"),
        ])
        let verdict = pipeline.evaluate(text: "alpha beta")
        #expect(verdict.decision == .accepted)
        #expect(verdict.text == "alpha beta")
        #expect(verdict.findings.count == 2)
        #expect(verdict.findings.allSatisfy { $0.shadow })
        #expect(verdict.findings.allSatisfy { $0.replacement == nil })
    }

    @Test("fail closed: a rule that cannot finish holds the item, and other redactions still apply")
    func failClosed() {
        let pipeline = Pipeline(plugins: [
            LiteralPlugin(word: "secret", action: .redact, replacement: "[r]", failing: true)
        ])
        let verdict = pipeline.evaluate(text: "my secret")
        #expect(verdict.decision == .held)
        #expect(verdict.text == "my [r]")
        #expect(verdict.findings.contains { $0.category == "RULE_FAILURE" && $0.action == .hold })
    }

    @Test("overlapping redactions are never applied twice")
    func overlappingRedactions() {
        let edits: [(range: Range<Int>, replacement: String)] = [(4..<8, "b"), (0..<6, "a"), (8..<10, "c")]
        let kept = Pipeline.nonOverlapping(edits)
        #expect(kept.map(\.replacement) == ["a", "c"])
    }
}
