import CPCRE2
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Per-thread match state: PCRE2 match data and a JIT stack.
///
/// A compiled pattern is shared by every thread; what a match writes (the output vector and
/// the JIT's backtracking stack) must not be. Each thread gets one scratch, made on first use
/// and freed when the thread ends, so the hot path allocates nothing per match.
final class MatchScratch {
    private(set) var matchData: OpaquePointer
    private(set) var pairCapacity: Int
    let jitStack: OpaquePointer?

    private init() {
        pairCapacity = 32
        matchData = pcre2_match_data_create_8(UInt32(pairCapacity), nil)!
        // 32 KiB to start, up to 4 MiB: enough for any pattern a rule pack should hold.
        jitStack = pcre2_jit_stack_create_8(32 * 1024, 4 * 1024 * 1024, nil)
    }

    deinit {
        pcre2_match_data_free_8(matchData)
        if let jitStack { pcre2_jit_stack_free_8(jitStack) }
    }

    /// Makes sure the match data can hold `pairs` offset pairs.
    func reserve(pairs: Int) {
        guard pairs > pairCapacity else { return }
        pcre2_match_data_free_8(matchData)
        pairCapacity = pairs
        matchData = pcre2_match_data_create_8(UInt32(pairs), nil)!
    }

    /// The calling thread's scratch.
    static var current: MatchScratch {
        if let pointer = pthread_getspecific(scratchKey) {
            return Unmanaged<MatchScratch>.fromOpaque(pointer).takeUnretainedValue()
        }
        let scratch = MatchScratch()
        pthread_setspecific(scratchKey, Unmanaged.passRetained(scratch).toOpaque())
        return scratch
    }
}

private let scratchKey: pthread_key_t = {
    var key = pthread_key_t()
    let status = pthread_key_create(&key) { pointer in
        guard let pointer else { return }
        Unmanaged<MatchScratch>.fromOpaque(pointer).release()
    }
    precondition(status == 0, "pthread_key_create failed: \(status)")
    return key
}()

/// The JIT stack callback installed on every match context: it hands PCRE2 the stack of the
/// thread that is matching.
let jitStackForCurrentThread: @convention(c) (UnsafeMutableRawPointer?) -> OpaquePointer? = { _ in
    MatchScratch.current.jitStack
}
