import Foundation

/// Why a Parquet file could not be read. Every case names the file; those about a column name it
/// too, so a message points at the exact place that is corrupt or unsupported.
public struct ParquetError: Error, CustomStringConvertible, Equatable {
    public let file: String
    public let column: String?
    public let message: String

    public init(file: String, column: String? = nil, message: String) {
        self.file = file
        self.column = column
        self.message = message
    }

    public var description: String {
        if let column { return "\(file): column '\(column)': \(message)" }
        return "\(file): \(message)"
    }
}

/// A failure inside a decoder that does not know which file or column it is reading; the reader
/// adds those when it turns this into a `ParquetError`.
struct ParquetDecodeError: Error, CustomStringConvertible {
    let message: String
    init(_ message: String) { self.message = message }
    var description: String { message }
}

/// Bounds-checked little-endian reading over a byte array. Every read that would pass the end
/// throws instead of trapping.
struct ByteCursor {
    let bytes: [UInt8]
    private(set) var position: Int
    let end: Int

    init(_ bytes: [UInt8], from start: Int = 0, to end: Int? = nil) {
        self.bytes = bytes
        self.position = start
        self.end = min(end ?? bytes.count, bytes.count)
    }

    var remaining: Int { end - position }
    var isAtEnd: Bool { position >= end }

    mutating func byte() throws -> UInt8 {
        guard position < end else { throw ParquetDecodeError("unexpected end of data at byte \(position)") }
        defer { position += 1 }
        return bytes[position]
    }

    mutating func skip(_ count: Int) throws {
        guard count >= 0, count <= remaining else {
            throw ParquetDecodeError("length \(count) at byte \(position) runs past the end of its data (\(remaining) bytes left)")
        }
        position += count
    }

    mutating func take(_ count: Int) throws -> ArraySlice<UInt8> {
        let start = position
        try skip(count)
        return bytes[start..<start + count]
    }

    mutating func uint32LE() throws -> UInt32 {
        let s = try take(4)
        var v: UInt32 = 0
        for (i, b) in s.enumerated() { v |= UInt32(b) << (8 * UInt32(i)) }
        return v
    }

    mutating func uint64LE() throws -> UInt64 {
        let s = try take(8)
        var v: UInt64 = 0
        for (i, b) in s.enumerated() { v |= UInt64(b) << (8 * UInt64(i)) }
        return v
    }

    /// Unsigned LEB128 varint of at most 10 bytes.
    mutating func uvarint() throws -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let b = try byte()
            guard shift < 64 else { throw ParquetDecodeError("varint longer than 10 bytes at byte \(position)") }
            result |= UInt64(b & 0x7f) << shift
            if b & 0x80 == 0 { return result }
            shift += 7
        }
    }

    mutating func zigzag() throws -> Int64 {
        let v = try uvarint()
        return Int64(bitPattern: (v >> 1) ^ (0 &- (v & 1)))
    }
}
