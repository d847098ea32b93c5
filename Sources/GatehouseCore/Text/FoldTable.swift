import Foundation

/// How non-ASCII scalars fold into the matching form: to ASCII letters (accents, fullwidth and
/// mathematical letters, Cyrillic and Greek look-alikes), to nothing (zero-width and other
/// format characters, combining marks), or — anything else — to a word break.
///
/// Built once, from Foundation's NFKD for the Latin and compatibility ranges plus a table of
/// UTS #39 confusables, so that matching never calls Foundation's slow normalisation per text.
public struct FoldTable: Sendable {
    public enum Fold: Sendable, Equatable {
        /// The scalar disappears (zero-width space, soft hyphen, bidi control, combining mark).
        case remove
        /// The scalar becomes these ASCII bytes (`é` → `e`, `ß` → `ss`, `ｆ` → `f`, Cyrillic `а` → `a`).
        case ascii([UInt8])
    }

    private let table: [UInt32: Fold]

    /// The shared table, built on first use.
    public static let shared = FoldTable()

    private init() {
        var table: [UInt32: Fold] = [:]
        let removed: [ClosedRange<UInt32>] = [
            0x00AD...0x00AD, 0x034F...0x034F, 0x061C...0x061C, 0x115F...0x1160, 0x17B4...0x17B5,
            0x180B...0x180F, 0x200B...0x200F, 0x202A...0x202E, 0x2060...0x206F, 0x3164...0x3164,
            0xFE00...0xFE0F, 0xFEFF...0xFEFF, 0xFFA0...0xFFA0, 0xE0000...0xE007F,
            // Combining marks.
            0x0300...0x036F, 0x0483...0x0489, 0x1AB0...0x1AFF, 0x1DC0...0x1DFF, 0x20D0...0x20FF, 0xFE20...0xFE2F,
        ]
        for range in removed {
            for value in range { table[value] = .remove }
        }
        // Compatibility and accented Latin: NFKD, keep the ASCII letters and digits.
        let decomposed: [ClosedRange<UInt32>] = [
            0x00A0...0x024F, 0x0250...0x02AF, 0x02B0...0x02FF, 0x1D00...0x1DBF, 0x1E00...0x1EFF, 0x2070...0x209F,
            0x2100...0x214F, 0x2460...0x24FF, 0x3371...0x33DF, 0xFB00...0xFB06, 0xFF01...0xFF5E,
            0x1D400...0x1D7FF, 0x1F100...0x1F1FF,
        ]
        for range in decomposed {
            for value in range where table[value] == nil {
                guard let scalar = Unicode.Scalar(value) else { continue }
                let folded = String(scalar).decomposedStringWithCompatibilityMapping
                var bytes: [UInt8] = []
                for unit in folded.utf8 where unit < 0x80 {
                    if (0x41...0x5A).contains(unit) { bytes.append(unit | 0x20) } else { bytes.append(unit) }
                }
                if !bytes.isEmpty, bytes.count <= 4, bytes.contains(where: { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) }) {
                    table[value] = .ascii(bytes)
                }
            }
        }
        // Letters that do not decompose to ASCII but are read as it.
        let extras: [UInt32: String] = [0x00DF: "ss", 0x00E6: "ae", 0x00C6: "ae", 0x0153: "oe", 0x0152: "oe", 0x00F8: "o",
                                        0x00D8: "o", 0x0131: "i", 0x0142: "l", 0x0141: "l", 0x00F0: "d", 0x0111: "d"]
        for (value, text) in extras { table[value] = .ascii(Array(text.utf8)) }
        // UTS #39 confusables: Cyrillic, Greek and other look-alikes of Latin letters.
        let confusables: [String: String] = [
            "а": "a", "в": "b", "с": "c", "ԁ": "d", "е": "e", "ё": "e", "һ": "h", "і": "i", "ї": "i", "ј": "j",
            "к": "k", "ӏ": "l", "м": "m", "н": "h", "о": "o", "р": "p", "ԛ": "q", "г": "r", "ѕ": "s", "т": "t",
            "ц": "u", "у": "y", "х": "x", "ԝ": "w", "ь": "b", "п": "n", "и": "u", "л": "n", "ш": "w", "з": "3",
            "А": "a", "В": "b", "С": "c", "Е": "e", "Н": "h", "І": "i", "Ј": "j", "К": "k", "М": "m", "О": "o",
            "Р": "p", "Ѕ": "s", "Т": "t", "У": "y", "Х": "x", "Ү": "y",
            "α": "a", "β": "b", "γ": "y", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p",
            "τ": "t", "υ": "u", "χ": "x", "ω": "w", "ς": "s", "σ": "o", "Α": "a", "Β": "b", "Ε": "e", "Ζ": "z",
            "Η": "h", "Ι": "i", "Κ": "k", "Μ": "m", "Ν": "n", "Ο": "o", "Ρ": "p", "Τ": "t", "Υ": "y", "Χ": "x",
            "ɑ": "a", "ɡ": "g", "ɩ": "i", "ɪ": "i", "ʏ": "y", "ᴀ": "a", "ʙ": "b", "ᴄ": "c", "ᴅ": "d", "ᴇ": "e",
            "ɢ": "g", "ʜ": "h", "ᴊ": "j", "ᴋ": "k", "ʟ": "l", "ᴍ": "m", "ɴ": "n", "ᴏ": "o", "ᴘ": "p", "ʀ": "r",
            "ꜱ": "s", "ᴛ": "t", "ᴜ": "u", "ᴠ": "v", "ᴡ": "w", "ᴢ": "z",
            // IPA and Latin Extended letters read as Latin ones (UTS #39 confusables).
            "ʃ": "s", "ƨ": "s", "ʂ": "s", "ƈ": "c", "ɕ": "c", "ɦ": "h", "ɧ": "h", "ɓ": "b", "ƅ": "b", "ɗ": "d",
            "ɖ": "d", "ɵ": "o", "ɔ": "o", "ƭ": "t", "ʈ": "t", "ɾ": "r", "ɽ": "r", "ɹ": "r", "ǀ": "l", "ɭ": "l",
            "ɫ": "l", "ɛ": "e", "ɘ": "e", "ə": "e", "ʋ": "u", "ʊ": "u", "ɐ": "a", "ɒ": "a", "ɱ": "m", "ɲ": "n",
            "ɳ": "n", "ŋ": "n", "ƙ": "k", "ʞ": "k", "ɠ": "g", "ʛ": "g", "ƥ": "p", "ʠ": "q", "ʐ": "z", "ʑ": "z",
            "ȥ": "z", "ƴ": "y", "ʎ": "y", "ɣ": "y", "ʍ": "w", "ʌ": "v", "ɯ": "w", "ı": "i", "ɨ": "i",
            "ϲ": "c", "ϳ": "j", "ս": "u", "ո": "n", "օ": "o", "հ": "h", "ց": "g", "ԍ": "g",
            "Ꭺ": "a", "Ᏼ": "b", "Ꮯ": "c", "Ꭼ": "e", "Ꮋ": "h", "Ꮶ": "k", "Ꮮ": "l", "Ꮇ": "m", "Ꮲ": "p", "Ꮪ": "s", "Ꭲ": "t",
            // Hooked, stroked and small-capital letters that do not decompose (ƒuck, sħit).
            "ƒ": "f", "Ƒ": "f", "ꜰ": "f", "ϝ": "f", "ſ": "s", "ƀ": "b", "ɇ": "e", "ɉ": "j", "ɍ": "r", "ɏ": "y", "ƶ": "z",
            "ħ": "h", "Ħ": "h", "ŧ": "t", "Ŧ": "t", "ꝁ": "k", "ǥ": "g", "ᵾ": "u", "ꞯ": "q",
        ]
        for (key, value) in confusables {
            table[key.unicodeScalars.first!.value] = .ascii(Array(value.utf8))
        }
        self.table = table
    }

    /// The fold of `scalar`, or nil when it is a word break.
    public func fold(_ scalar: UInt32) -> Fold? { table[scalar] }
}
