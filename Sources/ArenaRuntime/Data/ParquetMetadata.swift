import Foundation

/// Parquet physical types (parquet.thrift `Type`).
enum ParquetPhysicalType: Int64, Sendable {
    case boolean = 0, int32 = 1, int64 = 2, int96 = 3, float = 4, double = 5, byteArray = 6, fixedLenByteArray = 7
}

enum ParquetRepetition: Int64, Sendable {
    case required = 0, optional = 1, repeated = 2
}

/// Parquet page and value encodings (parquet.thrift `Encoding`).
enum ParquetEncoding: Int64, Sendable {
    case plain = 0, plainDictionary = 2, rle = 3, bitPacked = 4, deltaBinaryPacked = 5
    case deltaLengthByteArray = 6, deltaByteArray = 7, rleDictionary = 8, byteStreamSplit = 9

    static func name(_ raw: Int64) -> String {
        guard let e = ParquetEncoding(rawValue: raw) else { return "encoding #\(raw)" }
        return "\(e)"
    }
}

enum ParquetCodec: Int64, Sendable {
    case uncompressed = 0, snappy = 1, gzip = 2, lzo = 3, brotli = 4, lz4 = 5, zstd = 6, lz4Raw = 7
}

/// How a leaf's values are presented as JSON, from its converted or logical type.
enum ParquetValueKind: Sendable, Equatable {
    case plain
    case string
    case unsigned
}

/// One element of the flattened schema list in the footer.
struct ParquetSchemaElement: Sendable {
    var name: String
    var physicalType: ParquetPhysicalType?
    var typeLength: Int
    var repetition: ParquetRepetition
    var childCount: Int
    var isList: Bool
    var isMap: Bool
    var valueKind: ParquetValueKind

    init(_ s: ThriftStruct) throws {
        guard let name = s.string(4) else { throw ParquetDecodeError("schema element without a name") }
        self.name = name
        if let raw = s.int(1) {
            guard let t = ParquetPhysicalType(rawValue: raw) else { throw ParquetDecodeError("column '\(name)': unknown physical type \(raw)") }
            physicalType = t
        }
        typeLength = Int(s.int(2) ?? 0)
        repetition = ParquetRepetition(rawValue: s.int(3) ?? 0) ?? .required
        childCount = Int(s.int(5) ?? 0)
        guard childCount >= 0 else { throw ParquetDecodeError("column '\(name)': negative num_children") }
        let converted = s.int(6)
        let logical = s.structure(10)
        isList = converted == 3 || logical?.fields[3] != nil
        isMap = converted == 1 || converted == 2 || logical?.fields[2] != nil
        if converted == 0 || converted == 4 || converted == 19 || logical?.fields[1] != nil || logical?.fields[4] != nil || logical?.fields[12] != nil {
            valueKind = .string
        } else if let c = converted, (11...14).contains(c) {
            valueKind = .unsigned
        } else if let integer = logical?.structure(10), integer.bool(2) == false {
            valueKind = .unsigned
        } else {
            valueKind = .plain
        }
    }
}

struct ParquetColumnMetadata: Sendable {
    var type: ParquetPhysicalType
    var path: [String]
    var codec: Int64
    var valueCount: Int64
    var totalCompressedSize: Int64
    var dataPageOffset: Int64
    var dictionaryPageOffset: Int64?

    init(_ s: ThriftStruct) throws {
        let rawType = try s.requiredInt(1, "type")
        guard let t = ParquetPhysicalType(rawValue: rawType) else { throw ParquetDecodeError("unknown physical type \(rawType)") }
        type = t
        path = try s.requiredList(3, "path_in_schema").map { value in
            guard case let .binary(b) = value else { throw ParquetDecodeError("path_in_schema holds a non-string") }
            return String(decoding: b, as: UTF8.self)
        }
        codec = try s.requiredInt(4, "codec")
        valueCount = try s.requiredInt(5, "num_values")
        totalCompressedSize = try s.requiredInt(7, "total_compressed_size")
        dataPageOffset = try s.requiredInt(9, "data_page_offset")
        dictionaryPageOffset = s.int(11)
    }
}

struct ParquetRowGroup: Sendable {
    var columns: [ParquetColumnMetadata]
    var rowCount: Int64

    init(_ s: ThriftStruct) throws {
        rowCount = try s.requiredInt(3, "num_rows")
        columns = try s.requiredList(1, "columns").map { value in
            guard case let .structure(chunk) = value else { throw ParquetDecodeError("row group column is not a struct") }
            if let path = chunk.string(1), !path.isEmpty {
                throw ParquetDecodeError("column chunk stored in another file ('\(path)') is not supported")
            }
            guard let meta = chunk.structure(3) else { throw ParquetDecodeError("column chunk without meta_data (encrypted files are not supported)") }
            return try ParquetColumnMetadata(meta)
        }
    }
}

struct ParquetFileMetadata: Sendable {
    var schema: [ParquetSchemaElement]
    var rowCount: Int64
    var rowGroups: [ParquetRowGroup]

    init(_ s: ThriftStruct) throws {
        schema = try s.requiredList(2, "schema").map { value in
            guard case let .structure(e) = value else { throw ParquetDecodeError("schema element is not a struct") }
            return try ParquetSchemaElement(e)
        }
        rowCount = try s.requiredInt(3, "num_rows")
        rowGroups = try s.requiredList(4, "row_groups").map { value in
            guard case let .structure(g) = value else { throw ParquetDecodeError("row group is not a struct") }
            return try ParquetRowGroup(g)
        }
    }
}

enum ParquetPageType: Int64 {
    case dataPage = 0, indexPage = 1, dictionaryPage = 2, dataPageV2 = 3
}

struct ParquetPageHeader {
    var type: Int64
    var uncompressedSize: Int
    var compressedSize: Int
    var crc: UInt32?
    var valueCount: Int
    var encoding: Int64
    var definitionLevelEncoding: Int64
    var repetitionLevelEncoding: Int64
    // Data page v2 only.
    var nullCount: Int
    var definitionLevelsLength: Int
    var repetitionLevelsLength: Int
    var valuesCompressed: Bool

    init(_ s: ThriftStruct) throws {
        type = try s.requiredInt(1, "type")
        uncompressedSize = Int(try s.requiredInt(2, "uncompressed_page_size"))
        compressedSize = Int(try s.requiredInt(3, "compressed_page_size"))
        guard uncompressedSize >= 0, compressedSize >= 0 else { throw ParquetDecodeError("negative page size") }
        crc = s.int(4).map { UInt32(truncatingIfNeeded: $0) }
        valueCount = 0; encoding = 0; definitionLevelEncoding = 3; repetitionLevelEncoding = 3
        nullCount = 0; definitionLevelsLength = 0; repetitionLevelsLength = 0; valuesCompressed = true
        switch ParquetPageType(rawValue: type) {
        case .dataPage:
            guard let h = s.structure(5) else { throw ParquetDecodeError("data page without data_page_header") }
            valueCount = Int(try h.requiredInt(1, "num_values"))
            encoding = try h.requiredInt(2, "encoding")
            definitionLevelEncoding = try h.requiredInt(3, "definition_level_encoding")
            repetitionLevelEncoding = try h.requiredInt(4, "repetition_level_encoding")
        case .dictionaryPage:
            guard let h = s.structure(7) else { throw ParquetDecodeError("dictionary page without dictionary_page_header") }
            valueCount = Int(try h.requiredInt(1, "num_values"))
            encoding = try h.requiredInt(2, "encoding")
        case .dataPageV2:
            guard let h = s.structure(8) else { throw ParquetDecodeError("data page v2 without data_page_header_v2") }
            valueCount = Int(try h.requiredInt(1, "num_values"))
            nullCount = Int(try h.requiredInt(2, "num_nulls"))
            encoding = try h.requiredInt(4, "encoding")
            definitionLevelsLength = Int(try h.requiredInt(5, "definition_levels_byte_length"))
            repetitionLevelsLength = Int(try h.requiredInt(6, "repetition_levels_byte_length"))
            valuesCompressed = h.bool(7) ?? true
        case .indexPage, nil:
            break
        }
        guard valueCount >= 0, definitionLevelsLength >= 0, repetitionLevelsLength >= 0 else {
            throw ParquetDecodeError("negative count in page header")
        }
    }
}
