import Foundation
import GatehouseCore
import GatehouseRuntime

/// `gatehouse-bench pii-eval --file F.jsonl`: the PII plugin on a generated labelled set
/// (scripts/eval/pii_corpus.py), the measures the privacy promise rests on.
///
/// A finding is a true positive when it overlaps a label of the same category; each label
/// counts once. Beside precision, recall and F1 per category it prints the share of labelled
/// characters inside some redaction (whatever its category), the share of items with no
/// personal data whose text was changed, the values still verbatim in the output, and recall
/// by written form, so a miss can be read by its cause.
struct PIIEvaluation {
    struct Label {
        var category: String
        var start: Int
        var end: Int
        var value: String
        var form: String
    }

    struct Item {
        var id: String
        var text: String
        var labels: [Label]
    }

    static func read(_ file: String) throws -> [Item] {
        let content = try String(contentsOfFile: file, encoding: .utf8)
        return try content.split(separator: "\n").enumerated().map { index, line in
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let text = object["text"] as? String
            else { throw RulePackError(file: file, line: index + 1, message: "expected an object with a 'text' string") }
            let labels = (object["pii"] as? [[String: Any]] ?? []).map { entry in
                Label(
                    category: entry["category"] as? String ?? "", start: entry["start"] as? Int ?? 0, end: entry["end"] as? Int ?? 0,
                    value: entry["value"] as? String ?? "", form: entry["form"] as? String ?? "")
            }
            return Item(id: object["id"] as? String ?? "\(index + 1)", text: text, labels: labels)
        }
    }

    struct Counts {
        var tp = 0, fp = 0, fn = 0
        var precision: Double { tp + fp == 0 ? 1 : Double(tp) / Double(tp + fp) }
        var recall: Double { tp + fn == 0 ? 1 : Double(tp) / Double(tp + fn) }
        var f1: Double { precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall) }
    }

    static func run(file: String, rules: String, show: Int) throws {
        let items = try read(file)
        let ruleSet = try RuleSet.load(paths: [rules])
        print("== pii-eval: \(items.count) items from \(file), rules \(rules) (version \(ruleSet.shortVersion)) ==")
        var byCategory: [String: Counts] = [:]
        var byForm: [String: Counts] = [:]
        var labelledScalars = 0, coveredScalars = 0
        var cleanItems = 0, cleanChanged = 0, verbatim = 0, labelCount = 0
        var misses: [String] = [], falsePositives: [String] = [], changedClean: [String] = [], leaks: [String] = []
        let context = EvaluationContext(receivedAt: Date(timeIntervalSince1970: 0))
        for item in items {
            let verdict = ruleSet.pipeline.evaluate(text: item.text, context: context)
            let findings = verdict.findings.filter { $0.plugin == "pii" && !$0.shadow }
            let scalars = Array(item.text.unicodeScalars)
            func span(_ start: Int, _ end: Int) -> String {
                String(String.UnicodeScalarView(scalars[max(0, start)..<min(end, scalars.count)]))
            }
            var matched = Set<Int>()
            for finding in findings {
                if let hit = item.labels.indices.first(where: { index in
                    let label = item.labels[index]
                    return !matched.contains(index) && label.category == finding.category && label.start < finding.end && finding.start < label.end
                }) {
                    matched.insert(hit)
                    byCategory[finding.category, default: Counts()].tp += 1
                } else {
                    byCategory[finding.category, default: Counts()].fp += 1
                    falsePositives.append(
                        "\(item.id) \(finding.category) \(finding.rule) \(span(finding.start, finding.end).debugDescription) (\(finding.explanation)) in "
                            + span(max(0, finding.start - 40), finding.end + 30).debugDescription)
                }
            }
            var redacted = [Bool](repeating: false, count: scalars.count)
            for finding in findings where finding.replacement != nil {
                for index in finding.start..<min(finding.end, scalars.count) { redacted[index] = true }
            }
            for (index, label) in item.labels.enumerated() {
                labelCount += 1
                let form = label.category + " " + label.form.split(separator: ":").first.map(String.init)!
                if matched.contains(index) {
                    byForm[form, default: Counts()].tp += 1
                } else {
                    byCategory[label.category, default: Counts()].fn += 1
                    byForm[form, default: Counts()].fn += 1
                    misses.append("\(item.id) \(label.category) [\(label.form)] \(label.value.debugDescription)")
                }
                labelledScalars += label.end - label.start
                coveredScalars += (label.start..<label.end).filter { $0 < redacted.count && redacted[$0] }.count
                if label.value.unicodeScalars.count >= 3, verdict.text.contains(label.value) {
                    verbatim += 1
                    leaks.append("\(item.id) \(label.category) \(label.value.debugDescription)")
                }
            }
            if item.labels.isEmpty {
                cleanItems += 1
                if verdict.text != item.text {
                    cleanChanged += 1
                    changedClean.append("\(item.id): " + findings.map { "\($0.rule) \(span($0.start, $0.end).debugDescription)" }.joined(separator: ", "))
                }
            }
        }
        print("category               TP     FP     FN  precision  recall     F1")
        var all = Counts()
        for (category, counts) in byCategory.sorted(by: { $0.key < $1.key }) {
            all.tp += counts.tp; all.fp += counts.fp; all.fn += counts.fn
            print(row(category, counts))
        }
        print(row("ALL", all))
        print(String(format: "PII characters covered:    %.4f (%d of %d)", Double(coveredScalars) / Double(max(labelledScalars, 1)), coveredScalars, labelledScalars))
        print(String(format: "PII-free items changed:    %.4f (%d of %d)", Double(cleanChanged) / Double(max(cleanItems, 1)), cleanChanged, cleanItems))
        print(String(format: "values verbatim in output: %d of %d (%.4f)", verbatim, labelCount, Double(verbatim) / Double(max(labelCount, 1))))
        print("\nrecall by written form:")
        for (form, counts) in byForm.sorted(by: { $0.key < $1.key }) {
            print("  " + form.padding(toLength: 44, withPad: " ", startingAt: 0) + String(format: "%5d of %5d  %.3f", counts.tp, counts.tp + counts.fn, counts.recall))
        }
        if show > 0 {
            for (title, lines) in [("missed", misses), ("false positives", falsePositives), ("PII-free items changed", changedClean), ("verbatim", leaks)] {
                print("\n\(title) (\(lines.count), first \(min(show, lines.count))):")
                for line in lines.prefix(show) { print("  " + line) }
            }
        }
    }

    static func row(_ name: String, _ counts: Counts) -> String {
        name.padding(toLength: 20, withPad: " ", startingAt: 0)
            + String(format: " %6d %6d %6d  %9.3f  %6.3f  %5.3f", counts.tp, counts.fp, counts.fn, counts.precision, counts.recall, counts.f1)
    }
}
