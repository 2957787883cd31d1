import Foundation

/// One leaf column of one row group, decoded: a definition and repetition level per entry, and
/// the values of the entries that are present (definition level == max).
struct ParquetColumnData {
    var definitionLevels: [Int32]
    var repetitionLevels: [Int32]
    var values: [JSONValue]
    /// Data pages read (dictionary pages not counted).
    var dataPageCount = 0
}

/// Reads the pages of a column chunk: an optional dictionary page, then data pages v1 or v2.
struct ParquetColumnReader {
    let bytes: [UInt8]
    let leaf: ParquetLeaf
    let column: ParquetColumnMetadata

    func read() throws -> ParquetColumnData {
        // An empty chunk has nothing to read (writers leave its offsets unset).
        if column.valueCount == 0 { return ParquetColumnData(definitionLevels: [], repetitionLevels: [], values: []) }
        // The dictionary page, when there is one, comes first; an offset of 0 means none.
        var start = column.dataPageOffset
        if let dictionaryOffset = column.dictionaryPageOffset, dictionaryOffset > 0, dictionaryOffset < start { start = dictionaryOffset }
        let (end, overflow) = start.addingReportingOverflow(column.totalCompressedSize)
        guard start >= 4, column.totalCompressedSize >= 0, !overflow, end <= Int64(bytes.count) else {
            throw ParquetDecodeError("column chunk (offset \(start), \(column.totalCompressedSize) bytes) lies outside the file")
        }
        guard column.valueCount >= 0, column.valueCount <= Int64(Int32.max) * 64 else {
            throw ParquetDecodeError("column chunk claims \(column.valueCount) values")
        }
        var cursor = ByteCursor(bytes, from: Int(start), to: Int(end))
        let decoder = ParquetValueDecoder(leaf: leaf)
        var dictionary: [JSONValue]?
        var result = ParquetColumnData(definitionLevels: [], repetitionLevels: [], values: [])
        let expected = Int(column.valueCount)
        result.definitionLevels.reserveCapacity(min(expected, 1 << 20))
        var entries = 0
        var pageNumber = 0
        while entries < expected {
            let pageStart = cursor.position
            var thrift = ThriftCompactReader(cursor)
            let header: ParquetPageHeader
            do {
                header = try ParquetPageHeader(thrift.readStruct(name: "PageHeader"))
            } catch let error as ParquetDecodeError {
                throw ParquetDecodeError("page \(pageNumber) at byte \(pageStart): bad page header: \(error.message)")
            }
            cursor = thrift.cursor
            let body: ArraySlice<UInt8>
            do { body = try cursor.take(header.compressedSize) } catch {
                throw ParquetDecodeError("page \(pageNumber) at byte \(pageStart): \(header.compressedSize) bytes run past the column chunk")
            }
            do {
                if let crc = header.crc, ParquetDecompression.crc32(body) != crc {
                    throw ParquetDecodeError("CRC-32 of the page does not match its header")
                }
                switch ParquetPageType(rawValue: header.type) {
                case .dictionaryPage:
                    guard dictionary == nil else { throw ParquetDecodeError("second dictionary page in one column chunk") }
                    let raw = try ParquetDecompression.decompress(body, codec: column.codec, uncompressedSize: header.uncompressedSize)
                    var values = ByteCursor(raw)
                    dictionary = try decoder.plain(&values, count: header.valueCount)
                case .dataPage:
                    try checkRoom(header, remaining: expected - entries)
                    let raw = try ParquetDecompression.decompress(body, codec: column.codec, uncompressedSize: header.uncompressedSize)
                    entries += try readDataPageV1(raw, header: header, decoder: decoder, dictionary: dictionary, into: &result)
                    result.dataPageCount += 1
                case .dataPageV2:
                    try checkRoom(header, remaining: expected - entries)
                    entries += try readDataPageV2(body, header: header, decoder: decoder, dictionary: dictionary, into: &result)
                    result.dataPageCount += 1
                case .indexPage, nil:
                    break
                }
            } catch let error as ParquetDecodeError {
                throw ParquetDecodeError("page \(pageNumber) at byte \(pageStart): \(error.message)")
            }
            pageNumber += 1
        }
        guard entries == expected else {
            throw ParquetDecodeError("pages hold \(entries) values, column chunk metadata says \(expected)")
        }
        return result
    }

    private func checkRoom(_ header: ParquetPageHeader, remaining: Int) throws {
        guard header.valueCount <= remaining else {
            throw ParquetDecodeError("page holds \(header.valueCount) values, only \(remaining) remain in the column chunk")
        }
    }

    private func levelBitWidth(_ maxLevel: Int) -> Int {
        maxLevel == 0 ? 0 : Int.bitWidth - maxLevel.leadingZeroBitCount
    }

    private func readDataPageV1(_ raw: [UInt8], header: ParquetPageHeader, decoder: ParquetValueDecoder,
                                dictionary: [JSONValue]?, into result: inout ParquetColumnData) throws -> Int {
        var cursor = ByteCursor(raw)
        let count = header.valueCount
        let repetition = try levelsV1(&cursor, maxLevel: leaf.maxRepetitionLevel, encoding: header.repetitionLevelEncoding, count: count, what: "repetition")
        let definition = try levelsV1(&cursor, maxLevel: leaf.maxDefinitionLevel, encoding: header.definitionLevelEncoding, count: count, what: "definition")
        try append(definition: definition, repetition: repetition, count: count, cursor: &cursor, header: header,
                   decoder: decoder, dictionary: dictionary, into: &result)
        return count
    }

    private func levelsV1(_ cursor: inout ByteCursor, maxLevel: Int, encoding: Int64, count: Int, what: String) throws -> [Int32]? {
        guard maxLevel > 0 else { return nil }
        if encoding == ParquetEncoding.bitPacked.rawValue {
            return try ParquetEncodings.bitPackedMSBFirst(&cursor, bitWidth: levelBitWidth(maxLevel), count: count)
        }
        guard encoding == ParquetEncoding.rle.rawValue else {
            throw ParquetDecodeError("\(what) levels in \(ParquetEncoding.name(encoding)) are not supported (only RLE and BIT_PACKED)")
        }
        let length = Int(try cursor.uint32LE())
        guard length <= cursor.remaining else { throw ParquetDecodeError("\(what) levels of \(length) bytes run past the page") }
        var sub = ByteCursor(cursor.bytes, from: cursor.position, to: cursor.position + length)
        try cursor.skip(length)
        return try ParquetEncodings.hybrid(&sub, bitWidth: levelBitWidth(maxLevel), count: count)
    }

    private func readDataPageV2(_ body: ArraySlice<UInt8>, header: ParquetPageHeader, decoder: ParquetValueDecoder,
                                dictionary: [JSONValue]?, into result: inout ParquetColumnData) throws -> Int {
        guard header.repetitionLevelsLength <= body.count, header.definitionLevelsLength <= body.count else {
            throw ParquetDecodeError("level lengths exceed the page size")
        }
        let levelsLength = header.repetitionLevelsLength + header.definitionLevelsLength
        guard levelsLength <= body.count, levelsLength <= header.uncompressedSize else {
            throw ParquetDecodeError("level lengths exceed the page size")
        }
        let count = header.valueCount
        let levelBytes = Array(body.prefix(levelsLength))
        var repetition: [Int32]?
        var definition: [Int32]?
        if leaf.maxRepetitionLevel > 0 {
            var c = ByteCursor(levelBytes, from: 0, to: header.repetitionLevelsLength)
            repetition = try ParquetEncodings.hybrid(&c, bitWidth: levelBitWidth(leaf.maxRepetitionLevel), count: count)
        }
        if leaf.maxDefinitionLevel > 0 {
            var c = ByteCursor(levelBytes, from: header.repetitionLevelsLength, to: levelsLength)
            definition = try ParquetEncodings.hybrid(&c, bitWidth: levelBitWidth(leaf.maxDefinitionLevel), count: count)
        }
        let valueBytes = body.dropFirst(levelsLength)
        let raw: [UInt8]
        if header.valuesCompressed {
            raw = try ParquetDecompression.decompress(valueBytes, codec: column.codec, uncompressedSize: header.uncompressedSize - levelsLength)
        } else {
            raw = Array(valueBytes)
        }
        var cursor = ByteCursor(raw)
        try append(definition: definition, repetition: repetition, count: count, cursor: &cursor, header: header,
                   decoder: decoder, dictionary: dictionary, into: &result)
        return count
    }

    private func append(definition: [Int32]?, repetition: [Int32]?, count: Int, cursor: inout ByteCursor, header: ParquetPageHeader,
                        decoder: ParquetValueDecoder, dictionary: [JSONValue]?, into result: inout ParquetColumnData) throws {
        let maxDefinition = Int32(leaf.maxDefinitionLevel)
        var present = count
        if let definition {
            present = 0
            for level in definition {
                guard level <= maxDefinition else { throw ParquetDecodeError("definition level \(level) exceeds the maximum \(maxDefinition)") }
                if level == maxDefinition { present += 1 }
            }
            result.definitionLevels.append(contentsOf: definition)
        } else {
            result.definitionLevels.append(contentsOf: repeatElement(maxDefinition, count: count))
        }
        if let repetition {
            let maxRepetition = Int32(leaf.maxRepetitionLevel)
            for level in repetition where level > maxRepetition || level < 0 {
                throw ParquetDecodeError("repetition level \(level) exceeds the maximum \(maxRepetition)")
            }
            result.repetitionLevels.append(contentsOf: repetition)
        } else {
            result.repetitionLevels.append(contentsOf: repeatElement(0, count: count))
        }
        let values = try decoder.decode(&cursor, encoding: header.encoding, count: present, dictionary: dictionary)
        guard values.count == present else { throw ParquetDecodeError("page decoded \(values.count) values, levels need \(present)") }
        result.values.append(contentsOf: values)
    }
}
