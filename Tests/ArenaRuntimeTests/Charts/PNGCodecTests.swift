import CPNG
import Foundation
import Testing
@testable import ArenaRuntime

/// libpng's read from memory keeps the pointer it was begun with and reads the pixels through it
/// when the read finishes, so `PNGCodec.decodeRGBA` must hold the bytes borrowed across both calls.
@Suite struct PNGCodecTests {
    static func gradient(width: Int, height: Int) throws -> Data {
        var pixels: [UInt8] = []
        for y in 0..<height { for x in 0..<width { pixels += [UInt8(x * 7 % 256), UInt8(y * 11 % 256), UInt8((x + y) % 256), 255] } }
        return try PNGCodec.encodeRGBA(width: width, height: height, pixels: pixels)
    }

    @Test func finishingAReadUsesTheBytesItWasBegunWith() throws {
        let png = try Self.gradient(width: 32, height: 32)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: png.count, alignment: 16)
        defer { buffer.deallocate() }
        _ = png.copyBytes(to: buffer)
        var image = png_image()
        image.version = UInt32(ARENA_PNG_IMAGE_VERSION)
        #expect(png_image_begin_read_from_memory(&image, buffer.baseAddress, buffer.count) != 0)
        image.format = UInt32(ARENA_PNG_FORMAT_RGBA)
        // What a caller does once a borrowed buffer's scope has ended: the memory changes.
        for i in 64..<buffer.count { buffer[i] = 0 }
        var pixels = [UInt8](repeating: 0, count: 32 * 32 * 4)
        let finished = pixels.withUnsafeMutableBytes { png_image_finish_read(&image, nil, $0.baseAddress, 32 * 4, nil) }
        if finished == 0 { png_image_free(&image) }
        let intact = try PNGCodec.decodeRGBA(png).pixels
        #expect(finished == 0 || pixels != intact, "libpng read the pixels before finishing; the borrow need not span both calls")
    }

    @Test func decodingGivesBackWhatWasEncoded() throws {
        let png = try Self.gradient(width: 17, height: 5)
        let decoded = try PNGCodec.decodeRGBA(png)
        #expect(decoded.width == 17 && decoded.height == 5)
        #expect(decoded.pixels[(3 * 17 + 4) * 4 ..< (3 * 17 + 4) * 4 + 4] == [28, 33, 7, 255])
        let sliced = (Data([0, 1, 2]) + png).dropFirst(3)
        #expect(try PNGCodec.decodeRGBA(Data(sliced)).pixels == decoded.pixels)
        #expect(try PNGCodec.decodeRGBA(sliced).pixels == decoded.pixels)
    }
}
