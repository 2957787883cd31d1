import CFreeType
import Foundation

public enum FontError: Error, CustomStringConvertible {
    case notFound([String])
    case freetype(function: String, code: Int32)

    public var description: String {
        switch self {
        case let .notFound(paths):
            return "no chart font found (looked at \(paths.joined(separator: ", "))); install fonts-dejavu-core or set ARENA_FONT"
        case let .freetype(function, code):
            return "FreeType \(function) failed with error \(code)"
        }
    }
}

public enum TextAnchor: Sendable { case left, center, right }

/// Renders text with FreeType from one TrueType face (DejaVu Sans by default). Owns the
/// `FT_Library` and `FT_Face` and frees them in deinit. Not for use from several threads at once.
public final class FontRenderer {
    public static let defaultPaths = [
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    ]

    private var library: FT_Library?
    private var face: FT_Face?
    private var currentSize: Int = 0
    public let path: String

    public init(path explicitPath: String? = nil) throws {
        let candidates = [explicitPath, ProcessInfo.processInfo.environment["ARENA_FONT"]].compactMap { $0 } + Self.defaultPaths
        guard let path = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) else {
            throw FontError.notFound(candidates)
        }
        self.path = path
        var lib: FT_Library?
        let initCode = FT_Init_FreeType(&lib)
        guard initCode == 0, let lib else { throw FontError.freetype(function: "FT_Init_FreeType", code: initCode) }
        library = lib
        var f: FT_Face?
        let faceCode = FT_New_Face(lib, path, 0, &f)
        guard faceCode == 0, let f else { throw FontError.freetype(function: "FT_New_Face(\(path))", code: faceCode) }
        face = f
    }

    deinit {
        if let face { FT_Done_Face(face) }
        if let library { FT_Done_FreeType(library) }
    }

    private func setSize(_ size: Int) {
        guard let face, size != currentSize else { return }
        FT_Set_Pixel_Sizes(face, 0, FT_UInt(size))
        currentSize = size
    }

    /// Width in pixels of `text` at `size`.
    public func measure(_ text: String, size: Int) -> Int {
        guard let face else { return 0 }
        setSize(size)
        var width = 0
        for scalar in text.unicodeScalars {
            if FT_Load_Char(face, FT_ULong(scalar.value), Int32(ARENA_FT_LOAD_DEFAULT)) == 0, let glyph = face.pointee.glyph {
                width += Int(glyph.pointee.advance.x >> 6)
            }
        }
        return width
    }

    /// Draws `text` with its baseline at `y`, anchored at `x`.
    public func draw(_ text: String, x: Int, y: Int, size: Int, color: RGBA, anchor: TextAnchor = .left, on canvas: inout Canvas) {
        let startX: Int
        switch anchor {
        case .left: startX = x
        case .center: startX = x - measure(text, size: size) / 2
        case .right: startX = x - measure(text, size: size)
        }
        render(text, size: size) { gx, gy, coverage in
            canvas.blend(x: startX + gx, y: y + gy, color: color, alpha: coverage)
        }
    }

    /// Draws `text` rotated 90° counter-clockwise (reading bottom to top), centred vertically on `y`,
    /// with its baseline at `x`.
    public func drawVertical(_ text: String, x: Int, y: Int, size: Int, color: RGBA, on canvas: inout Canvas) {
        let length = measure(text, size: size)
        render(text, size: size) { gx, gy, coverage in
            canvas.blend(x: x + gy, y: y + length / 2 - gx, color: color, alpha: coverage)
        }
    }

    /// Calls `plot(dx, dy, coverage)` for every covered pixel, relative to the pen start on the baseline.
    private func render(_ text: String, size: Int, plot: (Int, Int, UInt8) -> Void) {
        guard let face else { return }
        setSize(size)
        var pen = 0
        for scalar in text.unicodeScalars {
            guard FT_Load_Char(face, FT_ULong(scalar.value), Int32(ARENA_FT_LOAD_RENDER)) == 0, let glyph = face.pointee.glyph else { continue }
            let bitmap = glyph.pointee.bitmap
            let left = Int(glyph.pointee.bitmap_left)
            let top = Int(glyph.pointee.bitmap_top)
            if let buffer = bitmap.buffer {
                for row in 0..<Int(bitmap.rows) {
                    for col in 0..<Int(bitmap.width) {
                        let coverage = buffer[row * Int(bitmap.pitch) + col]
                        if coverage > 0 { plot(pen + left + col, row - top, coverage) }
                    }
                }
            }
            pen += Int(glyph.pointee.advance.x >> 6)
        }
    }
}
