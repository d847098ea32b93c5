/// The text as it moves through the pipeline, with the edits made so far, so that any span
/// of the current text maps back to the original.
///
/// All offsets here are UTF-8 byte offsets; `ScalarOffsets` turns them into the Unicode scalar
/// offsets that findings report.
public struct Draft: Sendable {
    /// A replaced region: where it is now and what it covered in the original.
    struct Segment: Sendable, Equatable {
        var current: Range<Int>
        var original: Range<Int>
    }

    /// The text as submitted.
    public let original: String
    /// The text with every edit so far applied.
    public private(set) var text: String
    /// Replaced regions, sorted by position in the current text, never overlapping.
    private(set) var segments: [Segment] = []

    public init(_ original: String) {
        self.original = original
        self.text = original
    }

    /// The original byte range that the current byte range `range` came from. A range that
    /// starts or ends inside a replacement grows to cover all that the replacement replaced.
    public func originalRange(of range: Range<Int>) -> Range<Int> {
        originalOffset(ofStart: range.lowerBound)..<originalOffset(ofEnd: range.upperBound)
    }

    func originalOffset(ofStart position: Int) -> Int {
        var delta = 0
        for segment in segments {
            if position < segment.current.lowerBound { break }
            if position < segment.current.upperBound { return segment.original.lowerBound }
            delta = segment.original.upperBound - segment.current.upperBound
        }
        return position + delta
    }

    func originalOffset(ofEnd position: Int) -> Int {
        var delta = 0
        for segment in segments {
            if position <= segment.current.lowerBound { break }
            if position <= segment.current.upperBound { return segment.original.upperBound }
            delta = segment.original.upperBound - segment.current.upperBound
        }
        return position + delta
    }

    /// Replaces each range of the current text with its replacement.
    ///
    /// `edits` must be sorted, non-empty ranges that do not overlap and fall on character
    /// boundaries (regex matches on the text do).
    public mutating func apply(_ edits: [(range: Range<Int>, replacement: String)]) {
        guard !edits.isEmpty else { return }
        var newSegments: [Segment] = []
        newSegments.reserveCapacity(segments.count + edits.count)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var oldIndex = 0
        var shift = 0
        var cursor = 0
        let oldText = Array(text.utf8)
        for edit in edits {
            precondition(edit.range.lowerBound >= cursor, "edits must be sorted and must not overlap")
            let original = originalRange(of: edit.range)
            // Keep the segments wholly before this edit, moved by the edits so far.
            while oldIndex < segments.count, segments[oldIndex].current.upperBound <= edit.range.lowerBound,
                segments[oldIndex].current.lowerBound < edit.range.lowerBound
            {
                var kept = segments[oldIndex]
                kept.current = (kept.current.lowerBound + shift)..<(kept.current.upperBound + shift)
                newSegments.append(kept)
                oldIndex += 1
            }
            // Segments that this edit touches are absorbed: `original` already covers them.
            while oldIndex < segments.count, segments[oldIndex].current.lowerBound < edit.range.upperBound {
                oldIndex += 1
            }
            bytes.append(contentsOf: oldText[cursor..<edit.range.lowerBound])
            let start = bytes.count
            bytes.append(contentsOf: edit.replacement.utf8)
            newSegments.append(Segment(current: start..<bytes.count, original: original))
            shift += edit.replacement.utf8.count - edit.range.count
            cursor = edit.range.upperBound
        }
        for var kept in segments[oldIndex...] {
            kept.current = (kept.current.lowerBound + shift)..<(kept.current.upperBound + shift)
            newSegments.append(kept)
        }
        bytes.append(contentsOf: oldText[cursor...])
        text = String(decoding: bytes, as: UTF8.self)
        segments = newSegments
    }
}
