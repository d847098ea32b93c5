/// Maps a rule pack's `plugin:` name to the factory that builds that plugin.
///
/// Filled in one place (`PluginRegistry.standard` in GatehouseRuntime); nothing registers
/// itself at import time.
public struct PluginRegistry: Sendable {
    /// Builds a plugin from every pack that names it and the environment it runs in. Throws
    /// `RulePackError` for a bad rule.
    public typealias Factory = @Sendable ([RulePack], PluginEnvironment) throws -> any RulePlugin

    private var factories: [String: Factory] = [:]

    public init() {}

    /// Adds (or replaces) the factory for `name`.
    public mutating func register(_ name: String, factory: @escaping Factory) {
        factories[name] = factory
    }

    /// The registered plugin names, sorted.
    public var pluginNames: [String] { factories.keys.sorted() }

    /// True if a plugin called `name` is registered.
    public func contains(_ name: String) -> Bool { factories[name] != nil }

    /// Builds the plugin `name` from `packs`.
    public func makePlugin(named name: String, packs: [RulePack], environment: PluginEnvironment) throws -> any RulePlugin {
        guard let factory = factories[name] else {
            let known = pluginNames.joined(separator: ", ")
            throw RulePackError(
                file: packs.first?.file ?? "-", key: "plugin",
                message: "unknown plugin '\(name)' (known: \(known))")
        }
        return try factory(packs, environment)
    }
}
