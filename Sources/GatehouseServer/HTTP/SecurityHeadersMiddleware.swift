import HTTPTypes
import Hummingbird

/// Headers on every answer, errors included, so that nothing the gateway sends can be sniffed
/// into another type, leak a URL to another site, be framed, or run script: the pages get a
/// strict Content-Security-Policy (their own script and style only, no inline code, requests
/// to the gateway alone); JSON answers get one that allows nothing at all.
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The policy of the bundled pages.
    static var pagePolicy: String {
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; "
            + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    }

    /// The policy of every other answer.
    static var apiPolicy: String { "default-src 'none'; frame-ancestors 'none'" }

    static var referrerPolicy: HTTPField.Name { HTTPField.Name("Referrer-Policy")! }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as HTTPResponseError {
            response = try error.response(from: request, context: context)
        }
        let isPage = response.headers[.contentType]?.hasPrefix("text/html") == true
        response.headers[.contentSecurityPolicy] = isPage ? Self.pagePolicy : Self.apiPolicy
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[Self.referrerPolicy] = "no-referrer"
        if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
        return response
    }
}
