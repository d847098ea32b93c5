/// Text from the public made safe to print on a terminal or in a report.
public enum PrintableText {
    /// `text` with control characters (escape sequences included), C1 controls and
    /// bidirectional embeddings, overrides and isolates shown as `\u{…}`, so a submission can
    /// neither drive a terminal nor reorder what a reader sees. Newlines and tabs are kept, or,
    /// with `oneLine`, become spaces (for a line of a list or a table).
    public static func escaped(_ text: String, oneLine: Bool = false) -> String {
        var out = ""
        out.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            let value = scalar.value
            if scalar == "\n" || scalar == "\t" {
                out.unicodeScalars.append(oneLine ? " " : scalar)
                continue
            }
            let unsafe = value < 0x20 || (0x7F...0x9F).contains(value) || (0x202A...0x202E).contains(value)
                || (0x2066...0x2069).contains(value)
            if unsafe {
                out += "\\u{\(String(value, radix: 16))}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
