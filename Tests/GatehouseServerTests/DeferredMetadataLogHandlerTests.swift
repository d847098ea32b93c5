import GatehouseServer
import Logging
import Synchronization
import Testing

@Suite("Log lines: metadata formatted when written")
struct DeferredMetadataLogHandlerTests {
    /// Collects what a handler writes.
    final class Lines: TextOutputStream, Sendable {
        private let text = Mutex("")
        func write(_ string: String) { text.withLock { $0 += string } }
        /// The lines written, each without its timestamp (the first word).
        var written: [String] {
            text.withLock { $0 }.split(separator: "\n").map { $0.split(separator: " ", maxSplits: 1).last.map(String.init) ?? "" }
        }
    }

    @Test("the same lines as swift-log's stream handler: logger metadata, a call's own metadata over it, levels honoured")
    func sameLines() {
        let plain = Lines()
        let deferred = Lines()
        var loggers = [
            Logger(label: "gatehouse") { StreamLogHandler(label: $0, stream: plain, metadataProvider: nil) },
            Logger(label: "gatehouse") { DeferredMetadataLogHandler(StreamLogHandler(label: $0, stream: deferred, metadataProvider: nil)) },
        ]
        for index in loggers.indices {
            loggers[index].logLevel = .notice
            loggers[index][metadataKey: "psql_connection_id"] = "7"
            loggers[index][metadataKey: "route"] = "submissions"
            loggers[index].info("not written: below the level")
            loggers[index].notice("store reachable again", metadata: ["route": "override", "attempt": "2"])
            loggers[index][metadataKey: "psql_connection_id"] = nil
            loggers[index].error("store unreachable")
        }
        #expect(plain.written.count == 2)
        #expect(deferred.written == plain.written)
        #expect(deferred.written.first?.contains("route=override") == true)
    }
}
