import CPCRE2

/// A PCRE2 pattern compiled once, in UTF mode, with the JIT, and shareable between threads.
///
/// Matching works on UTF-8 bytes in place: a native `String` is matched through its own
/// storage without a copy, and every offset in and out is a byte offset.
///
/// `@unchecked Sendable` is safe here: after `pcre2_jit_compile` the compiled code and the
/// match context are only read, which PCRE2 documents as safe from many threads at once. All
/// state that a match writes lives in a per-thread `MatchScratch`.
public final class CompiledRegex: @unchecked Sendable {
    /// The pattern as written.
    public let pattern: String
    /// The options it was compiled with.
    public let options: RegexOptions
    /// The limits every match call runs under.
    public let limits: MatchLimits
    /// The number of capture groups in the pattern.
    public let captureCount: Int
    /// True when the JIT compiled the pattern (false only where the platform has no JIT).
    public let isJITCompiled: Bool

    private let code: OpaquePointer
    private let matchContext: OpaquePointer

    /// Compiles `pattern`. Throws a `PCRE2Error` carrying PCRE2's message and the offset.
    public init(_ pattern: String, options: RegexOptions = [], limits: MatchLimits = .standard) throws(PCRE2Error) {
        var errorCode: Int32 = 0
        var errorOffset: Int = 0
        let flags = PCRE2_UTF | options.rawValue
        let compiled: OpaquePointer? = pattern.utf8.withContiguousStorageIfAvailable { bytes in
            pcre2_compile_8(bytes.baseAddress, bytes.count, flags, &errorCode, &errorOffset, nil)
        } ?? {
            let bytes = Array(pattern.utf8)
            return pcre2_compile_8(bytes, bytes.count, flags, &errorCode, &errorOffset, nil)
        }()
        guard let compiled else {
            throw PCRE2Error.compile(code: errorCode, offset: errorOffset)
        }
        guard let context = pcre2_match_context_create_8(nil) else {
            pcre2_code_free_8(compiled)
            fatalError("pcre2_match_context_create failed: out of memory")
        }
        self.code = compiled
        self.matchContext = context
        self.pattern = pattern
        self.options = options
        self.limits = limits
        self.isJITCompiled = pcre2_jit_compile_8(compiled, PCRE2_JIT_COMPLETE) == 0

        pcre2_set_match_limit_8(context, limits.matchLimit)
        pcre2_set_depth_limit_8(context, limits.depthLimit)
        pcre2_jit_stack_assign_8(context, jitStackForCurrentThread, nil)

        var captures: UInt32 = 0
        pcre2_pattern_info_8(compiled, UInt32(PCRE2_INFO_CAPTURECOUNT), &captures)
        self.captureCount = Int(captures)
    }

    deinit {
        pcre2_match_context_free_8(matchContext)
        pcre2_code_free_8(code)
    }

    /// The number of the capture group called `name`, or nil if there is none.
    public func groupNumber(named name: String) -> Int? {
        let number = pcre2_substring_number_from_name_8(code, name)
        return number > 0 ? Int(number) : nil
    }

    /// Calls `body` for each successive non-overlapping match in `subject[start..<end]`.
    ///
    /// `subject` must be valid UTF-8 (a Swift string's bytes are) and `start` and `end` must
    /// fall on character boundaries. Lookbehinds may look before `start`; nothing past `end`
    /// is read. `body` returns false to stop. Throws when a match hits its limits. `body` may run
    /// other patterns; the match it was given is read before it does.
    public func forEachMatch(
        in subject: UnsafeBufferPointer<UInt8>,
        from start: Int = 0,
        to end: Int? = nil,
        _ body: (RegexMatch) throws(PCRE2Error) -> Bool
    ) throws(PCRE2Error) {
        try forEachMatch(in: subject, from: start, to: end, resuming: { match throws(PCRE2Error) in try body(match) ? .afterMatch : .stop })
    }

    /// Where the search goes on after a match.
    public enum Resume: Sendable {
        /// After the match: the next match does not overlap it.
        case afterMatch
        /// At the character after the match's start: a match that begins inside this one is
        /// still found (the match was refused, and a shorter one inside may not be).
        case insideMatch
        /// At this byte offset, a character boundary after the match's start.
        case from(Int)
        case stop
    }

    /// `forEachMatch`, where `body` says where the search goes on after each match.
    public func forEachMatch(
        in subject: UnsafeBufferPointer<UInt8>,
        from start: Int = 0,
        to end: Int? = nil,
        resuming body: (RegexMatch) throws(PCRE2Error) -> Resume
    ) throws(PCRE2Error) {
        let end = min(end ?? subject.count, subject.count)
        let scratch = MatchScratch.current
        let pairs = captureCount + 1
        let base = subject.baseAddress ?? UnsafePointer(bitPattern: 1)!
        var position = max(0, start)
        while position <= end {
            // Reserved, and the offsets found, at every step: `body` may run other patterns on
            // this thread (a rule's context words, a shorter match), which use the same scratch
            // and may replace its match data with a larger one.
            scratch.reserve(pairs: pairs)
            let rc = pcre2_match_8(code, base, end, position, PCRE2_NO_UTF_CHECK, scratch.matchData, matchContext)
            if rc == PCRE2_ERROR_NOMATCH { return }
            if rc < 0 { throw PCRE2Error.match(code: rc) }
            let match = RegexMatch(ovector: UnsafePointer(pcre2_get_ovector_pointer_8(scratch.matchData)!), pairCount: pairs)
            let range = match.range
            switch try body(match) {
            case .stop:
                return
            case .insideMatch where range.lowerBound < end:
                position = range.lowerBound + utf8SequenceLength(subject[range.lowerBound])
                continue
            case .from(let offset) where offset > range.lowerBound:
                position = offset
                continue
            case .insideMatch, .afterMatch, .from:
                break
            }
            if range.upperBound > range.lowerBound {
                position = range.upperBound
            } else {
                // An empty match: step over one whole character so as not to loop or split it.
                guard range.upperBound < end else { return }
                position = range.upperBound + utf8SequenceLength(subject[range.upperBound])
            }
        }
    }

    /// The byte range of the first match in `subject[start..<end]`, or nil.
    public func firstMatch(
        in subject: UnsafeBufferPointer<UInt8>, from start: Int = 0, to end: Int? = nil
    ) throws(PCRE2Error) -> Range<Int>? {
        var found: Range<Int>?
        try forEachMatch(in: subject, from: start, to: end) { match in
            found = match.range
            return false
        }
        return found
    }

    /// True if the pattern matches anywhere in `string`.
    public func matches(_ string: String) throws(PCRE2Error) -> Bool {
        try firstRange(in: string) != nil
    }

    /// The byte range of the first match in `string`, or nil.
    public func firstRange(in string: String) throws(PCRE2Error) -> Range<Int>? {
        try withUTF8Bytes(of: string) { bytes throws(PCRE2Error) in try firstMatch(in: bytes) }
    }

    /// Every match in `string` as byte ranges (convenience for tests and tools, not the hot path).
    public func allRanges(in string: String) throws(PCRE2Error) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        try withUTF8Bytes(of: string) { bytes throws(PCRE2Error) in
            try forEachMatch(in: bytes) { match in
                ranges.append(match.range)
                return true
            }
        }
        return ranges
    }
}

/// Runs `body` on the UTF-8 bytes of `string`, in place for a native string.
public func withUTF8Bytes<R>(
    of string: String, _ body: (UnsafeBufferPointer<UInt8>) throws(PCRE2Error) -> R
) throws(PCRE2Error) -> R {
    var text = string
    let result = text.withUTF8 { bytes in
        Result { () throws(PCRE2Error) in try body(bytes) }
    }
    return try result.get()
}

/// The length of the UTF-8 sequence that starts with `lead`.
@inline(__always)
func utf8SequenceLength(_ lead: UInt8) -> Int {
    switch lead {
    case 0..<0x80: return 1
    case 0xC0..<0xE0: return 2
    case 0xE0..<0xF0: return 3
    case 0xF0...: return 4
    default: return 1
    }
}
