import Foundation
import GatehouseCore

/// Finds repeats, near-duplicates, campaigns and floods, against the fingerprints of earlier
/// items in the environment's `FingerprintIndex`.
///
/// - Exact repeat: the same canonical text (case, punctuation, white space, zero-width and
///   look-alike characters folded away) from the same contributor within the window.
/// - Near repeat: MinHash over character 5-grams with LSH banding (16 bands of 4: candidates
///   from Jaccard ≈ 0.5), confirmed by the estimated similarity, from the same contributor.
/// - Campaign: the same or nearly the same text from at least `min_contributors` different
///   contributors; the item is tagged with the campaign id (the cluster's first item), not dropped.
/// - Flood: more than `limit` items from one contributor, or in one conversation, in the window.
///
/// Every item is recorded, whatever the decision, in the same atomic transaction as the checks.
/// Contributors are used only as keyed hashes. Texts under `min_words` words get the exact
/// checks only. If the index fails, the item is held (fail closed).
public struct DuplicateSpamPlugin: RulePlugin {
    /// The name rule packs use: `plugin: duplicate`.
    public static let pluginName = "duplicate"

    public let name = DuplicateSpamPlugin.pluginName
    /// Repeats, campaigns and floods are judged against earlier items.
    public let judgesHistory = true
    public let rules: [RuleInfo]
    private let engine: Engine

    fileprivate final class Engine: Sendable {
        let compiled: [DuplicateRule]
        let index: any FingerprintIndex
        let hasher: KeyedHasher
        let seed: UInt64
        let shingle: Int
        let minWords: Int
        /// How far back any rule looks.
        let lookBack: TimeInterval
        /// The exact-repeat window.
        let exactWindow: TimeInterval
        /// The lowest similarity any near or campaign rule accepts.
        let minimumSimilarity: Double
        /// The flood window for each scope.
        let floodWindows: [DuplicateRule.Scope: TimeInterval]
        /// The most earlier items one lookup examines: the newest ones. A campaign of thousands
        /// of copies costs no more per item than one of hundreds.
        let candidateLimit = 256

        init(compiled: [DuplicateRule], environment: PluginEnvironment, shingle: Int, minWords: Int) {
            self.compiled = compiled
            lookBack = compiled.map(\.window).max() ?? 0
            exactWindow = compiled.filter { $0.check == .exactRepeat }.map(\.window).max() ?? 0
            minimumSimilarity = compiled.filter { $0.check != .flood }.map(\.similarity).min() ?? 0.6
            var floodWindows: [DuplicateRule.Scope: TimeInterval] = [:]
            for rule in compiled where rule.check == .flood {
                floodWindows[rule.scope] = max(floodWindows[rule.scope] ?? 0, rule.window)
            }
            self.floodWindows = floodWindows
            self.index = environment.fingerprints
            self.hasher = environment.hasher
            self.seed = environment.hasher.hash64("minhash", domain: "duplicate.seed")
            self.shingle = shingle
            self.minWords = minWords
        }
    }

    /// Compiles `packs`; state and keys come from `environment`.
    public init(packs: [RulePack], environment: PluginEnvironment) throws {
        var compiled: [DuplicateRule] = []
        var shingle = 5
        var minWords = 5
        for pack in packs {
            try pack.settings.rejectUnknownKeys(allowed: ["shingle", "min_words"])
            shingle = try pack.settings.int("shingle", default: shingle, in: 2...8)
            minWords = try pack.settings.int("min_words", default: minWords, in: 1...100)
            for definition in pack.rules { compiled.append(try DuplicateRule(definition)) }
        }
        engine = Engine(compiled: compiled, environment: environment, shingle: shingle, minWords: minWords)
        rules = compiled.map(\.info)
    }

    public func evaluate(_ input: PluginInput) -> PluginReport {
        engine.evaluate(input)
    }
}

extension DuplicateSpamPlugin.Engine {
    func evaluate(_ input: PluginInput) -> PluginReport {
        let context = input.context
        let fingerprint = TextFingerprint(input.text, shingle: shingle, minWords: minWords, seed: seed, hasher: hasher)
        let contributor = context.contributorPseudonym.map { hasher.hash64($0, domain: "duplicate.contributor") }
        let itemId = context.itemId ?? UUID().uuidString.lowercased()
        let now = context.receivedAt
        let whole = 0..<input.text.utf8.count
        var report = PluginReport()
        do {
            try index.transaction { transaction in
                let exact = try transaction.items(exact: fingerprint.exact, since: now.addingTimeInterval(-lookBack), limit: candidateLimit)
                let ownRepeat = try contributor.flatMap {
                    try transaction.latest(exact: fingerprint.exact, contributor: $0, since: now.addingTimeInterval(-exactWindow))
                }
                let near: [(item: StoredFingerprint, similarity: Double)] = fingerprint.signature.isEmpty ? [] :
                    try transaction.items(
                        similarTo: fingerprint.signature, bands: fingerprint.bandKeys, atLeast: minimumSimilarity,
                        since: now.addingTimeInterval(-lookBack), limit: candidateLimit)
                    .filter { $0.item.exact != fingerprint.exact }
                    .sorted { $0.similarity > $1.similarity }
                // The cluster: that of the closest earlier text, exact first.
                let closest = exact.first.map { ($0, 1.0) } ?? near.first { $0.similarity >= minimumSimilarity }
                let cluster = closest?.0.cluster ?? itemId
                var floodCounts: [DuplicateRule.Scope: Int] = [:]
                if let contributor { floodCounts[.contributor] = try transaction.count(contributor: contributor, since: now.addingTimeInterval(-(floodWindows[.contributor] ?? 0))) }
                if let conversation = context.conversation {
                    floodCounts[.conversation] = try transaction.count(conversation: conversation, since: now.addingTimeInterval(-(floodWindows[.conversation] ?? 0)))
                }
                try transaction.insert(
                    StoredFingerprint(
                        itemId: itemId, contributor: contributor, conversation: context.conversation, time: now,
                        exact: fingerprint.exact, signature: fingerprint.signature, bands: fingerprint.bandKeys,
                        cluster: cluster),
                    joining: closest?.0)
                let clusterContributors = try transaction.contributors(inCluster: cluster)

                var repeated = false
                for rule in compiled {
                    let since = now.addingTimeInterval(-rule.window)
                    switch rule.check {
                    case .exactRepeat:
                        guard let earlier = ownRepeat, earlier.time >= since else { continue }
                        repeated = true
                        report.detections.append(
                            detection(rule, whole, "the same text from the same contributor \(ago(earlier.time, now))",
                                      ["duplicate_of": earlier.itemId]))
                    case .nearRepeat:
                        guard !repeated, let contributor,
                            let earlier = near.first(where: { $0.item.contributor == contributor && $0.item.time >= since && $0.similarity >= rule.similarity })
                        else { continue }
                        report.detections.append(
                            detection(rule, whole, "a near-identical text (similarity \(percent(earlier.similarity))) from the same contributor \(ago(earlier.item.time, now))",
                                      ["duplicate_of": earlier.item.itemId, "similarity": percent(earlier.similarity)]))
                    case .campaign:
                        let others = exact.filter { $0.contributor != contributor && $0.time >= since }.map { ($0, 1.0) }
                            + near.filter { $0.item.contributor != contributor && $0.item.time >= since && $0.similarity >= rule.similarity }
                        guard let earliest = others.min(by: { $0.0.time < $1.0.time }), clusterContributors >= rule.minContributors else { continue }
                        report.detections.append(
                            detection(rule, whole, "the same or nearly the same text from \(clusterContributors) contributors",
                                      ["campaign": cluster, "duplicate_of": earliest.0.itemId, "contributors": String(clusterContributors)]))
                    case .flood:
                        guard let count = floodCounts[rule.scope], count + 1 > rule.limit else { continue }
                        report.detections.append(
                            detection(rule, whole, "\(count + 1) items from one \(rule.scope.rawValue) within \(Int(rule.window)) s (limit \(rule.limit))",
                                      ["count": String(count + 1)]))
                    }
                }
            }
        } catch {
            // Fail closed: without the index the item cannot be checked, so it is held.
            let rule = compiled.first?.info ?? RuleInfo(id: "duplicate.index", category: "DUPLICATE", action: .hold)
            report.failures.append(RuleFailure(rule: rule, message: "fingerprint index: \(error)"))
        }
        return report
    }

    private func detection(_ rule: DuplicateRule, _ range: Range<Int>, _ explanation: String, _ attributes: [String: String]) -> Detection {
        Detection(rule: rule.info, range: range, score: 1, explanation: explanation, attributes: attributes)
    }

    private func ago(_ then: Date, _ now: Date) -> String {
        let seconds = Int(now.timeIntervalSince(then))
        return seconds < 120 ? "\(seconds) s earlier" : seconds < 7_200 ? "\(seconds / 60) min earlier" : "\(seconds / 3_600) h earlier"
    }

    private func percent(_ value: Double) -> String { String(format: "%.2f", value) }
}
