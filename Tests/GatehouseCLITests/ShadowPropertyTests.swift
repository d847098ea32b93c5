import Foundation
import GatehouseCore
import GatehouseRuntime
import Testing

private let rulesDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("rules").path

@Suite("shadow rules, as a property")
struct ShadowPropertyTests {
    /// The shipped packs with the rules `chosen` picks set to `mode: shadow`, and the same packs
    /// with those rules taken out (a pack left with none is dropped, as its plugin has no work).
    static func variants(_ packs: [RulePack], _ chosen: (String) -> Bool) -> (shadowed: [RulePack], removed: [RulePack]) {
        var shadowed = packs
        for pack in shadowed.indices {
            for rule in shadowed[pack].rules.indices where chosen(shadowed[pack].rules[rule].id) {
                shadowed[pack].rules[rule].mode = .shadow
            }
        }
        var removed = packs
        for pack in removed.indices { removed[pack].rules.removeAll { chosen($0.id) } }
        return (shadowed, removed.filter { !$0.rules.isEmpty })
    }

    @Test(
        "shadow rules never change a decision, a text or another rule's finding, over generated streams",
        arguments: [UInt64](1...8))
    func shadowChangesNothing(seed: UInt64) throws {
        let packs = try RulePackLoader.load(paths: [rulesDirectory])
        var random = SplitMix64(seed: seed &* 7919)
        // Each rule in shadow with a chance of two in five; seed 1 shadows every rule.
        var picked = Set<String>()
        for pack in packs { for rule in pack.rules where seed == 1 || random.next() % 5 < 2 { picked.insert(rule.id) } }
        let (shadowed, removed) = Self.variants(packs, picked.contains)
        let key = KeyedHasher(secret: Array("shadow property test key".utf8))
        let withShadow = try RuleSet(packs: shadowed, environment: PluginEnvironment(hasher: key))
        let without = try RuleSet(packs: removed, environment: PluginEnvironment(hasher: key))
        let stream = GeneratedStream(seed: seed, count: 600)
        var shadowFindings = 0
        var decided = 0
        for item in stream.items {
            let submission = Submission(
                text: item.text, conversation: item.conversation, contributor: item.contributor, receivedAt: item.receivedAt)
            let a = withShadow.evaluate(submission, itemId: item.id)
            let b = without.evaluate(submission, itemId: item.id)
            #expect(a.decision == b.decision, "\(item.id) with \(picked.sorted()) in shadow")
            #expect(a.text == b.text, "\(item.id) with \(picked.sorted()) in shadow")
            let enforced = a.findings.filter { !$0.shadow }.map { "\($0.rule) \($0.start)..<\($0.end)" }
            #expect(enforced == b.findings.map { "\($0.rule) \($0.start)..<\($0.end)" }, "\(item.id)")
            #expect(a.findings.filter(\.shadow).allSatisfy { picked.contains($0.rule) })
            shadowFindings += a.findings.count(where: \.shadow)
            if b.decision != .accepted || b.text != item.text { decided += 1 }
        }
        // The property is only worth something if shadow rules fired and other rules decided.
        #expect(shadowFindings > 20, "only \(shadowFindings) shadow findings")
        if seed != 1 { #expect(decided > 20, "only \(decided) items changed by enforcing rules") }
    }
}
