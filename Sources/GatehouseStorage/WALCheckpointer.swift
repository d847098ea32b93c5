import Dispatch
import Foundation
import GRDB
import Synchronization

/// Runs passive WAL checkpoints on a connection of its own, on a timer, so that commits
/// seldom pay for one. A passive checkpoint copies committed pages into the database file
/// without waiting for readers or writers. Under steady heavy writing it never quite catches
/// up, and SQLite only starts the WAL again from its beginning once one has; the writer's own
/// automatic checkpoint (at 4,096 pages) does that, with little left to copy.
final class WALCheckpointer: Sendable {
    private let connection: DatabaseQueue
    private let queue = DispatchQueue(label: "gatehouse.checkpointer")
    private let interval: DispatchTimeInterval
    private let stopped = Atomic<Bool>(false)

    /// Checkpoints every `interval`; `.never` makes one that only truncates when asked.
    init(path: String, interval: DispatchTimeInterval = .milliseconds(50)) throws {
        var configuration = Configuration()
        configuration.label = "gatehouse.checkpointer"
        // Passive checkpoints never wait; a truncating one waits at most this long per attempt.
        configuration.busyMode = .timeout(0.02)
        connection = try DatabaseQueue(path: path, configuration: configuration)
        self.interval = interval
        if interval != .never { schedule() }
    }

    private func schedule() {
        queue.asyncAfter(deadline: .now() + interval) { [weak self] in
            guard let self, !self.stopped.load(ordering: .relaxed) else { return }
            self.checkpoint()
            self.schedule()
        }
    }

    private func checkpoint() {
        // A failed checkpoint loses nothing: the pages stay in the WAL for the next one.
        _ = try? connection.writeWithoutTransaction { db in try db.checkpoint(.passive) }
    }

    /// Copies every committed page into the database file and cuts the WAL to nothing, so
    /// that earlier versions of changed rows are gone from it.
    ///
    /// A truncating checkpoint must wait for readers of older snapshots, and new writers wait
    /// while it does. So each attempt waits at most 20 ms (the connection's busy timeout) and
    /// is retried after `pause`, up to `attempts` times: a long read (a whole-chain audit
    /// check) delays the erasure, never the intake by more than 20 ms at a time. Throws the
    /// last `SQLITE_BUSY` if every attempt found a reader.
    func truncate(attempts: Int = 40, pause: Duration = .milliseconds(50)) async throws {
        for attempt in 1...max(attempts, 1) {
            do {
                try await connection.writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) }
                return
            } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY && attempt < attempts {
                try await Task.sleep(for: pause)
            }
        }
    }

    /// Stops the timer; a checkpoint under way finishes.
    func stop() {
        stopped.store(true, ordering: .relaxed)
    }
}
