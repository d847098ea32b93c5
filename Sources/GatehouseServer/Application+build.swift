import Foundation
import GatehouseCore
import Hummingbird
import Logging

/// The routes of the gateway and the roles each admits.
public enum Routes {
    /// Every route as `METHOD path`, with its roles (empty: no token needed). The OpenAPI
    /// document in docs/openapi.yaml lists the same routes; a test checks that they agree.
    public static let table: [(method: String, path: String, roles: Set<Role>)] = [
        ("POST", "/v1/submissions", [.intake, .admin]),
        ("POST", "/v1/check", [.author, .moderator, .admin]),
        ("GET", "/v1/contributions", [.intake, .moderator, .admin]),
        ("GET", "/v1/review", [.moderator, .admin]),
        ("GET", "/v1/review/events", [.moderator, .admin]),
        ("POST", "/v1/review/bulk", [.moderator, .admin]),
        ("GET", "/v1/review/{id}", [.moderator, .admin]),
        ("POST", "/v1/review/{id}/claim", [.moderator, .admin]),
        ("POST", "/v1/review/{id}/release", [.moderator, .admin]),
        ("POST", "/v1/review/{id}/approve", [.moderator, .admin]),
        ("POST", "/v1/review/{id}/edit", [.moderator, .admin]),
        ("POST", "/v1/review/{id}/reject", [.moderator, .admin]),
        ("GET", "/v1/audit", [.moderator, .admin]),
        ("GET", "/v1/audit/verify", [.moderator, .admin]),
        ("POST", "/v1/rules/reload", [.author, .admin]),
        ("GET", "/metrics", [.admin]),
        ("GET", "/healthz", []),
        ("GET", "/readyz", []),
    ]

    static func roles(_ method: String, _ path: String) -> Set<Role> {
        table.first { $0.method == method && $0.path == path }!.roles
    }

    /// The methods the table has for a request path (`{id}` matches any one segment); empty
    /// for a path the server does not have.
    ///
    /// Where a literal segment and a parameter both match (`/v1/review/bulk` and
    /// `/v1/review/{id}`), only the most literal routes count, as the router picks them:
    /// `/v1/review/bulk` takes POST alone.
    static func methods(forPath path: Substring) -> [String] {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        let matching = table.compactMap { route -> (method: String, parameters: Int)? in
            let pattern = route.path.split(separator: "/", omittingEmptySubsequences: false)
            guard pattern.count == segments.count,
                zip(pattern, segments).allSatisfy({ $0.first == "{" ? !$1.isEmpty : $0 == $1 })
            else { return nil }
            return (route.method, pattern.count { $0.first == "{" })
        }
        guard let fewest = matching.map(\.parameters).min() else { return [] }
        return matching.filter { $0.parameters == fewest }.map(\.method)
    }
}

/// Builds the HTTP application over `gateway`: the same function serves `gatehouse serve` and the tests.
public func buildApplication(gateway: Gateway, logger: Logger = Logger(label: "gatehouse.http")) -> some ApplicationProtocol {
    let router = Router(context: BasicRequestContext.self)
    // The access log: method, route pattern and status only; never a path as sent, a body, an
    // IP address or a user agent.
    router.middlewares.add(AccessLogMiddleware(logger: logger))
    router.middlewares.add(SecurityHeadersMiddleware())
    router.middlewares.add(MethodNotAllowedMiddleware())
    let support = RouteSupport(gateway: gateway)
    @Sendable func authorize(_ request: Request, _ method: String, _ path: String) throws -> Caller {
        try support.authorize(request, method, path)
    }
    @Sendable func body(_ request: Request) async throws -> Data { try await support.body(request) }
    @Sendable func query(_ request: Request, _ name: String) -> String? { support.query(request, name) }
    @Sendable func page(_ request: Request) throws -> (after: Int64, limit: Int) { try support.page(request) }

    router.post("/v1/submissions") { request, _ -> Response in
        let caller = try authorize(request, "POST", "/v1/submissions")
        let data = try await body(request)
        do {
            return .json(try await gateway.submit(data, caller: caller))
        } catch let error as GatewayError {
            throw error.http
        }
    }
    router.post("/v1/check") { request, _ -> Response in
        _ = try authorize(request, "POST", "/v1/check")
        let enforcingShadow: Bool
        switch query(request, "shadow") {
        case nil, "record": enforcingShadow = false
        case "enforce": enforcingShadow = true
        case let other?:
            throw HTTPError(.badRequest, message: "query 'shadow' must be 'record' (the default) or 'enforce', not '\(other.prefix(40))'")
        }
        let data = try await body(request)
        do {
            return .json(try await gateway.check(data, enforcingShadow: enforcingShadow))
        } catch let error as GatewayError {
            throw error.http
        }
    }
    router.get("/v1/contributions") { request, _ -> Response in
        _ = try authorize(request, "GET", "/v1/contributions")
        let (after, limit) = try page(request)
        return .json(try await gateway.contributions(conversation: query(request, "conversation"), after: after, limit: limit))
    }
    ReviewRoutes(service: gateway.reviews, support: support).add(to: router)
    for page in [BundledPage.review, .playground, .shared] { page.add(to: router, logger: logger) }
    router.get("/v1/audit") { request, _ -> Response in
        _ = try authorize(request, "GET", "/v1/audit")
        let (after, limit) = try page(request)
        return .json(try await gateway.auditEntries(after: after, limit: limit))
    }
    router.get("/v1/audit/verify") { request, _ -> Response in
        _ = try authorize(request, "GET", "/v1/audit/verify")
        do {
            return .json(try await gateway.verifyAudit(anchor: query(request, "anchor")))
        } catch let error as GatewayError {
            throw error.http
        }
    }
    router.post("/v1/rules/reload") { request, _ -> Response in
        let caller = try authorize(request, "POST", "/v1/rules/reload")
        do {
            return .json(try await gateway.reloadRules(actor: caller.label))
        } catch let error as GatewayError {
            throw error.http
        }
    }
    router.get("/metrics") { request, _ -> Response in
        _ = try authorize(request, "GET", "/metrics")
        return Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
            body: .init(byteBuffer: ByteBuffer(string: try await gateway.metricsText())))
    }
    router.get("/healthz") { _, _ -> Response in
        .json(GatewayResponse(200) { $0.field("status", "ok") })
    }
    router.get("/readyz") { _, _ -> Response in
        .json(await gateway.readiness())
    }

    let configuration = gateway.configuration
    return Application(
        router: router,
        // A connection that sends nothing for this long is closed, and so is one whose request
        // body takes too long to arrive, so idle, stalled or trickling clients cannot hold
        // sockets (and the tasks reading them) open for ever.
        server: .http1(
            configuration: .init(
                additionalChannelHandlers: [RequestBodyDeadline(seconds: configuration.bodySeconds)],
                idleTimeout: .seconds(Int64(configuration.idleSeconds)))),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "gatehouse"),
        services: [MaintenanceService(gateway: gateway, interval: .seconds(600), logger: logger)]
            + (gateway.stores.coordination == nil ? [] : [CoordinationService(gateway: gateway, interval: .seconds(1), logger: logger)]),
        logger: logger)
}

extension GatewayError {
    /// As an HTTP error with the same status and message (and the `current` state of a conflict).
    var http: any HTTPResponseError {
        var headers = HTTPFields()
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        if let current { return ConflictError(status: HTTPResponse.Status(code: status), message: message, current: current) }
        return HTTPError(HTTPResponse.Status(code: status), headers: headers, message: message)
    }
}

/// An error answered as `{"error": {"message": …}, "current": {…}}`: a 409 that shows the
/// thing as it now is, so that the client need not read it again to see what changed.
struct ConflictError: HTTPResponseError {
    let status: HTTPResponse.Status
    let message: String
    let current: [UInt8]
    var headers: HTTPFields { [.contentType: "application/json"] }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var json = JSONText(capacity: current.count + message.utf8.count + 48)
        json.object { json in
            json.key("error")
            json.object { $0.field("message", message) }
            json.key("current")
            json.raw(String(decoding: current, as: UTF8.self))
        }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: json.bytes)))
    }
}

extension Response {
    static func json(_ response: GatewayResponse) -> Response {
        Response(
            status: HTTPResponse.Status(code: response.status), headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: response.body)))
    }
}

/// A path the server has, asked with a method it does not take: 405 with an `Allow` header
/// instead of the router's 404. A 404 from a route itself (an unknown item id) passes through.
struct MethodNotAllowedMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPResponseError where error.status == .notFound {
            let methods = Routes.methods(forPath: Substring(request.uri.path))
            guard !methods.isEmpty, !methods.contains(request.method.rawValue) else { throw error }
            throw HTTPError(
                .methodNotAllowed, headers: [.allow: methods.joined(separator: ", ")],
                message: "\(request.method.rawValue) is not allowed on this path; use \(methods.joined(separator: " or "))")
        }
    }
}

/// Logs each request's method, route, status and time, and nothing else. The route is the
/// matched pattern (`/v1/review/{id}/approve`), never the path as sent: a path is whatever the
/// caller typed, and could carry personal data; an unmatched one is logged as `NotFound`.
struct AccessLogMiddleware<Context: RequestContext>: RouterMiddleware {
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = DispatchTime.now().uptimeNanoseconds
        do {
            let response = try await next(request, context)
            log(request, context, status: Int(response.status.code), started: started)
            return response
        } catch let error as HTTPResponseError {
            log(request, context, status: Int(error.status.code), started: started)
            throw error
        } catch {
            // Anything else becomes a 500. The error's type names what failed; its description
            // is not logged, as it might quote a value.
            logger.error("request failed", metadata: ["route": "\(Self.route(context))", "error": "\(type(of: error))"])
            log(request, context, status: 500, started: started)
            throw error
        }
    }

    /// The matched route pattern, as the router recorded it.
    static func route(_ context: Context) -> String { context.endpointPath ?? "NotFound" }

    private func log(_ request: Request, _ context: Context, status: Int, started: UInt64) {
        logger.info(
            "request",
            metadata: [
                "method": "\(request.method.rawValue)", "route": "\(Self.route(context))", "status": "\(status)",
                "ms": "\(String(format: "%.1f", Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6))",
            ])
    }
}
