import Foundation
import Testing

/// `gatehouse check`, run as the real binary.
@Suite("gatehouse check")
struct CheckCommandTests {
    let rules = ["--rules", repositoryRoot.appendingPathComponent("rules/pii").path]

    @Test("standard input loses the one line ending echo adds, and nothing else")
    func lineEnding() async throws {
        for input in ["Ring 07700 900123\n", "Ring 07700 900123\r\n", "Ring 07700 900123"] {
            let result = try await runGatehouse(["check", "--json"] + rules, input: input)
            #expect(result.status == 0)
            #expect(result.output.contains(#""text":"Ring [phone number]","#), "\(result.output)")
        }
        let twoLines = try await runGatehouse(["check", "--json"] + rules, input: "Two\nlines\n")
        #expect(twoLines.output.contains(#""text":"Two\nlines","#), "\(twoLines.output)")
    }

    @Test("no text is an error that says how to give one, not a verdict on nothing")
    func noText() async throws {
        let result = try await runGatehouse(["check"] + rules, input: "")
        #expect(result.status == 2)
        #expect(result.output.contains("no text to check"))
        #expect(!result.output.contains("decision"))
    }
}
