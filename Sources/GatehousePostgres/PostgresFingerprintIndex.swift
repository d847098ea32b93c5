import Foundation
import GatehouseCore
import Logging
import PostgresNIO

/// The duplicate plugin's index on the shared database: lookups run in this gateway's memory;
/// each stored item's fingerprint is written with it, tagged with the gateway that wrote it;
/// and before each submission is judged the gateway reads the fingerprints the other
/// gateways have committed since it last looked (`catchUp`), so a repeat sent to gateway B of
/// an item gateway A stored moments before is found, and a campaign's contributors and a
/// flood are counted over every gateway.
///
/// Rows are numbered in commit order (`PostgresSchema`), so reading `seq > last` misses none.
/// Two submissions judged at the same moment on two gateways do not see each other: the
/// window is one commit (milliseconds).
final class PostgresFingerprintIndex: FingerprintIndex, Sendable {
    let index: RecordingFingerprintIndex
    /// This process's id in the `gateway` column.
    let gateway: String
    private let client: PostgresClient
    private let logger: Logger
    private let reader: CoalescedRun

    init(client: PostgresClient, gateway: String, retention: TimeInterval, logger: Logger) {
        index = RecordingFingerprintIndex(retention: retention)
        self.gateway = gateway
        self.client = client
        self.logger = logger
        let state = CatchUpState()
        reader = CoalescedRun { [index, client, gateway, logger] in
            try await Self.readNew(into: index, state: state, client: client, gateway: gateway, logger: logger)
        }
    }

    var retention: TimeInterval { index.retention }

    func transaction<T>(_ body: (inout any FingerprintTransaction) throws -> T) throws -> T {
        try index.transaction(body)
    }

    /// Reads what the other gateways committed since the last read; runs that overlap share
    /// one query, and a caller always waits for a read that began after it asked.
    func catchUp() async throws {
        try await reader.run()
    }

    /// Writes the fingerprints `itemId`'s evaluation inserted into `batch`.
    func persist(itemId: String, into batch: PostgresBatch) {
        for pending in index.takePending(itemId: itemId) {
            batch.insertFingerprint(.init(gateway: gateway, fingerprint: pending.fingerprint, rootContributor: pending.rootContributor))
        }
    }

    func withdraw(itemId: String) {
        index.withdraw(itemId: itemId)
    }

    /// The last seq read (the gateway's own rows are skipped, not counted as unread).
    private final class CatchUpState: @unchecked Sendable {
        // @unchecked Sendable: only touched inside the coalesced run, one at a time.
        var last: Int64 = 0
        var loaded = false
    }

    private static func readNew(
        into index: RecordingFingerprintIndex, state: CatchUpState, client: PostgresClient, gateway: String, logger: Logger
    ) async throws {
        let now = Date()
        // The first read loads everything within retention; later ones what is new.
        let since = state.loaded ? 0 : now.addingTimeInterval(-index.retention).timeIntervalSince1970
        let until = now.addingTimeInterval(Submission.allowedClockSkew).timeIntervalSince1970
        while true {
            let rows = try await client.query(
                """
                SELECT seq, item_id, contributor, root_contributor, conversation, time, exact, signature, bands, cluster, sentences
                FROM fingerprint WHERE seq > \(state.last) AND gateway <> \(gateway) AND time >= \(since) AND time <= \(until)
                ORDER BY seq LIMIT 4096
                """, logger: logger)
            var batch: [RecordingFingerprintIndex.Pending] = []
            var last = state.last
            for try await row in rows {
                let (seq, itemId, contributor, root, conversation, time, exact, signature, bands, cluster, sentences) =
                    try row.decode((Int64, String, Int64?, Int64?, String?, Double, Int64, ByteBuffer, ByteBuffer, String, ByteBuffer).self)
                last = seq
                batch.append(
                    .init(
                        fingerprint: StoredFingerprint(
                            itemId: itemId, contributor: contributor.map { UInt64(bitPattern: $0) }, conversation: conversation,
                            time: Date(timeIntervalSince1970: time), exact: UInt64(bitPattern: exact),
                            signature: signature.readableBytesView.withUnsafeBytes { Array($0.bindMemory(to: UInt32.self)) },
                            bands: bands.readableBytesView.withUnsafeBytes { Array($0.bindMemory(to: UInt64.self)) },
                            cluster: cluster == itemId ? itemId : cluster,
                            sentences: sentences.readableBytesView.withUnsafeBytes { SentenceMark.decode($0) }),
                        rootContributor: root.map { UInt64(bitPattern: $0) }))
            }
            try index.load(batch)
            state.last = last
            if batch.count < 4096 { break }
        }
        state.loaded = true
    }
}

/// Runs one async job so that overlapping callers share runs: a caller that arrives while a
/// run is going waits for the next run (which begins after it asked), and every caller that
/// arrives meanwhile shares that same next run.
final class CoalescedRun: Sendable {
    private let job: @Sendable () async throws -> Void
    private let state = StateBox()

    private actor StateBox {
        var current: Task<Void, any Error>?
        var next: Task<Void, any Error>?

        func ticket(_ job: @escaping @Sendable () async throws -> Void) -> Task<Void, any Error> {
            if let next { return next }
            let previous = current
            let task = Task<Void, any Error> {
                _ = await previous?.result
                try await job()
            }
            if previous == nil {
                current = task
            } else {
                next = task
            }
            Task { _ = await task.result; self.finished(task) }
            return task
        }

        private func finished(_ task: Task<Void, any Error>) {
            if current == task {
                current = next
                next = nil
            } else if next == task {
                // Its own `finished` can run before `current`'s (each is a task of its own):
                // clear it, or every later caller would share a run that is already over.
                next = nil
            }
        }
    }

    init(_ job: @escaping @Sendable () async throws -> Void) {
        self.job = job
    }

    func run() async throws {
        try await state.ticket(job).value
    }
}
