import ArgumentParser
import Foundation
import GatehouseCore

/// `gatehouse review`: the moderators' queue from a terminal, through a running gateway's API
/// (the same routes the review page uses, with a moderator's or admin's token).
struct ReviewCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review",
        abstract: "Work the review queue of a running gateway: list, show, claim, release, approve, reject, edit.",
        discussion: """
            Talks to a gateway over HTTP with a moderator's (or admin's) token, read from \
            $GATEHOUSE_TOKEN or --token-file; the address comes from --url or $GATEHOUSE_URL.

            Decisions name the version they were made on (--version, as `review show` prints it), \
            so that two moderators' decisions cannot cross: a stale version, or an item another \
            moderator has claimed, is refused with the item's current state. Held text is printed \
            with control characters escaped, so a submission cannot drive your terminal.

            Exit status: 0 done, 1 refused by the gateway (the message says why), 64 bad arguments.

              export GATEHOUSE_TOKEN=...            # a moderator token
              gatehouse review list --order priority
              gatehouse review show 01a2…           # text, findings, version, claim, history
              gatehouse review claim 01a2…
              gatehouse review reject 01a2… --version 2 --reason abusive
            """,
        subcommands: [List.self, Show.self, Claim.self, Release.self, Approve.self, Reject.self, Edit.self]
    )

    struct Output: ParsableArguments {
        @Flag(help: "Print the gateway's JSON answer as it is.")
        var json = false
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List held items (waiting ones, oldest first, by default) with counts per reason.")

        @OptionGroup var gateway: GatewayOptions
        @OptionGroup var output: Output

        @Option(help: "pending, unclaimed, claimed, approved, edited or rejected.")
        var status: String?
        @Option(help: "Only items held for this reason code (such as profanity or pii).")
        var reason: String?
        @Option(help: "Only items with a finding from this plugin.")
        var plugin: String?
        @Option(help: "Only items of this conversation.")
        var conversation: String?
        @Option(help: "oldest (the default) or priority (slurs, then strong words, first).")
        var order: String?
        @Option(help: "At most this many items (1-1000).")
        var limit: Int?
        @Option(help: "The cursor a previous page printed as 'next'.")
        var after: Int64?

        func run() async throws {
            let query = [
                ("status", status), ("reason", reason), ("plugin", plugin), ("conversation", conversation), ("order", order),
                ("limit", limit.map(String.init)), ("after", after.map(String.init)),
            ].compactMap { name, value in value.map { (name, $0) } }
            let answer = try await ReviewCommand.call { try await gateway.client().get("/v1/review", query: query) }
            if output.json { return ReviewCommand.printJSON(answer) }
            let page = answer.object
            let items = page["items"] as? [[String: Any]] ?? []
            let counts = (page["counts"] as? [String: Any] ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
            print("\(page["pending"] ?? 0) waiting" + (counts.isEmpty ? "" : " (\(counts.joined(separator: ", ")))"))
            for item in items { print(ReviewCommand.line(item)) }
            if items.isEmpty { print("nothing to show") }
            if let next = page["next"] as? Int, items.count == (limit ?? 50) { print("next: --after \(next)") }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show one held item: its text with the findings marked, why each rule fired, its version, claim and history.")

        @OptionGroup var gateway: GatewayOptions
        @OptionGroup var output: Output
        @Argument(help: "The item's id.") var id: String

        func run() async throws {
            let answer = try await ReviewCommand.call { try await gateway.client().get("/v1/review/\(ReviewCommand.escapePath(id))") }
            if output.json { return ReviewCommand.printJSON(answer) }
            let item = answer.object
            let findings = item["findings"] as? [[String: Any]] ?? []
            print("item \(item["id"] ?? id) · \(item["status"] ?? "?") · version \(item["version"] ?? "?")")
            print(ReviewCommand.claimLine(item))
            print("")
            print(ReviewCommand.marked(item["text"] as? String ?? "", findings: findings))
            print("")
            for (number, finding) in findings.enumerated() {
                let span = "\(finding["start"] ?? "?")–\(finding["end"] ?? "?")"
                var line = "[\(number + 1)] \(finding["rule"] ?? "?") · \(finding["category"] ?? "?")"
                if let severity = finding["severity"] as? String { line += " · \(severity)" }
                line += " · \(finding["action"] ?? "?") · characters \(span)"
                if finding["shadow"] as? Bool == true { line += " (shadow: did not act)" }
                print(line)
                if let why = finding["explanation"] as? String { print("    \(ReviewCommand.printable(why))") }
            }
            let history = item["history"] as? [[String: Any]] ?? []
            if !history.isEmpty { print("\nhistory:") }
            for entry in history {
                let reason = (entry["reason"] as? String).map { " · \($0)" } ?? ""
                print("  \(entry["time"] ?? "") · \(entry["event"] ?? "") · \(entry["actor"] ?? "")\(reason)")
            }
        }
    }

    struct Claim: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Claim an item for yourself for the gateway's claim time (10 minutes by default), or renew your claim.")
        @OptionGroup var gateway: GatewayOptions
        @OptionGroup var output: Output
        @Argument(help: "The item's id.") var id: String
        @Option(help: "Refuse unless the item is still at this version.") var version: Int?

        func run() async throws {
            try await ReviewCommand.change(gateway, output, id: id, action: "claim", body: version.map { ["version": $0] } ?? [:])
        }
    }

    struct Release: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Give up your claim on an item (an admin may release anyone's).")
        @OptionGroup var gateway: GatewayOptions
        @OptionGroup var output: Output
        @Argument(help: "The item's id.") var id: String

        func run() async throws {
            try await ReviewCommand.change(gateway, output, id: id, action: "release", body: [:])
        }
    }

    struct Approve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Publish a held item as it is.")
        @OptionGroup var gateway: GatewayOptions
        @OptionGroup var output: Output
        @Argument(help: "The item's id.") var id: String
        @Option(help: "The item's version, as `review show` printed it.") var version: Int

        func run() async throws {
            try await ReviewCommand.change(gateway, output, id: id, action: "approve", body: ["version": version])
        }
    }

    struct Reject: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Reject a held item with a reason code; its text is erased.")
        @OptionGroup var gateway: GatewayOptions
        @OptionGroup var output: Output
        @Argument(help: "The item's id.") var id: String
        @Option(help: "The item's version, as `review show` printed it.") var version: Int
        @Option(help: "A reason code from the gateway's list (by default abusive, personal-data, spam, off-topic, duplicate, other).")
        var reason: String

        func run() async throws {
            try await ReviewCommand.change(gateway, output, id: id, action: "reject", body: ["version": version, "reason": reason])
        }
    }

    struct Edit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Publish a corrected text instead; it is checked for personal data and abuse again first.")
        @OptionGroup var gateway: GatewayOptions
        @OptionGroup var output: Output
        @Argument(help: "The item's id.") var id: String
        @Option(help: "The item's version, as `review show` printed it.") var version: Int
        @Option(help: "The new text.") var text: String?
        @Option(help: "Read the new text from this file ('-' for standard input).", completion: .file()) var textFile: String?

        func validate() throws {
            guard (text == nil) != (textFile == nil) else { throw ValidationError("give the new text with either --text or --text-file") }
        }

        func run() async throws {
            var newText = text ?? ""
            if let textFile {
                let data = textFile == "-" ? FileHandle.standardInput.readDataToEndOfFile() : FileManager.default.contents(atPath: textFile)
                guard let data else { throw ValidationError("--text-file: cannot read \(textFile)") }
                newText = String(decoding: data, as: UTF8.self)
                if newText.hasSuffix("\n") { newText.removeLast() }
            }
            try await ReviewCommand.change(gateway, output, id: id, action: "edit", body: ["version": version, "text": newText])
        }
    }

    // MARK: Shared

    /// Runs a call; a refusal is printed (with the item's current state on a conflict) and exits 1.
    static func call(_ request: () async throws -> GatewayAnswer) async throws -> GatewayAnswer {
        let answer: GatewayAnswer
        do {
            answer = try await request()
        } catch let error as CLIError {
            printError("gatehouse review: \(error)")
            throw ExitCode(1)
        }
        guard (200..<300).contains(answer.status) else {
            printError("gatehouse review: refused (\(answer.status)): \(printable(answer.message))")
            if let current = answer.object["current"] as? [String: Any] {
                printError("now: " + line(current))
            }
            throw ExitCode(1)
        }
        return answer
    }

    static func change(_ gateway: GatewayOptions, _ output: Output, id: String, action: String, body: [String: Any]) async throws {
        let answer = try await call { try await gateway.client().post("/v1/review/\(escapePath(id))/\(action)", body) }
        if output.json { return printJSON(answer) }
        let item = answer.object
        var summary = "item \(item["id"] ?? id) · \(item["status"] ?? "?") · version \(item["version"] ?? "?")"
        if action == "claim" || action == "release" { summary += " · " + claimLine(item) }
        if let reason = item["reason"] as? String { summary += " · reason \(reason)" }
        print(summary)
        if let text = item["text"] as? String, action == "edit" { print("published: \(printable(text))") }
    }

    static func printJSON(_ answer: GatewayAnswer) {
        print(String(decoding: answer.body, as: UTF8.self))
    }

    /// One line per item: id, status and version, reasons, claim and the start of the text.
    static func line(_ item: [String: Any]) -> String {
        let reasons = (item["reasons"] as? [String] ?? []).joined(separator: ",")
        let severe = switch item["priority"] as? Int ?? 0 {
        case 2: " slur"
        case 1: " strong"
        default: ""
        }
        let claim = (item["claim"] as? [String: Any])?["moderator"].map { " claimed by \($0)" } ?? ""
        let text = printable(item["text"] as? String ?? "")
        let snippet = text.count > 60 ? String(text.prefix(59)) + "…" : text
        return "\(item["id"] ?? "?")  \(item["status"] ?? "?") v\(item["version"] ?? "?")  [\(reasons)\(severe)]\(claim)  \(snippet)"
    }

    static func claimLine(_ item: [String: Any]) -> String {
        guard let claim = item["claim"] as? [String: Any] else { return "not claimed" }
        return "claimed by \(claim["moderator"] ?? "?") until \(claim["expiresAt"] ?? "?")"
    }

    /// The text with each finding's span (Unicode scalar offsets) bracketed and numbered:
    /// `a ⟦twat⟧¹`. Overlapping spans open and close in order.
    static func marked(_ text: String, findings: [[String: Any]]) -> String {
        let scalars = Array(text.unicodeScalars)
        var opens: [Int: [Int]] = [:], closes: [Int: [Int]] = [:]
        for (number, finding) in findings.enumerated() {
            guard let start = finding["start"] as? Int, let end = finding["end"] as? Int, 0 <= start, start <= end, end <= scalars.count
            else { continue }
            opens[start, default: []].append(number + 1)
            closes[end, default: []].append(number + 1)
        }
        var out = ""
        for index in 0...scalars.count {
            for number in closes[index] ?? [] { out += "⟧\(superscript(number))" }
            for _ in opens[index] ?? [] { out += "⟦" }
            if index < scalars.count { out += printable(String(scalars[index])) }
        }
        return out
    }

    private static func superscript(_ number: Int) -> String {
        let digits = ["⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"]
        return String(number).map { digits[Int(String($0))!] }.joined()
    }

    /// Text from the public made safe for a terminal (`PrintableText`).
    static func printable(_ text: String) -> String { PrintableText.escaped(text) }

    static func escapePath(_ id: String) -> String {
        id.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? id
    }
}
