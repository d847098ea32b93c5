#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a file descriptor line by line with a fixed buffer, so that memory stays constant
/// however long the input is (only one line is held at a time).
public struct LineReader {
    private let descriptor: Int32
    private var buffer: [UInt8]
    private var start = 0
    private var end = 0
    private var atEOF = false
    public private(set) var readError: Int32?

    public init(descriptor: Int32, bufferSize: Int = 1 << 16) {
        self.descriptor = descriptor
        self.buffer = [UInt8](repeating: 0, count: bufferSize)
    }

    /// The next line without its newline (and without a trailing CR), or nil at the end.
    public mutating func next() -> [UInt8]? {
        var line: [UInt8] = []
        while true {
            if start < end {
                let found = buffer.withUnsafeBufferPointer { bytes -> Int? in
                    memchr(bytes.baseAddress! + start, 0x0A, end - start).map { bytes.baseAddress!.distance(to: $0.assumingMemoryBound(to: UInt8.self)) }
                }
                if let newline = found {
                    line.append(contentsOf: buffer[start..<newline])
                    start = newline + 1
                    return trimCR(line)
                }
                line.append(contentsOf: buffer[start..<end])
                start = end
            }
            if atEOF { return line.isEmpty ? nil : trimCR(line) }
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                readError = errno
                atEOF = true
            } else if count == 0 {
                atEOF = true
            } else {
                start = 0
                end = count
            }
        }
    }

    private func trimCR(_ line: [UInt8]) -> [UInt8] {
        line.last == 0x0D ? Array(line.dropLast()) : line
    }
}

/// Writes to a file descriptor through a buffer.
public struct OutputBuffer {
    private let descriptor: Int32
    private var buffer: [UInt8] = []
    private let limit: Int

    public init(descriptor: Int32, limit: Int = 1 << 16) {
        self.descriptor = descriptor
        self.limit = limit
        buffer.reserveCapacity(limit + 4096)
    }

    public mutating func write(_ bytes: [UInt8]) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= limit { flush() }
    }

    public mutating func flush() {
        var offset = 0
        while offset < buffer.count {
            let written = buffer.withUnsafeBytes { raw in
                systemWrite(descriptor, raw.baseAddress! + offset, raw.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                break
            }
            offset += written
        }
        buffer.removeAll(keepingCapacity: true)
    }
}

#if canImport(Glibc)
private let systemWrite = Glibc.write
#elseif canImport(Darwin)
private let systemWrite = Darwin.write
#endif
