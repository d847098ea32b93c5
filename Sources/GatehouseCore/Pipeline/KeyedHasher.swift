import Crypto
import Foundation

/// HMAC-SHA256 under the gateway's secret key: contributor pseudonyms and keyed text
/// fingerprints. A raw contributor token never goes further than this type.
///
/// The HMAC is RFC 2104's construction over swift-crypto's SHA256, with the inner and outer
/// hash states keyed once: byte for byte what `HMAC<SHA256>` gives (a test checks them against
/// each other), without its generic `DataProtocol` path, whose type look-ups at run time cost
/// more than hashing a short text (two or three hashes a submission).
public struct KeyedHasher: Sendable {
    /// SHA256 after absorbing the key XOR ipad, and after the key XOR opad.
    private let inner: SHA256
    private let outer: SHA256

    /// A hasher under `secret` (at least 16 bytes; 32 recommended).
    public init(secret: some ContiguousBytes) {
        let blockSize = SHA256.blockByteCount
        var key = secret.withUnsafeBytes { Array($0) }
        if key.count > blockSize { key = Array(SHA256.hash(data: key)) }
        key += [UInt8](repeating: 0, count: blockSize - key.count)
        var inner = SHA256()
        inner.update(data: key.map { $0 ^ 0x36 })
        var outer = SHA256()
        outer.update(data: key.map { $0 ^ 0x5C })
        self.inner = inner
        self.outer = outer
    }

    /// A hasher under a fresh random key: pseudonyms are stable for its lifetime only.
    public static func random() -> KeyedHasher {
        KeyedHasher(secret: SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) })
    }

    /// The contributor's pseudonym: HMAC-SHA256 of the token, hex-encoded.
    public func pseudonym(for token: String) -> String {
        var text = token
        return text.withUTF8 { mac(domain: nil, UnsafeRawBufferPointer($0)) { Hex.string($0) } }
    }

    /// HMAC-SHA256 of `text` under a domain label, hex-encoded (audit text hashes, idempotency keys).
    public func hexMAC(_ text: String, domain: StaticString) -> String {
        var copy = text
        return copy.withUTF8 { mac(domain: domain, UnsafeRawBufferPointer($0)) { Hex.string($0) } }
    }

    /// The first 64 bits of HMAC-SHA256 over `bytes`, with a domain label so that
    /// different uses of the key never produce comparable values.
    public func hash64(_ bytes: UnsafeRawBufferPointer, domain: StaticString) -> UInt64 {
        mac(domain: domain, bytes) { $0.loadUnaligned(as: UInt64.self) }
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

    /// HMAC-SHA256 of the domain label and a zero byte (when there is a label), then `bytes`;
    /// `body` reads the 32-byte code.
    private func mac<R>(domain: StaticString?, _ bytes: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        var hash = inner
        if let domain {
            domain.withUTF8Buffer { hash.update(bufferPointer: UnsafeRawBufferPointer($0)) }
            withUnsafeBytes(of: UInt8(0)) { hash.update(bufferPointer: $0) }
        }
        hash.update(bufferPointer: bytes)
        var code = outer
        hash.finalize().withUnsafeBytes { code.update(bufferPointer: $0) }
        return code.finalize().withUnsafeBytes(body)
    }
}
