import Dispatch
import Foundation

/// Work spread over every core, results kept in order.
public enum ParallelMap {
    /// `body(0) … body(count - 1)`, run in contiguous runs, one per core, into an array in
    /// index order. `body` must be safe to call from several threads at once.
    public static func map<T>(_ count: Int, workers: Int = ProcessInfo.processInfo.activeProcessorCount, _ body: @Sendable (Int) -> T) -> [T] {
        guard count > 1, workers > 1 else { return (0..<count).map(body) }
        let runs = min(workers, count)
        return [T](unsafeUninitializedCapacity: count) { buffer, initialised in
            // Each run writes only its own slots of the buffer.
            nonisolated(unsafe) let slots = buffer
            DispatchQueue.concurrentPerform(iterations: runs) { run in
                let range = (run * count / runs)..<((run + 1) * count / runs)
                for index in range { (slots.baseAddress! + index).initialize(to: body(index)) }
            }
            initialised = count
        }
    }
}
