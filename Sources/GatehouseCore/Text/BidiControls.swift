import Foundation

/// Explicit bidirectional formatting characters — embeddings, overrides and isolates
/// (U+202A–U+202E, U+2066–U+2069) — resolved before anything reads a text.
///
/// A right-to-left override displays what it holds backwards: a phone number typed in reverse
/// between U+202E and U+202C shows as the real number while the rules, reading the characters
/// in order, see digits that match nothing; a right-to-left embedding reverses the order of
/// digit groups separated by spaces. So a text holding any of these characters is rewritten,
/// before the rules see it, as it would display: the controls are gone and, when the text has
/// no right-to-left letters, the characters are in the order a reader saw them. The rules then
/// judge what people see, and what is stored and shown to a moderator cannot be reordered by
/// hidden characters.
///
/// The display order follows the Unicode Bidirectional Algorithm (UAX #9) in the parts that
/// matter here — explicit levels (X1–X8), numbers and their separators (W4, W7), neutrals (N1,
/// N2), implicit levels (I1, I2) and reversal (L2) — on a left-to-right paragraph; a text with
/// right-to-left letters (Hebrew, Arabic and the other scripts written that way) keeps its
/// logical order, which is what a text in those scripts is stored in, and only loses the controls.
public enum BidiControls {
    /// True when `text` holds an embedding, override or isolate character (a byte scan: the
    /// common case, none, costs one pass over the UTF-8).
    public static func present(in text: String) -> Bool {
        var copy = text
        return copy.withUTF8 { bytes in
            guard bytes.count >= 3, let base = bytes.baseAddress else { return false }
            // Every control is E2 80 AA-AE or E2 81 A6-A9: memchr finds the lead bytes (none, in
            // the common case, at memory speed) and only those are looked at.
            var index = 0
            while index + 2 < bytes.count {
                guard let found = memchr(base + index, 0xE2, bytes.count - 2 - index) else { return false }
                let at = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
                let second = bytes[at + 1]
                let third = bytes[at + 2]
                if (second == 0x80 && (0xAA...0xAE).contains(third)) || (second == 0x81 && (0xA6...0xA9).contains(third)) {
                    return true
                }
                index = at + 1
            }
            return false
        }
    }

    /// `text` as it displays, without the controls (see the type's comment); `text` itself when
    /// it holds none.
    public static func resolved(_ text: String) -> String {
        guard present(in: text) else { return text }
        let scalars = Array(text.unicodeScalars)
        let hasRightToLeft = scalars.contains { kind(of: $0) == .right }
        var result = String.UnicodeScalarView()
        var paragraph: [Unicode.Scalar] = []
        func flush() {
            if hasRightToLeft {
                result.append(contentsOf: paragraph.filter { !isControl($0) })
            } else {
                result.append(contentsOf: displayOrder(paragraph))
            }
            paragraph.removeAll(keepingCapacity: true)
        }
        for scalar in scalars {
            if scalar == "\n" || scalar == "\r" || scalar.value == 0x2029 {
                flush()
                result.append(scalar)
            } else {
                paragraph.append(scalar)
            }
        }
        flush()
        return String(result)
    }

    /// True for the characters `resolved` removes.
    public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        (0x202A...0x202E).contains(scalar.value) || (0x2066...0x2069).contains(scalar.value)
    }

    /// Bidirectional classes, as far as this needs them.
    enum Kind: Equatable {
        case left, right, number
        /// A separator between numbers: `+ -` (ES) or `. , : /` (CS).
        case separator
        case neutral
    }

    static func kind(of scalar: Unicode.Scalar) -> Kind {
        let value = scalar.value
        switch value {
        case 0x30...0x39, 0xFF10...0xFF19, 0x0660...0x0669, 0x06F0...0x06F9: return .number
        case 0x2B, 0x2D, 0x2C, 0x2E, 0x2F, 0x3A: return .separator
        case 0x0590...0x08FF, 0xFB1D...0xFDFF, 0xFE70...0xFEFF, 0x10800...0x10FFF, 0x1E800...0x1EFFF: return .right
        default: return scalar.properties.isAlphabetic ? .left : .neutral
        }
    }

    /// One paragraph's characters in display order, controls removed (paragraph level 0).
    static func displayOrder(_ paragraph: [Unicode.Scalar]) -> [Unicode.Scalar] {
        // X1–X8: each character's embedding level and override, from the explicit controls.
        struct Entry {
            var level: Int
            var override: Kind?
            var isolate: Bool
        }
        var stack = [Entry(level: 0, override: nil, isolate: false)]
        var characters: [Unicode.Scalar] = []
        var levels: [Int] = []
        var kinds: [Kind] = []
        for scalar in paragraph {
            let value = scalar.value
            let top = stack[stack.count - 1]
            switch value {
            case 0x202A, 0x202B, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068:
                let rightToLeft = value == 0x202B || value == 0x202E || value == 0x2067
                let level = rightToLeft ? (top.level + 1) | 1 : (top.level + 2) & ~1
                guard level <= 125 else { continue }
                let override: Kind? = value == 0x202D ? .left : value == 0x202E ? .right : nil
                stack.append(Entry(level: level, override: override, isolate: value >= 0x2066))
            case 0x202C:
                if stack.count > 1, !top.isolate { stack.removeLast() }
            case 0x2069:
                if let isolate = stack.lastIndex(where: \.isolate) { stack.removeSubrange(isolate...) }
            default:
                characters.append(scalar)
                levels.append(top.level)
                kinds.append(top.override ?? kind(of: scalar))
            }
        }
        guard let highest = levels.max(), highest > 0 else { return characters }
        resolveWeakAndNeutral(&kinds, levels: levels)
        // I1, I2: implicit levels.
        for index in levels.indices {
            let even = levels[index] % 2 == 0
            switch kinds[index] {
            case .right where even: levels[index] += 1
            case .number where even: levels[index] += 2
            case .left where !even, .number where !even: levels[index] += 1
            default: break
            }
        }
        // L2: from the highest level down to the lowest odd one, reverse every run at or above it.
        let top = levels.max() ?? 0
        let lowestOdd = levels.filter { $0 % 2 == 1 }.min() ?? top + 1
        var order = Array(characters.indices)
        var level = top
        while level >= lowestOdd, level > 0 {
            var start = 0
            while start < order.count {
                guard levels[order[start]] >= level else { start += 1; continue }
                var end = start
                while end < order.count, levels[order[end]] >= level { end += 1 }
                order[start..<end].reverse()
                start = end
            }
            level -= 1
        }
        return order.map { characters[$0] }
    }

    /// W4, W7, N1 and N2 within each run of one embedding level.
    private static func resolveWeakAndNeutral(_ kinds: inout [Kind], levels: [Int]) {
        var start = 0
        while start < kinds.count {
            var end = start
            while end < kinds.count, levels[end] == levels[start] { end += 1 }
            defer { start = end }
            let embedding: Kind = levels[start] % 2 == 0 ? .left : .right
            // W4: one separator between two numbers is part of the number.
            if end - start >= 3 {
                for index in (start + 1)..<(end - 1) where kinds[index] == .separator && kinds[index - 1] == .number && kinds[index + 1] == .number {
                    kinds[index] = .number
                }
            }
            // W7: a number after left-to-right text (or at the start of a left-to-right run) is left-to-right.
            var strong = embedding
            for index in start..<end {
                switch kinds[index] {
                case .left, .right: strong = kinds[index]
                case .number where strong == .left: kinds[index] = .left
                default: break
                }
            }
            // N1, N2: neutrals (and separators left over) take the direction of the text on both
            // sides when it agrees (numbers count as right-to-left), else the embedding's.
            var index = start
            while index < end {
                guard kinds[index] == .neutral || kinds[index] == .separator else { index += 1; continue }
                var last = index
                while last < end, kinds[last] == .neutral || kinds[last] == .separator { last += 1 }
                func direction(_ kind: Kind) -> Kind { kind == .left ? .left : .right }
                let before = index > start ? direction(kinds[index - 1]) : embedding
                let after = last < end ? direction(kinds[last]) : embedding
                let resolved = before == after ? before : embedding
                for neutral in index..<last { kinds[neutral] = resolved }
                index = last
            }
        }
    }
}
