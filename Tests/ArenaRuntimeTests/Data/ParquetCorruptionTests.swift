import Foundation
import Testing
@testable import ArenaRuntime

/// Damaged files give a `ParquetError` naming the file (and the column where one is involved),
/// never a crash.
@Suite struct ParquetCorruptionTests {
    static func fixture(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: DataFixtures.parquetDirectory.appendingPathComponent(name + ".parquet")))
    }

    static func error(_ bytes: [UInt8], name: String = "damaged.parquet") -> ParquetError? {
        do {
            _ = try ParquetFile(bytes: bytes, name: name).rows()
            return nil
        } catch let error as ParquetError {
            return error
        } catch {
            Issue.record("unexpected error type: \(error)")
            return nil
        }
    }

    @Test func badMagicAtTheStartIsReported() throws {
        var bytes = try Self.fixture("gsm8k_zstd")
        bytes[0] = UInt8(ascii: "X")
        let error = try #require(Self.error(bytes))
        #expect(error.file == "damaged.parquet")
        #expect(error.message.contains("bad magic at the start"))
    }

    @Test func truncatedFileIsReported() throws {
        let bytes = try Self.fixture("gsm8k_zstd")
        let error = try #require(Self.error(Array(bytes.dropLast(10))))
        #expect(error.message.contains("bad magic at the end"))
        #expect(error.description.hasPrefix("damaged.parquet: "))
    }

    @Test func footerLengthBeyondTheFileIsReported() throws {
        var bytes = try Self.fixture("gsm8k_zstd")
        let at = bytes.count - 8
        bytes[at] = 0xff; bytes[at + 1] = 0xff; bytes[at + 2] = 0xff; bytes[at + 3] = 0x00
        let error = try #require(Self.error(bytes))
        #expect(error.message.contains("footer length"))
    }

    @Test func truncatedFooterIsReported() throws {
        var bytes = try Self.fixture("arc_none_plain_v1")
        // Keep the length field and magic, but cut the footer's second half.
        let footerLength = Int(bytes[bytes.count - 8]) | Int(bytes[bytes.count - 7]) << 8 | Int(bytes[bytes.count - 6]) << 16
        let footerStart = bytes.count - 8 - footerLength
        let tail = Array(bytes.suffix(8))
        bytes = Array(bytes[..<(footerStart + footerLength / 2)])
        let shortened = footerLength / 2
        var lengthBytes = tail
        lengthBytes[0] = UInt8(shortened & 0xff); lengthBytes[1] = UInt8(shortened >> 8 & 0xff); lengthBytes[2] = UInt8(shortened >> 16 & 0xff)
        bytes += lengthBytes
        let error = try #require(Self.error(bytes))
        #expect(error.message.contains("corrupt footer"))
    }

    @Test func damagedPageHeaderNamesTheColumn() throws {
        var bytes = try Self.fixture("gsm8k_zstd")
        // The first column chunk ('question') starts right after the leading magic.
        for i in 4..<12 { bytes[i] = 0xff }
        let error = try #require(Self.error(bytes))
        #expect(error.column == "question")
        #expect(error.message.contains("page"))
    }

    @Test func damagedCompressedPageNamesColumnAndCodec() throws {
        var bytes = try Self.fixture("drop_snappy")
        // Overwrite the body of the first page (after its header) with garbage.
        for i in 40..<80 { bytes[i] = 0xA5 }
        let error = try #require(Self.error(bytes))
        #expect(error.column == "section_id")
        #expect(error.message.contains("snappy") || error.message.contains("page"))
    }

    /// Every prefix of a file, and every single-byte change of one, is read or refused with a
    /// ParquetError; nothing traps.
    @Test func everyTruncationAndByteFlipIsHandled() throws {
        let bytes = try Self.fixture("truthfulqa_mc_snappy_dict_v2")
        let good = try ParquetFile(bytes: bytes, name: "good").rows()
        for length in stride(from: 0, to: bytes.count, by: 7) {
            #expect(Self.error(Array(bytes.prefix(length))) != nil, "prefix of \(length) bytes was accepted")
        }
        var flippedAccepted = 0
        for position in stride(from: 0, to: bytes.count, by: 3) {
            var damaged = bytes
            damaged[position] ^= 0x5a
            if Self.error(damaged) == nil { flippedAccepted += 1 }
        }
        #expect(good.count == 7)
        // Flips inside statistics-free values may still decode; most must be caught.
        #expect(flippedAccepted < bytes.count / 3)
    }

    /// The example of parquet-format's Encodings.md for BIT_PACKED (deprecated): 0…7 at bit width 3
    /// pack to 00000101 00111001 01110111. The RLE hybrid's example from the same page: 0…7 at bit
    /// width 3 bit-packed LSB first as 10001000 11000110 11111010 after the header 0x03.
    @Test func levelEncodingsMatchTheFormatSpecificationExamples() throws {
        var msb = ByteCursor([0b0000_0101, 0b0011_1001, 0b0111_0111])
        #expect(try ParquetEncodings.bitPackedMSBFirst(&msb, bitWidth: 3, count: 8) == [0, 1, 2, 3, 4, 5, 6, 7])
        var hybrid = ByteCursor([0x03, 0b1000_1000, 0b1100_0110, 0b1111_1010])
        #expect(try ParquetEncodings.hybrid(&hybrid, bitWidth: 3, count: 8) == [0, 1, 2, 3, 4, 5, 6, 7])
        var short = ByteCursor([0b0000_0101])
        #expect(throws: ParquetDecodeError.self) { try ParquetEncodings.bitPackedMSBFirst(&short, bitWidth: 3, count: 8) }
    }
}
