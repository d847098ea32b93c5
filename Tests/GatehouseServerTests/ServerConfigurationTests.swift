import Crypto
import Foundation
import GatehouseServer
import Testing

@Suite("Server configuration")
struct ServerConfigurationTests {
    private func write(_ yaml: String) throws -> (TemporaryDirectory, String) {
        let directory = try TemporaryDirectory()
        let path = directory.url.appendingPathComponent("gatehouse.yaml").path
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return (directory, path)
    }

    @Test("defaults are safe: loopback, 64 KiB bodies, no tokens")
    func defaults() throws {
        let configuration = ServerConfiguration()
        #expect(configuration.host == "127.0.0.1")
        #expect(configuration.port == 8080)
        #expect(configuration.maxBodyBytes == 65_536)
        #expect(configuration.idleSeconds == 60)
        #expect(try configuration.tokenStore().isEmpty)
    }

    @Test("a file, then the environment: every key read, tokens hashed or given as hashes")
    func fileAndEnvironment() throws {
        let hash = SHA256.hash(data: Data("hashed-admin".utf8)).map { String(format: "%02x", $0) }.joined()
        let (directory, path) = try write("""
            listen: 0.0.0.0:9090
            data_dir: /var/lib/gatehouse
            rules: [rules, extra]
            limits: {body_bytes: 1024, rate_per_minute: 60, idle_seconds: 5}
            tokens:
              - {role: intake, token: plain-intake}
              - {role: admin, sha256: \(hash)}
            """)
        _ = directory
        var configuration = try ServerConfiguration.load(path: path)
        #expect(configuration.host == "0.0.0.0" && configuration.port == 9090)
        #expect(configuration.rules == ["rules", "extra"])
        #expect(configuration.maxBodyBytes == 1_024 && configuration.ratePerMinute == 60 && configuration.idleSeconds == 5)
        try configuration.applyEnvironment(["GATEHOUSE_LISTEN": "127.0.0.1:7000", "GATEHOUSE_TOKEN_MODERATOR": "m1, m2"])
        #expect(configuration.port == 7000)
        let store = try configuration.tokenStore()
        #expect(store.role(of: "plain-intake") == .intake)
        #expect(store.role(of: "hashed-admin") == .admin)
        #expect(store.role(of: "m2") == .moderator)
        #expect(store.role(of: "nope") == nil)
    }

    @Test("tokens: a malformed hash or one token for two roles stops the start; a short token is warned about", arguments: [
        ([("sha256:abc", Role.admin)], "the sha256 for role admin must be 64 hex digits"),
        ([("sha256:" + String(repeating: "g", count: 64), Role.admin)], "the sha256 for role admin must be 64 hex digits"),
        ([("  ", Role.intake)], "a token for role intake is empty"),
        ([("shared-token-0123456789", Role.intake), ("shared-token-0123456789", Role.admin)], "the same token is given for roles intake and admin"),
        ([("shared-token-0123456789", Role.intake), ("sha256:" + SHA256.hash(data: Data("shared-token-0123456789".utf8)).map { String(format: "%02x", $0) }.joined(), Role.moderator)],
         "the same token is given for roles intake and moderator"),
    ])
    func badTokens(tokens: [(String, Role)], message: String) throws {
        var configuration = ServerConfiguration()
        configuration.tokens = tokens.map { (value: $0.0, role: $0.1) }
        let error = try #require(throws: ConfigurationError.self) { try configuration.tokenStore() }
        #expect(error.description.contains(message), "\(error)")
    }

    @Test("a short token works but is warned about, without the token in the warning")
    func shortToken() throws {
        var configuration = ServerConfiguration()
        configuration.tokens = [("dev-intake", .intake), ("a-long-random-token-0123456789", .admin), ("dev-intake", .intake)]
        let capture = LogCapture()
        let store = try configuration.tokenStore(logger: capture.logger)
        #expect(store.role(of: "dev-intake") == .intake)
        #expect(capture.text.contains("a token is short enough to guess"))
        #expect(capture.text.contains("role=intake"))
        #expect(!capture.text.contains("role=admin"))
        #expect(!capture.text.contains("dev-intake"))
    }

    @Test("bad files are refused with the file and the key", arguments: [
        ("listn: 127.0.0.1:1", "unknown key 'listn'"),
        ("listen: here", "'listen'"),
        ("limits: {body_bites: 3}", "limits.body_bites"),
        ("limits: {body_bytes: -3}", "limits.body_bytes"),
        ("tokens: [{role: god, token: x}]", "tokens[0].role"),
        ("tokens: [{role: admin}]", "'tokens[0]' needs 'token' or 'sha256'"),
    ])
    func badFiles(yaml: String, message: String) throws {
        let (directory, path) = try write(yaml)
        _ = directory
        do {
            _ = try ServerConfiguration.load(path: path)
            Issue.record("expected \(yaml) to be refused")
        } catch let error as ConfigurationError {
            #expect(error.description.contains(path))
            #expect(error.description.contains(message), "\(error)")
        }
    }
}
