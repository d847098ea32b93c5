/// What plugins may use besides their rule packs: the state that outlives a rule reload and
/// the secret-keyed hasher. The same environment is handed to every rebuild of the plugins,
/// so reloading rules forgets nothing.
public struct PluginEnvironment: Sendable {
    /// Where the duplicate plugin keeps fingerprints of earlier items.
    public var fingerprints: any FingerprintIndex
    /// HMAC-SHA256 under the gateway's secret.
    public var hasher: KeyedHasher

    public init(fingerprints: any FingerprintIndex = MemoryFingerprintIndex(), hasher: KeyedHasher = .random()) {
        self.fingerprints = fingerprints
        self.hasher = hasher
    }
}
