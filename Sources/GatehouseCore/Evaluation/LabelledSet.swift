import Foundation

/// A labelled set of realistic examples for measuring a plugin's precision and recall.
///
/// JSON Lines, one example a line: `{"text": "...", "<key>": [{"category": "EMAIL",
/// "value": "a@b.com"}, ...]}`. Each value is located in the text (successive occurrences
/// for repeated values), so the files stay readable by hand.
public struct LabelledSet: Sendable {
    /// One labelled span, in Unicode scalar offsets.
    public struct Label: Sendable, Hashable {
        public var category: String
        public var start: Int
        public var end: Int
    }

    /// One example and its labels.
    public struct Example: Sendable {
        public var text: String
        public var labels: [Label]
    }

    public var examples: [Example]

    /// Reads `file`; labels are under `key` in each line.
    public init(file: String, key: String) throws {
        let content = try String(contentsOfFile: file, encoding: .utf8)
        var examples: [Example] = []
        for (index, line) in content.split(separator: "\n").enumerated() where !line.isEmpty {
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                let text = object["text"] as? String
            else {
                throw RulePackError(file: file, line: index + 1, message: "expected an object with a 'text' string")
            }
            var labels: [Label] = []
            var searchFrom: [String: String.Index] = [:]
            for entry in object[key] as? [[String: String]] ?? [] {
                guard let category = entry["category"], let value = entry["value"] else {
                    throw RulePackError(file: file, line: index + 1, key: key, message: "each label needs 'category' and 'value'")
                }
                let from = searchFrom[value] ?? text.startIndex
                guard let range = text.range(of: value, range: from..<text.endIndex) else {
                    throw RulePackError(file: file, line: index + 1, key: key, message: "value '\(value)' is not in the text")
                }
                searchFrom[value] = range.upperBound
                let start = text.unicodeScalars.distance(from: text.unicodeScalars.startIndex, to: range.lowerBound)
                let length = text.unicodeScalars.distance(from: range.lowerBound, to: range.upperBound)
                labels.append(Label(category: category, start: start, end: start + length))
            }
            examples.append(Example(text: text, labels: labels))
        }
        self.examples = examples
    }

    /// Precision and recall of `pipeline` on this set, overall and per category. A finding is a
    /// true positive when it overlaps a label of the same category; each label counts once.
    public func measure(_ pipeline: Pipeline, plugin: String) -> AccuracyReport {
        var report = AccuracyReport()
        for example in examples {
            let verdict = pipeline.evaluate(text: example.text)
            let predicted = verdict.findings.filter { $0.plugin == plugin && !$0.shadow }
            var matched = Set<Int>()
            for finding in predicted {
                let hit = example.labels.indices.first { index in
                    let label = example.labels[index]
                    return !matched.contains(index) && label.category == finding.category
                        && label.start < finding.end && finding.start < label.end
                }
                if let hit {
                    matched.insert(hit)
                    report.add(category: finding.category, truePositive: 1)
                } else {
                    report.add(category: finding.category, falsePositive: 1)
                    report.falsePositives.append("\(finding.category) at \(finding.start)..<\(finding.end) in: \(example.text.prefix(60))")
                }
            }
            for (index, label) in example.labels.enumerated() where !matched.contains(index) {
                report.add(category: label.category, falseNegative: 1)
                report.falseNegatives.append("\(label.category) at \(label.start)..<\(label.end) in: \(example.text.prefix(60))")
            }
        }
        return report
    }
}

/// Counts of true and false positives and false negatives, overall and per category.
public struct AccuracyReport: Sendable {
    public struct Counts: Sendable, Equatable {
        public var truePositives = 0
        public var falsePositives = 0
        public var falseNegatives = 0

        /// TP / (TP + FP); 1 when nothing was predicted.
        public var precision: Double {
            truePositives + falsePositives == 0 ? 1 : Double(truePositives) / Double(truePositives + falsePositives)
        }
        /// TP / (TP + FN); 1 when nothing was labelled.
        public var recall: Double {
            truePositives + falseNegatives == 0 ? 1 : Double(truePositives) / Double(truePositives + falseNegatives)
        }
    }

    public var overall = Counts()
    public var byCategory: [String: Counts] = [:]
    /// A line for each false positive and each miss, for rule authors (the examples are fictitious).
    public var falsePositives: [String] = []
    public var falseNegatives: [String] = []

    mutating func add(category: String, truePositive: Int = 0, falsePositive: Int = 0, falseNegative: Int = 0) {
        overall.truePositives += truePositive
        overall.falsePositives += falsePositive
        overall.falseNegatives += falseNegative
        byCategory[category, default: Counts()].truePositives += truePositive
        byCategory[category, default: Counts()].falsePositives += falsePositive
        byCategory[category, default: Counts()].falseNegatives += falseNegative
    }

    /// A table: category, TP, FP, FN, precision, recall.
    public var table: String {
        var lines = ["category              TP   FP   FN  precision  recall"]
        func row(_ name: String, _ counts: Counts) -> String {
            name.padding(toLength: 20, withPad: " ", startingAt: 0)
                + String(format: " %4d %4d %4d  %9.3f  %6.3f", counts.truePositives, counts.falsePositives,
                         counts.falseNegatives, counts.precision, counts.recall)
        }
        for category in byCategory.keys.sorted() { lines.append(row(category, byCategory[category]!)) }
        lines.append(row("ALL", overall))
        return lines.joined(separator: "\n")
    }
}
