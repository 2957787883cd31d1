import Foundation

/// A Parquet file read whole into memory: footer (FileMetaData in Thrift compact protocol),
/// schema, and rows as JSON objects keyed by column name.
public struct ParquetFile: Sendable {
    /// The name used in error messages.
    public let name: String
    public let rowCount: Int
    public var rowGroupCount: Int { metadata.rowGroups.count }
    /// Top-level column names in schema order.
    public var columnNames: [String] { schema.root.children.map(\.name) }

    private let bytes: [UInt8]
    private let metadata: ParquetFileMetadata
    private let schema: ParquetSchema

    public init(contentsOf url: URL) throws {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw ParquetError(file: url.path, message: "cannot read file: \(error.localizedDescription)")
        }
        try self.init(bytes: [UInt8](data), name: url.path)
    }

    public init(bytes: [UInt8], name: String) throws {
        self.name = name
        self.bytes = bytes
        let magic: [UInt8] = Array("PAR1".utf8)
        guard bytes.count >= 12 else {
            throw ParquetError(file: name, message: "not a Parquet file: \(bytes.count) bytes is too short")
        }
        guard Array(bytes[0..<4]) == magic else {
            throw ParquetError(file: name, message: "not a Parquet file: bad magic at the start (expected PAR1)")
        }
        let tail = Array(bytes[(bytes.count - 4)...])
        if tail == Array("PARE".utf8) {
            throw ParquetError(file: name, message: "encrypted Parquet footers are not supported")
        }
        guard tail == magic else {
            throw ParquetError(file: name, message: "bad magic at the end (expected PAR1): the file is truncated or not Parquet")
        }
        var lengthCursor = ByteCursor(bytes, from: bytes.count - 8)
        let footerLength = Int((try? lengthCursor.uint32LE()) ?? 0)
        guard footerLength > 0, footerLength <= bytes.count - 12 else {
            throw ParquetError(file: name, message: "footer length \(footerLength) does not fit in a file of \(bytes.count) bytes")
        }
        let footerStart = bytes.count - 8 - footerLength
        do {
            var reader = ThriftCompactReader(ByteCursor(bytes, from: footerStart, to: bytes.count - 8))
            metadata = try ParquetFileMetadata(reader.readStruct(name: "FileMetaData"))
            schema = try ParquetSchema(metadata.schema)
        } catch let error as ParquetDecodeError {
            throw ParquetError(file: name, message: "corrupt footer: \(error.message)")
        }
        guard metadata.rowCount >= 0, metadata.rowCount <= Int64(Int32.max) * 64 else {
            throw ParquetError(file: name, message: "footer claims \(metadata.rowCount) rows")
        }
        rowCount = Int(metadata.rowCount)
    }

    public static func readRows(at url: URL) throws -> [JSONValue] {
        try ParquetFile(contentsOf: url).rows()
    }

    /// For each row group, the data pages of each leaf column (for tests and diagnostics).
    func dataPageCounts() throws -> [[Int]] {
        try metadata.rowGroups.map { group in
            try zip(schema.leaves, group.columns).map { leaf, chunk in
                try ParquetColumnReader(bytes: bytes, leaf: leaf, column: chunk).read().dataPageCount
            }
        }
    }

    /// The order of the rows' keys: the schema's field order.
    public var keyOrder: JSONKeyOrder { schema.root.rowKeyOrder }

    /// All rows, row group after row group.
    public func rows() throws -> [JSONValue] {
        var all: [JSONValue] = []
        all.reserveCapacity(min(rowCount, 1 << 20))
        for (groupIndex, group) in metadata.rowGroups.enumerated() {
            guard group.columns.count == schema.leaves.count else {
                throw ParquetError(file: name, message: "row group \(groupIndex) has \(group.columns.count) column chunks, schema has \(schema.leaves.count) leaf columns")
            }
            guard group.rowCount >= 0, group.rowCount <= Int64(rowCount) else {
                throw ParquetError(file: name, message: "row group \(groupIndex) claims \(group.rowCount) rows")
            }
            var columns: [ParquetColumnData] = []
            for (leaf, chunk) in zip(schema.leaves, group.columns) {
                guard chunk.path == leaf.path else {
                    throw ParquetError(file: name, column: leaf.dottedPath, message: "row group \(groupIndex) stores column '\(chunk.path.joined(separator: "."))' in its place")
                }
                guard chunk.type == leaf.physicalType else {
                    throw ParquetError(file: name, column: leaf.dottedPath, message: "column chunk type \(chunk.type) differs from the schema's \(leaf.physicalType)")
                }
                do {
                    columns.append(try ParquetColumnReader(bytes: bytes, leaf: leaf, column: chunk).read())
                } catch let error as ParquetDecodeError {
                    throw ParquetError(file: name, column: leaf.dottedPath, message: "row group \(groupIndex): \(error.message)")
                }
            }
            do {
                all.append(contentsOf: try ParquetRecordAssembler(schema: schema).rows(columns: columns, rowCount: Int(group.rowCount)))
            } catch let error as ParquetDecodeError {
                throw ParquetError(file: name, message: "row group \(groupIndex): \(error.message)")
            }
        }
        guard all.count == rowCount else {
            throw ParquetError(file: name, message: "row groups hold \(all.count) rows, footer says \(rowCount)")
        }
        return all
    }
}
