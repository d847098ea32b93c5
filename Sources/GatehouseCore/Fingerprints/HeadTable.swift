/// A hash table from a 32-bit key to a value of 0 or more: the sequence number of the newest
/// item with that key (the heads of the fingerprint index's band chains), or a count (how many
/// items hold a sentence).
///
/// `Dictionary<UInt32, Int32>` would do, at twice the memory: it grows at three quarters full,
/// so 100,000 keys take a table of 262,144 slots, and each lookup hashes the key again with
/// SipHash. Band keys are already well-mixed hashes, so this table uses their bits directly,
/// probes linearly, packs key and value into one 64-bit slot, and grows at seven eighths full.
/// Nothing is removed one by one: `retain(where:)` rebuilds the table (the index compacts in
/// bulk).
struct HeadTable: Sendable {
    /// Key in the high 32 bits, value + 1 in the low 32 (so that 0 marks an empty slot).
    private var slots: [UInt64]
    private(set) var count = 0

    /// The bytes its slots take.
    var heldBytes: Int { slots.capacity * MemoryLayout<UInt64>.stride }

    init() {
        slots = Array(repeating: 0, count: 16)
    }

    /// The value stored for `key`.
    @inline(__always)
    subscript(key: UInt32) -> Int32? {
        slots.withUnsafeBufferPointer { slots in
            let mask = slots.count - 1
            var index = Self.start(key, mask)
            while true {
                let slot = slots[index]
                if slot == 0 { return nil }
                if Self.key(slot) == key { return Self.value(slot) }
                index = (index + 1) & mask
            }
        }
    }

    /// Stores `value` (at least 0) for `key`, replacing what was there.
    mutating func set(_ key: UInt32, _ value: Int32) {
        precondition(value >= 0, "HeadTable holds sequence numbers, never negative")
        if (count + 1) * 8 > slots.count * 7 { resize(to: slots.count * 2) }
        let packed = UInt64(key) << 32 | UInt64(UInt32(value) + 1)
        slots.withUnsafeMutableBufferPointer { slots in
            let mask = slots.count - 1
            var index = Self.start(key, mask)
            while slots[index] != 0, Self.key(slots[index]) != key { index = (index + 1) & mask }
            if slots[index] == 0 { count += 1 }
            slots[index] = packed
        }
    }

    /// Adds `delta` to the value for `key` (a missing key counts as 0); the result must not be
    /// negative. An entry brought to 0 stays until `retain(where:)` drops it.
    mutating func add(_ delta: Int32, to key: UInt32) {
        if let value = self[key] {
            let updated = value + delta
            precondition(updated >= 0, "HeadTable values are never negative")
            set(key, updated)
        } else {
            set(key, delta)
        }
    }

    /// Keeps the entries whose value passes `keep`, in a table sized for them.
    mutating func retain(where keep: (Int32) -> Bool) {
        let kept = slots.filter { $0 != 0 && keep(Self.value($0)) }
        var capacity = 16
        while kept.count * 8 > capacity * 7 / 2 { capacity *= 2 }
        rebuild(from: kept, capacity: capacity)
    }

    private mutating func resize(to capacity: Int) {
        rebuild(from: slots.filter { $0 != 0 }, capacity: capacity)
    }

    /// A table of `capacity` slots holding the entries of `entries` (occupied slots).
    private mutating func rebuild(from entries: [UInt64], capacity: Int) {
        slots = Array(repeating: 0, count: capacity)
        count = 0
        for slot in entries { set(Self.key(slot), Self.value(slot)) }
    }

    @inline(__always)
    private static func key(_ slot: UInt64) -> UInt32 { UInt32(truncatingIfNeeded: slot >> 32) }

    @inline(__always)
    private static func value(_ slot: UInt64) -> Int32 { Int32(bitPattern: UInt32(truncatingIfNeeded: slot) &- 1) }

    /// The first slot to probe: the key's bits spread over the table (keys are hashes already,
    /// but a multiply keeps a run of similar keys from clustering).
    @inline(__always)
    private static func start(_ key: UInt32, _ mask: Int) -> Int {
        Int(truncatingIfNeeded: (UInt64(key) &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
    }
}
