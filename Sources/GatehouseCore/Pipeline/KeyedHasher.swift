import Crypto
import Foundation

/// HMAC-SHA256 under the gateway's secret key: contributor pseudonyms and keyed text
/// fingerprints. A raw contributor token never goes further than this type.
public struct KeyedHasher: Sendable {
    /// HMAC state after the key is absorbed; copied for each use, so the key schedule runs once.
    private let keyed: HMAC<SHA256>

    /// A hasher under `secret` (at least 16 bytes; 32 recommended).
    public init(secret: some ContiguousBytes) {
        keyed = HMAC<SHA256>(key: SymmetricKey(data: secret))
    }

    /// A hasher under a fresh random key: pseudonyms are stable for its lifetime only.
    public static func random() -> KeyedHasher {
        KeyedHasher(secret: SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) })
    }

    /// The contributor's pseudonym: HMAC-SHA256 of the token, hex-encoded.
    public func pseudonym(for token: String) -> String {
        var hmac = keyed
        var text = token
        text.withUTF8 { hmac.update(data: UnsafeRawBufferPointer($0)) }
        return hmac.finalize().withUnsafeBytes { Hex.string($0) }
    }

    /// HMAC-SHA256 of `text` under a domain label, hex-encoded (audit text hashes, idempotency keys).
    public func hexMAC(_ text: String, domain: StaticString) -> String {
        var hmac = keyed(domain)
        var copy = text
        copy.withUTF8 { hmac.update(data: UnsafeRawBufferPointer($0)) }
        return hmac.finalize().withUnsafeBytes { Hex.string($0) }
    }

    /// The first 64 bits of HMAC-SHA256 over `bytes`, with a domain label so that
    /// different uses of the key never produce comparable values.
    public func hash64(_ bytes: UnsafeRawBufferPointer, domain: StaticString) -> UInt64 {
        var hmac = keyed(domain)
        hmac.update(data: bytes)
        return hmac.finalize().withUnsafeBytes { raw in raw.loadUnaligned(as: UInt64.self) }
    }

    /// `hash64` over the UTF-8 of `text`.
    public func hash64(_ text: String, domain: StaticString) -> UInt64 {
        var copy = text
        return copy.withUTF8 { hash64(UnsafeRawBufferPointer($0), domain: domain) }
    }

    /// `hash64` over `bytes`.
    public func hash64(_ bytes: [UInt8], domain: StaticString) -> UInt64 {
        bytes.withUnsafeBytes { hash64($0, domain: domain) }
    }

    /// The keyed state with a domain label and a separator absorbed.
    private func keyed(_ domain: StaticString) -> HMAC<SHA256> {
        var hmac = keyed
        domain.withUTF8Buffer { hmac.update(data: UnsafeRawBufferPointer($0)) }
        withUnsafeBytes(of: UInt8(0)) { hmac.update(data: $0) }
        return hmac
    }
}
