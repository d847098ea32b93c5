import GatehouseRuntime
import Synchronization

/// The rule sets in force, swapped whole on reload: `live` decides submissions, `dryRun`
/// (the same packs over an index that remembers nothing) answers `POST /v1/check`. Shared by
/// the services that run rules, so that a reload reaches them all at once.
final class LiveRuleSets: Sendable {
    private let sets: Mutex<(live: RuleSet, dryRun: RuleSet)>

    init(_ sets: (live: RuleSet, dryRun: RuleSet)) { self.sets = Mutex(sets) }

    var live: RuleSet { sets.withLock { $0.live } }
    var dryRun: RuleSet { sets.withLock { $0.dryRun } }

    func replace(with sets: (live: RuleSet, dryRun: RuleSet)) { self.sets.withLock { $0 = sets } }
}
