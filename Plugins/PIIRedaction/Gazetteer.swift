import Foundation
import GatehouseCore

/// A list of words (first names, stop words) read from a file next to the rule pack or given
/// inline, compared case-insensitively.
struct Gazetteer: Sendable {
    private let words: Set<String>

    init(_ words: some Sequence<String>) {
        self.words = Set(words.map { $0.lowercased() })
    }

    /// Reads one word or name per line; blank lines and `#` comments are skipped.
    init(file: String, relativeTo packFile: String, fields: RuleFields, key: String) throws {
        let directory = (packFile as NSString).deletingLastPathComponent
        let path = file.hasPrefix("/") ? file : (directory as NSString).appendingPathComponent(file)
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw fields.error(key, "cannot read the word list '\(path)'")
        }
        let words = text.split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
        guard !words.isEmpty else { throw fields.error(key, "the word list '\(path)' is empty") }
        self.init(words)
    }

    var count: Int { words.count }

    func contains(_ word: some StringProtocol) -> Bool {
        words.contains(word.lowercased())
    }
}
