import GatehouseCore

/// A small real plugin for pipeline tests: finds every occurrence of a literal word and
/// reports it under one rule. Optionally fails, to test failing closed.
struct LiteralPlugin: RulePlugin {
    let name: String
    let word: String
    let rule: RuleInfo
    let replacement: String?
    var failing = false

    init(name: String = "literal", word: String, action: Action, mode: RuleMode = .enforce,
         replacement: String? = nil, failing: Bool = false) {
        self.name = name
        self.word = word
        self.rule = RuleInfo(id: "\(name).\(word)", category: word.uppercased(), action: action, mode: mode)
        self.replacement = replacement
        self.failing = failing
    }

    var rules: [RuleInfo] { [rule] }

    func evaluate(_ input: PluginInput) -> PluginReport {
        var report = PluginReport()
        if failing {
            report.failures.append(RuleFailure(rule: rule, message: "match limit exceeded"))
        }
        let text = Array(input.text.utf8)
        let needle = Array(word.utf8)
        guard !needle.isEmpty, text.count >= needle.count else { return report }
        var index = 0
        while index + needle.count <= text.count {
            if Array(text[index..<(index + needle.count)]) == needle {
                report.detections.append(
                    Detection(rule: rule, range: index..<(index + needle.count), replacement: replacement))
                index += needle.count
            } else {
                index += 1
            }
        }
        return report
    }
}
