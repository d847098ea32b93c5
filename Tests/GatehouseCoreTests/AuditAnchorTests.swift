import Testing
@testable import GatehouseCore

@Suite("Audit anchors")
struct AuditAnchorTests {
    static let hash = String(repeating: "a1", count: 32)

    @Test("SEQ:HASH parses, with the hash lower-cased")
    func parses() throws {
        let anchor = try #require(AuditAnchor("1834:" + Self.hash.uppercased()))
        #expect(anchor.seq == 1834)
        #expect(anchor.hash == Self.hash)
        #expect(anchor.description == "1834:" + Self.hash)
    }

    static let refusals: [String] = {
        let short = String(hash.dropLast())
        return [
            "", "1834", "0:" + hash, "-1:" + hash, "+3:" + hash, "3:" + short, "3:" + hash + "0",
            "1234567890123456789:" + hash, "\u{FF13}:" + hash, "3:" + short + "\u{FF46}", "3:" + short + "g",
        ]
    }()

    @Test("anything else is refused", arguments: refusals)
    func refused(text: String) {
        #expect(AuditAnchor(text) == nil)
    }
}
