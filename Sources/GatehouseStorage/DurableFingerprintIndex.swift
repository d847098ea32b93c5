import Foundation
import GRDB
import GatehouseCore

/// A `FingerprintIndex` that survives restarts: lookups run on an in-memory index (atomic under
/// its lock, no disk I/O on the hot path), and each item's new fingerprint is written to the
/// gateway's database in the same savepoint as its item and audit entry (`persist`), or
/// withdrawn from memory when that fails (`withdraw`), so that only stored submissions are
/// ever found as earlier items. On start the memory index is rebuilt from the table, so a
/// restart forgets nothing.
public final class DurableFingerprintIndex: FingerprintIndex, Sendable {
    private let index: RecordingFingerprintIndex

    /// How long fingerprints are kept, in seconds.
    public var retention: TimeInterval { index.retention }

    /// Loads the fingerprints received within `retention` of now from `database`.
    public init(database: GatehouseDatabase, retention: TimeInterval = 30 * 24 * 3600, now: Date = Date()) throws {
        index = RecordingFingerprintIndex(retention: retention)
        // Row by row from a cursor: the rows are never all in memory at once beside the index.
        // Times ahead of the clock (which only an earlier version let in, from a receivedAt) are
        // left out: the index takes its newest time as the present and would drop the rest.
        var rootContributors: [String: UInt64] = [:]
        try database.pool.read { db in
            let rows = try Row.fetchCursor(
                db, sql: "SELECT * FROM fingerprint WHERE time >= ? AND time <= ? ORDER BY seq",
                arguments: [
                    now.addingTimeInterval(-retention).timeIntervalSince1970,
                    now.addingTimeInterval(Submission.allowedClockSkew).timeIntervalSince1970,
                ])
            var batch: [RecordingFingerprintIndex.Pending] = []
            while let row = try rows.next() {
                let fingerprint = Self.fingerprint(row)
                if fingerprint.cluster == fingerprint.itemId, let contributor = fingerprint.contributor {
                    rootContributors[fingerprint.itemId] = contributor
                }
                batch.append(.init(fingerprint: fingerprint, rootContributor: rootContributors[fingerprint.cluster]))
                if batch.count == 4_096 {
                    try index.load(batch)
                    batch.removeAll(keepingCapacity: true)
                }
            }
            try index.load(batch)
        }
    }

    /// The number of items held in memory.
    public var count: Int { index.count }

    public func transaction<T>(_ body: (inout any FingerprintTransaction) throws -> T) throws -> T {
        try index.transaction(body)
    }

    /// Writes the fingerprints `itemId`'s evaluation inserted, inside the caller's transaction
    /// (the item's own savepoint, so they are kept exactly when the item is).
    public func persist(itemId: String, into db: Database) throws {
        let fingerprints = index.takePending(itemId: itemId).map(\.fingerprint)
        guard !fingerprints.isEmpty else { return }
        let insert = try db.cachedStatement(
            sql: """
                INSERT INTO fingerprint (itemId, contributor, conversation, time, exact, signature, bands, cluster,
                                         sentences, scheme)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
        for fingerprint in fingerprints {
            try insert.execute(
                arguments: [
                    fingerprint.itemId, fingerprint.contributor.map { Int64(bitPattern: $0) }, fingerprint.conversation,
                    fingerprint.time.timeIntervalSince1970, Int64(bitPattern: fingerprint.exact),
                    fingerprint.signature.withUnsafeBytes { Data($0) }, fingerprint.bands.withUnsafeBytes { Data($0) },
                    fingerprint.cluster, Data(SentenceMark.encode(fingerprint.sentences)),
                    Self.scheme,
                ])
        }
    }

    /// Forgets `itemId`'s fingerprints: its submission was not stored (the commit failed, or
    /// another request with the same idempotency key got there first).
    public func withdraw(itemId: String) {
        index.withdraw(itemId: itemId)
    }

    /// The fingerprint scheme written now: 2, MinHash bins chosen without the key, with
    /// sentence marks. Rows of scheme 1 are loaded without signature and bands.
    static let scheme = 2

    private static func fingerprint(_ row: Row) -> StoredFingerprint {
        let current = (row["scheme"] as Int?) == scheme
        let signature: Data = current ? row["signature"] : Data()
        let bands: Data = current ? row["bands"] : Data()
        let sentences: Data = current ? (row["sentences"] as Data?) ?? Data() : Data()
        let contributor: Int64? = row["contributor"]
        let exact: Int64 = row["exact"]
        let itemId: String = row["itemId"]
        let cluster: String = row["cluster"]
        return StoredFingerprint(
            itemId: itemId, contributor: contributor.map { UInt64(bitPattern: $0) }, conversation: row["conversation"],
            time: Date(timeIntervalSince1970: row["time"]), exact: UInt64(bitPattern: exact),
            signature: signature.withUnsafeBytes { Array($0.bindMemory(to: UInt32.self)) },
            bands: bands.withUnsafeBytes { Array($0.bindMemory(to: UInt64.self)) },
            // Most items start their own cluster: share the id's storage, as a live insert does,
            // rather than hold a second copy of the same 36 characters for each of them.
            cluster: cluster == itemId ? itemId : cluster,
            sentences: sentences.withUnsafeBytes { SentenceMark.decode($0) })
    }
}
