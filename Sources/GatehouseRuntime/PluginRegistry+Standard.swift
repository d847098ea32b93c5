import GatehouseCore
import PIIRedaction
import Profanity

extension PluginRegistry {
    /// Every plugin that ships with Gatehouse, by the name rule packs use. The one place
    /// where plugins are registered.
    public static let standard: PluginRegistry = {
        var registry = PluginRegistry()
        registry.register(PIIRedactionPlugin.pluginName) { packs in try PIIRedactionPlugin(packs: packs) }
        registry.register(ProfanityPlugin.pluginName) { packs in try ProfanityPlugin(packs: packs) }
        return registry
    }()
}
