import Foundation

/// Labelled pairs of texts for measuring near-duplicate detection: JSON Lines of
/// `{"a": "...", "b": "...", "duplicate": true|false, "kind": "typos"}`.
public struct LabelledPairs: Sendable {
    public struct Pair: Sendable {
        public var a: String
        public var b: String
        public var duplicate: Bool
        public var kind: String
    }

    public var pairs: [Pair]

    public init(file: String) throws {
        let content = try String(contentsOfFile: file, encoding: .utf8)
        pairs = try content.split(separator: "\n").enumerated().map { index, line in
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                let a = object["a"] as? String, let b = object["b"] as? String, let duplicate = object["duplicate"] as? Bool
            else {
                throw RulePackError(file: file, line: index + 1, message: "expected {\"a\", \"b\", \"duplicate\"}")
            }
            return Pair(a: a, b: b, duplicate: duplicate, kind: object["kind"] as? String ?? "")
        }
    }

    /// Precision and recall of `flags`, which says whether `b` is caught as a duplicate of `a`.
    /// Misses and false alarms are listed by kind.
    public func measure(_ flags: (Pair) -> Bool) -> AccuracyReport {
        var report = AccuracyReport()
        for pair in pairs {
            let flagged = flags(pair)
            switch (pair.duplicate, flagged) {
            case (true, true): report.add(category: pair.kind, truePositive: 1)
            case (false, true):
                report.add(category: pair.kind, falsePositive: 1)
                report.falsePositives.append("\(pair.kind): \(pair.b.prefix(60))")
            case (true, false):
                report.add(category: pair.kind, falseNegative: 1)
                report.falseNegatives.append("\(pair.kind): \(pair.b.prefix(60))")
            case (false, false): break
            }
        }
        return report
    }
}
