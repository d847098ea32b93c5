import Foundation
import GatehouseCore
import Logging
import Yams

/// Everything `gatehouse serve` can be told, with safe defaults for every key.
///
/// Read from `gatehouse.yaml` (all keys optional), then overridden by environment variables,
/// then by command-line flags.
public struct ServerConfiguration: Sendable {
    /// Listen host (default 127.0.0.1: not reachable from elsewhere until you say so).
    public var host = "127.0.0.1"
    /// Listen port (default 8080).
    public var port = 8080
    /// Where the database and the secret key live (default ./data).
    public var dataDirectory = "data"
    /// Rule pack files or directories; empty (the default) finds the shipped packs as
    /// `RulePackLocator` does: ./rules, then beside the binary, then the source checkout.
    public var rules: [String] = []
    /// The order plugins run in.
    public var pipeline = ["pii", "profanity", "duplicate"]
    /// Largest request body in bytes (default 64 KiB).
    public var maxBodyBytes = 64 * 1024
    /// Longest submitted text in characters (default 20,000).
    public var maxTextCharacters = 20_000
    /// Deepest JSON nesting accepted (default 8).
    public var maxJSONDepth = 8
    /// Requests per minute per token (default 600,000, about 10,000 a second: the intake is one
    /// platform speaking for everyone; the limit is a brake on a leaked or runaway token).
    public var ratePerMinute = 600_000
    /// Seconds a connection may sit idle before the server closes it (default 60); a client
    /// that sends its headers a byte at a time is closed after as long.
    public var idleSeconds = 60
    /// Seconds a request's body may take to arrive after its head (default 10); a slower one's
    /// connection is closed.
    public var bodySeconds = 10
    /// Hours a `clientRef` answer is kept for retries (default 168, a week); after that the
    /// same `clientRef` is a new submission.
    public var idempotencyHours = 168
    /// Minutes a moderator's claim on a held item lasts (default 10).
    public var claimMinutes = 10
    /// The reason codes a moderator may give for rejecting a held item.
    public var rejectReasons = ["abusive", "personal-data", "spam", "off-topic", "duplicate", "other"]
    /// API tokens by role: plain tokens (hashed on load) or `sha256:` hex hashes.
    public var tokens: [(value: String, role: Role)] = []
    /// Where state is kept: `sqlite` (the default: a database in the data directory, one
    /// gateway) or a PostgreSQL URL shared by several gateways.
    public var storage = StorageConfiguration.sqlite
    /// A file holding the secret key (at least 16 bytes). Needed with a shared store, where
    /// every gateway must have the same key; with SQLite, the default is `secret.key` in the
    /// data directory.
    public var secretFile: String?

    public init() {}

    /// Keys a configuration file may hold.
    static let keys: Set<String> = [
        "listen", "data_dir", "rules", "pipeline", "limits", "review", "tokens", "storage", "storage_password_file", "secret_file",
    ]

    /// Reads `path`; a missing or bad key is an error that names it.
    public static func load(path: String) throws -> ServerConfiguration {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigurationError("\(path): cannot read: \(error.localizedDescription)")
        }
        guard let root = try Yams.load(yaml: text) else { return ServerConfiguration() }
        guard let map = root as? [String: Any] else { throw ConfigurationError("\(path): expected a mapping at the top level") }
        var configuration = ServerConfiguration()
        for key in map.keys where !keys.contains(key) {
            throw ConfigurationError("\(path): unknown key '\(key)' (known: \(keys.sorted().joined(separator: ", ")))")
        }
        if let listen = map["listen"] {
            guard let listen = listen as? String else { throw ConfigurationError("\(path): 'listen' must be host:port") }
            try configuration.setListen(listen, source: "\(path): 'listen'")
        }
        if let directory = map["data_dir"] {
            guard let directory = directory as? String else { throw ConfigurationError("\(path): 'data_dir' must be a path") }
            configuration.dataDirectory = directory
        }
        if let storage = map["storage"] {
            guard let storage = storage as? String else { throw ConfigurationError("\(path): 'storage' must be sqlite or a postgres:// URL") }
            try configuration.setStorage(storage, source: "\(path): 'storage'")
        }
        if let file = map["storage_password_file"] {
            guard let file = file as? String else { throw ConfigurationError("\(path): 'storage_password_file' must be a path") }
            try configuration.setStoragePassword(file: file, source: "\(path): 'storage_password_file'")
        }
        if let file = map["secret_file"] {
            guard let file = file as? String else { throw ConfigurationError("\(path): 'secret_file' must be a path") }
            configuration.secretFile = file
        }
        if let rules = map["rules"] {
            guard let list = (rules as? [String]) ?? (rules as? String).map({ [$0] }) else {
                throw ConfigurationError("\(path): 'rules' must be a path or a list of paths")
            }
            configuration.rules = list
        }
        if let pipeline = map["pipeline"] {
            guard let list = pipeline as? [String] else { throw ConfigurationError("\(path): 'pipeline' must be a list of plugin names") }
            configuration.pipeline = list
        }
        if let limits = map["limits"] {
            guard let limits = limits as? [String: Any] else { throw ConfigurationError("\(path): 'limits' must be a mapping") }
            let known = ["body_bytes", "body_seconds", "text_chars", "json_depth", "rate_per_minute", "idle_seconds", "idempotency_hours"]
            for (key, value) in limits {
                guard known.contains(key) else { throw ConfigurationError("\(path): unknown key 'limits.\(key)' (known: \(known.joined(separator: ", ")))") }
                guard let number = value as? Int, number > 0 else { throw ConfigurationError("\(path): 'limits.\(key)' must be a positive whole number") }
                switch key {
                case "body_bytes": configuration.maxBodyBytes = number
                case "text_chars": configuration.maxTextCharacters = number
                case "json_depth":
                    // The reader recurses once per level: the limit bounds its stack.
                    guard number <= 256 else { throw ConfigurationError("\(path): 'limits.json_depth' must be at most 256") }
                    configuration.maxJSONDepth = number
                case "idle_seconds": configuration.idleSeconds = number
                case "body_seconds": configuration.bodySeconds = number
                case "idempotency_hours": configuration.idempotencyHours = number
                default: configuration.ratePerMinute = number
                }
            }
        }
        if let review = map["review"] {
            try configuration.setReview(review, path: path)
        }
        if let tokens = map["tokens"] {
            guard let list = tokens as? [[String: Any]] else {
                throw ConfigurationError("\(path): 'tokens' must be a list of {role, token} or {role, sha256}")
            }
            for (index, entry) in list.enumerated() {
                guard let roleName = entry["role"] as? String, let role = Role(rawValue: roleName) else {
                    throw ConfigurationError("\(path): 'tokens[\(index)].role' must be one of \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                if let token = entry["token"] as? String {
                    configuration.tokens.append((token, role))
                } else if let hash = entry["sha256"] as? String {
                    configuration.tokens.append(("sha256:" + hash, role))
                } else {
                    throw ConfigurationError("\(path): 'tokens[\(index)]' needs 'token' or 'sha256'")
                }
            }
        }
        return configuration
    }

    /// Applies `GATEHOUSE_LISTEN`, `GATEHOUSE_DATA_DIR`, `GATEHOUSE_RULES`,
    /// `GATEHOUSE_TOKEN_<ROLE>` (comma-separated tokens), `GATEHOUSE_DATABASE_URL`,
    /// `GATEHOUSE_DATABASE_PASSWORD` or `GATEHOUSE_DATABASE_PASSWORD_FILE`, and
    /// `GATEHOUSE_SECRET_FILE` from `environment`.
    public mutating func applyEnvironment(_ environment: [String: String]) throws {
        if let url = environment["GATEHOUSE_DATABASE_URL"] { try setStorage(url, source: "GATEHOUSE_DATABASE_URL") }
        if let file = environment["GATEHOUSE_DATABASE_PASSWORD_FILE"] {
            try setStoragePassword(file: file, source: "GATEHOUSE_DATABASE_PASSWORD_FILE")
        }
        if let password = environment["GATEHOUSE_DATABASE_PASSWORD"], case .postgres(var settings) = storage {
            settings.password = password
            storage = .postgres(settings)
        }
        if let file = environment["GATEHOUSE_SECRET_FILE"] { secretFile = file }
        if let listen = environment["GATEHOUSE_LISTEN"] { try setListen(listen, source: "GATEHOUSE_LISTEN") }
        if let directory = environment["GATEHOUSE_DATA_DIR"] { dataDirectory = directory }
        if let rules = environment["GATEHOUSE_RULES"] { self.rules = rules.split(separator: ":").map(String.init) }
        for role in Role.allCases {
            guard let value = environment["GATEHOUSE_TOKEN_\(role.rawValue.uppercased())"] else { continue }
            for token in value.split(separator: ",") where !token.isEmpty { tokens.append((String(token), role)) }
        }
    }

    /// Reads the `review:` mapping: `claim_minutes` and `reject_reasons`.
    mutating func setReview(_ value: Any, path: String) throws {
        guard let review = value as? [String: Any] else { throw ConfigurationError("\(path): 'review' must be a mapping") }
        let known = ["claim_minutes", "reject_reasons"]
        for key in review.keys where !known.contains(key) {
            throw ConfigurationError("\(path): unknown key 'review.\(key)' (known: \(known.joined(separator: ", ")))")
        }
        if let minutes = review["claim_minutes"] {
            guard let number = minutes as? Int, (1...1_440).contains(number) else {
                throw ConfigurationError("\(path): 'review.claim_minutes' must be a whole number of minutes from 1 to 1440")
            }
            claimMinutes = number
        }
        if let reasons = review["reject_reasons"] {
            let codes = (reasons as? [Any])?.compactMap { $0 as? String } ?? []
            guard let list = reasons as? [Any], !list.isEmpty, codes.count == list.count,
                codes.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") } })
            else {
                throw ConfigurationError(
                    "\(path): 'review.reject_reasons' must be a list of reason codes (letters, digits, '-' and '_'), such as [abusive, spam]")
            }
            guard Set(codes).count == codes.count else { throw ConfigurationError("\(path): 'review.reject_reasons' lists a code twice") }
            rejectReasons = codes
        }
    }

    /// Sets `storage` from `sqlite` or a `postgres://` URL, keeping a password read earlier
    /// from a file when the URL has none.
    public mutating func setStorage(_ value: String, source: String) throws {
        do {
            var parsed = try StorageConfiguration.parse(value, source: source)
            if case .postgres(var settings) = parsed, settings.password == nil, case .postgres(let earlier) = storage {
                settings.password = earlier.password
                parsed = .postgres(settings)
            }
            storage = parsed
        } catch let error as StorageConfigurationError {
            throw ConfigurationError(error.description)
        }
    }

    /// Reads the PostgreSQL password from `file` (its first line).
    mutating func setStoragePassword(file: String, source: String) throws {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
            throw ConfigurationError("\(source): cannot read the password file \(file)")
        }
        let password = String(text.split(separator: "\n", omittingEmptySubsequences: false).first ?? "")
        guard case .postgres(var settings) = storage else {
            throw ConfigurationError("\(source): a password file is only used with storage: postgres://…; set storage first")
        }
        settings.password = password
        storage = .postgres(settings)
    }

    /// Sets host and port from `host:port`.
    public mutating func setListen(_ value: String, source: String = "--listen") throws {
        guard let colon = value.lastIndex(of: ":"), let port = Int(value[value.index(after: colon)...]), (1...65_535).contains(port) else {
            throw ConfigurationError("\(source): expected host:port such as 127.0.0.1:8080, found '\(value)'")
        }
        host = String(value[..<colon])
        self.port = port
    }

    /// Tokens shorter than this are warned about: they could be guessed.
    static let shortToken = 16

    /// The token store: plain tokens (surrounding spaces trimmed) hashed, `sha256:` entries
    /// taken as hashes. Refuses a hash that is not 64 hex digits and a token given for two
    /// roles (one of them would silently win); warns about short tokens.
    public func tokenStore(logger: Logger? = nil) throws -> TokenStore {
        var hashes: [(sha256Hex: String, role: Role)] = []
        for (value, role) in tokens {
            if value.hasPrefix("sha256:") {
                let hex = value.dropFirst(7).lowercased()
                guard hex.count == 64, hex.allSatisfy({ $0.isASCII && $0.isHexDigit }) else {
                    throw ConfigurationError("tokens: the sha256 for role \(role.rawValue) must be 64 hex digits (the SHA-256 of the token)")
                }
                hashes.append((hex, role))
            } else {
                let token = value.trimmingCharacters(in: .whitespaces)
                guard !token.isEmpty else { throw ConfigurationError("tokens: a token for role \(role.rawValue) is empty") }
                if token.count < Self.shortToken {
                    logger?.warning(
                        "a token is short enough to guess; use a long random string (openssl rand -hex 32)",
                        metadata: ["role": "\(role.rawValue)", "characters": "\(token.count)"])
                }
                hashes.append((Hex.string(TokenStore.digest(token)), role))
            }
        }
        var roles: [String: Role] = [:]
        for (hash, role) in hashes {
            if let other = roles.updateValue(role, forKey: hash), other != role {
                throw ConfigurationError(
                    "tokens: the same token is given for roles \(other.rawValue) and \(role.rawValue); give each role a token of its own")
            }
        }
        return TokenStore(hashes: hashes)
    }
}

/// A configuration that cannot be used, with the file or variable and the key.
public struct ConfigurationError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
