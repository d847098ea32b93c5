import Foundation
import GatehouseCore
import Synchronization

/// Announces changes to the review queue to open pages (`GET /v1/review/events`): an item
/// held, claimed, released or decided. Each event names the item, its status, version and
/// claim; never its text.
///
/// Each subscriber has a bounded buffer: one that reads too slowly loses the oldest events
/// rather than growing the gateway's memory (a page that missed events reloads the list).
public final class ReviewEvents: Sendable {
    /// One server-sent event.
    public struct Event: Sendable, Equatable {
        /// `held`, `claimed`, `released`, `approved`, `edited`, `rejected`, or `ping` (a heartbeat).
        public var name: String
        /// A JSON object.
        public var data: String
        /// A number that rises with each event of this gateway.
        public var id: UInt64
    }

    private struct State {
        var subscribers: [UInt64: AsyncStream<Event>.Continuation] = [:]
        var nextSubscriber: UInt64 = 0
        var nextEvent: UInt64 = 0
    }

    private let state = Mutex(State())
    /// Events a subscriber may fall behind by before the oldest are dropped.
    let buffer: Int

    public init(buffer: Int = 256) { self.buffer = buffer }

    /// A stream of every event from now on; it ends when the caller stops reading it.
    public func subscribe() -> AsyncStream<Event> {
        let (stream, continuation) = AsyncStream<Event>.makeStream(bufferingPolicy: .bufferingNewest(buffer))
        let key = state.withLock { state in
            let key = state.nextSubscriber
            state.nextSubscriber += 1
            state.subscribers[key] = continuation
            return key
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0.subscribers.removeValue(forKey: key) }
        }
        return stream
    }

    /// How many pages are listening.
    public var subscriberCount: Int { state.withLock { $0.subscribers.count } }

    /// Sends `name` about `item` to every subscriber.
    func publish(_ name: String, item: ReviewItem) {
        var json = JSONText(capacity: 192)
        json.object { json in
            json.field("id", item.id)
            json.field("seq", item.seq)
            json.field("status", item.status)
            json.field("version", item.version)
            json.field("reasons", item.reasons)
            json.key("claim")
            ReviewJSON.write(claim: item.claim, into: &json)
        }
        publish(name, data: json.text)
    }

    func publish(_ name: String, data: String) {
        state.withLock { state in
            state.nextEvent += 1
            let event = Event(name: name, data: data, id: state.nextEvent)
            for continuation in state.subscribers.values { continuation.yield(event) }
        }
    }

    /// Ends every stream (the gateway is shutting down).
    func finishAll() {
        let continuations = state.withLock { state in
            defer { state.subscribers.removeAll() }
            return Array(state.subscribers.values)
        }
        for continuation in continuations { continuation.finish() }
    }
}

extension ReviewEvents.Event {
    /// The event in the `text/event-stream` format.
    public var wireFormat: String { "id: \(id)\nevent: \(name)\ndata: \(data)\n\n" }
}
