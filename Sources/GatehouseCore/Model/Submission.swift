import Foundation

/// What the intake sends: one contribution and its optional metadata.
public struct Submission: Sendable, Hashable, Codable {
    /// The contribution as written. Never logged, never stored raw.
    public var text: String
    /// The topic or thread it belongs to, if any.
    public var conversation: String?
    /// An opaque session token from the platform. Pseudonymised before any use.
    public var contributor: String?
    /// The intake's idempotency key, if any.
    public var clientRef: String?
    /// When the platform received it; the clock is used when absent.
    public var receivedAt: Date?

    public init(
        text: String, conversation: String? = nil, contributor: String? = nil,
        clientRef: String? = nil, receivedAt: Date? = nil
    ) {
        self.text = text
        self.conversation = conversation
        self.contributor = contributor
        self.clientRef = clientRef
        self.receivedAt = receivedAt
    }
}
