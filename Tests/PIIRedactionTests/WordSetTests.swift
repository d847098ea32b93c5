import Foundation
import Testing
@testable import GatehouseCore
@testable import PIIRedaction

@Suite("Word lists read as bytes hold what reading them as strings held")
struct WordSetTests {
    /// The entries of a list as they were read before: `String` lines, Foundation's trimming.
    private func entriesAsStrings(_ path: String) throws -> [String] {
        try String(contentsOfFile: path, encoding: .utf8).split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
    }

    private func loaded(_ path: String) throws -> WordSet {
        try WordSet(file: path, relativeTo: "/pack.yaml", fields: RuleFields(file: "/pack.yaml", rule: "t", line: 1, entries: [:]), key: "file")
    }

    @Test("every shipped list")
    func shippedLists() async throws {
        let directory = Repository.piiRules
        let lists = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".txt") }
        #expect(lists.count >= 4)
        for list in lists {
            await Task.yield()  // each list is a second's work; other suites' live servers share these threads
            let path = "\(directory)/\(list)"
            let expected = WordSet(try entriesAsStrings(path))
            let read = try loaded(path)
            #expect(read.sortedHashes == expected.sortedHashes, "\(list)")
            #expect(read.count > 0)
        }
    }

    @Test("line breaks, spaces, comments and accents of every kind")
    func awkwardLines() throws {
        let text = "Ann\r\n  Bob\t\n# comment\n\n\tO'Neil  \rZoë\u{2028}Siân\u{00A0}\nMary Ann\nde  la Cruz\u{0B}Eve\u{0C}Jo\n  #also comment\nX\tY\n\u{2003}Nnamdi\u{2003}\n"
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("wordset-\(UUID().uuidString).txt").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let read = try loaded(path)
        #expect(read.sortedHashes == WordSet(try entriesAsStrings(path)).sortedHashes)
        for name in ["ann", "bob", "o'neil", "zoe", "siân", "sian", "mary ann", "eve", "jo", "nnamdi"] {
            #expect(read.contains(name), "\(name)")
        }
        #expect(!read.contains("# comment"))
    }

    @Test("the table holds exactly the hashes put in, 0 and colliding slots included")
    func table() {
        var random = SystemRandomNumberGenerator()
        var keys: Set<UInt64> = [0, 1, UInt64.max]
        // Keys that differ only in their low bits, and the extremes.
        for index in 0..<2_000 { keys.insert(UInt64(index) | (0xABCD << 48)) }
        for _ in 0..<20_000 { keys.insert(random.next()) }
        let table = WordSet.HashTable(keys)
        #expect(table.count == keys.count)
        #expect(table.sortedKeys == keys.sorted())
        for key in keys { #expect(table.contains(key)) }
        var absent = 0
        for _ in 0..<20_000 {
            let key = random.next()
            if !keys.contains(key) {
                absent += 1
                #expect(!table.contains(key))
            }
        }
        #expect(absent > 19_000)
        #expect(!WordSet.HashTable([]).contains(0))
        #expect(!WordSet.HashTable([]).contains(42))
    }

    @Test("a list in several files holds every file's entries")
    func severalFiles() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("wordsets-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Data("# one\nAnn\nBob\n".utf8).write(to: URL(fileURLWithPath: "\(directory)/one.txt"))
        try Data("# two\nBob\nSiân\n".utf8).write(to: URL(fileURLWithPath: "\(directory)/two.txt"))
        let fields = RuleFields(file: "\(directory)/pack.yaml", rule: "t", line: 1, entries: [:])
        let both = try WordSet(files: ["one.txt", "two.txt"], relativeTo: "\(directory)/pack.yaml", fields: fields, key: "first_names")
        #expect(both.sortedHashes == WordSet(["ann", "bob", "siân"]).sortedHashes)
        #expect(both.contains("sian"))
        let one = try WordSet(files: ["one.txt"], relativeTo: "\(directory)/pack.yaml", fields: fields, key: "first_names")
        #expect(!one.contains("sian"))
        #expect(throws: (any Error).self) { try WordSet(files: [], relativeTo: "\(directory)/pack.yaml", fields: fields, key: "first_names") }
        #expect(throws: (any Error).self) {
            try WordSet(files: ["one.txt", "missing.txt"], relativeTo: "\(directory)/pack.yaml", fields: fields, key: "first_names")
        }
    }

    @Test("an unreadable or empty list is refused, naming the file")
    func refused() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("wordset-\(UUID().uuidString).txt").path
        for bytes in [[UInt8](), Array("# only a comment\n\n".utf8), [0x41, 0xFF, 0x0A]] {
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            #expect(throws: (any Error).self) { try loaded(path) }
        }
        try? FileManager.default.removeItem(atPath: path)
        #expect(throws: (any Error).self) { try loaded(path) }
    }
}
