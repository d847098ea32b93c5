import Foundation
import GatehouseCore
import GatehouseRuntime

/// `gatehouse-bench profanity-eval --file F.jsonl`: the profanity plugin on a generated set
/// (scripts/eval/profanity_corpus.py): item recall overall, per disguise class and per word,
/// clean items flagged, and span precision (findings on swearing items that overlap the
/// labelled word).
enum ProfanityEvaluation {
    struct Tally {
        var hit = 0, total = 0
        var rate: Double { total == 0 ? 1 : Double(hit) / Double(total) }
    }

    static func run(file: String, rules: String, show: Int) throws {
        let content = try String(contentsOfFile: file, encoding: .utf8)
        let ruleSet = try RuleSet.load(paths: [rules])
        let context = EvaluationContext(receivedAt: Date(timeIntervalSince1970: 0))
        var recall = Tally(), clean = Tally(), spans = Tally()
        var byClass: [String: Tally] = [:], byWord: [String: Tally] = [:]
        var misses: [String] = [], flagged: [String] = []
        for line in content.split(separator: "\n") {
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let text = object["text"] as? String, let swears = object["swears"] as? Bool
            else { continue }
            let findings = ruleSet.pipeline.evaluate(text: text, context: context).findings.filter { $0.plugin == "profanity" && !$0.shadow }
            if swears {
                let labelled = (object["spans"] as? [[Int]] ?? []).map { $0[0]..<$0[1] }
                let caught = !findings.isEmpty
                recall.total += 1
                if caught { recall.hit += 1 } else { misses.append("\(object["id"] ?? "") [\((object["classes"] as? [String] ?? []).joined())] \(text.debugDescription)") }
                for name in object["classes"] as? [String] ?? [] {
                    byClass[name, default: Tally()].total += 1
                    if caught { byClass[name, default: Tally()].hit += 1 }
                }
                for word in object["words"] as? [String] ?? [] {
                    byWord[word, default: Tally()].total += 1
                    if caught { byWord[word, default: Tally()].hit += 1 }
                }
                for finding in findings {
                    spans.total += 1
                    if labelled.contains(where: { $0.lowerBound < finding.end && finding.start < $0.upperBound }) { spans.hit += 1 }
                }
            } else {
                clean.total += 1
                if !findings.isEmpty {
                    clean.hit += 1
                    flagged.append("\(object["id"] ?? "") \(findings.map(\.rule).joined(separator: ",")): \(text.debugDescription)")
                }
            }
        }
        print("== profanity-eval: \(recall.total + clean.total) items from \(file), rules \(rules) (version \(ruleSet.shortVersion)) ==")
        print(String(format: "item recall:          %.3f (%d of %d swearing items)", recall.rate, recall.hit, recall.total))
        print(String(format: "clean items flagged:  %.4f (%d of %d)", clean.rate, clean.hit, clean.total))
        print(String(format: "span precision:       %.3f (%d of %d findings on swearing items)", spans.rate, spans.hit, spans.total))
        print("\nrecall by disguise class:")
        for (name, tally) in byClass.sorted(by: { $0.key < $1.key }) {
            print("  " + name.padding(toLength: 28, withPad: " ", startingAt: 0) + String(format: "%5d of %5d  %.3f", tally.hit, tally.total, tally.rate))
        }
        print("\nrecall by word (below 1.000):")
        for (word, tally) in byWord.sorted(by: { $0.key < $1.key }) where tally.hit < tally.total {
            print("  " + word.padding(toLength: 28, withPad: " ", startingAt: 0) + String(format: "%5d of %5d  %.3f", tally.hit, tally.total, tally.rate))
        }
        if show > 0 {
            print("\nmissed (\(misses.count), first \(min(show, misses.count))):")
            misses.prefix(show).forEach { print("  " + $0) }
            print("\nclean items flagged (\(flagged.count), first \(min(show, flagged.count))):")
            flagged.prefix(show).forEach { print("  " + $0) }
        }
    }
}
