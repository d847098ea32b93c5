import Crypto
import Foundation
import GatehouseCore
import Testing

/// `KeyedHasher` builds HMAC-SHA256 from SHA256 itself; every value it gives must be the one
/// swift-crypto's `HMAC<SHA256>` gives, or stored pseudonyms and fingerprints would stop
/// matching the ones made before.
@Suite("Keyed hasher (HMAC-SHA256)")
struct KeyedHasherTests {
    /// The reference: swift-crypto's HMAC over the domain label, a zero byte and the message.
    func reference(key: [UInt8], domain: String?, message: [UInt8]) -> [UInt8] {
        var hmac = HMAC<SHA256>(key: SymmetricKey(data: key))
        if let domain { hmac.update(data: Array(domain.utf8) + [0]) }
        hmac.update(data: message)
        return Array(hmac.finalize())
    }

    @Test("equals HMAC<SHA256> for keys shorter than, equal to and longer than a block, and messages of every length up to three blocks")
    func matchesSwiftCrypto() {
        var random = SystemRandomNumberGenerator()
        for keyLength in [16, 32, 63, 64, 65, 100, 200] {
            let key = (0..<keyLength).map { _ in UInt8.random(in: 0...255, using: &random) }
            let hasher = KeyedHasher(secret: key)
            for length in 0...192 {
                let message = (0..<length).map { _ in UInt8.random(in: 0...255, using: &random) }
                let text = String(decoding: message.map { 0x20 + $0 % 0x5F }, as: UTF8.self)
                let plain = reference(key: key, domain: nil, message: Array(text.utf8))
                #expect(hasher.pseudonym(for: text) == plain.map { String(format: "%02x", $0) }.joined())
                let labelled = reference(key: key, domain: "audit.text", message: Array(text.utf8))
                #expect(hasher.hexMAC(text, domain: "audit.text") == labelled.map { String(format: "%02x", $0) }.joined())
                let short = reference(key: key, domain: "duplicate.exact", message: message)
                let expected = short.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
                #expect(hasher.hash64(message, domain: "duplicate.exact") == expected)
            }
        }
    }

    @Test("the domain label separates uses of one key")
    func domainsDiffer() {
        let hasher = KeyedHasher(secret: Array("a key of thirty-two bytes, or so".utf8))
        #expect(hasher.hash64("same text", domain: "duplicate.exact") != hasher.hash64("same text", domain: "duplicate.contributor"))
        #expect(hasher.hash64("same text", domain: "duplicate.exact") == hasher.hash64("same text", domain: "duplicate.exact"))
    }
}
