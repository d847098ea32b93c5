import Foundation
import GatehouseCore
import Logging
import PostgresNIO
import Synchronization

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
    private let state = CatchUpState()

    init(client: PostgresClient, gateway: String, retention: TimeInterval, logger: Logger) {
        index = RecordingFingerprintIndex(retention: retention)
        self.gateway = gateway
        self.client = client
        self.logger = logger
        reader = CoalescedRun(limit: PostgresErrors.deadline) { [index, state, client, gateway, logger] in
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

    /// The number of the last row read (this gateway's own included).
    var lastRead: Int64 { state.last }

    /// Writes the fingerprints `itemId`'s evaluation inserted into `batch`.
    func persist(itemId: String, into batch: PostgresBatch) {
        for pending in index.takePending(itemId: itemId) {
            batch.insertFingerprint(.init(gateway: gateway, fingerprint: pending.fingerprint, rootContributor: pending.rootContributor))
        }
    }

    func withdraw(itemId: String) {
        index.withdraw(itemId: itemId)
    }

    /// The last seq read (the gateway's own rows included: they are passed over, not loaded), and
    /// which read may move it. A read that outlived its deadline (the server went away under
    /// it) may still finish while a newer one runs: only the newest read loads what it got,
    /// so no row is loaded twice and `last` never goes back.
    private final class CatchUpState: Sendable {
        private struct State {
            var last: Int64 = 0
            var loaded = false
            var reader = 0
        }
        private let state = Mutex(State())

        var last: Int64 { state.withLock { $0.last } }

        /// Starts a read: its number, where it starts, and whether the first full load is done.
        func begin() -> (reader: Int, last: Int64, loaded: Bool) {
            state.withLock { state in
                state.reader += 1
                return (state.reader, state.last, state.loaded)
            }
        }

        /// Runs `load` and moves `last` on, if `reader` is still the newest read; false if not.
        func commit(reader: Int, last: Int64, loaded: Bool, _ load: () throws -> Void) rethrows -> Bool {
            try state.withLock { state in
                guard state.reader == reader else { return false }
                try load()
                state.last = last
                state.loaded = state.loaded || loaded
                return true
            }
        }
    }

    /// The most rows one query of a read returns; a read goes on until a query returns fewer.
    private static let readLimit = 4096

    private static func readNew(
        into index: RecordingFingerprintIndex, state: CatchUpState, client: PostgresClient, gateway: String, logger: Logger
    ) async throws {
        let now = Date()
        let (reader, first, loaded) = state.begin()
        // The first read loads everything within retention; later ones what is new.
        let since = loaded ? 0 : now.addingTimeInterval(-index.retention).timeIntervalSince1970
        let until = now.addingTimeInterval(Submission.allowedClockSkew).timeIntervalSince1970
        var last = first
        while true {
            // Only the primary key bounds the read, so that each read costs what it returns.
            // With the times in the condition, PostgreSQL intersected the whole `time` index
            // with the key's range (the bounds cover every row once the first load is done);
            // with `gateway <> this one` there, `last` stayed behind this gateway's own rows,
            // which every read then went through again (all of the table, for a gateway
            // alone). Own rows are read as their numbers only, and passed over.
            let rows = try await client.query(
                """
                SELECT seq, own, contributor, root_contributor, time, exact,
                    CASE WHEN NOT own THEN item_id END, CASE WHEN NOT own THEN conversation END, CASE WHEN NOT own THEN cluster END,
                    CASE WHEN NOT own THEN signature END, CASE WHEN NOT own THEN bands END, CASE WHEN NOT own THEN sentences END
                FROM (SELECT *, gateway = \(gateway) AS own FROM fingerprint WHERE seq > \(last) ORDER BY seq LIMIT \(readLimit)) AS unread
                ORDER BY seq
                """, logger: logger)
            var batch: [RecordingFingerprintIndex.Pending] = []
            var read = 0
            for try await row in rows {
                let (seq, own, contributor, root, time, exact, itemId, conversation, cluster, signature, bands, sentences) =
                    try row.decode((Int64, Bool, Int64?, Int64?, Double, Int64, String?, String?, String?, ByteBuffer?, ByteBuffer?, ByteBuffer?).self)
                last = seq
                read += 1
                guard !own, time >= since, time <= until, let itemId, let cluster, let signature, let bands, let sentences else { continue }
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
            let complete = read < readLimit
            guard try state.commit(reader: reader, last: last, loaded: complete, { try index.load(batch) }) else {
                logger.notice("a fingerprint read that outlived its deadline was dropped; a newer read had begun")
                return
            }
            if complete { break }
        }
    }
}

/// Runs one async job so that overlapping callers share runs: a caller that arrives while a
/// run is going waits for the next run (which begins after it asked), and every caller that
/// arrives meanwhile shares that same next run. A run that has not finished within `limit`
/// fails (and its job is cancelled), so that a job that never returns — a query on a
/// connection the server dropped in an outage — cannot hold up every later run.
final class CoalescedRun: Sendable {
    private let job: @Sendable () async throws -> Void
    private let limit: Duration
    private let state = StateBox()

    private actor StateBox {
        var current: Task<Void, any Error>?
        var next: Task<Void, any Error>?

        func ticket(_ job: @escaping @Sendable () async throws -> Void, limit: Duration) -> Task<Void, any Error> {
            if let next { return next }
            let previous = current
            let task = Task<Void, any Error> {
                _ = await previous?.result
                try await Deadline.run(limit, job)
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

    init(limit: Duration, _ job: @escaping @Sendable () async throws -> Void) {
        self.limit = limit
        self.job = job
    }

    func run() async throws {
        try await state.ticket(job, limit: limit).value
    }
}
