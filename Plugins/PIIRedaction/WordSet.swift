import Foundation
import GatehouseCore

/// A large list of words or phrases (first names, surnames, English words, places), held as
/// 64-bit hashes of their lower-cased form so that looking up a word of the text costs a hash
/// over its bytes and no allocation.
///
/// Each entry is also stored without its diacritics (`Siân` is found as `sian` too), so a name
/// typed without accents is still a name. Phrases are stored as the hash of their words joined
/// by single spaces.
struct WordSet: Sendable {
    private let table: HashTable

    init(_ words: some Sequence<String>) {
        var hashes = Set<UInt64>()
        for word in words { Self.insert(word, into: &hashes) }
        table = HashTable(hashes)
    }

    /// Reads one entry per line from `file` (relative to the pack); blank lines and `#`
    /// comments are skipped, and spaces around an entry.
    init(file: String, relativeTo packFile: String, fields: RuleFields, key: String) throws {
        try self.init(files: [file], relativeTo: packFile, fields: fields, key: key)
    }

    /// The entries of every file in `files` (read as `init(file:)` reads one): a list kept in
    /// parts, each under its own source and licence.
    ///
    /// Read as bytes: a line of ASCII is trimmed and hashed where it lies (the lists hold
    /// 140,000 entries, and going through `String` and Foundation's trimming for each was most
    /// of the start-up time); a line with anything else is read as before, through `String`.
    init(files: [String], relativeTo packFile: String, fields: RuleFields, key: String) throws {
        guard !files.isEmpty else { throw fields.error(key, "no word list given") }
        var hashes = Set<UInt64>()
        for file in files { try Self.read(file, relativeTo: packFile, fields: fields, key: key, into: &hashes) }
        table = HashTable(hashes)
    }

    private static func read(_ file: String, relativeTo packFile: String, fields: RuleFields, key: String, into hashes: inout Set<UInt64>) throws {
        let directory = (packFile as NSString).deletingLastPathComponent
        let path = file.hasPrefix("/") ? file : (directory as NSString).appendingPathComponent(file)
        guard let data = FileManager.default.contents(atPath: path), String(validating: data, as: UTF8.self) != nil else {
            throw fields.error(key, "cannot read the word list '\(path)'")
        }
        var count = 0
        [UInt8](data).withUnsafeBufferPointer { bytes in
            for rawLine in bytes.split(separator: 0x0A, omittingEmptySubsequences: true) {
                let line = UnsafeBufferPointer(rebasing: rawLine)
                guard line.allSatisfy({ $0 < 0x80 }) else {
                    // Unicode line breaks and spaces, as `String` and Foundation see them.
                    for piece in String(decoding: line, as: UTF8.self).split(whereSeparator: \.isNewline) {
                        let entry = piece.trimmingCharacters(in: .whitespaces)
                        guard !entry.isEmpty, !entry.hasPrefix("#") else { continue }
                        Self.insert(entry, into: &hashes)
                        count += 1
                    }
                    continue
                }
                // ASCII line breaks other than LF: CR, VT and FF.
                for piece in line.split(whereSeparator: { $0 == 0x0D || $0 == 0x0B || $0 == 0x0C }) {
                    var entry = UnsafeBufferPointer(rebasing: piece)
                    while let first = entry.first, first == 0x20 || first == 0x09 { entry = UnsafeBufferPointer(rebasing: entry.dropFirst()) }
                    while let last = entry.last, last == 0x20 || last == 0x09 { entry = UnsafeBufferPointer(rebasing: entry.dropLast()) }
                    guard let first = entry.first, first != UInt8(ascii: "#") else { continue }
                    if entry.contains(0x20) || entry.contains(0x09) {
                        Self.insert(String(decoding: entry, as: UTF8.self), into: &hashes)
                    } else {
                        hashes.insert(WordHash.of(entry))
                    }
                    count += 1
                }
            }
        }
        guard count > 0 else { throw fields.error(key, "the word list '\(path)' is empty") }
    }

    /// Adds the hashes `word` is found by to `hashes`.
    private static func insert(_ word: String, into hashes: inout Set<UInt64>) {
        // Most entries are one ASCII word: WordHash folds their case itself, and they have no
        // accents to drop, so Foundation is needed only for the rest (140,000 entries at start).
        if word.utf8.allSatisfy({ $0 < 0x80 && $0 != 0x20 }) {
            hashes.insert(WordHash.of(word.utf8))
            return
        }
        let lower = word.lowercased().split(separator: " ").joined(separator: " ")
        hashes.insert(WordHash.of(lower.utf8))
        let plain = lower.folding(options: .diacriticInsensitive, locale: nil)
        if plain != lower { hashes.insert(WordHash.of(plain.utf8)) }
    }

    var count: Int { table.count }

    /// Every hash held, in order (for tests).
    var sortedHashes: [UInt64] { table.sortedKeys }

    func contains(_ hash: UInt64) -> Bool { table.contains(hash) }

    func contains(_ word: String) -> Bool { table.contains(WordHash.of(word.lowercased().utf8)) }

    /// The hashes in an open-addressed table probed from the hash itself. `Set<UInt64>` hashed
    /// each key again with SipHash on every lookup, and the name detector looks up most words
    /// of every text (a twentieth of a PII scan went to it); a word's FNV-1a hash, mixed once
    /// by a multiply, spreads well enough.
    struct HashTable: Sendable {
        /// Slots hold a key; 0 marks an empty one (a key of 0 is kept in `holdsZero`).
        private let slots: [UInt64]
        private let shift: UInt64
        private let holdsZero: Bool
        let count: Int

        init(_ keys: Set<UInt64>) {
            var capacity = 16
            while capacity < keys.count * 2 { capacity <<= 1 }
            var slots = [UInt64](repeating: 0, count: capacity)
            let shift = UInt64(64 - capacity.trailingZeroBitCount)
            for key in keys where key != 0 {
                var slot = Self.slot(key, shift: shift)
                while slots[slot] != 0 { slot = (slot + 1) & (capacity - 1) }
                slots[slot] = key
            }
            self.slots = slots
            self.shift = shift
            self.holdsZero = keys.contains(0)
            self.count = keys.count
        }

        @inline(__always) private static func slot(_ key: UInt64, shift: UInt64) -> Int {
            Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)
        }

        func contains(_ key: UInt64) -> Bool {
            if key == 0 { return holdsZero }
            return slots.withUnsafeBufferPointer { slots in
                let mask = slots.count - 1
                var slot = Self.slot(key, shift: shift)
                while true {
                    let held = slots[slot]
                    if held == key { return true }
                    if held == 0 { return false }
                    slot = (slot + 1) & mask
                }
            }
        }

        var sortedKeys: [UInt64] { (slots.filter { $0 != 0 } + (holdsZero ? [0] : [])).sorted() }
    }
}

/// FNV-1a over lower-cased UTF-8; ASCII letters are folded as they are read.
enum WordHash {
    static let seed: UInt64 = 0xcbf2_9ce4_8422_2325
    static let prime: UInt64 = 0x100_0000_01b3

    static func of(_ bytes: some Sequence<UInt8>) -> UInt64 {
        var hash = seed
        for byte in bytes { hash = (hash ^ UInt64(fold(byte))) &* prime }
        return hash
    }

    @inline(__always) static func fold(_ byte: UInt8) -> UInt8 {
        byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
    }

    /// The hash of `words` joined by single spaces, continuing from `hash`.
    @inline(__always) static func space(_ hash: UInt64) -> UInt64 { (hash ^ 0x20) &* prime }
}
