import Foundation
import GatehouseServer
import Hummingbird
import HummingbirdTesting
import Testing

/// The rule playground driven in a real headless Chromium window against a live gateway whose
/// phone rule is in shadow mode. Skipped, with the reason, where Chromium is not installed.
@Suite("The rule playground in headless Chromium", .serialized, .enabled(if: WebDriver.installed != nil, Comment(rawValue: WebDriver.missing)))
struct PlaygroundBrowserTests {
    /// A flag emoji and a combining accent before the findings, a shadow rule's value, a word
    /// that holds, and markup that must stay text.
    static let text = "Cre\u{300}me 🇬🇧 <img src=x onerror=alert(1)> ring 07912 345678, the physio was a twat"

    @Test("an author checks a text: verdict, findings marked on exactly their characters, shadow rules switched on, markup kept as text")
    func authorChecksText() async throws {
        let directory = try TemporaryDirectory()
        let rules = directory.url.appendingPathComponent("rules")
        try FileManager.default.copyItem(at: repositoryRoot.appendingPathComponent("rules"), to: rules)
        let contact = rules.appendingPathComponent("pii/contact.yaml")
        let pack = try String(contentsOf: contact, encoding: .utf8)
        let shadowed = pack.replacingOccurrences(of: "    category: UK_PHONE\n    action: redact\n", with: "    category: UK_PHONE\n    action: redact\n    mode: shadow\n")
        #expect(shadowed != pack)
        try shadowed.write(to: contact, atomically: true, encoding: .utf8)
        let gateway = try Gateway(configuration: testConfiguration(directory, rules: [rules.path]))

        try await buildApplication(gateway: gateway).test(.live) { client in
            let port = try #require(client.port)
            let driver = try await WebDriver()
            let browser = try await driver.session()
            do {
                try await work(browser, page: "http://localhost:\(port)/playground")
            } catch {
                await browser.quit()
                throw error
            }
            await browser.quit()
        }
    }

    private func work(_ browser: BrowserSession, page: String) async throws {
        // An intake token may not use the playground.
        try await browser.open(page)
        try await browser.type("#token", tokens[.intake]!)
        try await browser.click("#sign-in-form button[type=submit]")
        try await browser.wait("the sign-in refusal") { try await browser.text("#sign-in-error").contains("may not use the playground") }

        try await browser.type("#token", tokens[.author]!)
        try await browser.click("#sign-in-form button[type=submit]")
        try await browser.wait("the workspace") { try await browser.script("return !document.getElementById('workspace').hidden;") as? Bool == true }

        // chromedriver cannot type characters outside the BMP (the flag), so the text is put in
        // the box as pasted, then a real Ctrl+Enter checks it.
        _ = try await browser.script("document.getElementById('input').value = arguments[0];", [Self.text])
        try await browser.click("#input")
        try await browser.chord("\u{E009}\u{E007}")
        try await browser.wait("the verdict") {
            let status = try await browser.text("#status")
            if !status.isEmpty && status != "Checked." { throw WebDriverError("the page said: \(status)") }
            return try await browser.text("#decision") == "held"
        }
        let marks = try await browser.script(
            "return Array.from(document.querySelectorAll('#marked mark'), m => [m.textContent, m.classList.contains('shadow')]);") as? [[Any]]
        let shown = marks?.map { "\($0[0] as? String ?? "?")\($0[1] as? Bool == true ? " (shadow)" : "")" }
        #expect(shown == ["07912 345678 (shadow)", "twat"], "\(shown ?? [])")
        #expect(try await browser.text("#marked") == Self.text)
        // The shadow rule changes nothing (the number stays as typed); a held word is held, not
        // censored: the text after the rules is the text as sent.
        #expect(try await browser.text("#published") == Self.text)
        let findings = try await browser.text("#findings")
        #expect(findings.contains("pii.uk_phone") && findings.contains("shadow: changes nothing") && findings.contains("profanity.strong"))
        // Markup in the text stays text: no element was made from it.
        #expect(try await browser.script("return document.querySelectorAll('#marked img, #published img, img').length;") as? Int == 0)

        // Switching shadow rules on shows what enforcing them would do.
        try await browser.click("#enforce-shadow")
        try await browser.wait("the text checked again with shadow rules enforced") {
            try await browser.text("#status") == "Checked with shadow rules enforced."
        }
        let enforced = try await browser.text("#published")
        #expect(enforced.contains("ring [phone number],") && !enforced.contains("07912"), "\(enforced)")
        #expect(try await browser.script("return document.querySelectorAll('#marked mark.shadow').length;") as? Int == 0)

        // The token lives in the tab only.
        let kept = try await browser.script("return [localStorage.length, document.cookie];") as? [Any]
        #expect(kept?.first as? Int == 0 && kept?.last as? String == "")
    }
}
