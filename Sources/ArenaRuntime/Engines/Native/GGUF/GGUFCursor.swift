/// Reads little-endian GGUF fields from a byte buffer, checking every read against its end; errors
/// name the file, the byte offset and the field being read.
struct GGUFCursor {
    let path: String
    let bytes: UnsafeRawBufferPointer
    private(set) var offset = 0

    init(path: String, bytes: UnsafeRawBufferPointer) {
        self.path = path
        self.bytes = bytes
    }

    var remaining: Int { bytes.count - offset }

    func error(_ field: String, _ reason: String, at position: Int? = nil) -> NativeModelError {
        .invalidGGUF(path: path, offset: position ?? offset, field: field, reason: reason)
    }

    /// Checks that `count` bytes remain for `field`.
    func require(_ count: Int, for field: String) throws {
        guard count >= 0, count <= remaining else {
            throw error(field, "file truncated: needs \(count) bytes, \(remaining) remain of \(bytes.count)")
        }
    }

    mutating func skip(_ count: Int, for field: String) throws {
        try require(count, for: field)
        offset += count
    }

    mutating func fixed<T: FixedWidthInteger>(_: T.Type, _ field: String) throws -> T {
        try require(MemoryLayout<T>.size, for: field)
        let value = T(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: T.self))
        offset += MemoryLayout<T>.size
        return value
    }

    mutating func u32(_ field: String) throws -> UInt32 { try fixed(UInt32.self, field) }
    mutating func u64(_ field: String) throws -> UInt64 { try fixed(UInt64.self, field) }

    /// A u64 that must be a count or size this process can hold.
    mutating func size(_ field: String) throws -> Int {
        let start = offset
        let value = try u64(field)
        guard let size = Int(exactly: value), size <= Int(Int32.max) * 1024 else {
            throw error(field, "value \(value) is too large", at: start)
        }
        return size
    }

    /// A GGUF string: a u64 byte length, then that many bytes of UTF-8.
    mutating func string(_ field: String) throws -> String {
        let start = offset
        let length = try size(field + " (length)")
        guard length <= remaining else {
            throw error(field, "file truncated: a string of \(length) bytes, \(remaining) remain", at: start)
        }
        let raw = UnsafeRawBufferPointer(rebasing: bytes[offset ..< offset + length])
        guard let text = String(validating: raw, as: UTF8.self) else {
            throw error(field, "a string of \(length) bytes that is not valid UTF-8", at: start)
        }
        offset += length
        return text
    }

    /// One metadata value of `type`; arrays nest at most `GGUFCursor.maxNesting` deep.
    mutating func value(_ type: GGUFValueType, _ field: String, depth: Int = 0) throws -> GGUFValue {
        switch type {
        case .uint8: return .uint8(try fixed(UInt8.self, field))
        case .int8: return .int8(try fixed(Int8.self, field))
        case .uint16: return .uint16(try fixed(UInt16.self, field))
        case .int16: return .int16(try fixed(Int16.self, field))
        case .uint32: return .uint32(try fixed(UInt32.self, field))
        case .int32: return .int32(try fixed(Int32.self, field))
        case .uint64: return .uint64(try fixed(UInt64.self, field))
        case .int64: return .int64(try fixed(Int64.self, field))
        case .float32: return .float32(Float(bitPattern: try fixed(UInt32.self, field)))
        case .float64: return .float64(Double(bitPattern: try fixed(UInt64.self, field)))
        case .bool:
            let start = offset
            let raw = try fixed(UInt8.self, field)
            guard raw <= 1 else { throw error(field, "a BOOL must be 0 or 1, found \(raw)", at: start) }
            return .bool(raw == 1)
        case .string: return .string(try string(field))
        case .array:
            guard depth < Self.maxNesting else { throw error(field, "arrays nested deeper than \(Self.maxNesting)") }
            let element = try valueType(field + " (array element type)")
            let countOffset = offset
            let count = try size(field + " (array length)")
            // Every element takes at least this many bytes, so a count the file cannot hold is
            // refused before anything is allocated for it.
            let smallest = element.fixedWidth ?? (element == .string ? 8 : 12)
            guard count <= remaining / smallest else {
                throw error(field, "file truncated: an array of \(count) \(element) values needs at least \(count * smallest) bytes, \(remaining) remain", at: countOffset)
            }
            var values: [GGUFValue] = []
            values.reserveCapacity(count)
            for i in 0 ..< count {
                values.append(try value(element, "\(field)[\(i)]", depth: depth + 1))
            }
            return .array(element: element, values: values)
        }
    }

    mutating func valueType(_ field: String) throws -> GGUFValueType {
        let start = offset
        let raw = try u32(field)
        guard let type = GGUFValueType(rawValue: raw) else {
            throw error(field, "unknown value type \(raw) (known: 0 to 12)", at: start)
        }
        return type
    }

    static let maxNesting = 16
}
