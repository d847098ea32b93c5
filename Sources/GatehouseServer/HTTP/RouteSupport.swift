import Foundation
import GatehouseCore
import Hummingbird

/// What every route group needs from a request: the caller (authorised for the route), the
/// body (within the size limit), query parameters, and a page's `after` and `limit`.
struct RouteSupport: Sendable {
    let gateway: Gateway

    /// The caller, authorised for `method path` as `Routes.table` says; 401/403/429 otherwise.
    func authorize(_ request: Request, _ method: String, _ path: String) throws -> Caller {
        do {
            return try gateway.authorize(request.headers[.authorization], allowed: Routes.roles(method, path))
        } catch {
            throw error.http
        }
    }

    /// The whole body, or a 413 past `limits.body_bytes`.
    func body(_ request: Request) async throws -> Data {
        let maxBody = gateway.configuration.maxBodyBytes
        do {
            var buffer = try await request.body.collect(upTo: maxBody)
            return buffer.readData(length: buffer.readableBytes) ?? Data()
        } catch {
            gateway.metrics.refused(status: 413)
            throw HTTPError(.contentTooLarge, message: "the body is larger than \(maxBody) bytes")
        }
    }

    func query(_ request: Request, _ name: String) -> String? { request.uri.queryParameters.get(name) }

    /// The `after` and `limit` query parameters of a paged route, or a 400 naming the one that is wrong.
    func page(_ request: Request) throws -> (after: Int64, limit: Int) {
        var after: Int64 = 0
        var limit = 100
        if let text = query(request, "after") {
            guard let number = Int64(text), number >= 0 else {
                throw HTTPError(.badRequest, message: "query parameter 'after' must be a whole number ≥ 0 (the last page's next)")
            }
            after = number
        }
        if let text = query(request, "limit") {
            guard let number = Int(text), (1...Gateway.maxPageSize).contains(number) else {
                throw HTTPError(.badRequest, message: "query parameter 'limit' must be a whole number from 1 to \(Gateway.maxPageSize)")
            }
            limit = number
        }
        return (after, limit)
    }

    /// Runs a service call, turning a `GatewayError` into its HTTP answer.
    func answer(_ call: () async throws -> GatewayResponse) async throws -> Response {
        do {
            return .json(try await call())
        } catch let error as GatewayError {
            throw error.http
        }
    }
}
