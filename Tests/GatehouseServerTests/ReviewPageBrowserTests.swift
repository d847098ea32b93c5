import Foundation
import GatehouseServer
import Hummingbird
import HummingbirdTesting
import Testing

/// The review page worked by two moderators in two real headless Chromium windows, against a
/// live gateway on a loopback port. Skipped, with the reason, where Chromium is not installed.
@Suite("The review page in headless Chromium", .serialized, .enabled(if: WebDriver.installed != nil, Comment(rawValue: WebDriver.missing)))
struct ReviewPageBrowserTests {
    /// Emoji (a flag is two scalars), precomposed and combining accents, and a Welsh place
    /// name all come before the word that held it: a span counted in UTF-16 or in bytes would
    /// land on the wrong letters.
    static let tricky = "Our home in Ystradgynlais, Powys: the cre\u{300}me brûlée 🎉🇬🇧 physio was a twat about it"
    static let hostile = "<img src=x onerror=alert(1)><script>alert(2)</script> the podiatrist was a twat"

    @Test("two moderators: sign in, findings highlighted after emoji and accents, hostile text shown as text, claim, approve, the other page sees it go")
    func twoModerators() async throws {
        let directory = try TemporaryDirectory()
        let gateway = try Gateway(configuration: reviewConfiguration(directory))
        let screenshots = ProcessInfo.processInfo.environment["GATEHOUSE_SCREENSHOTS"]
        try await buildApplication(gateway: gateway).test(.live) { client in
            let port = try #require(client.port)
            let tricky = try await holdItem(Self.tricky, client: client)
            let hostile = try await holdItem(Self.hostile, client: client)
            let page = "http://localhost:\(port)/review"

            let driver = try await WebDriver()
            let first = try await driver.session()
            let second = try await driver.session()
            do {
                try await work(first, second, page: page, tricky: tricky, hostile: hostile, screenshots: screenshots)
            } catch {
                await first.quit()
                await second.quit()
                throw error
            }
            await first.quit()
            await second.quit()
        }
    }

    private func work(
        _ first: BrowserSession, _ second: BrowserSession, page: String, tricky: String, hostile: String, screenshots: String?
    ) async throws {
        // A token that may not review is refused on the sign-in form.
        try await second.open(page)
        try await second.type("#token", tokens[.intake]!)
        try await second.click("#sign-in-form button[type=submit]")
        try await second.wait("the sign-in refusal") { try await second.text("#sign-in-error").contains("may not review") }

        try await signIn(first, page: page, token: tokens[.moderator]!, items: 2)
        try await signIn(second, page: page, token: secondModerator, items: 2)
        #expect(try await first.text("#pending-count") == "(2 waiting)")

        // The first item: its finding is marked on exactly the word that held it.
        try await first.click(".queue-item[data-id=\"\(tricky)\"]")
        try await first.wait("the item to open") { try await first.text("#item-title") == "Item \(tricky)" }
        let marks = try await first.script("return Array.from(document.querySelectorAll('#item-text mark'), m => m.textContent);") as? [String]
        #expect(marks == ["twat"], "\(marks ?? [])")
        let shown = try await first.text("#item-text")
        #expect(shown.contains("cre\u{300}me brûlée 🎉🇬🇧 physio was a twat about it"))
        #expect(try await first.text("#item-findings").contains("profanity"))
        if let screenshots { try await save(first, "review-item.png", in: screenshots) }

        // c claims it (a real key press); the other moderator sees whose it is and cannot decide it.
        try await first.press("c")
        try await first.wait("the claim") { try await first.text("#item-claim").hasPrefix("Claimed by you") }
        try await second.click(".queue-item[data-id=\"\(tricky)\"]")
        try await second.wait("the other page to show the claim") {
            try await second.text("#item-claim").hasPrefix("Claimed by moderator:")
        }
        try await second.press("a")
        try await second.wait("the refusal") { try await second.text("#status").contains("claimed by") }
        #expect(try await second.script("return document.getElementById('status').classList.contains('error');") as? Bool == true)

        // The holder approves; the other page hears it through the event stream and drops it.
        try await first.click("#approve")
        try await first.wait("the approval") { try await first.text("#status").contains("approved") }
        try await second.wait("the approved item to leave the other page's list") {
            let rows = try await second.script("return document.querySelectorAll('.queue-item').length;") as? Int
            let count = try await second.text("#pending-count")
            return rows == 1 && count == "(1 waiting)"
        }

        // The next item opens on its own; markup in the text is shown as text and never runs.
        try await first.wait("the next item to open") { try await first.text("#item-title") == "Item \(hostile)" }
        #expect(try await first.text("#item-text").hasPrefix("<img src=x onerror=alert(1)><script>alert(2)</script>"))
        let injected = try await first.script("return document.querySelectorAll('#item-text *:not(mark), .queue-list img, .queue-list script').length;")
        #expect(injected as? Int == 0)

        // ? shows the shortcuts; Escape closes them.
        try await first.press("?")
        #expect(try await first.script("return document.getElementById('help').open;") as? Bool == true)
        try await first.press("\u{E00C}")
        #expect(try await first.script("return document.getElementById('help').open;") as? Bool == false)

        // On a narrow screen the open item takes the whole width and the list steps aside.
        // The second page still shows the approved item: "Back to list" brings the list back.
        try await second.resize(width: 400, height: 860)
        try await second.click("#item-close")
        try await second.click(".queue-item[data-id=\"\(hostile)\"]")
        try await second.wait("the item on a narrow screen") { try await second.text("#item-title") == "Item \(hostile)" }
        let queueShown = try await second.script("return getComputedStyle(document.querySelector('.queue')).display;") as? String
        #expect(queueShown == "none")
        if let screenshots { try await save(second, "review-narrow.png", in: screenshots) }

        // The token lives in the tab only: nothing in local storage or cookies.
        let kept = try await first.script("return [localStorage.length, document.cookie];") as? [Any]
        #expect(kept?.first as? Int == 0 && kept?.last as? String == "")

        // "Redact selection" proposes an edit with exactly the selected words replaced.
        let held = try await first.text("#item-text")
        _ = try await first.script("""
            const text = document.getElementById('item-text');
            const walker = document.createTreeWalker(text, NodeFilter.SHOW_TEXT);
            let node;
            while ((node = walker.nextNode()) && !node.data.includes('podiatrist')) {}
            const range = document.createRange();
            range.setStart(node, node.data.indexOf('podiatrist'));
            range.setEnd(node, node.data.indexOf('podiatrist') + 'podiatrist'.length);
            getSelection().removeAllRanges();
            getSelection().addRange(range);
            """)
        try await first.click("#redact")
        let proposed = try await first.script("return document.getElementById('edit-text').value;") as? String
        #expect(proposed == held.replacingOccurrences(of: "podiatrist", with: "[removed]"), "\(proposed ?? "")")
        try await first.press("\u{E00C}")
        #expect(try await first.script("return document.getElementById('edit-form').hidden;") as? Bool == true)

        // x picks the open item for a bulk action; rejecting the selection empties both lists.
        _ = try await first.script("document.activeElement.blur();")
        try await first.press("x")
        try await first.wait("the bulk bar") { try await first.text("#bulk-count") == "1 selected" }
        try await first.click("#bulk-reject")
        try await first.wait("the bulk answer") { try await first.text("#status").contains("1 done") }
        for page in [first, second] {
            try await page.wait("the rejected item to leave the list") {
                try await page.script("return document.querySelectorAll('.queue-item').length;") as? Int == 0
            }
        }
    }

    private func signIn(_ browser: BrowserSession, page: String, token: String, items: Int) async throws {
        try await browser.open(page)
        try await browser.type("#token", token)
        try await browser.click("#sign-in-form button[type=submit]")
        try await browser.wait("the queue after signing in") {
            try await browser.script("return document.querySelectorAll('.queue-item').length;") as? Int == items
        }
        try await browser.wait("the live stream") {
            try await browser.script("return !document.getElementById('live').hidden;") as? Bool == true
        }
    }

    private func save(_ browser: BrowserSession, _ name: String, in directory: String) async throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try await browser.screenshot().write(to: URL(fileURLWithPath: directory).appendingPathComponent(name))
    }
}
