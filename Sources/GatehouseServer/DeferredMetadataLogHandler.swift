import Logging

/// swift-log's `StreamLogHandler`, except that metadata set on a logger is formatted only when
/// a line is written. `StreamLogHandler` formats all of its metadata each time any of it
/// changes, and PostgresNIO sets a connection's id on its logger for every query (Hummingbird
/// a request's id for every request), almost always on loggers that then write nothing: under
/// load that formatting was over 1% of a gateway's CPU. Lines come out the same.
public struct DeferredMetadataLogHandler: LogHandler {
    private var base: StreamLogHandler
    public var metadata: Logger.Metadata = [:]

    /// A handler writing to standard error, as swift-log's default does.
    public static func standardError(label: String) -> DeferredMetadataLogHandler {
        DeferredMetadataLogHandler(StreamLogHandler.standardError(label: label))
    }

    public init(_ base: StreamLogHandler) {
        self.base = base
    }

    public var logLevel: Logger.Level {
        get { base.logLevel }
        set { base.logLevel = newValue }
    }

    public var metadataProvider: Logger.MetadataProvider? {
        get { base.metadataProvider }
        set { base.metadataProvider = newValue }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var event = event
        if !metadata.isEmpty { event.metadata = metadata.merging(event.metadata ?? [:]) { _, explicit in explicit } }
        base.log(event: event)
    }
}
