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
        /// How far and how closely the enforcing rules look: the lookups whose matches decide,
        /// name the cluster an item joins and are recorded.
        let enforcing: Reach
        /// How far and how closely every rule looks, shadow ones included, when that is further
        /// or closer than the enforcing rules: a second lookup, whose matches only shadow rules
        /// see, so that a rule in shadow never changes what an enforcing one finds.
        let shadow: Reach?
        /// The rules that decide, and those in shadow.
        let enforcedRules: [DuplicateRule]
        let shadowRules: [DuplicateRule]
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
            let enforcing = Reach(compiled.filter { $0.info.mode == .enforce })
            let all = Reach(compiled)
            self.enforcing = enforcing
            enforcedRules = compiled.filter { $0.info.mode == .enforce }
            shadowRules = compiled.filter { $0.info.mode == .shadow }
            shadow = !shadowRules.isEmpty && all != enforcing ? all : nil
            self.index = environment.fingerprints
            self.keys = FingerprintKeys(environment.hasher)
            self.shingle = shingle
            self.minWords = minWords
            self.judge = judge
        }
    }

    /// How far back and how closely a set of rules looks for earlier items.
    struct Reach: Equatable {
        /// How far back any of the rules looks.
        var lookBack: TimeInterval
        /// The longest exact-repeat window.
        var exactWindow: TimeInterval
        /// The lowest similarity any copy rule accepts.
        var minimumSimilarity: Double

        init(_ rules: [DuplicateRule]) {
            lookBack = rules.map(\.window).max() ?? 0
            exactWindow = rules.filter { $0.check == .exactRepeat }.map(\.window).max() ?? 0
            minimumSimilarity = rules.filter { $0.check != .flood }.map(\.similarity).min() ?? 0.5
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
        engine.evaluate(input, engine.prepare(input))
    }

    /// The text's fingerprint and the contributor's key: all that needs no earlier item.
    public func prepare(_ input: PluginInput) -> (any Sendable)? {
        engine.prepare(input)
    }

    public func evaluate(_ input: PluginInput, prepared: any Sendable) -> PluginReport {
        engine.evaluate(input, prepared as? Prepared ?? engine.prepare(input))
    }

    /// What an item's judgement starts from, made ahead on any thread.
    fileprivate struct Prepared: Sendable {
        var fingerprint: TextFingerprint
        var contributor: UInt64?
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
    func prepare(_ input: PluginInput) -> DuplicateSpamPlugin.Prepared {
        DuplicateSpamPlugin.Prepared(
            fingerprint: TextFingerprint(input.text, shingle: shingle, minWords: minWords, keys: keys),
            contributor: input.context.contributorPseudonym.map { keys.hasher.hash64($0, domain: "duplicate.contributor") })
    }

    func evaluate(_ input: PluginInput, _ prepared: DuplicateSpamPlugin.Prepared) -> PluginReport {
        let context = input.context
        let fingerprint = prepared.fingerprint
        let contributor = prepared.contributor
        let itemId = context.itemId ?? UUID().uuidString.lowercased()
        let now = context.receivedAt
        let whole = 0..<input.text.utf8.count
        var report = PluginReport()
        do {
            try index.transaction { transaction in
                let decisive = try lookup(fingerprint, contributor: contributor, now: now, reach: enforcing, transaction)
                // Shadow rules that reach further get their own lookup, before the item is in the index.
                let shadowMatches = try shadow.map { try lookup(fingerprint, contributor: contributor, now: now, reach: $0, transaction) }
                let cluster = decisive.closest?.item.cluster ?? itemId
                try transaction.insert(
                    StoredFingerprint(
                        itemId: itemId, contributor: contributor, conversation: context.conversation, time: now,
                        exact: fingerprint.exact, signature: fingerprint.signature, bands: fingerprint.bandKeys,
                        cluster: cluster, sentences: fingerprint.sentences),
                    joining: decisive.closest?.item)
                let clusterContributors = try transaction.contributors(inCluster: cluster)
                report.detections += try findings(
                    enforcedRules, decisive, cluster: cluster, contributors: clusterContributors, contributor: contributor,
                    context: context, now: now, whole: whole, transaction)
                // Shadow rules judged as if enforced alongside every other rule.
                if !shadowRules.isEmpty {
                    report.detections += try findings(
                        compiled, shadowMatches ?? decisive, cluster: cluster, contributors: clusterContributors,
                        contributor: contributor, context: context, now: now, whole: whole, transaction
                    ).filter { $0.rule.mode == .shadow }
                }
            }
        } catch {
            // Fail closed: without the index the item cannot be checked, so it is held.
            let rule = compiled.first?.info ?? RuleInfo(id: "duplicate.index", category: "DUPLICATE", action: .hold)
            report.failures.append(RuleFailure(rule: rule, message: "fingerprint index: \(error)"))
        }
        return report
    }

    /// The earlier items a text matches, as far back and as closely as `reach` looks.
    private struct Matches {
        var ownExact: Match?
        var otherExact: Match?
        var ownNear: Match?
        var otherNear: Match?
        /// Another contributor's (or an anonymous) copy, exact first.
        var other: Match? { otherExact ?? otherNear }
        /// The closest earlier text, exact first: the cluster the item joins.
        var closest: Match? {
            ownExact ?? otherExact ?? [ownNear, otherNear].compactMap { $0 }.max { $0.similarity < $1.similarity }
        }
    }

    private func lookup(
        _ fingerprint: TextFingerprint, contributor: UInt64?, now: Date, reach: DuplicateSpamPlugin.Reach,
        _ transaction: any FingerprintTransaction
    ) throws -> Matches {
        let since = now.addingTimeInterval(-reach.lookBack)
        let exactMeasure = CopyJudge.Measure(overlap: 1, ownShare: 0, estimate: 1)
        var matches = Matches()
        matches.ownExact = try contributor.flatMap {
            try transaction.latest(exact: fingerprint.exact, contributor: $0, since: now.addingTimeInterval(-reach.exactWindow))
        }.map { Match(item: $0, measure: exactMeasure) }
        // Another contributor's (or an anonymous) item with the same text: the newest.
        matches.otherExact = try transaction.items(exact: fingerprint.exact, since: since, limit: 16)
            .first { contributor == nil || $0.contributor != contributor }
            .map { Match(item: $0, measure: exactMeasure) }
        guard !fingerprint.signature.isEmpty else { return matches }
        if let contributor, matches.ownExact == nil {
            var judging = judging(fingerprint, reach, transaction)
            matches.ownNear = try best(
                transaction.items(contributor: contributor, similarTo: fingerprint.signature, atLeast: prefilter, since: since)
                    .compactMap { item, similarity in item.asCandidate(similarity: similarity) { judging.measure($0) }.map { (item, $0) } })
        }
        if matches.otherExact == nil {
            var judging = judging(fingerprint, reach, transaction)
            matches.otherNear = try best(
                transaction.items(
                    similarTo: fingerprint.signature, bands: fingerprint.bandKeys, sentences: fingerprint.sentences, atLeast: prefilter, since: since,
                    limit: candidateLimit
                ) { candidate in
                    contributor != nil && candidate.contributor == contributor ? nil : judging.measure(candidate)
                })
        }
        return matches
    }

    /// The detections of `rules` for an item with `matches`, in cluster `cluster` of
    /// `contributors` contributors.
    private func findings(
        _ rules: [DuplicateRule], _ matches: Matches, cluster: String, contributors clusterContributors: Int, contributor: UInt64?,
        context: EvaluationContext, now: Date, whole: Range<Int>, _ transaction: any FingerprintTransaction
    ) throws -> [Detection] {
        func within(_ match: Match?, _ rule: DuplicateRule) -> Match? {
            guard let match, match.item.time >= now.addingTimeInterval(-rule.window),
                judge.isCopy(match.measure, similarity: rule.similarity)
            else { return nil }
            return match
        }
        let (ownExact, ownNear, other) = (matches.ownExact, matches.ownNear, matches.other)
        // A contributor's own repeat is judged as such; a copy in a campaign as part of it.
        let ownRepeat = rules.contains { ($0.check == .exactRepeat && within(ownExact, $0) != nil) || ($0.check == .nearRepeat && within(ownNear, $0) != nil) }
        let inCampaign = rules.contains { $0.check == .campaign && within(other, $0) != nil && clusterContributors >= $0.minContributors }
        var detections: [Detection] = []
        for rule in rules {
            switch rule.check {
            case .exactRepeat:
                guard let earlier = within(ownExact, rule) else { continue }
                detections.append(
                    detection(rule, whole, "the same text from the same contributor \(ago(earlier.item.time, now))",
                              ["duplicate_of": earlier.item.itemId]))
            case .nearRepeat:
                // Never beside an exact repeat: near repeats are only sought without one.
                guard let earlier = within(ownNear, rule) else { continue }
                detections.append(
                    detection(rule, whole, "a near-identical text (\(describe(earlier.measure))) from the same contributor \(ago(earlier.item.time, now))",
                              ["duplicate_of": earlier.item.itemId, "similarity": percent(earlier.similarity)]))
            case .copy:
                guard !ownRepeat, !inCampaign, let earlier = within(other, rule) else { continue }
                let who = contributor == nil || earlier.item.contributor == nil ? "an earlier item (no contributor to compare)" : "another contributor"
                let what = earlier.similarity >= 1 ? "the same text" : "a near-identical text (\(describe(earlier.measure)))"
                detections.append(
                    detection(rule, whole, "\(what) as \(who) sent \(ago(earlier.item.time, now))",
                              ["duplicate_of": earlier.item.itemId, "similarity": percent(earlier.similarity)]))
            case .campaign:
                guard let earlier = within(other, rule), clusterContributors >= rule.minContributors else { continue }
                detections.append(
                    detection(rule, whole, "the same or nearly the same text from \(clusterContributors) contributors",
                              ["campaign": cluster, "duplicate_of": earlier.item.itemId, "contributors": String(clusterContributors)]))
            case .flood:
                // Counted over this rule's own window (the item itself is already in the index).
                let since = now.addingTimeInterval(-rule.window)
                let count: Int
                switch rule.scope {
                case .contributor:
                    guard let contributor else { continue }
                    count = try transaction.count(contributor: contributor, since: since)
                case .conversation:
                    guard let conversation = context.conversation else { continue }
                    count = try transaction.count(conversation: conversation, since: since)
                }
                guard count > rule.limit else { continue }
                detections.append(
                    detection(rule, whole, "\(count) items from one \(rule.scope.rawValue) within \(Int(rule.window)) s (limit \(rule.limit))",
                              ["count": String(count)]))
            }
        }
        return detections
    }

    /// How this lookup judges its candidates against `fingerprint`.
    private func judging(_ fingerprint: TextFingerprint, _ reach: DuplicateSpamPlugin.Reach, _ transaction: any FingerprintTransaction) -> CandidateJudging {
        CandidateJudging(
            text: fingerprint.sentences, exact: fingerprint.exact, judge: judge, minimumSimilarity: reach.minimumSimilarity, prefilter: prefilter,
            commonSentence: commonSentence, transaction: transaction)
    }

    /// The copy measured closest (ties: the newest), or nil when there is none.
    private func best(_ copies: [(item: StoredFingerprint, judgement: CopyJudge.Measure)]) -> Match? {
        var best: Match?
        for (item, measure) in copies
        where best == nil || measure.overlap > best!.measure.overlap || (measure.overlap == best!.measure.overlap && item.time > best!.item.time) {
            best = Match(item: item, measure: measure)
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
