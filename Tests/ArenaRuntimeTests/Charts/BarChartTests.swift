import Foundation
import Testing
@testable import ArenaRuntime

@Suite struct BarChartTests {
    let chart = BarChart(
        title: "arc_easy", subtitle: "acc, 95% CI", yLabel: "accuracy",
        categories: ["arc_easy", "gsm8k", "hellaswag"], series: ["base", "tuned"],
        values: [[BarValue(0.25, low: 0.2, high: 0.3), BarValue(0.75, low: 0.7, high: 0.8)],
                 [BarValue(0.5), BarValue(1.0)],
                 [BarValue(0.0), nil]],
        yRange: 0...1)

    @Test func barsStandWhereTheirValuesPutThem() throws {
        let font = try FontRenderer()
        let png = try chart.render(font: font).encodePNG()
        let decoded = try PNGCodec.decodeRGBA(Data(png))
        let layout = chart.layout
        #expect(decoded.width == layout.width && decoded.height == layout.height)
        func pixel(_ x: Int, _ y: Int) -> RGBA {
            let i = (y * decoded.width + x) * 4
            return RGBA(decoded.pixels[i], decoded.pixels[i + 1], decoded.pixels[i + 2], decoded.pixels[i + 3])
        }
        for (c, group) in chart.values.enumerated() {
            for (s, bar) in group.enumerated() {
                guard let bar, bar.value > 0 else { continue }
                // A quarter of the bar's width in, away from the error bar in the middle.
                let x = layout.barX(category: c, series: s, seriesCount: 2) + layout.barWidth / 4
                let top = layout.y(bar.value)
                #expect(pixel(x, top + 3) == RGBA.series(s), "inside bar \(c),\(s)")
                #expect(pixel(x, layout.y(0) - 2) == RGBA.series(s), "bottom of bar \(c),\(s)")
                #expect(pixel(x, top - 25) != RGBA.series(s), "above bar \(c),\(s)")
            }
        }
        // The 0.75 bar is three times as tall as the 0.25 bar (within a pixel of rounding).
        let quarter = layout.y(0) - layout.y(0.25), threeQuarters = layout.y(0) - layout.y(0.75)
        #expect(abs(threeQuarters - 3 * quarter) <= 1)
    }

    @Test func textIsDrawnAndRenderingIsDeterministic() throws {
        let font = try FontRenderer()
        let first = try chart.render(font: font).encodePNG()
        let second = try chart.render(font: try FontRenderer()).encodePNG()
        #expect(SHA256.hex(Data(first)) == SHA256.hex(Data(second)))
        // The title band holds dark text pixels; an untitled chart has none there.
        var untitled = chart
        untitled.title = ""
        untitled.subtitle = nil
        let withTitle = chart.render(font: font), without = untitled.render(font: font)
        func darkPixels(_ canvas: Canvas) -> Int {
            var n = 0
            for y in 15..<70 { for x in 0..<canvas.width { if let p = canvas.pixel(x: x, y: y), p.r < 128 { n += 1 } } }
            return n
        }
        #expect(darkPixels(withTitle) > 50)
        #expect(darkPixels(without) == 0)
    }

    @Test(arguments: [(0.0, 1.0), (-0.13, 0.07), (0.0, 87.0), (0.4, 0.43)])
    func ticksCoverTheRangeWithRoundSteps(lo: Double, hi: Double) {
        let ticks = BarChart.niceTicks(min: lo, max: hi)
        #expect(ticks.first! <= lo + 1e-12 && ticks.last! >= hi - 1e-12)
        #expect((4...12).contains(ticks.count))
        let step = ticks[1] - ticks[0]
        for (a, b) in zip(ticks, ticks.dropFirst()) { #expect(abs((b - a) - step) < 1e-9) }
    }

    @Test func negativeDeltasHangBelowTheZeroLine() throws {
        let delta = BarChart(title: "tuned − base", yLabel: "difference", categories: ["a", "b"], series: ["delta"],
                             values: [[BarValue(-0.1, low: -0.15, high: -0.05)], [BarValue(0.2, low: 0.1, high: 0.3)]],
                             colorBySign: true)
        let canvas = delta.render(font: try FontRenderer())
        let l = delta.layout
        let xa = l.barX(category: 0, series: 0, seriesCount: 1) + l.barWidth / 4
        #expect(canvas.pixel(x: xa, y: l.y(0) + 3) == RGBA(213, 94, 0))
        #expect(canvas.pixel(x: xa, y: l.y(0) - 3) != RGBA(213, 94, 0))
        let xb = l.barX(category: 1, series: 0, seriesCount: 1) + l.barWidth / 4
        #expect(canvas.pixel(x: xb, y: l.y(0) - 3) == RGBA(0, 158, 115))
    }

    @Test func corruptPNGIsRejectedWithAMessage() {
        #expect(throws: PNGError.self) { try PNGCodec.decodeRGBA(Data("not a png".utf8)) }
    }
}
