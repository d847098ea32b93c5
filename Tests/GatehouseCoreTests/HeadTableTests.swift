import Testing
@testable import GatehouseCore

@Suite("HeadTable (the fingerprint index's chain heads)")
struct HeadTableTests {
    @Test("stores, replaces and finds values across growth, and misses keys it never held")
    func setAndGet() {
        var table = HeadTable()
        // Keys spread like hashes, plus neighbours and 0, so probes wrap and collide.
        let keys: [UInt32] = (0..<5_000).map { UInt32(truncatingIfNeeded: UInt64($0) &* 0x9E37_79B9) } + [0, 1, 2, .max]
        for (value, key) in keys.enumerated() { table.set(key, Int32(value)) }
        #expect(table.count == Set(keys).count)
        for (value, key) in keys.enumerated() where keys.lastIndex(of: key) == value { #expect(table[key] == Int32(value)) }
        table.set(keys[10], 123_456)
        #expect(table[keys[10]] == 123_456)
        #expect(table.count == Set(keys).count)
        #expect(table[0xDEAD_BEEF] == nil || keys.contains(0xDEAD_BEEF))
        #expect(table.heldBytes * 7 >= table.count * 8 * 8, "more than seven eighths full")
    }

    @Test("retain keeps exactly the entries that pass and shrinks the table")
    func retain() {
        var table = HeadTable()
        for value in 0..<10_000 { table.set(UInt32(value) &* 2_654_435_761, Int32(value)) }
        let before = table.heldBytes
        table.retain { $0 >= 9_000 }
        #expect(table.count == 1_000)
        #expect(table.heldBytes < before)
        #expect(table[UInt32(8_999) &* 2_654_435_761] == nil)
        #expect(table[UInt32(9_000) &* 2_654_435_761] == 9_000)
        #expect(table[UInt32(9_999) &* 2_654_435_761] == 9_999)
    }
}
