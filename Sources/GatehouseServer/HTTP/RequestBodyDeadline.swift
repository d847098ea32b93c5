import NIOCore
import NIOHTTPTypes

/// Closes a connection whose request body has not all arrived within a time limit of its head.
///
/// Hummingbird closes a connection that sends nothing between requests (`limits.idle_seconds`),
/// which also ends a client that sends its headers a byte at a time; but once a request's head
/// has arrived the connection is busy, and a body sent a byte a second would hold it, and the
/// task reading it, for ever. Here the body must be complete within `limits.body_seconds` of
/// the head, or the connection is closed (the route reading it fails; nothing is kept).
///
/// Free for ordinary requests: a timer is set only when a read ends part-way through a body,
/// and cancelled when the body's end arrives.
final class RequestBodyDeadline: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    private let limit: TimeAmount
    /// When the current request's head arrived, while its body has not all arrived.
    private var headArrived: NIODeadline?
    private var timer: Scheduled<Void>?

    init(seconds: Int) {
        limit = .seconds(Int64(seconds))
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            headArrived = .now()
        case .end:
            headArrived = nil
            timer?.cancel()
            timer = nil
        case .body:
            break
        }
        context.fireChannelRead(data)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if let headArrived, timer == nil {
            timer = context.eventLoop.assumeIsolatedUnsafeUnchecked().scheduleTask(deadline: headArrived + limit) { [weak self] in
                guard let self, self.headArrived != nil else { return }
                self.timer = nil
                context.close(promise: nil)
            }
        }
        context.fireChannelReadComplete()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
    }
}
