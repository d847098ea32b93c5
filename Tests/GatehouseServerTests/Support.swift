import Foundation
import GatehouseCore
import GatehouseServer
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Synchronization

let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// A fresh temporary directory, removed when the test ends.
final class TemporaryDirectory: Sendable {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(at: url) }
    var path: String { url.path }
}

/// The token of each role in the tests.
let tokens: [Role: String] = [.intake: "intake-token-1", .moderator: "moderator-token-1", .author: "author-token-1", .admin: "admin-token-1"]

/// A configuration over a temporary data directory, the shipped rules, and one token a role.
func testConfiguration(_ directory: TemporaryDirectory, rules: [String]? = nil) -> ServerConfiguration {
    var configuration = ServerConfiguration()
    configuration.port = 0
    configuration.dataDirectory = directory.url.appendingPathComponent("data").path
    configuration.rules = rules ?? [repositoryRoot.appendingPathComponent("rules").path]
    configuration.tokens = tokens.map { ($0.value, $0.key) }
    return configuration
}

/// Every log line, kept in memory so that tests can read what the server logged.
final class LogCapture: Sendable {
    let lines = Mutex<[String]>([])

    var logger: Logger {
        var logger = Logger(label: "gatehouse.test") { _ in CaptureHandler(capture: self) }
        logger.logLevel = .trace
        return logger
    }

    var text: String { lines.withLock { $0.joined(separator: "\n") } }

    struct CaptureHandler: LogHandler {
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String, file: String, function: String, line: UInt) {
            let all = self.metadata.merging(metadata ?? [:]) { $1 }
            let rendered = all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            capture.lines.withLock { $0.append("\(level) \(message) \(rendered)") }
        }
    }
}

func bearer(_ role: Role) -> HTTPFields { [.authorization: "Bearer \(tokens[role]!)"] }

func json(_ object: [String: Any]) -> ByteBuffer {
    ByteBuffer(bytes: try! JSONSerialization.data(withJSONObject: object))
}

func decode(_ response: TestResponse) -> [String: Any] {
    (try? JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]) ?? [:]
}
