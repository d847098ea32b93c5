import Foundation
import GatehouseServer
import Testing

@Suite("The data directory and its secret key")
struct DataDirectoryTests {
    func mode(_ path: String) throws -> Int {
        try #require(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
    }

    /// A data directory a gateway has started on once, and the path of its key.
    func startedOnce() throws -> (directory: TemporaryDirectory, configuration: ServerConfiguration, key: String) {
        let directory = try TemporaryDirectory()
        let configuration = testConfiguration(directory)
        _ = try Gateway(configuration: configuration)
        return (directory, configuration, (configuration.dataDirectory as NSString).appendingPathComponent("secret.key"))
    }

    @Test("first start: the directory is 0700 and the key is 32 random bytes at 0600, kept across restarts")
    func firstStart() throws {
        let (directory, configuration, key) = try startedOnce()
        _ = directory
        #expect(try mode(configuration.dataDirectory) == 0o700)
        #expect(try mode(key) == 0o600)
        let first = try Data(contentsOf: URL(fileURLWithPath: key))
        #expect(first.count == 32)
        _ = try Gateway(configuration: configuration)
        #expect(try Data(contentsOf: URL(fileURLWithPath: key)) == first)
    }

    @Test("a second gateway on the same data directory is refused, naming the first; once it is gone, one starts again")
    func oneGatewayPerDirectory() throws {
        let directory = try TemporaryDirectory()
        let configuration = testConfiguration(directory)
        var first: Gateway? = try Gateway(configuration: configuration)
        let error = try #require(throws: ConfigurationError.self) { try Gateway(configuration: configuration) }
        #expect(error.description.contains("is in use by another gateway (pid \(getpid()), started "), "\(error)")
        #expect(error.description.contains("--data-dir"))
        _ = first
        first = nil
        _ = try Gateway(configuration: configuration)
    }

    @Test("a lost key beside an existing database stops the start instead of silently making a new one")
    func lostKey() throws {
        let (directory, configuration, key) = try startedOnce()
        _ = directory
        try FileManager.default.removeItem(atPath: key)
        let error = try #require(throws: ConfigurationError.self) { try Gateway(configuration: configuration) }
        #expect(error.description.contains("secret.key is missing, but the database beside it exists"))
        #expect(error.description.contains("Restore the key from a backup"))
        #expect(!FileManager.default.fileExists(atPath: key))
    }

    @Test("a key or directory other users can read is warned about")
    func loosePermissions() throws {
        let (directory, configuration, key) = try startedOnce()
        _ = directory
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: key)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: configuration.dataDirectory)
        let capture = LogCapture()
        _ = try Gateway(configuration: configuration, logger: capture.logger)
        #expect(capture.text.contains("the secret key can be read by other users; chmod 600 it"))
        #expect(capture.text.contains("the data directory can be read by other users; chmod 700 it"))
    }
}
