/// Converts UTF-8 byte offsets of a text into Unicode scalar (code point) offsets.
public enum ScalarOffsets {
    /// The part of `text` between scalar offsets `start` and `end`, or "" when they do not fit.
    public static func substring(of text: String, from start: Int, to end: Int) -> String {
        let scalars = text.unicodeScalars
        guard start >= 0, start <= end,
            let lower = scalars.index(scalars.startIndex, offsetBy: start, limitedBy: scalars.endIndex),
            let upper = scalars.index(lower, offsetBy: end - start, limitedBy: scalars.endIndex)
        else { return "" }
        return String(scalars[lower..<upper])
    }

    /// The scalar offset of each byte offset in `byteOffsets`, in one pass over `text`.
    /// Byte offsets must fall on scalar boundaries or at the end.
    public static func convert(_ byteOffsets: [Int], in text: String) -> [Int] {
        guard !byteOffsets.isEmpty else { return [] }
        let order = byteOffsets.indices.sorted { byteOffsets[$0] < byteOffsets[$1] }
        var result = [Int](repeating: 0, count: byteOffsets.count)
        var scalars = 0
        var byte = 0
        var next = 0
        var utf8 = text.utf8.makeIterator()
        while next < order.count {
            let target = byteOffsets[order[next]]
            while byte < target, let unit = utf8.next() {
                if unit & 0xC0 != 0x80 { scalars += 1 }
                byte += 1
            }
            result[order[next]] = scalars
            next += 1
        }
        return result
    }
}
