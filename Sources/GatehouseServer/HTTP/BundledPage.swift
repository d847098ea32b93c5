import Foundation
import Hummingbird
import Logging

/// A page the gateway serves from files bundled with it (HTML, CSS and JavaScript in the
/// package: no CDN, no build step), read once at start. A page holds no data of its own: it
/// signs in with a token kept in the tab's session storage and calls the API, which checks the
/// token's role on every call. The review page and the rule playground, and the script they share.
struct BundledPage: Sendable {
    /// Each file: where it is served, the resource directory and name, and its type.
    let files: [(path: String, directory: String, resource: String, type: String)]
    let name: String

    /// The moderators' queue at `/review`.
    static let review = BundledPage(name: "review page", files: [
        ("/review", "review", "index.html", html),
        ("/review/review.js", "review", "review.js", script),
        ("/review/review.css", "review", "review.css", style),
    ])

    /// The rule authors' playground at `/playground`.
    static let playground = BundledPage(name: "playground", files: [
        ("/playground", "playground", "index.html", html),
        ("/playground/playground.js", "playground", "playground.js", script),
        ("/playground/playground.css", "playground", "playground.css", style),
    ])

    /// What both pages share: marking findings in a text by Unicode scalar offsets.
    static let shared = BundledPage(name: "shared page script", files: [
        ("/pages/marks.js", "shared", "marks.js", script),
    ])

    private static let html = "text/html; charset=utf-8"
    private static let script = "text/javascript; charset=utf-8"
    private static let style = "text/css; charset=utf-8"

    init(name: String, files: [(path: String, directory: String, resource: String, type: String)]) {
        self.name = name
        self.files = files
    }

    /// The bundled file `name` in `directory`, or nil when it was not installed.
    static func resource(_ name: String, in directory: String) -> Data? {
        let base = (name as NSString).deletingPathExtension
        let type = (name as NSString).pathExtension
        guard let url = Bundle.module.url(forResource: base, withExtension: type, subdirectory: directory) else { return nil }
        return try? Data(contentsOf: url)
    }

    func add(to router: Router<some RequestContext>, logger: Logger) {
        for file in files {
            let content = Self.resource(file.resource, in: file.directory)
            if content == nil {
                logger.error(
                    "a file of the \(name) is missing beside the binary; it will answer 503",
                    metadata: ["file": "\(file.directory)/\(file.resource)"])
            }
            let name = self.name
            router.get(RouterPath(file.path)) { _, _ -> Response in
                guard let content else {
                    throw HTTPError(.serviceUnavailable, message: "the \(name)'s file \(file.resource) is not installed with this gateway")
                }
                return Response(
                    status: .ok, headers: [.contentType: file.type, .cacheControl: "no-cache"],
                    body: .init(byteBuffer: ByteBuffer(bytes: content)))
            }
        }
    }
}
