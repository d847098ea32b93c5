import Foundation
import GatehouseCore

/// A request that cannot be taken, with the HTTP status and a message that names the field.
public struct GatewayError: Error, Sendable, Equatable, CustomStringConvertible {
    public var status: Int
    public var message: String
    /// Seconds the client should wait before trying again (`Retry-After`), for 429 and 503.
    public var retryAfter: Int?
    /// For a conflict: the thing as it is now, a JSON object sent as `current` beside the error.
    public var current: [UInt8]?

    public init(_ status: Int, _ message: String, retryAfter: Int? = nil, current: [UInt8]? = nil) {
        self.status = status
        self.message = message
        self.retryAfter = retryAfter
        self.current = current
    }

    public var description: String { "\(status): \(message)" }
}

extension GatewayError {
    /// A submission's field error as an HTTP error: 413 for size, 400 otherwise.
    init(_ error: SubmissionInputError) {
        self.init(error.tooLarge ? 413 : 400, error.message)
    }
}
