import Foundation

/// What gateways sharing one store tell each other through it: that they are alive and which
/// rule set each runs, that the rules are to be reloaded everywhere, and how many requests
/// each token made this minute. A gateway on a store of its own has none (`GatewayStores.coordination` is nil).
public protocol GatewayCoordination: Sendable {
    /// Records this gateway as alive at `time` with the rule set it runs, and returns the
    /// rules generation: a number that goes up each time some gateway's rules are reloaded.
    func heartbeat(name: String, rulesVersion: String, at time: Date) async throws -> Int64
    /// Asks every gateway to reload its rules (the generation goes up); returns the new generation.
    func announceRulesReload() async throws -> Int64
    /// The gateways seen within the last `within` seconds of `now`, this one included.
    func peers(now: Date, within: TimeInterval) async throws -> [GatewayPeer]
    /// Adds this gateway's requests per token (keyed token hashes) in `minute` and returns
    /// every gateway's total per token for that minute.
    func exchangeRequestCounts(minute: Int64, counts: [String: Int]) async throws -> [String: Int]
    /// Forgets this gateway (on a clean stop).
    func leave() async
}

/// A gateway sharing the store, as `/readyz` lists it.
public struct GatewayPeer: Sendable, Equatable {
    public var name: String
    public var rulesVersion: String
    public var startedAt: Date
    public var seenAt: Date

    public init(name: String, rulesVersion: String, startedAt: Date, seenAt: Date) {
        self.name = name
        self.rulesVersion = rulesVersion
        self.startedAt = startedAt
        self.seenAt = seenAt
    }
}
