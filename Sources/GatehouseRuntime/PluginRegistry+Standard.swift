import GatehouseCore
import PIIRedaction
import Profanity
import DuplicateSpam

extension PluginRegistry {
    /// Every plugin that ships with Gatehouse, by the name rule packs use. The one place
    /// where plugins are registered.
    public static let standard: PluginRegistry = {
        var registry = PluginRegistry()
        registry.register(PIIRedactionPlugin.pluginName) { packs, _ in try PIIRedactionPlugin(packs: packs) }
        registry.register(ProfanityPlugin.pluginName) { packs, _ in try ProfanityPlugin(packs: packs) }
        registry.register(DuplicateSpamPlugin.pluginName) { packs, environment in
            try DuplicateSpamPlugin(packs: packs, environment: environment)
        }
        return registry
    }()
}
