import CPCRE2

/// An error from PCRE2: a pattern that does not compile, or a match that could not finish.
///
/// A match that stops at one of its resource limits (`isResourceLimit`) is not the same as
/// "no match": callers on the moderation path must treat it as a failure and fail closed.
public struct PCRE2Error: Error, Sendable, Equatable, CustomStringConvertible {
    private enum Kind: Sendable, Equatable {
        case compile(offset: Int)
        case match
    }

    private let kind: Kind
    /// PCRE2's numeric error code (negative for match errors, positive for compile errors).
    public let code: Int32
    /// PCRE2's own message for `code`.
    public let message: String

    /// The byte offset in the pattern where compilation failed, for compile errors.
    public var patternOffset: Int? {
        if case .compile(let offset) = kind { return offset }
        return nil
    }

    /// True for a pattern that failed to compile.
    public var isCompileError: Bool { patternOffset != nil }

    /// True when a match gave up because it hit its match, depth, heap or JIT stack limit.
    public var isResourceLimit: Bool {
        guard case .match = kind else { return false }
        return code == PCRE2_ERROR_MATCHLIMIT || code == PCRE2_ERROR_DEPTHLIMIT
            || code == PCRE2_ERROR_HEAPLIMIT || code == PCRE2_ERROR_JIT_STACKLIMIT
    }

    static func compile(code: Int32, offset: Int) -> PCRE2Error {
        PCRE2Error(kind: .compile(offset: offset), code: code, message: Self.message(for: code))
    }

    static func match(code: Int32) -> PCRE2Error {
        PCRE2Error(kind: .match, code: code, message: Self.message(for: code))
    }

    public var description: String {
        if let offset = patternOffset {
            return "\(message) at pattern offset \(offset)"
        }
        return message
    }

    private static func message(for code: Int32) -> String {
        var buffer = [UInt8](repeating: 0, count: 256)
        let length = buffer.withUnsafeMutableBufferPointer { pointer in
            pcre2_get_error_message_8(code, pointer.baseAddress, pointer.count)
        }
        guard length > 0 else { return "PCRE2 error \(code)" }
        return String(decoding: buffer[0..<Int(length)], as: UTF8.self)
    }
}
