import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A real `gatehouse serve` process on a loopback port, for tests that need several gateways
/// (or a gateway that can be killed). Its output is kept for the test to read.
public final class GatewayProcess: Sendable {
    public let child: Spawned
    public let port: Int

    /// The `gatehouse` binary built with the package.
    public static var binary: URL? {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("gatehouse"),
            root.appendingPathComponent(".build/debug/gatehouse"),
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    /// Starts `gatehouse serve --listen 127.0.0.1:PORT` with `arguments` and `environment`
    /// added to this process's own.
    /// Without a `port`, on one the kernel picks (a random one could be held by another test's
    /// server or a client's ephemeral port: `bind` then fails and the gateway never starts).
    public init(binary: URL, port: Int? = nil, arguments: [String], environment: [String: String]) throws {
        let port = try port ?? freePort()
        self.port = port
        child = try Spawned(binary.path, ["serve", "--listen", "127.0.0.1:\(port)"] + arguments, environment: environment)
    }

    /// Everything it has written so far.
    public var log: String { child.output }

    public struct NotReady: Error, CustomStringConvertible {
        public let port: Int
        public let log: String
        public var description: String { "gatehouse serve on port \(port) did not become ready:\n\(log)" }
    }

    /// Waits until `/healthz` answers (a debug build on a busy machine can take many seconds).
    public func waitUntilReady(seconds: Double = 60) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            guard child.isRunning else { break }
            if let (status, _) = try? await request("GET", "/healthz"), status == 200 { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw NotReady(port: port, log: log)
    }
    /// Sends one request; its status, JSON body (empty when not JSON) and headers.
    public func request(
        _ method: String, _ path: String, token: String? = nil, body: [String: Any]? = nil, timeout: TimeInterval = 10
    ) async throws -> (status: Int, json: [String: Any], headers: [String: String]) {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.httpMethod = method
        request.timeoutInterval = timeout
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let body { request.httpBody = try JSONSerialization.data(withJSONObject: body) }
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = response as! HTTPURLResponse
        var headers: [String: String] = [:]
        for (key, value) in http.allHeaderFields { headers["\(key)".lowercased()] = "\(value)" }
        return (http.statusCode, (try? JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:], headers)
    }

    public func request(_ method: String, _ path: String, token: String? = nil, body: [String: Any]? = nil) async throws -> (Int, [String: Any]) {
        let answer: (status: Int, json: [String: Any], headers: [String: String]) = try await request(method, path, token: token, body: body, timeout: 10)
        return (answer.status, answer.json)
    }

    /// SIGTERM, polled for up to five seconds, then SIGKILL (also fine in a `defer`).
    public func stopNow() {
        child.signal(SIGTERM)
        if child.wait(seconds: 5) == nil {
            child.signal(SIGKILL)
            child.wait(seconds: 5)
        }
    }

    /// SIGKILL: no chance to finish anything.
    public func kill() {
        child.signal(SIGKILL)
        child.wait(seconds: 5)
    }
}
