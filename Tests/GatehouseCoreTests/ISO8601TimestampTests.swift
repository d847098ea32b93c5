import Foundation
import Testing
@testable import GatehouseCore

@Suite("ISO 8601 times read without Foundation, as Foundation reads them")
struct ISO8601TimestampTests {
    /// Foundation's reading, as `SubmissionDecoder.timestamp` did it before.
    private func foundation(_ text: String) -> Date? {
        if let date = try? Date(text, strategy: .iso8601) { return date }
        return try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    @Test("20,000 generated times, in and out of range, with and without fractions and offsets")
    func agreesWithFoundation() async {
        var random = SystemRandomNumberGenerator()
        var read = 0
        for round in 0..<20_000 {
            // Give the cooperative threads back now and then: live servers of other suites run on them.
            if round % 500 == 0 { await Task.yield() }
            let year = [1970, 1999, 2000, 2024, 2025, 2026, 2100, 1900, 2038].randomElement(using: &random)!
            let month = Int.random(in: 0...13, using: &random)
            let day = Int.random(in: 0...32, using: &random)
            let hour = Int.random(in: 0...24, using: &random)
            let minute = Int.random(in: 0...60, using: &random)
            let second = Int.random(in: 0...60, using: &random)
            var text = String(format: "%04d-%02d-%02dT%02d:%02d:%02d", year, month, day, hour, minute, second)
            switch Int.random(in: 0..<4, using: &random) {
            case 0: text += "." + String(Int.random(in: 0..<1000, using: &random)).leftPadded(to: 3)
            case 1: text += "." + String(Int.random(in: 0..<10, using: &random))
            default: break
            }
            switch Int.random(in: 0..<3, using: &random) {
            case 0: text += "Z"
            case 1: text += String(format: "+%02d:%02d", Int.random(in: 0...14, using: &random), [0, 30, 45].randomElement(using: &random)!)
            default: text += String(format: "-%02d:%02d", Int.random(in: 0...12, using: &random), [0, 30].randomElement(using: &random)!)
            }
            let ours = ISO8601Timestamp.parse(text)
            if let ours {
                read += 1
                #expect(ours == foundation(text), "\(text): \(ours.timeIntervalSinceReferenceDate) against \(foundation(text)?.timeIntervalSinceReferenceDate ?? .nan)")
            }
        }
        #expect(read > 5_000)
    }

    @Test("forms it leaves to Foundation, and nonsense", arguments: [
        "2026-03-01T09:30:00", "2026-03-01 09:30:00Z", "2026-03-01T09:30Z", "20260301T093000Z", "2026-03-01T09:30:00+0100",
        "2026-02-29T00:00:00Z", "2026-03-01T24:00:00Z", "2026-03-01T09:30:60Z", "2026-03-01T09:30:00.Z",
        "2026-03-01T09:30:00.1234567890Z", "yesterday", "", "2026-03-01T09:30:00Zjunk",
    ])
    func notRead(text: String) {
        #expect(ISO8601Timestamp.parse(text) == nil)
    }

    @Test("the decoder's times: the epoch, a leap day, fractions and offsets")
    func known() {
        #expect(ISO8601Timestamp.parse("1970-01-01T00:00:00Z")?.timeIntervalSince1970 == 0)
        #expect(ISO8601Timestamp.parse("2024-02-29T12:00:00Z")?.timeIntervalSince1970 == 1_709_208_000)
        #expect(ISO8601Timestamp.parse("2026-03-01T09:30:00.250Z")?.timeIntervalSince1970 == 1_772_357_400.25)
        #expect(ISO8601Timestamp.parse("2026-03-01T09:30:00+01:00")?.timeIntervalSince1970 == 1_772_353_800)
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
