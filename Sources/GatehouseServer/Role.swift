import Crypto
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

/// API tokens, held only as SHA-256 hashes and compared in constant time.
public struct TokenStore: Sendable {
    private let entries: [(hash: [UInt8], role: Role)]

    /// Hashes each token; the plain tokens are not kept.
    public init(tokens: [(token: String, role: Role)]) {
        entries = tokens.map { (Self.digest($0.token), $0.role) }
    }

    /// From already hashed tokens (hex SHA-256), as a configuration file may hold them.
    public init(hashes: [(sha256Hex: String, role: Role)], tokens: [(token: String, role: Role)] = []) {
        entries = hashes.compactMap { entry in Self.bytes(hex: entry.sha256Hex).map { ($0, entry.role) } }
            + tokens.map { (Self.digest($0.token), $0.role) }
    }

    /// The role of `token`, or nil. Every stored hash is compared, in constant time each.
    public func role(of token: String) -> Role? {
        let presented = Self.digest(token)
        var found: Role?
        for entry in entries where Self.constantTimeEqual(entry.hash, presented) {
            found = entry.role
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
