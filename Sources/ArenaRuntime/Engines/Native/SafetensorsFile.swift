import Foundation

/// Element types a safetensors tensor may have that the native engine converts to Float.
public enum TensorDType: String, Sendable {
    case f32 = "F32"
    case f16 = "F16"
    case bf16 = "BF16"

    var byteWidth: Int { self == .f32 ? 4 : 2 }
}

/// One tensor's place in a safetensors file.
struct TensorEntry: Sendable {
    var dtypeName: String
    var shape: [Int]
    /// Byte range relative to the start of the file.
    var range: Range<Int>
}

/// A memory-mapped `.safetensors` file: an 8-byte little-endian header length, a JSON header
/// mapping tensor names to dtype, shape and data offsets, then the raw little-endian data.
final class SafetensorsFile: Sendable {
    let path: String
    let entries: [String: TensorEntry]
    private let file: MappedFile

    init(path: String) throws {
        let file = try MappedFile(path: path)
        self.file = file
        self.path = path
        let bytes = file.bytes
        guard bytes.count >= 8 else { throw NativeModelError.invalidSafetensors(path: path, reason: "file is \(bytes.count) bytes, shorter than the 8-byte header length") }
        var headerLength: UInt64 = 0
        for i in 0 ..< 8 { headerLength |= UInt64(bytes[i]) << (8 * UInt64(i)) }
        guard headerLength <= UInt64(bytes.count - 8) else {
            throw NativeModelError.invalidSafetensors(path: path, reason: "header length \(headerLength) runs past the end of the \(bytes.count)-byte file")
        }
        let dataStart = 8 + Int(headerLength)
        let header: JSONValue
        do { header = try JSONValue.parse(Data(bytes[8 ..< dataStart])) } catch {
            throw NativeModelError.invalidSafetensors(path: path, reason: "header is not valid JSON: \(error)")
        }
        guard let fields = header.objectValue else { throw NativeModelError.invalidSafetensors(path: path, reason: "header is not a JSON object") }
        var entries: [String: TensorEntry] = [:]
        for (name, info) in fields where name != "__metadata__" {
            guard let dtype = info["dtype"]?.stringValue,
                  let shapeValues = info["shape"]?.arrayValue,
                  let offsets = info["data_offsets"]?.arrayValue, offsets.count == 2,
                  let start = offsets[0].intValue, let end = offsets[1].intValue
            else { throw NativeModelError.invalidSafetensors(path: path, reason: "tensor '\(name)': header entry needs dtype, shape and two data_offsets") }
            var shape: [Int] = []
            for value in shapeValues {
                guard let d = value.intValue, d >= 0 else { throw NativeModelError.invalidSafetensors(path: path, reason: "tensor '\(name)': shape \(info["shape"]?.serialized(indent: nil) ?? "") is not a list of sizes") }
                shape.append(d)
            }
            guard start >= 0, start <= end, end <= bytes.count - dataStart else {
                throw NativeModelError.invalidSafetensors(path: path, reason: "tensor '\(name)': data_offsets [\(start), \(end)] lie outside the \(bytes.count - dataStart) data bytes")
            }
            if let known = TensorDType(rawValue: dtype) {
                var expected = known.byteWidth
                for size in shape {
                    let (product, overflow) = expected.multipliedReportingOverflow(by: size)
                    guard !overflow else { throw NativeModelError.invalidSafetensors(path: path, reason: "tensor '\(name)': shape \(shape) is too large") }
                    expected = product
                }
                guard expected == end - start else {
                    throw NativeModelError.invalidSafetensors(path: path, reason: "tensor '\(name)': \(end - start) data bytes for shape \(shape) of \(dtype) (expected \(expected))")
                }
            }
            entries[name] = TensorEntry(dtypeName: dtype, shape: shape, range: (dataStart + start) ..< (dataStart + end))
        }
        self.entries = entries
    }

    /// The tensor converted to Float, checked against the expected shape.
    func floats(_ name: String, shape expected: [Int]) throws -> [Float] {
        guard let entry = entries[name] else { throw NativeModelError.missingTensor(name: name, searched: path) }
        guard entry.shape == expected else { throw NativeModelError.wrongShape(path: path, tensor: name, expected: expected, found: entry.shape) }
        guard let dtype = TensorDType(rawValue: entry.dtypeName) else {
            throw NativeModelError.unsupportedDType(path: path, tensor: name, dtype: entry.dtypeName)
        }
        let count = expected.reduce(1, *)
        let raw = UnsafeRawBufferPointer(rebasing: file.bytes[entry.range])
        return [Float](unsafeUninitializedCapacity: count) { out, initialized in
            switch dtype {
            case .f32:
                // Data offsets need not be 4-byte aligned: copy bytes, then fix the byte order.
                UnsafeMutableRawBufferPointer(out).copyMemory(from: raw)
                for i in 0 ..< count { out[i] = Float(bitPattern: UInt32(littleEndian: out[i].bitPattern)) }
            case .bf16:
                for i in 0 ..< count {
                    let bits = UInt16(raw[2 * i]) | UInt16(raw[2 * i + 1]) << 8
                    out[i] = FloatConversion.bfloat16(bits)
                }
            case .f16:
                FloatConversion.float16Table.withUnsafeBufferPointer { table in
                    for i in 0 ..< count {
                        let bits = UInt16(raw[2 * i]) | UInt16(raw[2 * i + 1]) << 8
                        out[i] = table[Int(bits)]
                    }
                }
            }
            initialized = count
        }
    }
}
