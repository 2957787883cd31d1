import Foundation

/// A value read with the Thrift compact protocol, the encoding of Parquet's footer and page
/// headers. The reader builds this generic tree first and the typed metadata is read from it.
indirect enum ThriftValue: Sendable {
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case binary(ArraySlice<UInt8>)
    case list([ThriftValue])
    case map([(ThriftValue, ThriftValue)])
    case structure(ThriftStruct)
}

/// The fields of one Thrift struct by field id.
struct ThriftStruct: Sendable {
    var fields: [Int16: ThriftValue] = [:]
    let name: String

    func int(_ id: Int16) -> Int64? {
        if case let .int(v)? = fields[id] { return v }
        return nil
    }

    func requiredInt(_ id: Int16, _ field: String) throws -> Int64 {
        guard let v = int(id) else { throw ParquetDecodeError("\(name): required field \(field) (\(id)) is missing") }
        return v
    }

    func bool(_ id: Int16) -> Bool? {
        if case let .bool(v)? = fields[id] { return v }
        return nil
    }

    func string(_ id: Int16) -> String? {
        if case let .binary(b)? = fields[id] { return String(decoding: b, as: UTF8.self) }
        return nil
    }

    func structure(_ id: Int16) -> ThriftStruct? {
        if case let .structure(s)? = fields[id] { return s }
        return nil
    }

    func list(_ id: Int16) -> [ThriftValue]? {
        if case let .list(l)? = fields[id] { return l }
        return nil
    }

    func requiredList(_ id: Int16, _ field: String) throws -> [ThriftValue] {
        guard let v = list(id) else { throw ParquetDecodeError("\(name): required field \(field) (\(id)) is missing") }
        return v
    }
}

/// Reads Thrift compact protocol structs, refusing nesting deeper than `maxDepth` and any length
/// that runs past the data.
struct ThriftCompactReader {
    var cursor: ByteCursor
    let maxDepth = 64

    init(_ cursor: ByteCursor) { self.cursor = cursor }

    mutating func readStruct(name: String, depth: Int = 0) throws -> ThriftStruct {
        guard depth < maxDepth else { throw ParquetDecodeError("Thrift structs nested deeper than \(maxDepth)") }
        var result = ThriftStruct(name: name)
        var lastID: Int16 = 0
        while true {
            let header = try cursor.byte()
            let type = header & 0x0f
            if type == 0 { return result }
            let delta = Int16(header >> 4)
            let id: Int16
            if delta != 0 {
                id = lastID &+ delta
            } else {
                let raw = try cursor.zigzag()
                guard let narrow = Int16(exactly: raw) else { throw ParquetDecodeError("\(name): field id \(raw) out of range") }
                id = narrow
            }
            lastID = id
            switch type {
            case 1: result.fields[id] = .bool(true)
            case 2: result.fields[id] = .bool(false)
            default: result.fields[id] = try readValue(type: type, depth: depth + 1, context: name)
            }
        }
    }

    private mutating func readValue(type: UInt8, depth: Int, context: String) throws -> ThriftValue {
        guard depth < maxDepth else { throw ParquetDecodeError("Thrift values nested deeper than \(maxDepth)") }
        switch type {
        case 1, 2: // booleans inside lists/maps are one byte: 1 true, anything else false
            return .bool(try cursor.byte() == 1)
        case 3:
            return .int(Int64(Int8(bitPattern: try cursor.byte())))
        case 4, 5, 6:
            return .int(try cursor.zigzag())
        case 7:
            return .double(Double(bitPattern: try cursor.uint64LE()))
        case 8:
            let length = try cursor.uvarint()
            guard length <= UInt64(cursor.remaining) else {
                throw ParquetDecodeError("\(context): binary field of \(length) bytes runs past the end of the metadata")
            }
            return .binary(try cursor.take(Int(length)))
        case 9, 10:
            let header = try cursor.byte()
            var count = UInt64(header >> 4)
            if count == 15 { count = try cursor.uvarint() }
            guard count <= UInt64(cursor.remaining) else {
                throw ParquetDecodeError("\(context): list of \(count) elements runs past the end of the metadata")
            }
            let elementType = header & 0x0f
            var items: [ThriftValue] = []
            items.reserveCapacity(Int(count))
            for _ in 0..<count { items.append(try readValue(type: elementType, depth: depth + 1, context: context)) }
            return .list(items)
        case 11:
            let count = try cursor.uvarint()
            guard count <= UInt64(cursor.remaining) else {
                throw ParquetDecodeError("\(context): map of \(count) entries runs past the end of the metadata")
            }
            var entries: [(ThriftValue, ThriftValue)] = []
            if count > 0 {
                let types = try cursor.byte()
                for _ in 0..<count {
                    let key = try readValue(type: types >> 4, depth: depth + 1, context: context)
                    let value = try readValue(type: types & 0x0f, depth: depth + 1, context: context)
                    entries.append((key, value))
                }
            }
            return .map(entries)
        case 12:
            return .structure(try readStruct(name: context, depth: depth + 1))
        default:
            throw ParquetDecodeError("\(context): unknown Thrift compact type \(type)")
        }
    }
}
