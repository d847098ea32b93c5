import Testing
@testable import GatehouseCore

@Suite("ByteWord: tests on eight bytes at once")
struct ByteWordTests {
    private func word(_ bytes: [UInt8]) -> UInt64 { bytes.withUnsafeBufferPointer { ByteWord.load($0, at: 0) } }

    @Test("never false for a word holding the byte, wherever it is and whatever is around it")
    func noMissedByte() {
        var random = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            var bytes = (0..<8).map { _ in UInt8.random(in: 0...255, using: &random) }
            let word = word(bytes)
            #expect(ByteWord.isASCII(word) == bytes.allSatisfy { $0 < 0x80 }, "\(bytes)")
            if bytes.contains(where: { $0 < 0x20 }) { #expect(ByteWord.mayHoldByte(below: 0x20, word), "\(bytes)") }
            if bytes.contains(where: { $0 >= 0x30 && $0 <= 0x39 }) { #expect(ByteWord.mayHoldDigit(word), "\(bytes)") }
            let planted = UInt8.random(in: 0...255, using: &random)
            bytes[Int.random(in: 0..<8, using: &random)] = planted
            #expect(ByteWord.mayHold(planted, self.word(bytes)), "\(bytes) holds \(planted)")
        }
    }

    @Test("false for words of letters and spaces, the common case the skips are for")
    func plainText() {
        for text in ["the physio", "Physiotherapy was great", "waiting room"] {
            let bytes = Array(text.utf8.prefix(8))
            let word = word(bytes)
            #expect(ByteWord.isASCII(word))
            #expect(!ByteWord.mayHoldByte(below: 0x20, word))
            #expect(!ByteWord.mayHoldDigit(word))
            for byte in Array("@\"\\\u{7F}".utf8) { #expect(!ByteWord.mayHold(byte, word), "\(text) \(byte)") }
        }
        #expect(ByteWord.mayHoldDigit(word(Array("ward 28 ".utf8))))
        #expect(!ByteWord.isASCII(word(Array("café ok!".utf8).prefix(8).map { $0 })))
    }
}
