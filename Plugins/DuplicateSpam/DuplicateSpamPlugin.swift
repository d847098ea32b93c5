import Foundation
import GatehouseCore

/// Finds repeats, copies, campaigns and floods, against the fingerprints of earlier items in
/// the environment's `FingerprintIndex`.
///
/// - Exact repeat: the same canonical text (case, punctuation, white space, zero-width and
///   look-alike characters folded away) from the same contributor within the window.
/// - Near repeat: a copy (see `CopyJudge`) of one of the same contributor's own earlier items;
///   all of them are compared, however many other items are similar.
/// - Copy: the same or a near-identical text from another contributor, or with no contributor
///   to tell: counted once by analysts, so tagged with `duplicate_of`, not refused.
/// - Campaign: copies from at least `min_contributors` different contributors; tagged with the
///   campaign id (the cluster's first item) instead of as a copy.
/// - Flood: more than `limit` items from one contributor, or in one conversation, in the window.
///
/// Candidates come from MinHash over character 5-grams with LSH banding (16 bands of 4); each
/// is then judged on its sentences, so that answers sharing only a quoted question are not
/// copies. Every value that decides is chosen without the key (see `TextFingerprint`): the same
/// stream gives the same findings under any secret. Every item is recorded, whatever the
/// decision, in the same atomic transaction as the checks. Contributors are used only as keyed
/// hashes. Texts under `min_words` words get the exact checks only. If the index fails, the
/// item is held (fail closed).
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
        let keys: FingerprintKeys
        let judge: CopyJudge
        let shingle: Int
        let minWords: Int
        /// How far back any rule looks.
        let lookBack: TimeInterval
        /// The exact-repeat window.
        let exactWindow: TimeInterval
        /// The lowest similarity any copy rule accepts.
        let minimumSimilarity: Double
        /// The flood window for each scope.
        let floodWindows: [DuplicateRule.Scope: TimeInterval]
        /// The most earlier items one lookup examines in each LSH band: the newest ones. A
        /// campaign of thousands of copies costs no more per item than one of a hundred; a
        /// contributor's own items are all examined apart from these.
        let candidateLimit = 64
        /// The whole-text similarity below which a candidate is not judged at all: well under
        /// any copy's (a copy shares most of its sentences).
        let prefilter = 0.25
        /// Earlier items a sentence must be in to be a common passage.
        let commonSentence = 2

        init(compiled: [DuplicateRule], environment: PluginEnvironment, shingle: Int, minWords: Int, judge: CopyJudge) {
            self.compiled = compiled
            lookBack = compiled.map(\.window).max() ?? 0
            exactWindow = compiled.filter { $0.check == .exactRepeat }.map(\.window).max() ?? 0
            minimumSimilarity = compiled.filter { $0.check != .flood }.map(\.similarity).min() ?? 0.5
            var floodWindows: [DuplicateRule.Scope: TimeInterval] = [:]
            for rule in compiled where rule.check == .flood {
                floodWindows[rule.scope] = max(floodWindows[rule.scope] ?? 0, rule.window)
            }
            self.floodWindows = floodWindows
            self.index = environment.fingerprints
            self.keys = FingerprintKeys(environment.hasher)
            self.shingle = shingle
            self.minWords = minWords
            self.judge = judge
        }
    }

    /// Compiles `packs`; state and keys come from `environment`.
    public init(packs: [RulePack], environment: PluginEnvironment) throws {
        var compiled: [DuplicateRule] = []
        var shingle = 5
        var minWords = 5
        var ownShare = 0.05
        var nearIdentical = 0.85
        for pack in packs {
            try pack.settings.rejectUnknownKeys(allowed: ["shingle", "min_words", "own_share", "near_identical"])
            shingle = try pack.settings.int("shingle", default: shingle, in: 2...8)
            minWords = try pack.settings.int("min_words", default: minWords, in: 1...100)
            ownShare = try pack.settings.double("own_share", default: ownShare, in: 0...0.5)
            nearIdentical = try pack.settings.double("near_identical", default: nearIdentical, in: 0.5...1)
            for definition in pack.rules { compiled.append(try DuplicateRule(definition)) }
        }
        engine = Engine(
            compiled: compiled, environment: environment, shingle: shingle, minWords: minWords,
            judge: CopyJudge(ownShare: ownShare, nearIdentical: nearIdentical))
        rules = compiled.map(\.info)
    }

    public func evaluate(_ input: PluginInput) -> PluginReport {
        engine.evaluate(input)
    }
}

/// An earlier item that the new one copies, and how closely.
private struct Match {
    var item: StoredFingerprint
    var measure: CopyJudge.Measure
    /// 1 for the same canonical text.
    var similarity: Double { measure.overlap }
}

extension DuplicateSpamPlugin.Engine {
    func evaluate(_ input: PluginInput) -> PluginReport {
        let context = input.context
        let fingerprint = TextFingerprint(input.text, shingle: shingle, minWords: minWords, keys: keys)
        let contributor = context.contributorPseudonym.map { keys.hasher.hash64($0, domain: "duplicate.contributor") }
        let itemId = context.itemId ?? UUID().uuidString.lowercased()
        let now = context.receivedAt
        let whole = 0..<input.text.utf8.count
        var report = PluginReport()
        do {
            try index.transaction { transaction in
                let since = now.addingTimeInterval(-lookBack)
                let exactMeasure = CopyJudge.Measure(overlap: 1, ownShare: 0, estimate: 1)
                let ownExact = try contributor.flatMap {
                    try transaction.latest(exact: fingerprint.exact, contributor: $0, since: now.addingTimeInterval(-exactWindow))
                }.map { Match(item: $0, measure: exactMeasure) }
                // Another contributor's (or an anonymous) item with the same text: the newest.
                let otherExact = try transaction.items(exact: fingerprint.exact, since: since, limit: 16)
                    .first { contributor == nil || $0.contributor != contributor }
                    .map { Match(item: $0, measure: exactMeasure) }
                var ownNear: Match?
                var otherNear: Match?
                if !fingerprint.signature.isEmpty {
                    if let contributor, ownExact == nil {
                        ownNear = try best(transaction.items(contributor: contributor, similarTo: fingerprint.signature, since: since), fingerprint, transaction)
                    }
                    if otherExact == nil {
                        let candidates = try transaction.items(
                            similarTo: fingerprint.signature, bands: fingerprint.bandKeys, atLeast: prefilter, since: since,
                            limit: candidateLimit)
                            .filter { contributor == nil || $0.item.contributor != contributor }
                        otherNear = try best(candidates, fingerprint, transaction)
                    }
                }
                let other = otherExact ?? otherNear
                // The cluster: that of the closest earlier text, exact first.
                let closest = ownExact ?? otherExact ?? [ownNear, otherNear].compactMap { $0 }.max { $0.similarity < $1.similarity }
                let cluster = closest?.item.cluster ?? itemId
                var floodCounts: [DuplicateRule.Scope: Int] = [:]
                if let contributor { floodCounts[.contributor] = try transaction.count(contributor: contributor, since: now.addingTimeInterval(-(floodWindows[.contributor] ?? 0))) }
                if let conversation = context.conversation {
                    floodCounts[.conversation] = try transaction.count(conversation: conversation, since: now.addingTimeInterval(-(floodWindows[.conversation] ?? 0)))
                }
                try transaction.insert(
                    StoredFingerprint(
                        itemId: itemId, contributor: contributor, conversation: context.conversation, time: now,
                        exact: fingerprint.exact, signature: fingerprint.signature, bands: fingerprint.bandKeys,
                        cluster: cluster, sentences: fingerprint.sentences),
                    joining: closest?.item)
                let clusterContributors = try transaction.contributors(inCluster: cluster)

                func within(_ match: Match?, _ rule: DuplicateRule) -> Match? {
                    guard let match, match.item.time >= now.addingTimeInterval(-rule.window),
                        judge.isCopy(match.measure, similarity: rule.similarity)
                    else { return nil }
                    return match
                }
                // A contributor's own repeat is judged as such; a copy in a campaign as part of it.
                let ownRepeat = compiled.contains { ($0.check == .exactRepeat && within(ownExact, $0) != nil) || ($0.check == .nearRepeat && within(ownNear, $0) != nil) }
                let inCampaign = compiled.contains { $0.check == .campaign && within(other, $0) != nil && clusterContributors >= $0.minContributors }
                for rule in compiled {
                    switch rule.check {
                    case .exactRepeat:
                        guard let earlier = within(ownExact, rule) else { continue }
                        report.detections.append(
                            detection(rule, whole, "the same text from the same contributor \(ago(earlier.item.time, now))",
                                      ["duplicate_of": earlier.item.itemId]))
                    case .nearRepeat:
                        // Never beside an exact repeat: near repeats are only sought without one.
                        guard let earlier = within(ownNear, rule) else { continue }
                        report.detections.append(
                            detection(rule, whole, "a near-identical text (\(describe(earlier.measure))) from the same contributor \(ago(earlier.item.time, now))",
                                      ["duplicate_of": earlier.item.itemId, "similarity": percent(earlier.similarity)]))
                    case .copy:
                        guard !ownRepeat, !inCampaign, let earlier = within(other, rule) else { continue }
                        let who = contributor == nil || earlier.item.contributor == nil ? "an earlier item (no contributor to compare)" : "another contributor"
                        let what = earlier.similarity >= 1 ? "the same text" : "a near-identical text (\(describe(earlier.measure)))"
                        report.detections.append(
                            detection(rule, whole, "\(what) as \(who) sent \(ago(earlier.item.time, now))",
                                      ["duplicate_of": earlier.item.itemId, "similarity": percent(earlier.similarity)]))
                    case .campaign:
                        guard let earlier = within(other, rule), clusterContributors >= rule.minContributors else { continue }
                        report.detections.append(
                            detection(rule, whole, "the same or nearly the same text from \(clusterContributors) contributors",
                                      ["campaign": cluster, "duplicate_of": earlier.item.itemId, "contributors": String(clusterContributors)]))
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

    /// The candidate the text copies most closely at the lowest similarity any rule accepts
    /// (ties: the newest), or nil when it copies none. Exact repeats are found elsewhere.
    private func best(
        _ candidates: [(item: StoredFingerprint, similarity: Double)], _ fingerprint: TextFingerprint,
        _ transaction: any FingerprintTransaction
    ) throws -> Match? {
        var best: Match?
        // A sentence in two or more earlier items is common: a passage others quote too.
        var counts: [UInt32: Bool] = [:]
        func common(_ hash: UInt32) -> Bool {
            if let known = counts[hash] { return known }
            let known = ((try? transaction.count(sentence: hash)) ?? 0) >= commonSentence
            counts[hash] = known
            return known
        }
        for candidate in candidates where candidate.item.exact != fingerprint.exact && candidate.similarity >= prefilter {
            let measure = judge.measure(fingerprint.sentences, candidate.item.sentences, estimate: candidate.similarity, common: common)
            guard judge.isCopy(measure, similarity: minimumSimilarity) else { continue }
            if best == nil || measure.overlap > best!.measure.overlap
                || (measure.overlap == best!.measure.overlap && candidate.item.time > best!.item.time)
            {
                best = Match(item: candidate.item, measure: measure)
            }
        }
        return best
    }

    private func describe(_ measure: CopyJudge.Measure) -> String {
        "\(percent(measure.overlap)) of the text shared, whole-text similarity \(percent(measure.estimate))"
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
