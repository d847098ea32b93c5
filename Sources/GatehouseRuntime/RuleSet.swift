import Foundation
import GatehouseCore
import Logging

/// A compiled set of rule packs: the packs as read and the pipeline built from them.
public struct RuleSet: Sendable {
    /// The order plugins run in when none is configured: PII first, so that no later plugin,
    /// store or log ever sees raw personal data.
    public static let defaultOrder = ["pii", "profanity", "duplicate"]

    /// The packs, in the order they were read.
    public let packs: [RulePack]
    /// The pipeline of plugins built from them.
    public let pipeline: Pipeline
    /// The state and keys the plugins share; kept across reloads.
    public let environment: PluginEnvironment
    /// The plugins that judge a text on its own (redaction, profanity), without those that
    /// judge it against earlier items: for a moderator's edit of a held item.
    public let textOnlyPipeline: Pipeline
    /// The content hash of every file the set was read from (`RuleSetVersion`), full hex;
    /// `"unversioned"` for a set built from packs in memory.
    public private(set) var version: String = "unversioned"

    /// The version as shown to people: its first 12 hex digits.
    public var shortVersion: String { String(version.prefix(RuleSetVersion.displayLength)) }

    /// Reads and compiles every pack under `paths`.
    ///
    /// Plugins run in `order`; a plugin with packs but not in `order` runs after those that
    /// are. A pack for an unknown plugin, or any bad rule, is refused with its file, rule and key.
    ///
    /// With `enforcingShadowRules`, rules in shadow mode run as if enforced (for `rules replay`
    /// to show what turning them on would do); the version is the files' all the same.
    public static func load(
        paths: [String], order: [String] = RuleSet.defaultOrder, registry: PluginRegistry = .standard,
        environment: PluginEnvironment = PluginEnvironment(), logger: Logger = Logger(label: "gatehouse.rules"),
        enforcingShadowRules: Bool = false
    ) throws -> RuleSet {
        var packs = try RulePackLoader.load(paths: paths)
        if enforcingShadowRules {
            for pack in packs.indices { for rule in packs[pack].rules.indices { packs[pack].rules[rule].mode = .enforce } }
        }
        guard !packs.isEmpty else {
            throw RulePackError(file: paths.joined(separator: ", "), message: "no rule packs (*.yaml) found")
        }
        var ruleSet = try RuleSet(packs: packs, order: order, registry: registry, environment: environment, logger: logger)
        ruleSet.version = try RuleSetVersion.digest(paths: paths)
        return ruleSet
    }

    /// Compiles `packs` into a pipeline.
    public init(
        packs: [RulePack], order: [String] = RuleSet.defaultOrder, registry: PluginRegistry = .standard,
        environment: PluginEnvironment = PluginEnvironment(), logger: Logger = Logger(label: "gatehouse.rules")
    ) throws {
        for pack in packs where !registry.contains(pack.plugin) {
            throw RulePackError(
                file: pack.file, key: "plugin",
                message: "unknown plugin '\(pack.plugin)' (known: \(registry.pluginNames.joined(separator: ", ")))")
        }
        let byPlugin = Dictionary(grouping: packs, by: \.plugin)
        let names = order.filter { byPlugin[$0] != nil } + byPlugin.keys.filter { !order.contains($0) }.sorted()
        let plugins = try names.map { name -> any RulePlugin in
            let packs = byPlugin[name]!
            let full = try registry.makePlugin(named: name, packs: packs, environment: environment)
            // Shadow rules of a text-only plugin run apart, so that they cannot change what the
            // enforcing ones find (ShadowSplitPlugin); a plugin that records history keeps them
            // apart itself.
            guard !full.judgesHistory, let enforcingPacks = ShadowSplitPlugin.withoutShadowRules(packs) else { return full }
            let enforcing = enforcingPacks.allSatisfy { $0.rules.isEmpty }
                ? nil : try registry.makePlugin(named: name, packs: enforcingPacks, environment: environment)
            return ShadowSplitPlugin(enforcing: enforcing, full: full)
        }
        self.packs = packs
        self.environment = environment
        self.pipeline = Pipeline(plugins: plugins, logger: logger)
        self.textOnlyPipeline = Pipeline(plugins: plugins.filter { !$0.judgesHistory }, logger: logger)
    }

    /// The evaluation context for `submission`: its metadata, the contributor as a keyed
    /// pseudonym (the raw token goes no further), and the clock when it has no `receivedAt`.
    /// Only plugins that judge against earlier items read the contributor: without one (a scan
    /// with the PII pack alone) the keyed hash is not made.
    public func context(for submission: Submission, itemId: String?, explain: Bool = false) -> EvaluationContext {
        EvaluationContext(
            itemId: itemId, conversation: submission.conversation,
            contributorPseudonym: pipeline.judgesHistory ? submission.contributor.map { environment.hasher.pseudonym(for: $0) } : nil,
            receivedAt: submission.receivedAt ?? Date(), explain: explain)
    }

    /// The verdict for `submission`, known as `itemId`.
    public func evaluate(_ submission: Submission, itemId: String?, explain: Bool = false) -> Verdict {
        pipeline.evaluate(text: submission.text, context: context(for: submission, itemId: itemId, explain: explain))
    }

    /// The text-only part of the verdict for `submission` (`Pipeline.begin`): safe to run
    /// for many items at once; `finish` them in stream order.
    public func begin(_ submission: Submission, itemId: String?, explain: Bool = false) -> PartialVerdict {
        pipeline.begin(text: submission.text, context: context(for: submission, itemId: itemId, explain: explain))
    }

    /// Completes a verdict `begin` started: the plugins that judge against earlier items run here.
    public func finish(_ partial: PartialVerdict) -> Verdict { pipeline.finish(partial) }

    /// `finish` in two steps: the plugins that judge against earlier items (in item order)...
    public func judgeHistory(_ partial: inout PartialVerdict) { pipeline.judgeHistory(&partial) }

    /// ...and the verdict, on any thread.
    public func conclude(_ partial: PartialVerdict) -> Verdict { pipeline.conclude(partial) }

    /// The number of rules across every pack.
    public var ruleCount: Int { packs.reduce(0) { $0 + $1.rules.count } }
}
