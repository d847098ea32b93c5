import Foundation
import GatehouseTestSupport
import HTTPTypes
import HummingbirdTesting
import NIOCore
#if canImport(Glibc)
import Glibc
#endif

/// Just enough of the W3C WebDriver protocol to drive headless Chromium through chromedriver:
/// sessions, navigation, elements, keys, scripts and screenshots. The browser tests use it to
/// work the review page as a moderator would.
final class WebDriver: @unchecked Sendable {
    /// chromedriver and a Chromium binary, when both are installed.
    static let installed: (driver: String, browser: String)? = {
        guard let driver = executable("chromedriver"),
            let browser = executable("chromium") ?? executable("chromium-browser") ?? executable("google-chrome")
        else { return nil }
        return (driver, browser)
    }()

    static let missing = "chromium and chromium-driver are not installed (apt-get install chromium chromium-driver): the browser tests are skipped"

    private let process: Process
    private let browser: String
    let base: URL

    /// Starts chromedriver on a free loopback port and waits until it answers.
    init() async throws {
        guard let (driver, browser) = Self.installed else { throw WebDriverError(Self.missing) }
        self.browser = browser
        let port = try freePort()
        process = Process()
        process.executableURL = URL(fileURLWithPath: driver)
        process.arguments = ["--port=\(port)", "--allowed-ips=127.0.0.1"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        base = URL(string: "http://127.0.0.1:\(port)")!
        var last = "no answer"
        for _ in 0..<100 {
            do {
                if let status = try await Self.call(base, "GET", "/status", nil) as? [String: Any], status["ready"] as? Bool == true {
                    return
                }
            } catch {
                last = "\(error)"
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        stop()
        throw WebDriverError("chromedriver did not answer on port \(port) within 10 seconds: \(last)")
    }

    deinit { stop() }

    /// Ends chromedriver with SIGKILL: it inherits the test runner's signal mask, in which
    /// SIGTERM is blocked, so `terminate()` left one running after every test run.
    private func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// A new headless browser window of the given size, with its own session storage.
    func session(width: Int = 1280, height: Int = 900) async throws -> BrowserSession {
        let options: [String: Any] = [
            "binary": browser,
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=\(width),\(height)"],
        ]
        let capabilities: [String: Any] = ["capabilities": ["alwaysMatch": ["browserName": "chrome", "goog:chromeOptions": options]]]
        let answer = try await Self.call(base, "POST", "/session", capabilities)
        guard let id = (answer as? [String: Any])?["sessionId"] as? String else {
            throw WebDriverError("chromedriver gave no session: \(String(describing: answer))")
        }
        return BrowserSession(driver: self, id: id)
    }

    /// One WebDriver command: its `value`, or the error it reports. (Through Hummingbird's
    /// test client: FoundationNetworking's URLSession fails on chromedriver's answers here.)
    static func call(_ base: URL, _ method: String, _ path: String, _ body: [String: Any]?) async throws -> Any? {
        let bytes = try body.map { try JSONSerialization.data(withJSONObject: $0) } ?? Data("{}".utf8)
        let headers: HTTPFields = [.contentType: "application/json"]
        let configuration = TestClient.Configuration(timeout: .seconds(60))
        let answer: [UInt8] = try await TestClient.withClient(host: "127.0.0.1", port: base.port!, configuration: configuration) { client in
            let response: TestClient.Response
            switch method {
            case "GET": response = try await client.get(path, headers: headers)
            case "DELETE": response = try await client.delete(path, headers: headers, body: ByteBuffer())
            default: response = try await client.post(path, headers: headers, body: ByteBuffer(bytes: bytes))
            }
            return response.body.map { Array($0.readableBytesView) } ?? []
        }
        let object = try JSONSerialization.jsonObject(with: Data(answer), options: [.fragmentsAllowed]) as? [String: Any]
        let value = object?["value"]
        if let failure = value as? [String: Any], let error = failure["error"] as? String {
            throw WebDriverError("\(method) \(path): \(error): \(failure["message"] as? String ?? "")")
        }
        return value
    }

    private static func executable(_ name: String) -> String? {
        let paths = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        return paths.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}

struct WebDriverError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// One browser window.
struct BrowserSession: Sendable {
    let driver: WebDriver
    let id: String

    private func call(_ method: String, _ path: String, _ body: [String: Any]? = nil) async throws -> Any? {
        try await WebDriver.call(driver.base, method, "/session/\(id)\(path)", body)
    }

    func open(_ url: String) async throws { _ = try await call("POST", "/url", ["url": url]) }

    /// The element the CSS selector finds first.
    func element(_ selector: String) async throws -> String {
        let found = try await call("POST", "/element", ["using": "css selector", "value": selector]) as? [String: Any]
        guard let reference = found?.values.first as? String else { throw WebDriverError("no element for \(selector)") }
        return reference
    }

    /// Clicks what the selector finds. The page redraws its list when a live event arrives, so
    /// an element found a moment ago can be gone by the click: then it is found again and
    /// clicked, as a person would click the redrawn row (a few tries, then the error).
    func click(_ selector: String) async throws {
        var tries = 0
        while true {
            do {
                _ = try await call("POST", "/element/\(try await element(selector))/click")
                return
            } catch let error as WebDriverError where error.description.contains("stale element reference") && tries < 5 {
                tries += 1
                try await Task.sleep(for: .milliseconds(50))
            } catch {
                throw WebDriverError("clicking \(selector): \(error)")
            }
        }
    }

    /// Types into the element, as keystrokes.
    func type(_ selector: String, _ text: String) async throws {
        _ = try await call("POST", "/element/\(try await element(selector))/value", ["text": text])
    }

    /// Presses each key in turn on whatever has the focus (real key events, as a person's).
    func press(_ keys: String) async throws {
        let actions = keys.unicodeScalars.flatMap { key -> [[String: Any]] in
            [["type": "keyDown", "value": String(key)], ["type": "keyUp", "value": String(key)]]
        }
        _ = try await call("POST", "/actions", ["actions": [["type": "key", "id": "keyboard", "actions": actions]]])
    }

    /// Holds `keys` down together, then lets them go (a chord such as Ctrl+Enter).
    func chord(_ keys: String) async throws {
        let scalars = keys.unicodeScalars.map(String.init)
        let actions = scalars.map { ["type": "keyDown", "value": $0] } + scalars.reversed().map { ["type": "keyUp", "value": $0] }
        _ = try await call("POST", "/actions", ["actions": [["type": "key", "id": "keyboard", "actions": actions]]])
    }

    /// Runs `script` (a function body; `arguments` holds `arguments`) in the page and gives its result.
    func script(_ script: String, _ arguments: [Any] = []) async throws -> Any? {
        try await call("POST", "/execute/sync", ["script": script, "args": arguments])
    }

    func text(_ selector: String) async throws -> String {
        try await script("const e = document.querySelector(arguments[0]); return e ? e.textContent : null;", [selector]) as? String ?? ""
    }

    func resize(width: Int, height: Int) async throws {
        _ = try await call("POST", "/window/rect", ["width": width, "height": height])
    }

    func screenshot() async throws -> Data {
        guard let encoded = try await call("GET", "/screenshot") as? String, let data = Data(base64Encoded: encoded) else {
            throw WebDriverError("no screenshot")
        }
        return data
    }

    /// Waits until `condition` holds, polling; fails naming `what` when `seconds` pass first. The
    /// default is generous: under the whole suite on two cores a page has taken over 10 s to redraw.
    func wait(_ what: String, seconds: Double = 30, until condition: () async throws -> Bool) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw WebDriverError("waited \(seconds) s for \(what)")
    }

    func quit() async { _ = try? await call("DELETE", "") }
}
