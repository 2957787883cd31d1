/// An 8-bit RGBA colour.
public struct RGBA: Sendable, Equatable, Hashable {
    public var r: UInt8, g: UInt8, b: UInt8, a: UInt8

    public init(_ r: UInt8, _ g: UInt8, _ b: UInt8, _ a: UInt8 = 255) {
        self.r = r; self.g = g; self.b = b; self.a = a
    }

    public static let white = RGBA(255, 255, 255)
    public static let black = RGBA(0, 0, 0)
    public static let text = RGBA(33, 37, 41)
    public static let grid = RGBA(222, 226, 230)
    public static let axis = RGBA(108, 117, 125)

    /// Colour-blind-safe series colours (Okabe–Ito), in the order models appear.
    public static let series: [RGBA] = [
        RGBA(0, 114, 178), RGBA(230, 159, 0), RGBA(0, 158, 115), RGBA(204, 121, 167),
        RGBA(86, 180, 233), RGBA(213, 94, 0), RGBA(240, 228, 66), RGBA(0, 0, 0),
    ]

    public static func series(_ index: Int) -> RGBA { series[index % series.count] }
}

/// A raster in RGBA, origin top-left. Drawing clips to the canvas; nothing here can trap on
/// out-of-range coordinates.
public struct Canvas: Sendable {
    public let width: Int
    public let height: Int
    public private(set) var pixels: [UInt8]

    public init(width: Int, height: Int, background: RGBA = .white) {
        self.width = max(1, width)
        self.height = max(1, height)
        pixels = [UInt8](repeating: 0, count: self.width * self.height * 4)
        fill(x: 0, y: 0, width: self.width, height: self.height, color: background)
    }

    public func pixel(x: Int, y: Int) -> RGBA? {
        guard x >= 0, y >= 0, x < width, y < height else { return nil }
        let i = (y * width + x) * 4
        return RGBA(pixels[i], pixels[i + 1], pixels[i + 2], pixels[i + 3])
    }

    /// Blends `color` at (x, y) with coverage `alpha` (0...255).
    public mutating func blend(x: Int, y: Int, color: RGBA, alpha: UInt8 = 255) {
        guard x >= 0, y >= 0, x < width, y < height, alpha > 0 else { return }
        let i = (y * width + x) * 4
        let a = UInt32(alpha) * UInt32(color.a) / 255
        if a == 255 {
            pixels[i] = color.r; pixels[i + 1] = color.g; pixels[i + 2] = color.b; pixels[i + 3] = 255
            return
        }
        func mix(_ dst: UInt8, _ src: UInt8) -> UInt8 {
            UInt8((UInt32(src) * a + UInt32(dst) * (255 - a) + 127) / 255)
        }
        pixels[i] = mix(pixels[i], color.r)
        pixels[i + 1] = mix(pixels[i + 1], color.g)
        pixels[i + 2] = mix(pixels[i + 2], color.b)
        pixels[i + 3] = max(pixels[i + 3], UInt8(a))
    }

    public mutating func fill(x: Int, y: Int, width w: Int, height h: Int, color: RGBA) {
        let x0 = max(0, x), y0 = max(0, y)
        let x1 = min(width, x + w), y1 = min(height, y + h)
        guard x0 < x1, y0 < y1 else { return }
        for yy in y0..<y1 {
            for xx in x0..<x1 { blend(x: xx, y: yy, color: color) }
        }
    }

    public mutating func horizontalLine(x0: Int, x1: Int, y: Int, color: RGBA, thickness: Int = 1) {
        fill(x: min(x0, x1), y: y - thickness / 2, width: abs(x1 - x0) + 1, height: thickness, color: color)
    }

    public mutating func verticalLine(x: Int, y0: Int, y1: Int, color: RGBA, thickness: Int = 1) {
        fill(x: x - thickness / 2, y: min(y0, y1), width: thickness, height: abs(y1 - y0) + 1, color: color)
    }

    public func encodePNG() throws -> [UInt8] {
        [UInt8](try PNGCodec.encodeRGBA(width: width, height: height, pixels: pixels))
    }
}
