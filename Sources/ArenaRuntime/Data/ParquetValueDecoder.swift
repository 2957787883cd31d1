import Foundation

/// What the reader knows about one leaf column: its path, physical type and level bounds.
struct ParquetLeaf: Sendable {
    var path: [String]
    var physicalType: ParquetPhysicalType
    var typeLength: Int
    var valueKind: ParquetValueKind
    var maxDefinitionLevel: Int
    var maxRepetitionLevel: Int

    var dottedPath: String { path.joined(separator: ".") }
}

/// Turns encoded values of one leaf into JSON values: int32/int64 -> .int (unsigned types
/// widened), float/double -> .double, byte arrays -> .string (UTF-8 checked), boolean -> .bool.
struct ParquetValueDecoder {
    let leaf: ParquetLeaf

    func decode(_ cursor: inout ByteCursor, encoding: Int64, count: Int, dictionary: [JSONValue]?) throws -> [JSONValue] {
        guard let kind = ParquetEncoding(rawValue: encoding) else { throw ParquetDecodeError("unknown value encoding #\(encoding)") }
        switch kind {
        case .plain:
            return try plain(&cursor, count: count)
        case .plainDictionary, .rleDictionary:
            guard let dictionary else { throw ParquetDecodeError("dictionary-encoded page without a dictionary page") }
            let bitWidth = Int(try cursor.byte())
            let indices = try ParquetEncodings.hybrid(&cursor, bitWidth: bitWidth, count: count)
            var out: [JSONValue] = []
            out.reserveCapacity(count)
            for index in indices {
                guard index >= 0, Int(index) < dictionary.count else {
                    throw ParquetDecodeError("dictionary index \(index) is outside the dictionary of \(dictionary.count) values")
                }
                out.append(dictionary[Int(index)])
            }
            return out
        case .rle:
            guard leaf.physicalType == .boolean else { throw ParquetDecodeError("RLE value encoding on a non-boolean column") }
            let length = Int(try cursor.uint32LE())
            var sub = ByteCursor(cursor.bytes, from: cursor.position, to: cursor.position + length)
            try cursor.skip(length)
            return try ParquetEncodings.hybrid(&sub, bitWidth: 1, count: count).map { .bool($0 != 0) }
        case .deltaBinaryPacked:
            guard leaf.physicalType == .int32 || leaf.physicalType == .int64 else {
                throw ParquetDecodeError("DELTA_BINARY_PACKED on a \(leaf.physicalType) column")
            }
            let values = try ParquetEncodings.deltaBinaryPacked(&cursor)
            guard values.count >= count else { throw ParquetDecodeError("DELTA_BINARY_PACKED holds \(values.count) values, page needs \(count)") }
            let narrow = leaf.physicalType == .int32
            return values.prefix(count).map { integer(narrow ? Int64(Int32(truncatingIfNeeded: $0)) : $0) }
        case .deltaLengthByteArray:
            let lengths = try ParquetEncodings.deltaBinaryPacked(&cursor)
            guard lengths.count >= count else { throw ParquetDecodeError("DELTA_LENGTH_BYTE_ARRAY holds \(lengths.count) lengths, page needs \(count)") }
            var out: [JSONValue] = []
            out.reserveCapacity(count)
            for length in lengths.prefix(count) {
                guard length >= 0, length <= Int64(cursor.remaining) else { throw ParquetDecodeError("byte array length \(length) runs past the page") }
                out.append(try text(cursor.take(Int(length))))
            }
            return out
        case .deltaByteArray:
            let prefixes = try ParquetEncodings.deltaBinaryPacked(&cursor)
            let lengths = try ParquetEncodings.deltaBinaryPacked(&cursor)
            guard prefixes.count >= count, lengths.count >= count else { throw ParquetDecodeError("DELTA_BYTE_ARRAY holds fewer values than the page needs") }
            var out: [JSONValue] = []
            out.reserveCapacity(count)
            var previous: [UInt8] = []
            for i in 0..<count {
                let prefix = prefixes[i], length = lengths[i]
                guard prefix >= 0, prefix <= Int64(previous.count), length >= 0, length <= Int64(cursor.remaining) else {
                    throw ParquetDecodeError("DELTA_BYTE_ARRAY prefix \(prefix) / suffix \(length) is out of range")
                }
                var value = Array(previous.prefix(Int(prefix)))
                value.append(contentsOf: try cursor.take(Int(length)))
                out.append(try text(value[...]))
                previous = value
            }
            return out
        case .byteStreamSplit:
            let width: Int
            switch leaf.physicalType {
            case .float, .int32: width = 4
            case .double, .int64: width = 8
            case .fixedLenByteArray: width = leaf.typeLength
            default: throw ParquetDecodeError("BYTE_STREAM_SPLIT on a \(leaf.physicalType) column")
            }
            let (total, overflow) = width.multipliedReportingOverflow(by: count)
            guard width > 0, !overflow else { throw ParquetDecodeError("BYTE_STREAM_SPLIT value width \(width) is invalid") }
            let streams = try cursor.take(total)
            let base = streams.startIndex
            var joined = [UInt8](repeating: 0, count: total)
            for i in 0..<count {
                for b in 0..<width { joined[i * width + b] = streams[base + b * count + i] }
            }
            var sub = ByteCursor(joined)
            return try plain(&sub, count: count)
        case .bitPacked:
            throw ParquetDecodeError("value encoding BIT_PACKED is not supported")
        }
    }

    func plain(_ cursor: inout ByteCursor, count: Int) throws -> [JSONValue] {
        var out: [JSONValue] = []
        out.reserveCapacity(min(count, cursor.remaining + 1))
        switch leaf.physicalType {
        case .boolean:
            let bytes = try cursor.take((count + 7) / 8)
            let base = bytes.startIndex
            for i in 0..<count { out.append(.bool(bytes[base + i / 8] >> UInt8(i % 8) & 1 == 1)) }
        case .int32:
            for _ in 0..<count { out.append(integer(Int64(Int32(bitPattern: try cursor.uint32LE())))) }
        case .int64:
            for _ in 0..<count { out.append(integer(Int64(bitPattern: try cursor.uint64LE()))) }
        case .float:
            for _ in 0..<count { out.append(.double(Double(Float(bitPattern: try cursor.uint32LE())))) }
        case .double:
            for _ in 0..<count { out.append(.double(Double(bitPattern: try cursor.uint64LE()))) }
        case .byteArray:
            for _ in 0..<count {
                let length = Int(try cursor.uint32LE())
                out.append(try text(cursor.take(length)))
            }
        case .fixedLenByteArray:
            guard leaf.typeLength > 0 else { throw ParquetDecodeError("FIXED_LEN_BYTE_ARRAY without a positive type_length") }
            for _ in 0..<count { out.append(try text(cursor.take(leaf.typeLength))) }
        case .int96:
            // Nanoseconds within the day, then the Julian day: read as nanoseconds since 1970-01-01.
            for _ in 0..<count {
                let nanos = Int64(bitPattern: try cursor.uint64LE())
                let julianDay = Int64(try cursor.uint32LE())
                let (dayNanos, o1) = (julianDay - 2_440_588).multipliedReportingOverflow(by: 86_400_000_000_000)
                let (total, o2) = dayNanos.addingReportingOverflow(nanos)
                guard !o1, !o2 else { throw ParquetDecodeError("INT96 timestamp out of range") }
                out.append(.int(Int(total)))
            }
        }
        return out
    }

    private func integer(_ raw: Int64) -> JSONValue {
        guard leaf.valueKind == .unsigned else { return .int(Int(raw)) }
        switch leaf.physicalType {
        case .int32: return .int(Int(UInt32(truncatingIfNeeded: raw)))
        default:
            let unsigned = UInt64(bitPattern: raw)
            return unsigned <= UInt64(Int.max) ? .int(Int(unsigned)) : .double(Double(unsigned))
        }
    }

    private func text(_ bytes: ArraySlice<UInt8>) throws -> JSONValue {
        guard let s = String(validating: bytes, as: UTF8.self) else {
            throw ParquetDecodeError("byte array value is not UTF-8 text")
        }
        return .string(s)
    }
}
