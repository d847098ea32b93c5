import Testing
@testable import PCRE2

@Suite("CompiledRegex")
struct CompiledRegexTests {
    @Test("offsets are UTF-8 byte offsets, correct after accents and emoji")
    func utf8OffsetsAfterAccentsAndEmoji() throws {
        let regex = try CompiledRegex("[0-9]{3}")
        let text = "Café 👩🏽‍⚕️ née 123 é456"
        let ranges = try regex.allRanges(in: text)
        let bytes = Array(text.utf8)
        #expect(ranges.count == 2)
        #expect(ranges.map { String(decoding: bytes[$0], as: UTF8.self) } == ["123", "456"])
        // "Café " is 6 bytes, the emoji sequence is 17 bytes, " née " 6 bytes.
        #expect(ranges.first == 29..<32)
    }

    @Test("UTF mode: a dot matches one whole character, never half of one")
    func dotMatchesWholeCharacters() throws {
        let regex = try CompiledRegex("^.é.$")
        #expect(try regex.matches("aé😀"))
        #expect(try !regex.matches("aéxx"))
    }

    @Test("empty matches advance by a whole character")
    func emptyMatchesAdvance() throws {
        let regex = try CompiledRegex("x*")
        let ranges = try regex.allRanges(in: "é😀")
        // Empty matches at 0, 2 (after é), 6 (after the emoji): never inside a character.
        #expect(ranges == [0..<0, 2..<2, 6..<6])
    }

    @Test("a match the caller refuses can be searched inside: the next search starts a character after its start")
    func resumingInsideAMatch() throws {
        let regex = try CompiledRegex("[0-9é]{3}")
        func ranges(_ text: String, _ resume: CompiledRegex.Resume) throws -> [Range<Int>] {
            var found: [Range<Int>] = []
            try withUTF8Bytes(of: text) { bytes throws(PCRE2Error) in
                try regex.forEachMatch(in: bytes, resuming: { match throws(PCRE2Error) in
                    found.append(match.range)
                    return resume
                })
            }
            return found
        }
        #expect(try ranges("12345", .afterMatch) == [0..<3])
        #expect(try ranges("12345", .insideMatch) == [0..<3, 1..<4, 2..<5])
        #expect(try ranges("12345", .stop) == [0..<3])
        // A step of one whole character: é is two bytes.
        #expect(try ranges("é123", .insideMatch) == [0..<4, 2..<5])
    }

    @Test("a pattern run inside another's loop, with more groups than the thread's match data held, leaves the outer search intact")
    func nestedSearch() throws {
        let outer = try CompiledRegex("([0-9]+)")
        let inner = try CompiledRegex(String(repeating: "(a)", count: 40))
        var found: [Range<Int>] = []
        var innerMatches = 0
        try withUTF8Bytes(of: "1 22 333 4444") { bytes throws(PCRE2Error) in
            try outer.forEachMatch(in: bytes) { match throws(PCRE2Error) in
                found.append(match.range)
                try withUTF8Bytes(of: String(repeating: "a", count: 40)) { other throws(PCRE2Error) in
                    if try inner.firstMatch(in: other) != nil { innerMatches += 1 }
                }
                return true
            }
        }
        #expect(found == [0..<1, 2..<4, 5..<8, 9..<13])
        #expect(innerMatches == 4)
    }

    @Test("capture groups by number and by name")
    func captureGroups() throws {
        let regex = try CompiledRegex("(?<title>Dr|Mr)\\.? (?<name>[A-Z][a-z]+)(x)?")
        #expect(regex.captureCount == 3)
        #expect(regex.groupNumber(named: "name") == 2)
        #expect(regex.groupNumber(named: "missing") == nil)
        var text = "Seen by Dr Jones today"
        var groups: [Range<Int>?] = []
        try text.withUTF8 { bytes in
            try regex.forEachMatch(in: bytes) { match in
                groups = [match.range(at: 1), match.range(at: 2), match.range(at: 3)]
                return true
            }
        }
        #expect(groups == [8..<10, 11..<16, nil])
    }

    @Test("a window: lookbehind sees before the start, nothing past the end is matched")
    func windowedMatching() throws {
        let regex = try CompiledRegex("(?<=a)b+")
        var text = "abbbb"
        let range = try text.withUTF8 { bytes in try regex.firstMatch(in: bytes, from: 1, to: 3) }
        #expect(range == 1..<3)
    }

    @Test("caseless option")
    func caseless() throws {
        let regex = try CompiledRegex("nhs number", options: .caseless)
        #expect(try regex.matches("my NHS Number is"))
    }

    @Test("compile errors carry PCRE2's message and the offset")
    func compileError() {
        do {
            _ = try CompiledRegex("abc(def")
            Issue.record("expected a compile error")
        } catch {
            #expect(error.isCompileError)
            #expect(error.patternOffset == 7)
            #expect(error.message.contains("missing closing parenthesis"))
            #expect(!error.isResourceLimit)
        }
    }

    @Test("the match limit stops catastrophic backtracking in (a+)+$")
    func matchLimitStopsRunaway() throws {
        let regex = try CompiledRegex("(a+)+$", limits: MatchLimits(matchLimit: 100_000))
        let subject = String(repeating: "a", count: 40) + "b"
        do {
            _ = try regex.matches(subject)
            Issue.record("expected the match limit to stop the match")
        } catch {
            #expect(error.isResourceLimit)
            #expect(!error.isCompileError)
        }
    }

    @Test("ordinary large text stays within the default limits")
    func largeTextWithinLimits() throws {
        let regex = try CompiledRegex("(?<![0-9])[0-9]{3}[ -]?[0-9]{3}[ -]?[0-9]{4}(?![0-9])")
        let text = String(repeating: "The physio was kind and the wait was 3 weeks. ", count: 2_000)
        #expect(try regex.allRanges(in: text).isEmpty)
    }

    @Test("a compiled regex is shared by many threads at once")
    func concurrentUse() async throws {
        let regex = try CompiledRegex("[0-9]+")
        let counts = await withTaskGroup(of: Int.self) { group in
            for index in 0..<8 {
                group.addTask {
                    let text = String(repeating: "ab \(index) cd 12 ", count: 500)
                    return (try? regex.allRanges(in: text).count) ?? -1
                }
            }
            var all: [Int] = []
            for await count in group { all.append(count) }
            return all
        }
        #expect(counts == Array(repeating: 1_000, count: 8))
    }
}
