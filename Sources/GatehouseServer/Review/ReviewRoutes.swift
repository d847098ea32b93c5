import Foundation
import GatehouseCore
import HTTPTypes
import Hummingbird
import NIOCore
import ServiceLifecycle

/// The moderators' routes, `/v1/review…`, over the review service.
struct ReviewRoutes: Sendable {
    let service: ReviewService
    let support: RouteSupport
    /// Seconds between heartbeats on an idle event stream (a comment line), so that proxies
    /// keep it open and a page notices a gateway that went away.
    var heartbeatSeconds = 15

    func add(to router: Router<some RequestContext>) {
        router.get("/v1/review") { request, _ -> Response in
            _ = try support.authorize(request, "GET", "/v1/review")
            let query = try reviewQuery(request)
            return try await support.answer { try await service.list(query) }
        }
        router.get("/v1/review/events") { request, _ -> Response in
            _ = try support.authorize(request, "GET", "/v1/review/events")
            return eventStream()
        }
        router.post("/v1/review/bulk") { request, _ -> Response in
            let caller = try support.authorize(request, "POST", "/v1/review/bulk")
            let body = try await support.body(request)
            return try await support.answer { try await service.bulk(body: body, caller: caller) }
        }
        router.get("/v1/review/{id}") { request, context -> Response in
            _ = try support.authorize(request, "GET", "/v1/review/{id}")
            let id = try context.parameters.require("id")
            return try await support.answer { try await service.detail(id: id) }
        }
        router.post("/v1/review/{id}/claim") { request, context -> Response in
            let caller = try support.authorize(request, "POST", "/v1/review/{id}/claim")
            let id = try context.parameters.require("id")
            let body = try await support.body(request)
            return try await support.answer { try await service.claim(id: id, body: body, caller: caller) }
        }
        router.post("/v1/review/{id}/release") { request, context -> Response in
            let caller = try support.authorize(request, "POST", "/v1/review/{id}/release")
            let id = try context.parameters.require("id")
            let body = try await support.body(request)
            return try await support.answer { try await service.release(id: id, body: body, caller: caller) }
        }
        for action in ReviewResolution.Action.allCases {
            let path = "/v1/review/{id}/\(action.rawValue)"
            router.post(RouterPath(path)) { request, context -> Response in
                let caller = try support.authorize(request, "POST", path)
                let id = try context.parameters.require("id")
                let body = try await support.body(request)
                return try await support.answer { try await service.decide(id: id, action: action, body: body, caller: caller) }
            }
        }
    }

    /// The listing's query parameters, or a 400 naming the one that is wrong.
    func reviewQuery(_ request: Request) throws -> ReviewQuery {
        var query = ReviewQuery()
        (query.after, query.limit) = try support.page(request)
        if let text = support.query(request, "status") {
            guard let status = ReviewQuery.Status(rawValue: text) else {
                throw HTTPError(.badRequest, message: "query parameter 'status' must be one of \(ReviewQuery.Status.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            query.status = status
        }
        if let text = support.query(request, "order") {
            guard let order = ReviewQuery.Order(rawValue: text) else {
                throw HTTPError(.badRequest, message: "query parameter 'order' must be oldest or priority")
            }
            query.order = order
        }
        query.reason = support.query(request, "reason")
        query.plugin = support.query(request, "plugin")
        query.conversation = support.query(request, "conversation")
        return query
    }

    /// `text/event-stream` of the queue's changes, with a heartbeat comment when idle; it
    /// ends when the client goes or the gateway shuts down.
    func eventStream() -> Response {
        let events = service.events.subscribe()
        let heartbeat = heartbeatSeconds
        return Response(
            status: .ok,
            headers: [.contentType: "text/event-stream", .cacheControl: "no-store", HTTPField.Name("X-Accel-Buffering")!: "no"],
            body: ResponseBody { writer in
                let (output, continuation) = AsyncStream<String>.makeStream(bufferingPolicy: .bufferingNewest(512))
                let forward = Task {
                    for await event in events { continuation.yield(event.wireFormat) }
                    continuation.finish()
                }
                let beat = Task {
                    while !Task.isCancelled {
                        try await Task.sleep(for: .seconds(heartbeat))
                        continuation.yield(": ping\n\n")
                    }
                }
                defer {
                    forward.cancel()
                    beat.cancel()
                }
                try await withGracefulShutdownHandler {
                    try await writer.write(ByteBuffer(string: "retry: 3000\n: connected\n\n"))
                    for await chunk in output {
                        try await writer.write(ByteBuffer(string: chunk))
                    }
                } onGracefulShutdown: {
                    continuation.finish()
                }
                try await writer.finish(nil)
            })
    }
}
