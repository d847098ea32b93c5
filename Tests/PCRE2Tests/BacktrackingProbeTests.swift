import PCRE2
import Testing

@Suite("BacktrackingProbe: catastrophic patterns caught before they ship")
struct BacktrackingProbeTests {
    @Test("nested quantifiers that explode are reported as catastrophic, with the input", arguments: [
        "(a+)+b", "([a-z0-9]+[ .-]?)+@", "(\\d+)*x", "(?:\\w|\\d)+!", "^(a|aa)+$",
    ])
    func catastrophic(pattern: String) throws {
        let regex = try CompiledRegex(pattern, limits: MatchLimits(matchLimit: 100_000))
        let finding = try #require(BacktrackingProbe().probe(regex, pattern: pattern))
        #expect(finding.kind == .catastrophic, "\(finding)")
        #expect(finding.description.contains("hits the match limit"))
    }

    // Only the match limit is asserted: whether a pattern is "slow" depends on the machine's
    // load, and a test must not (lint prints slowness as a warning, never an error).
    @Test("linear patterns never hit the match limit", arguments: [
        "[a-z]+@[a-z]+\\.com", "\\b0\\d{4} ?\\d{6}\\b", "(?<![A-Za-z0-9])[A-Z]{2}\\d{6}[A-D](?![A-Za-z0-9])",
        "\\b(?:\\d{3}[ -]?){2}\\d{4}\\b", "[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\\.[A-Za-z0-9-]{1,63})*\\.[A-Za-z]{2,24}",
    ])
    func linear(pattern: String) throws {
        let regex = try CompiledRegex(pattern)
        let finding = BacktrackingProbe().probe(regex, pattern: pattern)
        #expect(finding?.kind != .catastrophic, "\(finding.map(\.description) ?? "")")
    }
}
