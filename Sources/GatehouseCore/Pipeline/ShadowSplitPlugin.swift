/// A text-only plugin whose packs have rules in shadow, run so that those rules cannot change
/// what the enforcing ones do.
///
/// Inside one plugin, rules meet: two profanity rules can list forms that one masked word
/// could be (`f*cking`), and the more severe wins; a PII rule's match can keep an overlapping
/// one from being reported. Were a shadow rule to win there, turning it on in shadow would
/// silently drop an enforcing finding. So the plugin is built twice: `enforcing` from the
/// packs without their shadow rules, whose findings are the ones that count, and `full` from
/// every rule, of whose findings only the shadow rules' are kept (what they would have done
/// if enforced). Costs a second scan of the text, and only where some rule is in shadow.
public struct ShadowSplitPlugin: RulePlugin {
    public let name: String
    public let rules: [RuleInfo]
    /// The plugin without its shadow rules; nil when every rule is in shadow.
    let enforcing: (any RulePlugin)?
    let full: any RulePlugin

    public init(enforcing: (any RulePlugin)?, full: any RulePlugin) {
        precondition(!full.judgesHistory, "a plugin that records history cannot be run twice per item")
        self.name = full.name
        self.rules = full.rules
        self.enforcing = enforcing
        self.full = full
    }

    public func evaluate(_ input: PluginInput) -> PluginReport {
        var report = enforcing?.evaluate(input) ?? PluginReport()
        let shadow = full.evaluate(input)
        report.detections += shadow.detections.filter { $0.rule.mode == .shadow }
        report.failures += shadow.failures.filter { $0.rule.mode == .shadow }
        report.notes += shadow.notes.filter { $0.rule.mode == .shadow }
        return report
    }

    /// `packs` without their rules in shadow, or nil when none is.
    public static func withoutShadowRules(_ packs: [RulePack]) -> [RulePack]? {
        guard packs.contains(where: { $0.rules.contains { $0.mode == .shadow } }) else { return nil }
        return packs.map { pack in
            var pack = pack
            pack.rules.removeAll { $0.mode == .shadow }
            return pack
        }
    }
}
