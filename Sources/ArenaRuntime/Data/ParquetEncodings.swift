import Foundation

/// Decoders for Parquet's integer encodings: the RLE/bit-packed hybrid (levels, dictionary
/// indices, RLE booleans) and DELTA_BINARY_PACKED.
enum ParquetEncodings {
    /// Reads `count` values of the RLE/bit-packed hybrid encoding from the cursor.
    static func hybrid(_ cursor: inout ByteCursor, bitWidth: Int, count: Int) throws -> [Int32] {
        guard (0...32).contains(bitWidth) else { throw ParquetDecodeError("bit width \(bitWidth) is out of range") }
        var out: [Int32] = []
        out.reserveCapacity(count)
        if bitWidth == 0 {
            return [Int32](repeating: 0, count: count)
        }
        let byteWidth = (bitWidth + 7) / 8
        while out.count < count {
            let header = try cursor.uvarint()
            if header & 1 == 0 {
                let runLength = header >> 1
                var value: UInt32 = 0
                for i in 0..<byteWidth { value |= UInt32(try cursor.byte()) << (8 * UInt32(i)) }
                let n = Int(min(runLength, UInt64(count - out.count)))
                out.append(contentsOf: repeatElement(Int32(bitPattern: value), count: n))
            } else {
                let groups = header >> 1
                guard groups <= UInt64(cursor.remaining) else {
                    throw ParquetDecodeError("bit-packed run of \(groups) groups runs past the end of its data")
                }
                let valueCount = Int(groups) * 8
                let bytes = try cursor.take(Int(groups) * bitWidth)
                unpack(bytes, bitWidth: bitWidth, count: min(valueCount, count - out.count), into: &out)
            }
        }
        return out
    }

    /// The deprecated BIT_PACKED level encoding: `count` values packed from the most significant
    /// bit of each byte down, no length prefix.
    static func bitPackedMSBFirst(_ cursor: inout ByteCursor, bitWidth: Int, count: Int) throws -> [Int32] {
        guard (0...32).contains(bitWidth) else { throw ParquetDecodeError("bit width \(bitWidth) is out of range") }
        let (bits, overflow) = count.multipliedReportingOverflow(by: bitWidth)
        guard !overflow else { throw ParquetDecodeError("BIT_PACKED levels of \(count) values overflow") }
        let bytes = try cursor.take((bits + 7) / 8)
        var out: [Int32] = []
        out.reserveCapacity(count)
        var bit = 0
        for _ in 0..<count {
            var value: UInt32 = 0
            for _ in 0..<bitWidth {
                let byte = bytes[bytes.startIndex + bit / 8]
                value = value << 1 | UInt32(byte >> UInt8(7 - bit % 8) & 1)
                bit += 1
            }
            out.append(Int32(bitPattern: value))
        }
        return out
    }

    /// Little-endian bit unpacking, least significant bit first, of values up to 64 bits wide
    /// (RLE/bit-packed hybrid runs into Int32, delta miniblocks into UInt64).
    static func unpack<Value: FixedWidthInteger>(_ bytes: ArraySlice<UInt8>, bitWidth: Int, count: Int, into out: inout [Value]) {
        let base = bytes.startIndex
        var bitPosition = 0
        let mask: UInt64 = bitWidth == 64 ? ~0 : (1 << UInt64(bitWidth)) - 1
        for _ in 0..<count {
            var value: UInt64 = 0
            var gathered = 0
            var position = bitPosition
            while gathered < bitWidth {
                let byteIndex = base + position / 8
                let offset = position % 8
                let b = byteIndex < bytes.endIndex ? UInt64(bytes[byteIndex]) : 0
                value |= gathered < 64 ? (b >> UInt64(offset)) << UInt64(gathered) : 0
                gathered += 8 - offset
                position += 8 - offset
            }
            out.append(Value(truncatingIfNeeded: value & mask))
            bitPosition += bitWidth
        }
    }

    /// DELTA_BINARY_PACKED: a header (block size, miniblocks per block, value count, first
    /// value), then blocks of a minimum delta, miniblock bit widths and bit-packed deltas.
    /// Arithmetic wraps, as the format requires.
    static func deltaBinaryPacked(_ cursor: inout ByteCursor) throws -> [Int64] {
        let blockSize = try cursor.uvarint()
        let miniblocks = try cursor.uvarint()
        let total = try cursor.uvarint()
        var previous = try cursor.zigzag()
        guard blockSize > 0, blockSize % 128 == 0, miniblocks > 0, blockSize % miniblocks == 0,
              (blockSize / miniblocks) % 32 == 0, blockSize <= 1 << 20 else {
            throw ParquetDecodeError("DELTA_BINARY_PACKED header is invalid (block size \(blockSize), \(miniblocks) miniblocks)")
        }
        // Every block takes at least two bytes (minimum delta and a bit width); more values than
        // that allows is corrupt.
        guard total <= (UInt64(cursor.remaining) / 2 + 1) * blockSize + 1 else {
            throw ParquetDecodeError("DELTA_BINARY_PACKED claims \(total) values in \(cursor.remaining) bytes")
        }
        let perMiniblock = Int(blockSize / miniblocks)
        var values: [Int64] = []
        values.reserveCapacity(Int(min(total, 1 << 20)))
        if total == 0 { return values }
        values.append(previous)
        var deltas: [UInt64] = []
        while values.count < Int(total) {
            let minDelta = try cursor.zigzag()
            let widths = try cursor.take(Int(miniblocks))
            for width in widths {
                guard values.count < Int(total) else { break }
                guard width <= 64 else { throw ParquetDecodeError("DELTA_BINARY_PACKED miniblock bit width \(width) is over 64") }
                let bytes = try cursor.take(perMiniblock * Int(width) / 8)
                deltas.removeAll(keepingCapacity: true)
                unpack(bytes, bitWidth: Int(width), count: perMiniblock, into: &deltas)
                for delta in deltas {
                    guard values.count < Int(total) else { break }
                    previous = previous &+ minDelta &+ Int64(bitPattern: delta)
                    values.append(previous)
                }
            }
        }
        return values
    }
}
