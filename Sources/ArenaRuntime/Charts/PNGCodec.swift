import CPNG
import Foundation

public enum PNGError: Error, CustomStringConvertible {
    case encode(String)
    case decode(String)

    public var description: String {
        switch self {
        case let .encode(m): return "PNG encoding failed: \(m)"
        case let .decode(m): return "PNG decoding failed: \(m)"
        }
    }
}

/// PNG encoding and decoding through libpng's simplified `png_image_*` API (no longjmp).
public enum PNGCodec {
    /// Encodes 8-bit RGBA pixels (row-major, no padding) as PNG bytes.
    public static func encodeRGBA(width: Int, height: Int, pixels: [UInt8]) throws -> Data {
        guard width > 0, height > 0, pixels.count == width * height * 4 else {
            throw PNGError.encode("expected \(width)x\(height) RGBA pixels, got \(pixels.count) bytes")
        }
        var image = png_image()
        image.version = UInt32(ARENA_PNG_IMAGE_VERSION)
        image.width = UInt32(width)
        image.height = UInt32(height)
        image.format = UInt32(ARENA_PNG_FORMAT_RGBA)
        var size: png_alloc_size_t = 0
        let stride = Int32(width * 4)
        // First call measures, second writes.
        let measured = pixels.withUnsafeBytes { raw in
            png_image_write_to_memory(&image, nil, &size, 0, raw.baseAddress, stride, nil)
        }
        guard measured != 0, size > 0 else { throw PNGError.encode(message(image)) }
        var out = Data(count: Int(size))
        let written = out.withUnsafeMutableBytes { dst in
            pixels.withUnsafeBytes { raw in
                png_image_write_to_memory(&image, dst.baseAddress, &size, 0, raw.baseAddress, stride, nil)
            }
        }
        png_image_free(&image)
        guard written != 0 else { throw PNGError.encode(message(image)) }
        return out.prefix(Int(size))
    }

    /// Decodes PNG bytes to 8-bit RGBA. libpng keeps the pointer that begins a read from memory
    /// and reads the pixels through it when the read finishes, so both happen while `data` is borrowed.
    public static func decodeRGBA(_ data: Data) throws -> (width: Int, height: Int, pixels: [UInt8]) {
        try data.withUnsafeBytes { raw in try decodeRGBA(borrowing: raw) }
    }

    /// Decodes the PNG in `bytes`, which must stay valid until this returns.
    static func decodeRGBA(borrowing bytes: UnsafeRawBufferPointer) throws -> (width: Int, height: Int, pixels: [UInt8]) {
        var image = png_image()
        image.version = UInt32(ARENA_PNG_IMAGE_VERSION)
        guard png_image_begin_read_from_memory(&image, bytes.baseAddress, bytes.count) != 0 else { throw PNGError.decode(message(image)) }
        image.format = UInt32(ARENA_PNG_FORMAT_RGBA)
        let width = Int(image.width), height = Int(image.height)
        var pixels = [UInt8](repeating: 0, count: width * height * 4)
        let finished = pixels.withUnsafeMutableBytes { dst in
            png_image_finish_read(&image, nil, dst.baseAddress, Int32(width * 4), nil)
        }
        guard finished != 0 else {
            let m = message(image)
            png_image_free(&image)
            throw PNGError.decode(m)
        }
        return (width, height, pixels)
    }

    private static func message(_ image: png_image) -> String {
        var copy = image.message
        return withUnsafeBytes(of: &copy) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
    }
}
