import Foundation

/// One tensor's description in a GGUF file.
public struct GGUFTensorInfo: Sendable, Equatable {
    public let name: String
    /// ggml's order: `dimensions[0]` is the innermost (contiguous) one.
    public let dimensions: [Int]
    public let type: GGMLType
    /// Offset of the data from the start of the data section, as stored.
    public let offset: Int
    /// Where the data lies in the file.
    public let fileRange: Range<Int>

    /// Row-major shape, outermost first (numpy's and Hugging Face's order): `dimensions` reversed.
    public var shape: [Int] { dimensions.reversed() }
    public var elementCount: Int { dimensions.reduce(1, *) }
}

/// A memory-mapped GGUF file (versions 2 and 3, little-endian): a header, typed key/value
/// metadata, tensor descriptions, then the tensor data from `dataOffset`, aligned to
/// `general.alignment` (32 when absent). Everything is checked on opening, so a truncated or
/// inconsistent file fails with the byte offset and field at fault.
public final class GGUFFile: Sendable {
    public let path: String
    public let version: UInt32
    /// Metadata keys in file order.
    public let metadataKeys: [String]
    public let metadata: [String: GGUFValue]
    /// Tensors in file order.
    public let tensors: [GGUFTensorInfo]
    public let alignment: Int
    /// Start of the data section in the file.
    public let dataOffset: Int
    private let tensorIndex: [String: Int]
    private let file: MappedFile

    public static let magic: UInt32 = 0x4655_4747 // "GGUF" read as little-endian
    public static let supportedVersions: ClosedRange<UInt32> = 2 ... 3
    public static let defaultAlignment = 32
    public static let maxDimensions = 4

    public convenience init(path: String) throws {
        try self.init(file: try MappedFile(path: path))
    }

    init(file: MappedFile) throws {
        self.file = file
        path = file.path
        var cursor = GGUFCursor(path: path, bytes: file.bytes)
        let magic = try cursor.u32("header.magic")
        guard magic == Self.magic else {
            throw cursor.error("header.magic", "expected the bytes 'GGUF', found 0x\(String(magic.byteSwapped, radix: 16, uppercase: true))", at: 0)
        }
        version = try cursor.u32("header.version")
        guard Self.supportedVersions.contains(version) else {
            let reason = Self.supportedVersions.contains(version.byteSwapped)
                ? "a big-endian GGUF file (version \(version.byteSwapped)); only little-endian files are supported"
                : "version \(version) is not supported (2 and 3 are)"
            throw cursor.error("header.version", reason, at: 4)
        }
        let tensorCount = try cursor.size("header.tensor_count")
        let keyCount = try cursor.size("header.metadata_kv_count")

        var keys: [String] = [], metadata: [String: GGUFValue] = [:], valueOffsets: [String: Int] = [:]
        keys.reserveCapacity(min(keyCount, cursor.remaining / 12))
        for i in 0 ..< keyCount {
            let keyOffset = cursor.offset
            let key = try cursor.string("metadata[\(i)].key")
            guard metadata[key] == nil else { throw cursor.error("metadata[\(i)].key", "key '\(key)' appears twice", at: keyOffset) }
            let type = try cursor.valueType("metadata '\(key)' (value type)")
            valueOffsets[key] = cursor.offset
            metadata[key] = try cursor.value(type, "metadata '\(key)'")
            keys.append(key)
        }
        metadataKeys = keys
        self.metadata = metadata

        var alignment = Self.defaultAlignment
        if let value = metadata["general.alignment"] {
            guard case let .uint32(raw) = value else {
                throw cursor.error("metadata 'general.alignment'", "must be a UINT32, found \(value.type)", at: valueOffsets["general.alignment"])
            }
            guard raw > 0, raw & (raw - 1) == 0 else {
                throw cursor.error("metadata 'general.alignment'", "must be a power of two, found \(raw)", at: valueOffsets["general.alignment"])
            }
            alignment = Int(raw)
        }
        self.alignment = alignment

        struct Pending { var name: String, dimensions: [Int], type: GGMLType, offset: Int, byteCount: Int, at: Int }
        var pending: [Pending] = []
        pending.reserveCapacity(min(tensorCount, cursor.remaining / 24))
        var index: [String: Int] = [:]
        for i in 0 ..< tensorCount {
            let at = cursor.offset
            let name = try cursor.string("tensor[\(i)].name")
            let field = "tensor[\(i)] '\(name)'"
            guard index[name] == nil else { throw cursor.error(field + ".name", "tensor name appears twice", at: at) }
            let dimsAt = cursor.offset
            let count = Int(try cursor.u32(field + ".n_dims"))
            guard count <= Self.maxDimensions else {
                throw cursor.error(field + ".n_dims", "\(count) dimensions (at most \(Self.maxDimensions))", at: dimsAt)
            }
            var dimensions: [Int] = []
            var elements = 1
            for d in 0 ..< count {
                let size = try cursor.size(field + ".dimensions[\(d)]")
                let (product, overflow) = elements.multipliedReportingOverflow(by: size)
                guard !overflow, product <= Int(Int32.max) * 1024 else {
                    throw cursor.error(field + ".dimensions", "shape \(dimensions + [size]) is too large", at: dimsAt)
                }
                elements = product
                dimensions.append(size)
            }
            let typeAt = cursor.offset
            let rawType = try cursor.u32(field + ".type")
            guard let type = GGMLType(rawValue: rawType) else {
                throw cursor.error(field + ".type", "unknown ggml type \(rawType)", at: typeAt)
            }
            let layout = type.blockLayout
            let rowLength = dimensions.first ?? 1
            guard rowLength % layout.elements == 0 else {
                throw cursor.error(field + ".dimensions[0]", "\(rowLength) is not a multiple of the \(type) block size \(layout.elements)", at: dimsAt)
            }
            let offsetAt = cursor.offset
            let offset = try cursor.size(field + ".offset")
            guard offset % alignment == 0 else {
                throw cursor.error(field + ".offset", "\(offset) is not a multiple of the alignment \(alignment)", at: offsetAt)
            }
            index[name] = i
            pending.append(Pending(name: name, dimensions: dimensions, type: type, offset: offset,
                                   byteCount: elements / layout.elements * layout.bytes, at: at))
        }
        let end = cursor.offset
        dataOffset = (end + alignment - 1) / alignment * alignment
        tensorIndex = index

        // Every tensor's data lies inside the file, and no two overlap.
        var tensors: [GGUFTensorInfo] = []
        tensors.reserveCapacity(pending.count)
        for p in pending {
            let start = dataOffset + p.offset
            guard start <= file.bytes.count, p.byteCount <= file.bytes.count - start else {
                throw NativeModelError.invalidGGUF(path: path, offset: p.at, field: "tensor '\(p.name)' data",
                                                   reason: "file truncated: \(p.byteCount) bytes of \(p.type) data at byte \(start) run past the end of the \(file.bytes.count)-byte file")
            }
            tensors.append(GGUFTensorInfo(name: p.name, dimensions: p.dimensions, type: p.type, offset: p.offset, fileRange: start ..< start + p.byteCount))
        }
        let byStart = tensors.indices.sorted { (tensors[$0].fileRange.lowerBound, $0) < (tensors[$1].fileRange.lowerBound, $1) }
        for (a, b) in zip(byStart, byStart.dropFirst()) where tensors[a].fileRange.overlaps(tensors[b].fileRange) {
            throw NativeModelError.invalidGGUF(path: path, offset: pending[b].at, field: "tensor '\(tensors[b].name)'.offset",
                                               reason: "its data (bytes \(tensors[b].fileRange)) overlaps tensor '\(tensors[a].name)' (bytes \(tensors[a].fileRange))")
        }
        self.tensors = tensors
    }

    public func tensor(_ name: String) -> GGUFTensorInfo? {
        tensorIndex[name].map { tensors[$0] }
    }

    /// The raw bytes of a tensor's data, valid while this file is alive.
    func data(of tensor: GGUFTensorInfo) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: file.bytes[tensor.fileRange])
    }

    /// A metadata value by key.
    public subscript(key: String) -> GGUFValue? { metadata[key] }
}
