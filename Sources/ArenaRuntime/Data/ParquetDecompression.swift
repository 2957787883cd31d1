import CCompression
import Foundation

/// Page decompression through libsnappy, libzstd and zlib. The output size comes from the page
/// header and is checked against what the codec produced.
enum ParquetDecompression {
    /// The largest page the reader accepts (1 GiB); larger sizes come from corrupt headers.
    static let maxPageSize = 1 << 30

    static func decompress(_ input: ArraySlice<UInt8>, codec: Int64, uncompressedSize: Int) throws -> [UInt8] {
        guard let kind = ParquetCodec(rawValue: codec) else { throw ParquetDecodeError("unknown compression codec #\(codec)") }
        guard uncompressedSize >= 0, uncompressedSize <= maxPageSize else {
            throw ParquetDecodeError("page size \(uncompressedSize) is outside 0...\(maxPageSize) bytes")
        }
        switch kind {
        case .uncompressed:
            guard input.count == uncompressedSize else {
                throw ParquetDecodeError("uncompressed page holds \(input.count) bytes, header says \(uncompressedSize)")
            }
            return Array(input)
        case .snappy: return try snappy(input, expected: uncompressedSize)
        case .zstd: return try zstd(input, expected: uncompressedSize)
        case .gzip: return try gzip(input, expected: uncompressedSize)
        case .lzo, .brotli, .lz4, .lz4Raw:
            throw ParquetDecodeError("compression codec \(kind) is not supported (supported: UNCOMPRESSED, SNAPPY, GZIP, ZSTD)")
        }
    }

    private static func snappy(_ input: ArraySlice<UInt8>, expected: Int) throws -> [UInt8] {
        var output = [UInt8](repeating: 0, count: expected)
        var outputLength = expected
        let status: snappy_status = input.withUnsafeBytes { src in
            output.withUnsafeMutableBytes { dst in
                var length = 0
                let probe = snappy_uncompressed_length(src.baseAddress?.assumingMemoryBound(to: CChar.self), src.count, &length)
                guard probe == SNAPPY_OK, length == expected else { return SNAPPY_INVALID_INPUT }
                guard expected > 0 else { return SNAPPY_OK }
                return snappy_uncompress(src.baseAddress?.assumingMemoryBound(to: CChar.self), src.count,
                                         dst.baseAddress?.assumingMemoryBound(to: CChar.self), &outputLength)
            }
        }
        guard status == SNAPPY_OK, outputLength == expected else {
            throw ParquetDecodeError("snappy: invalid compressed page (status \(status.rawValue), expected \(expected) bytes)")
        }
        return output
    }

    private static func zstd(_ input: ArraySlice<UInt8>, expected: Int) throws -> [UInt8] {
        var output = [UInt8](repeating: 0, count: max(expected, 1))
        let written: Int = input.withUnsafeBytes { src in
            output.withUnsafeMutableBytes { dst in
                ZSTD_decompress(dst.baseAddress, expected, src.baseAddress, src.count)
            }
        }
        if ZSTD_isError(written) != 0 {
            throw ParquetDecodeError("zstd: \(String(cString: ZSTD_getErrorName(written)))")
        }
        guard written == expected else { throw ParquetDecodeError("zstd: page decompressed to \(written) bytes, header says \(expected)") }
        output.removeLast(output.count - expected)
        return output
    }

    private static func gzip(_ input: ArraySlice<UInt8>, expected: Int) throws -> [UInt8] {
        var output = [UInt8](repeating: 0, count: max(expected, 1))
        var stream = z_stream()
        // windowBits 15 + 32: accept a gzip or a zlib header.
        guard inflateInit2_(&stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw ParquetDecodeError("gzip: inflateInit2 failed")
        }
        defer { inflateEnd(&stream) }
        var produced = 0
        var failure: String?
        input.withUnsafeBytes { src in
            output.withUnsafeMutableBytes { dst in
                guard let srcBase = src.baseAddress, let dstBase = dst.baseAddress else { return }
                stream.next_in = UnsafeMutablePointer(mutating: srcBase.assumingMemoryBound(to: Bytef.self))
                stream.avail_in = uInt(src.count)
                stream.next_out = dstBase.assumingMemoryBound(to: Bytef.self)
                stream.avail_out = uInt(expected)
                while true {
                    let status = inflate(&stream, Z_FINISH)
                    if status == Z_STREAM_END {
                        // Several gzip members may follow one another.
                        if stream.avail_in > 0 && stream.avail_out > 0 { inflateReset(&stream); continue }
                        break
                    }
                    if status == Z_BUF_ERROR && stream.avail_out == 0 {
                        failure = "page decompresses to more than the \(expected) bytes its header says"
                        break
                    }
                    if status != Z_OK {
                        failure = stream.msg.map { String(cString: $0) } ?? "inflate error \(status)"
                        break
                    }
                }
                produced = expected - Int(stream.avail_out)
            }
        }
        if let failure { throw ParquetDecodeError("gzip: \(failure)") }
        guard produced == expected else { throw ParquetDecodeError("gzip: page decompressed to \(produced) bytes, header says \(expected)") }
        output.removeLast(output.count - expected)
        return output
    }

    /// CRC-32 of a page's bytes as stored (parquet.thrift: over the compressed page data).
    static func crc32(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        bytes.withUnsafeBytes { raw in
            UInt32(CCompression.crc32(0, raw.baseAddress?.assumingMemoryBound(to: Bytef.self), uInt(raw.count)))
        }
    }
}
