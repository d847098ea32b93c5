import Dispatch
import Foundation
import Synchronization

/// Work spread over every core, results kept in order.
public enum ParallelMap {
    /// `body(0) … body(count - 1)` on `workers` threads, into an array in index order. `body`
    /// must be safe to call from several threads at once.
    ///
    /// The indices are cut into contiguous runs, `runsPerWorker` for each thread, taken by
    /// whichever thread is free: items differ in cost (a long text full of names beside a
    /// short thank-you), and one run per thread left a core idle while the other finished a
    /// heavy half.
    public static func map<T>(_ count: Int, workers: Int = ProcessInfo.processInfo.activeProcessorCount, _ body: @Sendable (Int) -> T) -> [T] {
        guard count > 1, workers > 1 else { return (0..<count).map(body) }
        let runs = min(workers * runsPerWorker, count)
        let nextRun = Atomic<Int>(0)
        return [T](unsafeUninitializedCapacity: count) { buffer, initialised in
            // Each run writes only its own slots of the buffer.
            nonisolated(unsafe) let slots = buffer
            DispatchQueue.concurrentPerform(iterations: min(workers, count)) { _ in
                while true {
                    let run = nextRun.add(1, ordering: .relaxed).oldValue
                    guard run < runs else { return }
                    for index in (run * count / runs)..<((run + 1) * count / runs) { (slots.baseAddress! + index).initialize(to: body(index)) }
                }
            }
            initialised = count
        }
    }

    static let runsPerWorker = 8
}
