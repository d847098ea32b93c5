import ArgumentParser
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Where a running gateway is and the token to reach it with, for commands that talk to one
/// over HTTP (`gatehouse review …`).
struct GatewayOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The gateway's address (default: $GATEHOUSE_URL, else http://127.0.0.1:8080).", valueName: "url"))
    var url: String?

    @Option(
        help: ArgumentHelp(
            "A file holding the token (default: $GATEHOUSE_TOKEN). There is no --token: a token on the command line is visible to every user of the machine.",
            valueName: "path"))
    var tokenFile: String?

    func client(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> GatewayClient {
        let address = url ?? environment["GATEHOUSE_URL"] ?? "http://127.0.0.1:8080"
        guard let base = URL(string: address), let scheme = base.scheme, ["http", "https"].contains(scheme), base.host != nil else {
            throw ValidationError("--url must be an http:// or https:// address, such as http://127.0.0.1:8080 (got '\(address)')")
        }
        let token: String
        if let tokenFile {
            guard let data = FileManager.default.contents(atPath: tokenFile) else {
                throw ValidationError("--token-file: cannot read \(tokenFile)")
            }
            token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        } else if let value = environment["GATEHOUSE_TOKEN"] {
            token = value.trimmingCharacters(in: .whitespacesAndNewlines)
        } else {
            throw ValidationError("no token: set GATEHOUSE_TOKEN or pass --token-file with a moderator's token")
        }
        guard !token.isEmpty else { throw ValidationError("the token is empty") }
        return GatewayClient(base: base, token: token)
    }
}

/// A gateway's answer: its status and its JSON body.
struct GatewayAnswer {
    var status: Int
    var body: Data
    var object: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
    /// The `error.message` the gateway gives on a refusal.
    var message: String {
        ((object["error"] as? [String: Any])?["message"] as? String) ?? "HTTP \(status)"
    }
}

/// The few HTTP calls the CLI makes to a running gateway, with a bearer token.
struct GatewayClient {
    let base: URL
    let token: String

    func get(_ path: String, query: [(String, String)] = []) async throws -> GatewayAnswer {
        try await send("GET", path, query: query, body: nil)
    }

    func post(_ path: String, _ body: [String: Any] = [:]) async throws -> GatewayAnswer {
        try await send("POST", path, query: [], body: try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys]))
    }

    private func send(_ method: String, _ path: String, query: [(String, String)], body: Data?) async throws -> GatewayAnswer {
        var components = URLComponents(url: base, resolvingAgainstBaseURL: false)!
        components.path = (components.path.hasSuffix("/") ? String(components.path.dropLast()) : components.path) + path
        if !query.isEmpty { components.queryItems = query.map { URLQueryItem(name: $0.0, value: $0.1) } }
        var request = URLRequest(url: components.url!)
        request.httpMethod = method
        request.timeoutInterval = 30
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        if let body {
            request.httpBody = body
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await URLSession.shared.data(for: request)
        } catch {
            throw CLIError("cannot reach the gateway at \(base.absoluteString): \(error.localizedDescription)")
        }
        return GatewayAnswer(status: (response as? HTTPURLResponse)?.statusCode ?? 0, body: data)
    }
}

/// A failure to report on standard error as it is, with exit status 1.
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
