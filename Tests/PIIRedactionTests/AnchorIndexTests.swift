import Testing
@testable import PIIRedaction

@Suite("AnchorIndex: where digits and anchor bytes are, read eight bytes at a time")
struct AnchorIndexTests {
    /// The runs of digits and the places of `wanted`, found a byte at a time.
    private func naive(_ bytes: [UInt8], wanted: [UInt8]) -> (runs: [Range<Int>], positions: [[Int]]) {
        var runs: [Range<Int>] = []
        var start = -1
        for (index, byte) in bytes.enumerated() {
            if byte >= 0x30, byte <= 0x39 {
                if start < 0 { start = index }
            } else if start >= 0 {
                runs.append(start..<index)
                start = -1
            }
        }
        if start >= 0 { runs.append(start..<bytes.count) }
        return (runs, wanted.map { byte in bytes.indices.filter { bytes[$0] == byte } })
    }

    @Test("the same runs and places as a byte-by-byte reading, on generated texts", arguments: [[UInt8(ascii: "@")], [], Array("@.:/-".utf8)])
    func agreesWithNaive(wanted: [UInt8]) async {
        var random = SystemRandomNumberGenerator()
        let pieces: [[UInt8]] = ["a", "Z", " ", "0", "9", "5", "@", ".", ":", "/", "-", "é", "😀", "\n", "/", "(", "~"].map { Array($0.utf8) }
            + [[0x2F], [0x3A], [0xB0], [0xB9]]  // the bytes either side of the digits, and digits with the high bit set
        for round in 0..<5_000 {
            // Give the cooperative threads back now and then: live servers of other suites run on them.
            if round % 500 == 0 { await Task.yield() }
            var bytes: [UInt8] = []
            for _ in 0..<Int.random(in: 0..<60, using: &random) { bytes += pieces.randomElement(using: &random)! }
            let expected = naive(bytes, wanted: wanted)
            bytes.withUnsafeBufferPointer { buffer in
                let index = AnchorIndex(buffer, bytes: wanted)
                #expect(index.digitRuns == expected.runs, "\(bytes)")
                for (offset, byte) in wanted.enumerated() { #expect(index.positions(of: byte) == expected.positions[offset], "\(bytes)") }
            }
        }
    }
}
