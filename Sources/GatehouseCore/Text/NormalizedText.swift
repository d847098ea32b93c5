/// The matching form of a text and the map back to it.
///
/// Each byte of `chars` is ASCII; each comes from a range of the original UTF-8 bytes. Format
/// characters and combining marks leave nothing; anything that is not Latin after folding
/// becomes a space (a word break). Pure ASCII text is its own matching form (the scanner folds
/// case as it reads): nothing is copied and the map is the identity. That is the fast path.
public struct NormalizedText {
    public private(set) var chars: [UInt8]
    private var starts: [Int32]
    private var ends: [Int32]
    /// True when the map is the identity (pure ASCII input).
    public let isIdentity: Bool

    /// Runs `body` on the matching form: the text itself when it is ASCII.
    public func withMatchingForm<R>(of text: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        isIdentity ? body(text) : chars.withUnsafeBufferPointer(body)
    }

    /// The original byte range of the normalised range `range`.
    public func originalRange(_ range: Range<Int>) -> Range<Int> {
        if isIdentity { return range }
        return Int(starts[range.lowerBound])..<Int(ends[range.upperBound - 1])
    }

    /// Lower-case ASCII letters, keep the rest; used for every ASCII byte.
    public static let asciiFold: [UInt8] = (0...255).map { byte in
        (0x41...0x5A).contains(byte) ? UInt8(byte) | 0x20 : UInt8(byte)
    }

    /// Folds `text` (valid UTF-8) with `table`.
    public init(_ text: UnsafeBufferPointer<UInt8>, fold table: FoldTable = .shared) {
        var isASCII = true
        for byte in text where byte >= 0x80 {
            isASCII = false
            break
        }
        if isASCII {
            chars = []
            starts = []
            ends = []
            isIdentity = true
            return
        }
        isIdentity = false
        chars = []
        starts = []
        ends = []
        chars.reserveCapacity(text.count)
        starts.reserveCapacity(text.count)
        ends.reserveCapacity(text.count)
        // Read once: a static table inside the loop is a lazy-global check per byte.
        let asciiFold = Self.asciiFold
        var index = 0
        while index < text.count {
            let lead = text[index]
            if lead < 0x80 {
                chars.append(asciiFold[Int(lead)])
                starts.append(Int32(index))
                ends.append(Int32(index + 1))
                index += 1
                continue
            }
            let (scalar, length) = Self.decode(text, at: index)
            switch table.fold(scalar) {
            case .remove?:
                // An invisible character belongs to the word before it, so a redaction takes it too.
                if !ends.isEmpty { ends[ends.count - 1] = Int32(index + length) }
            case .ascii(let bytes)?:
                for byte in bytes {
                    chars.append(byte)
                    starts.append(Int32(index))
                    ends.append(Int32(index + length))
                }
            case nil:
                chars.append(0x20)
                starts.append(Int32(index))
                ends.append(Int32(index + length))
            }
            index += length
        }
    }

    /// Decodes the scalar at `index` of valid UTF-8.
    private static func decode(_ text: UnsafeBufferPointer<UInt8>, at index: Int) -> (UInt32, Int) {
        let lead = UInt32(text[index])
        func next(_ offset: Int) -> UInt32 { index + offset < text.count ? UInt32(text[index + offset] & 0x3F) : 0 }
        switch lead {
        case 0xC0..<0xE0: return (((lead & 0x1F) << 6) | next(1), 2)
        case 0xE0..<0xF0: return (((lead & 0x0F) << 12) | (next(1) << 6) | next(2), 3)
        case 0xF0...: return (((lead & 0x07) << 18) | (next(1) << 12) | (next(2) << 6) | next(3), 4)
        default: return (0xFFFD, 1)
        }
    }
}
