import GatehouseCore
import GatehouseRuntime
import Synchronization

/// The rule sets compiled from one reading of the packs.
struct CompiledRuleSets: Sendable {
    /// Decides submissions.
    let live: RuleSet
    /// The same packs over an index that remembers nothing: answers `POST /v1/check`.
    let dryRun: RuleSet
    /// As `dryRun`, with every shadow rule enforced: `POST /v1/check?shadow=enforce`, for a rule
    /// author to see what switching shadow rules on would do. The same set when none is in shadow.
    let dryRunEnforcingShadow: RuleSet
}

/// The rule sets in force, swapped whole on reload. Shared by the services that run rules, so
/// that a reload reaches them all at once.
final class LiveRuleSets: Sendable {
    private let sets: Mutex<CompiledRuleSets>

    init(_ sets: CompiledRuleSets) { self.sets = Mutex(sets) }

    var live: RuleSet { sets.withLock { $0.live } }
    var dryRun: RuleSet { sets.withLock { $0.dryRun } }
    var dryRunEnforcingShadow: RuleSet { sets.withLock { $0.dryRunEnforcingShadow } }

    func replace(with sets: CompiledRuleSets) { self.sets.withLock { $0 = sets } }
}
