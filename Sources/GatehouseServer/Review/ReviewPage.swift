import Foundation
import Hummingbird
import Logging

/// The moderators' page at `/review`: HTML, CSS and JavaScript bundled with the gateway (no
/// CDN, no build step), read once at start. The page holds no data of its own: it signs in
/// with a moderator token kept in the tab's session storage and calls `/v1/review…`.
struct ReviewPage: Sendable {
    /// Each file the page is made of: where it is served, its resource name and type.
    static let files: [(path: String, resource: String, type: String)] = [
        ("/review", "index.html", "text/html; charset=utf-8"),
        ("/review/review.js", "review.js", "text/javascript; charset=utf-8"),
        ("/review/review.css", "review.css", "text/css; charset=utf-8"),
    ]

    let logger: Logger

    /// The bundled file `name` of the `review` resources, or nil when it was not installed.
    static func resource(_ name: String) -> Data? {
        let base = (name as NSString).deletingPathExtension
        let type = (name as NSString).pathExtension
        guard let url = Bundle.module.url(forResource: base, withExtension: type, subdirectory: "review") else { return nil }
        return try? Data(contentsOf: url)
    }

    func add(to router: Router<some RequestContext>) {
        for file in Self.files {
            let content = Self.resource(file.resource)
            if content == nil {
                logger.error("a file of the review page is missing beside the binary; /review will answer 503", metadata: ["file": "\(file.resource)"])
            }
            router.get(RouterPath(file.path)) { _, _ -> Response in
                guard let content else {
                    throw HTTPError(.serviceUnavailable, message: "the review page's file \(file.resource) is not installed with this gateway")
                }
                return Response(
                    status: .ok, headers: [.contentType: file.type, .cacheControl: "no-cache"],
                    body: .init(byteBuffer: ByteBuffer(bytes: content)))
            }
        }
    }
}
