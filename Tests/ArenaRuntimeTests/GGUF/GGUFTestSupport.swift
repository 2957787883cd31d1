@testable import ArenaRuntime
import Foundation

/// Writes GGUF bytes field by field, so tests can craft valid and broken files.
struct GGUFBuilder {
    var bytes: [UInt8] = []

    mutating func u8(_ v: UInt8) { bytes.append(v) }
    mutating func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func string(_ s: String) {
        u64(UInt64(s.utf8.count))
        bytes.append(contentsOf: s.utf8)
    }

    mutating func header(version: UInt32 = 3, tensors: Int, keys: Int) {
        bytes.append(contentsOf: Array("GGUF".utf8))
        u32(version)
        u64(UInt64(tensors))
        u64(UInt64(keys))
    }

    mutating func value(_ v: GGUFValue) {
        switch v {
        case let .uint8(x): u8(x)
        case let .int8(x): u8(UInt8(bitPattern: x))
        case let .uint16(x): withUnsafeBytes(of: x.littleEndian) { bytes.append(contentsOf: $0) }
        case let .int16(x): withUnsafeBytes(of: x.littleEndian) { bytes.append(contentsOf: $0) }
        case let .uint32(x): u32(x)
        case let .int32(x): u32(UInt32(bitPattern: x))
        case let .float32(x): u32(x.bitPattern)
        case let .bool(x): u8(x ? 1 : 0)
        case let .string(s): string(s)
        case let .array(element, values):
            u32(element.rawValue)
            u64(UInt64(values.count))
            for item in values { value(item) }
        case let .uint64(x): u64(x)
        case let .int64(x): u64(UInt64(bitPattern: x))
        case let .float64(x): u64(x.bitPattern)
        }
    }

    mutating func keyValue(_ key: String, _ v: GGUFValue) {
        string(key)
        u32(v.type.rawValue)
        value(v)
    }

    mutating func tensorInfo(_ name: String, dimensions: [Int], type: UInt32, offset: Int) {
        string(name)
        u32(UInt32(dimensions.count))
        for d in dimensions { u64(UInt64(d)) }
        u32(type)
        u64(UInt64(offset))
    }

    mutating func pad(to alignment: Int) {
        while bytes.count % alignment != 0 { bytes.append(0) }
    }

    func write() throws -> URL {
        let url = try NativeTestSupport.temporaryFolder().appendingPathComponent("crafted.gguf")
        try Data(bytes).write(to: url)
        return url
    }
}

enum GGUFTestSupport {
    static let dumper = NativeTestSupport.repositoryRoot.appendingPathComponent("Tests/Fixtures/native/gguf_dump.py")

    /// The text `gguf_dump.py` hashes for a value: `TYPE:value`, floats as bit patterns, strings as
    /// the hex of their UTF-8 bytes, arrays as `ARRAY:ELEMENT:count[v,...]`.
    static func canonical(_ value: GGUFValue) -> String {
        var out = ""
        append(value, to: &out)
        return out
    }

    private static func append(_ value: GGUFValue, to out: inout String) {
        switch value {
        case let .uint8(x): out += "UINT8:\(x)"
        case let .int8(x): out += "INT8:\(x)"
        case let .uint16(x): out += "UINT16:\(x)"
        case let .int16(x): out += "INT16:\(x)"
        case let .uint32(x): out += "UINT32:\(x)"
        case let .int32(x): out += "INT32:\(x)"
        case let .uint64(x): out += "UINT64:\(x)"
        case let .int64(x): out += "INT64:\(x)"
        case let .float32(x): out += "FLOAT32:" + hex(x.bitPattern, digits: 8)
        case let .float64(x): out += "FLOAT64:" + hex(x.bitPattern, digits: 16)
        case let .bool(x): out += x ? "BOOL:1" : "BOOL:0"
        case let .string(s):
            out += "STRING:"
            let digits = Array("0123456789abcdef")
            for byte in s.utf8 {
                out.append(digits[Int(byte >> 4)])
                out.append(digits[Int(byte & 15)])
            }
        case let .array(element, values):
            out += "ARRAY:\(element):\(values.count)["
            for (i, item) in values.enumerated() {
                if i > 0 { out += "," }
                append(item, to: &out)
            }
            out += "]"
        }
    }

    private static func hex<T: BinaryInteger>(_ v: T, digits: Int) -> String {
        let s = String(v, radix: 16)
        return String(repeating: "0", count: max(0, digits - s.count)) + s
    }

    /// What the `gguf` package's GGUFReader reads from `file` (Tests/Fixtures/native/gguf_dump.py).
    static func pythonReading(_ file: URL) throws -> JSONValue {
        try JSONValue.parse(NativeTestSupport.runPython(dumper, [file.path]))
    }

    /// The differences between the Swift reading of `file` and the `gguf` package's, one line each.
    static func differences(_ file: GGUFFile, _ python: JSONValue) -> [String] {
        var found: [String] = []
        func check(_ ok: Bool, _ what: @autoclosure () -> String) { if !ok { found.append(what()) } }
        check(python["version"]?.intValue == Int(file.version), "version \(file.version) vs \(python["version"]?.intValue ?? -1)")
        check(python["alignment"]?.intValue == file.alignment, "alignment")
        check(python["data_offset"]?.intValue == file.dataOffset, "data offset \(file.dataOffset) vs \(python["data_offset"]?.intValue ?? -1)")
        let entries = python["metadata"]?.arrayValue ?? []
        check(entries.compactMap { $0["key"]?.stringValue } == file.metadataKeys, "metadata keys or their order")
        for entry in entries {
            guard let key = entry["key"]?.stringValue, let value = file[key] else { continue }
            check(entry["type"]?.stringValue == value.type.description, "type of '\(key)'")
            let text = canonical(value)
            check(entry["sha256"]?.stringValue == SHA256.hex(text),
                  "value of '\(key)': \(text.prefix(200)) vs \(entry["preview"]?.stringValue ?? "")")
        }
        let tensors = python["tensors"]?.arrayValue ?? []
        check(tensors.count == file.tensors.count, "tensor count \(file.tensors.count) vs \(tensors.count)")
        for (mine, theirs) in zip(file.tensors, tensors) {
            let dims = theirs["dimensions"]?.arrayValue?.compactMap(\.intValue) ?? []
            check(theirs["name"]?.stringValue == mine.name, "tensor name \(mine.name)")
            check(theirs["type"]?.stringValue == mine.type.name, "type of \(mine.name)")
            check(dims == mine.dimensions, "dimensions of \(mine.name): \(mine.dimensions) vs \(dims)")
            check(theirs["file_offset"]?.intValue == mine.fileRange.lowerBound, "data offset of \(mine.name)")
            check(theirs["bytes"]?.intValue == mine.fileRange.count, "byte count of \(mine.name)")
        }
        return found
    }
}
