import Foundation
import GatehouseServer
import Hummingbird
import HummingbirdTesting
import Testing

/// What one run of the `gatehouse` binary printed, and how it ended.
struct CommandRun {
    var status: Int32
    var output: String
    var errors: String
}

/// Runs the real `gatehouse` binary with `arguments` and `environment` (added to a bare one),
/// waiting for it without holding a thread.
func runGatehouse(_ arguments: [String], environment: [String: String]) async throws -> CommandRun {
    let binary = try #require(ServerProcess.binary, "the gatehouse binary is built with the tests")
    let process = Process()
    process.executableURL = binary
    process.arguments = arguments
    process.environment = ["PATH": "/usr/bin:/bin"].merging(environment) { $1 }
    let output = Pipe(), errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    process.standardInput = FileHandle.nullDevice
    let printed = OutputBuffer(), complained = OutputBuffer()
    for (pipe, buffer) in [(output, printed), (errors, complained)] {
        pipe.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            guard !data.isEmpty else { handle.readabilityHandler = nil; return }
            buffer.text.withLock { $0 += String(decoding: data, as: UTF8.self) }
        }
    }
    let status: Int32 = try await withCheckedThrowingContinuation { continuation in
        process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
        do { try process.run() } catch { continuation.resume(throwing: error) }
    }
    // The last bytes may still be on their way through the pipes.
    for _ in 0..<50 where output.fileHandleForReading.readabilityHandler != nil || errors.fileHandleForReading.readabilityHandler != nil {
        try await Task.sleep(for: .milliseconds(20))
    }
    return CommandRun(status: status, output: printed.text.withLock { $0 }, errors: complained.text.withLock { $0 })
}

@Suite("gatehouse review: the queue from a terminal, against a live gateway")
struct ReviewCommandTests {
    @Test("list, show (findings marked, control characters escaped), claim, a stale approve refused with the current state, approve, and bad tokens")
    func workTheQueue() async throws {
        let directory = try TemporaryDirectory()
        let gateway = try Gateway(configuration: reviewConfiguration(directory))
        try await buildApplication(gateway: gateway).test(.live) { client in
            let port = try #require(client.port)
            let id = try await holdItem("The crème 🎉🇬🇧 physio was a twat \u{1B}[2J\u{1B}]0;owned\u{07}", client: client)
            let environment = ["GATEHOUSE_URL": "http://127.0.0.1:\(port)", "GATEHOUSE_TOKEN": tokens[.moderator]!]

            let list = try await runGatehouse(["review", "list", "--order", "priority"], environment: environment)
            #expect(list.status == 0, "\(list.errors)")
            #expect(list.output.hasPrefix("1 waiting (profanity 1)"))
            #expect(list.output.contains("\(id)  pending v1  [profanity strong]"))

            let show = try await runGatehouse(["review", "show", id], environment: environment)
            #expect(show.status == 0, "\(show.errors)")
            #expect(show.output.contains("The crème 🎉🇬🇧 physio was a ⟦twat⟧¹ \\u{1b}[2J\\u{1b}]0;owned\\u{7}"), "\(show.output)")
            #expect(!show.output.unicodeScalars.contains("\u{1B}"), "no escape character reaches the terminal")
            #expect(show.output.contains("[1] profanity.strong"))
            #expect(show.output.contains("submission.held"))

            let claim = try await runGatehouse(["review", "claim", id], environment: environment)
            #expect(claim.status == 0 && claim.output.contains("version 2 · claimed by moderator:"), "\(claim.output)\(claim.errors)")

            let stale = try await runGatehouse(["review", "approve", id, "--version", "1"], environment: environment)
            #expect(stale.status == 1)
            #expect(stale.errors.contains("refused (409)") && stale.errors.contains("now: \(id)  pending v2"), "\(stale.errors)")

            var other = environment
            other["GATEHOUSE_TOKEN"] = secondModerator
            let crossing = try await runGatehouse(["review", "reject", id, "--version", "2", "--reason", "spam"], environment: other)
            #expect(crossing.status == 1 && crossing.errors.contains("claimed by moderator:"), "\(crossing.errors)")

            let approve = try await runGatehouse(["review", "approve", id, "--version", "2", "--json"], environment: environment)
            #expect(approve.status == 0)
            let answer = try JSONSerialization.jsonObject(with: Data(approve.output.utf8)) as? [String: Any]
            #expect(answer?["status"] as? String == "approved" && answer?["version"] as? Int == 3)

            var intake = environment
            intake["GATEHOUSE_TOKEN"] = tokens[.intake]
            let forbidden = try await runGatehouse(["review", "list"], environment: intake)
            #expect(forbidden.status == 1 && forbidden.errors.contains("refused (403)"), "\(forbidden.errors)")

            let noToken = try await runGatehouse(["review", "list"], environment: ["GATEHOUSE_URL": "http://127.0.0.1:\(port)"])
            #expect(noToken.status == 64 && noToken.errors.contains("set GATEHOUSE_TOKEN or pass --token-file"), "\(noToken.errors)")
        }
    }
}
