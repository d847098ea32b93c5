import Foundation
import GatehouseCore
import Testing

/// A line of `Tests/Fixtures/handwritten/pii.txt`: the text with its `[[...]]` marks removed,
/// and the marked values as ranges of Unicode scalars.
private struct MarkedLine {
    var text: String
    var values: [Range<Int>]

    init(_ line: String) {
        var scalars: [Unicode.Scalar] = []
        var values: [Range<Int>] = []
        var rest = Substring(line.replacingOccurrences(of: "\\n", with: "\n"))
        while let open = rest.range(of: "[[") {
            scalars += rest[..<open.lowerBound].unicodeScalars
            rest = rest[open.upperBound...]
            guard let close = rest.range(of: "]]") else { break }
            let value = rest[..<close.lowerBound].unicodeScalars
            values.append(scalars.count..<(scalars.count + value.count))
            scalars += value
            rest = rest[close.upperBound...]
        }
        scalars += rest.unicodeScalars
        var text = ""
        text.unicodeScalars.append(contentsOf: scalars)
        self.text = text
        self.values = values
    }
}

private func lines(_ name: String) throws -> [String] {
    try String(contentsOfFile: Repository.fixture("handwritten/\(name)"), encoding: .utf8)
        .split(separator: "\n").map(String.init).filter { !$0.hasPrefix("#") && !$0.trimmingCharacters(in: .whitespaces).isEmpty }
}

@Suite("Hand-written sentences (a regression set: written while the rules changed)")
struct HandwrittenPIITests {
    /// The marked values of a fixture and those not wholly inside a PII finding, each as
    /// `value in text`.
    private func missedValues(_ file: String) throws -> (total: Int, missed: [String]) {
        var total = 0
        var missed: [String] = []
        for line in try lines(file).map(MarkedLine.init) {
            let findings = redact(line.text).findings.filter { $0.plugin == "pii" }
            for value in line.values {
                total += 1
                let covered = value.allSatisfy { offset in findings.contains { $0.start <= offset && offset < $0.end } }
                if !covered { missed.append("\(Array(line.text.unicodeScalars)[value].map(String.init).joined()) in \(line.text)") }
            }
        }
        return (total, missed)
    }

    @Test("personal values written by hand are redacted, at least 98 in 100, each whole")
    func values() throws {
        let (total, missed) = try missedValues("pii.txt")
        // Stop 35 added 193 values, 3 of them left: `mo` (two letters, lower case), a second
        // `Card ending 4921` and `on the phone to a Sheila`; it found `Sue - volunteer driver`.
        // Fifteen were left before (1,039 values; stop 34 added 274, 4 of them missed: `o7700 900 123`,
        // `Card ending 4921`, `no. 42` before an address, `Sue - volunteer driver`). Before them,
        // eleven of 765: `112 Ashby De La Zouch Road`; `Joy made the whole
        // experience bearable` (a name that is a word, a verb after it that things do too);
        // `o7700 900 123` (a letter o for a zero); `Nguyen Van Minh` (family name first, a
        // particle that is a word); `April at reception` (a month); `— Olu, carer` and `x Kez x`
        // (sign-offs with something after them); `Jordan, if you're reading this` (a place too);
        // `Name - sarah louise bennett`, `Me and sarah went` and a message that opens with
        // `jayden in the plaster room` (lower case in a capitalised message, without a cue).
        #expect(total > 600)
        #expect(missed.count <= total / 50, "\(missed.count) of \(total) missed: \(missed)")
    }

    @Test("names that are words or places, in lower case and text-speak: 33 of 39 or more")
    func namesAsWords() throws {
        let (total, missed) = try missedValues("pii-names-as-words.txt")
        // Left: `precious n blessing in radiology`, `thank mo` (two letters), and `Rain the OT`,
        // `Storm our speech therapist`, `Ocean from the ambulance crew` (unlisted words opening a
        // sentence, as `Then the OT` does).
        #expect(total == 39)
        #expect(missed.count <= 6, "\(missed)")
        #expect(!missed.contains { $0.hasPrefix("Chester ") || $0.hasPrefix("sandy ") || $0.hasPrefix("patience ") }, "\(missed)")
    }

    @Test("clean sentences full of traps are left alone, nearly all")
    func clean() throws {
        // `\n` is a line break, as in pii.txt (`yours sincerely\na very tired carer`).
        let texts = try lines("pii-clean.txt").map { $0.replacingOccurrences(of: "\\n", with: "\n") }
        let flagged = texts.filter { !redact($0).findings.filter { $0.plugin == "pii" }.isEmpty }
        #expect(texts.count > 50)
        // Left on 2026-12-04: `Bella the therapy dog`, `3 Long Weeks`, `3 Musketeers Way`, a ward's
        // phone, `Brooks trainers` (a brand and a surname; twice); `Harvey Walker pads` (stop 34).
        #expect(flagged.count <= 7, "\(flagged)")
    }
}
