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
    func defaults() {
        let configuration = ServerConfiguration()
        #expect(configuration.host == "127.0.0.1")
        #expect(configuration.port == 8080)
        #expect(configuration.maxBodyBytes == 65_536)
        #expect(configuration.idleSeconds == 60)
        #expect(configuration.tokenStore.isEmpty)
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
        try configuration.applyEnvironment(["GATEHOUSE_LISTEN": "127.0.0.1:7000", "GATEHOUSE_TOKEN_MODERATOR": "m1,m2"])
        #expect(configuration.port == 7000)
        let store = configuration.tokenStore
        #expect(store.role(of: "plain-intake") == .intake)
        #expect(store.role(of: "hashed-admin") == .admin)
        #expect(store.role(of: "m2") == .moderator)
        #expect(store.role(of: "nope") == nil)
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
