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

extension Submission {
    /// How far ahead of the clock a `receivedAt` may be (clock skew between hosts).
    public static let allowedClockSkew: TimeInterval = 300

    /// Refuses a `receivedAt` more than `allowedClockSkew` after `now`. No submission is
    /// received in the future, and a time there would be taken by the duplicate index as its
    /// present, so that every earlier fingerprint fell out of its window at once.
    public func checkReceivedAt(now: Date) throws(SubmissionInputError) {
        guard let receivedAt, receivedAt.timeIntervalSince(now) > Self.allowedClockSkew else { return }
        throw SubmissionInputError("field 'receivedAt' is ahead of the clock by more than \(Int(Self.allowedClockSkew / 60)) minutes")
    }
}
