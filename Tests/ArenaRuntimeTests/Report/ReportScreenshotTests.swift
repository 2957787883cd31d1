import Foundation
import Testing
@testable import ArenaRuntime

/// Renders a bundle's report.html in headless Chromium (Debian's `chromium`) and checks that the
/// page shows text, tables and charts rather than a blank or broken page.
@Suite struct ReportScreenshotTests {
    @Test func reportRendersInHeadlessChromium() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("shot-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: base) }
        let root = base.appendingPathComponent("demo/run")
        let contents = BundleWriterTests.contents
        try BundleWriter(contents: contents, seed: 1234, limit: 20).write(to: root, report: BundleWriterTests.report(contents), font: try FontRenderer())
        let shot = base.appendingPathComponent("shot.png")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/chromium")
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1280,2400",
                             "--user-data-dir=\(base.appendingPathComponent("profile").path)",
                             "--screenshot=\(shot.path)", root.appendingPathComponent("report.html").absoluteString]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let image = try PNGCodec.decodeRGBA(try Data(contentsOf: shot))
        #expect(image.width == 1280)
        var nonWhite = 0
        var seriesBlue = 0
        for i in stride(from: 0, to: image.pixels.count, by: 4) {
            let (r, g, b) = (image.pixels[i], image.pixels[i + 1], image.pixels[i + 2])
            if r < 240 || g < 240 || b < 240 { nonWhite += 1 }
            // The first model's bar colour, scaled by the browser but still clearly blue.
            if r < 30 && g > 90 && g < 140 && b > 150 { seriesBlue += 1 }
        }
        let total = image.width * image.height
        #expect(nonWhite > total / 50, "the page looks blank: \(nonWhite) of \(total) pixels are not white")
        #expect(seriesBlue > 500, "no chart bars visible (\(seriesBlue) bar-coloured pixels)")
    }
}
