import Foundation

/// The in-memory index a durable store puts in front of its table: lookups run in memory
/// (atomic under its lock, no I/O on the hot path); each insert is also kept as pending until
/// the store writes it with its item (`takePending`) or the item is not stored (`withdraw`),
/// so that only stored submissions are ever found as earlier items. Fingerprints read back
/// from the table (on start, or another gateway's) go in with `load`, never pending.
public final class RecordingFingerprintIndex: FingerprintIndex, @unchecked Sendable {
    // @unchecked Sendable: `pending` is only touched while `lock` is held; `memory` is Sendable.
    private let memory: MemoryFingerprintIndex
    private let lock = NSLock()
    private var pending: [String: [Pending]] = [:]

    /// A fingerprint waiting to be written, with the contributor of the cluster's first item
    /// when it joined a cluster (so that the cluster's contributors can be counted from the table).
    public struct Pending: Sendable {
        public var fingerprint: StoredFingerprint
        public var rootContributor: UInt64?

        public init(fingerprint: StoredFingerprint, rootContributor: UInt64?) {
            self.fingerprint = fingerprint
            self.rootContributor = rootContributor
        }
    }

    /// How long fingerprints are kept, in seconds.
    public let retention: TimeInterval

    public init(retention: TimeInterval) {
        self.retention = retention
        memory = MemoryFingerprintIndex(retention: retention)
    }

    /// The number of items held in memory.
    public var count: Int { memory.count }

    public func transaction<T>(_ body: (inout any FingerprintTransaction) throws -> T) throws -> T {
        try memory.transaction { inner in
            var recording: any FingerprintTransaction = ForwardingTransaction(inner: inner) { inner, fingerprint, match in
                try inner.insert(fingerprint, joining: match)
                let root = match.flatMap { $0.cluster == fingerprint.cluster && fingerprint.cluster != fingerprint.itemId ? $0.contributor : nil }
                self.lock.withLock { self.pending[fingerprint.itemId, default: []].append(Pending(fingerprint: fingerprint, rootContributor: root)) }
            }
            return try body(&recording)
        }
    }

    /// The fingerprints `itemId`'s evaluation inserted, no longer pending: the caller writes
    /// them with the item.
    public func takePending(itemId: String) -> [Pending] {
        lock.withLock { pending.removeValue(forKey: itemId) } ?? []
    }

    /// Forgets `itemId`'s fingerprints: its submission was not stored.
    public func withdraw(itemId: String) {
        lock.withLock { _ = pending.removeValue(forKey: itemId) }
        memory.withdraw(itemId: itemId)
    }

    /// Inserts fingerprints read from the store, oldest first; each that joined a cluster with
    /// the contributor of the cluster's first item, as it was recorded.
    public func load<Rows: Sequence>(_ rows: Rows) throws where Rows.Element == Pending {
        try memory.transaction { transaction in
            for row in rows {
                let fingerprint = row.fingerprint
                let root = fingerprint.cluster == fingerprint.itemId ? nil :
                    StoredFingerprint(itemId: fingerprint.cluster, contributor: row.rootContributor, conversation: nil, time: fingerprint.time,
                                      exact: 0, signature: [], bands: [], cluster: fingerprint.cluster)
                try transaction.insert(fingerprint, joining: root)
            }
        }
    }
}
