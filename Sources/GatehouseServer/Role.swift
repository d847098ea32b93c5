import Crypto
import GatehouseCore
import Foundation

/// Who may call what. Every route names the roles it admits.
public enum Role: String, Sendable, CaseIterable, Codable {
    /// The web platform that posts submissions and reads published contributions.
    case intake
    /// People who review held items.
    case moderator
    /// People who write and test rules.
    case author
    /// Operators: everything.
    case admin
}

/// Who is calling: the role of the presented token and a label for it that the audit log can
/// name without holding the token.
public struct Caller: Sendable, Hashable {
    public var role: Role
    /// `role:` and the first 12 hex digits of the token's SHA-256, e.g. `moderator:3f2a9c1b0d4e`.
    /// Tokens are long random secrets, so this names a token without revealing it.
    public var label: String
    /// The token's place in the store (rate limits are kept per token).
    var index: Int
}

/// API tokens, held only as SHA-256 hashes and compared in constant time.
public struct TokenStore: Sendable {
    /// Each token's hash and the caller it stands for, labelled once here rather than per request.
    private let entries: [(hash: [UInt8], caller: Caller)]

    /// Hashes each token; the plain tokens are not kept.
    public init(tokens: [(token: String, role: Role)]) {
        self.init(hashed: tokens.map { (Self.digest($0.token), $0.role) })
    }

    /// From already hashed tokens (hex SHA-256), as a configuration file may hold them.
    public init(hashes: [(sha256Hex: String, role: Role)], tokens: [(token: String, role: Role)] = []) {
        self.init(
            hashed: hashes.compactMap { entry in Self.bytes(hex: entry.sha256Hex).map { ($0, entry.role) } }
                + tokens.map { (Self.digest($0.token), $0.role) })
    }

    private init(hashed: [(hash: [UInt8], role: Role)]) {
        entries = hashed.enumerated().map { index, entry in
            (entry.hash, Caller(role: entry.role, label: "\(entry.role.rawValue):" + Hex.string(entry.hash.prefix(6)), index: index))
        }
    }

    /// The role of `token`, or nil. Every stored hash is compared, in constant time each.
    public func role(of token: String) -> Role? { caller(presenting: token)?.role }

    /// The caller presenting `token`, or nil. Every stored hash is compared, in constant time each.
    public func caller(presenting token: String) -> Caller? {
        let presented = Self.digest(token)
        var found: Caller?
        for entry in entries where Self.constantTimeEqual(entry.hash, presented) {
            found = entry.caller
        }
        return found
    }

    /// True when no token is configured.
    public var isEmpty: Bool { entries.isEmpty }

    static func digest(_ token: String) -> [UInt8] { Array(SHA256.hash(data: Data(token.utf8))) }

    static func constantTimeEqual(_ left: [UInt8], _ right: [UInt8]) -> Bool {
        guard left.count == right.count else { return false }
        var difference: UInt8 = 0
        for index in left.indices { difference |= left[index] ^ right[index] }
        return difference == 0
    }

    static func bytes(hex: String) -> [UInt8]? {
        let characters = Array(hex.utf8)
        guard characters.count == 64 else { return nil }
        var bytes: [UInt8] = []
        for index in stride(from: 0, to: 64, by: 2) {
            guard let byte = UInt8(String(decoding: characters[index..<(index + 2)], as: UTF8.self), radix: 16) else { return nil }
            bytes.append(byte)
        }
        return bytes
    }
}
