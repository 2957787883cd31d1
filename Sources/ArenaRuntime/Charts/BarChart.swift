import Foundation

/// One bar: a value and, optionally, its 95% confidence interval.
public struct BarValue: Sendable, Equatable {
    public var value: Double
    public var low: Double?
    public var high: Double?

    public init(_ value: Double, low: Double? = nil, high: Double? = nil) {
        self.value = value
        self.low = low
        self.high = high
    }
}

/// A grouped bar chart: categories along x (tasks), one bar per series (models) in each group,
/// error bars for confidence intervals, value labels, legend. Layout is a pure function of the data,
/// so the same data always gives the same pixels.
public struct BarChart: Sendable {
    public var title: String
    public var subtitle: String?
    public var yLabel: String
    public var categories: [String]
    public var series: [String]
    /// `values[category][series]`; nil draws no bar.
    public var values: [[BarValue?]]
    /// A fixed y range (e.g. 0...1 for accuracies); nil fits the data.
    public var yRange: ClosedRange<Double>?
    /// Colour each bar by its sign instead of by series (for deltas).
    public var colorBySign: Bool

    public init(title: String, subtitle: String? = nil, yLabel: String, categories: [String], series: [String],
                values: [[BarValue?]], yRange: ClosedRange<Double>? = nil, colorBySign: Bool = false) {
        self.title = title
        self.subtitle = subtitle
        self.yLabel = yLabel
        self.categories = categories
        self.series = series
        self.values = values
        self.yRange = yRange
        self.colorBySign = colorBySign
    }

    /// Where everything goes, in pixels. Exposed so tests can check bars against values.
    public struct Layout: Sendable {
        public let width: Int
        public let height: Int
        public let plotLeft: Int
        public let plotRight: Int
        public let plotTop: Int
        public let plotBottom: Int
        public let yMin: Double
        public let yMax: Double
        public let ticks: [Double]
        public let groupWidth: Double
        public let barWidth: Int

        /// The y pixel of a data value.
        public func y(_ value: Double) -> Int {
            let t = (value - yMin) / (yMax - yMin)
            return plotBottom - Int((t * Double(plotBottom - plotTop)).rounded())
        }

        /// The left x pixel of the bar for (category, series).
        public func barX(category: Int, series: Int, seriesCount: Int) -> Int {
            let groupLeft = Double(plotLeft) + groupWidth * Double(category)
            let barsWidth = barWidth * seriesCount
            return Int(groupLeft + (groupWidth - Double(barsWidth)) / 2) + barWidth * series
        }
    }

    public var layout: Layout {
        let width = max(900, 140 + categories.count * max(90, 36 * max(1, series.count) + 40))
        let height = 700
        let plotLeft = 100, plotRight = width - 40, plotTop = 110
        let labelsVertical = categories.contains { $0.count > 14 } && categories.count > 4
        let plotBottom = height - (labelsVertical ? 220 : 90)
        let (yMin, yMax) = range()
        let ticks = Self.niceTicks(min: yMin, max: yMax)
        let groupWidth = Double(plotRight - plotLeft) / Double(max(1, categories.count))
        let barWidth = max(4, min(90, Int(groupWidth * 0.8) / max(1, series.count)))
        return Layout(width: width, height: height, plotLeft: plotLeft, plotRight: plotRight, plotTop: plotTop,
                      plotBottom: plotBottom, yMin: ticks.first ?? yMin, yMax: ticks.last ?? yMax, ticks: ticks,
                      groupWidth: groupWidth, barWidth: barWidth)
    }

    private func range() -> (Double, Double) {
        if let yRange { return (yRange.lowerBound, yRange.upperBound) }
        var lo = 0.0, hi = 0.0
        for group in values {
            for bar in group.compactMap({ $0 }) where bar.value.isFinite {
                lo = min(lo, bar.low ?? bar.value, bar.value)
                hi = max(hi, bar.high ?? bar.value, bar.value)
            }
        }
        if hi - lo < 1e-12 { hi = lo + 1 }
        let pad = (hi - lo) * 0.08
        return (lo < 0 ? lo - pad : lo, hi > 0 ? hi + pad : hi)
    }

    /// Ticks at 1, 2 or 5 × 10^k covering [min, max] with 4 to 10 steps.
    static func niceTicks(min lo: Double, max hi: Double) -> [Double] {
        let span = hi - lo
        guard span > 0, span.isFinite else { return [lo, lo + 1] }
        let raw = span / 6
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1.0, 2.0, 2.5, 5.0, 10.0].map { $0 * magnitude }.first { span / $0 <= 8 } ?? 10 * magnitude
        let first = floor(lo / step + 1e-9) * step
        let last = ceil(hi / step - 1e-9) * step
        var ticks: [Double] = []
        var k = 0
        while true {
            let t = first + Double(k) * step
            if t > last + step * 1e-6 || k > 100 { break }
            ticks.append(abs(t) < step * 1e-9 ? 0 : t)
            k += 1
        }
        return ticks
    }

    public func render(font: FontRenderer) -> Canvas {
        let l = layout
        var canvas = Canvas(width: l.width, height: l.height)
        font.draw(title, x: l.width / 2, y: 40, size: 22, color: .text, anchor: .center, on: &canvas)
        if let subtitle {
            font.draw(subtitle, x: l.width / 2, y: 66, size: 14, color: .axis, anchor: .center, on: &canvas)
        }
        // Grid and y ticks.
        let decimals = Self.decimals(for: l.ticks)
        for tick in l.ticks {
            let y = l.y(tick)
            canvas.horizontalLine(x0: l.plotLeft, x1: l.plotRight, y: y, color: tick == 0 ? .axis : .grid)
            font.draw(String(format: "%.\(decimals)f", tick), x: l.plotLeft - 8, y: y + 5, size: 13, color: .text, anchor: .right, on: &canvas)
        }
        canvas.verticalLine(x: l.plotLeft, y0: l.plotTop, y1: l.plotBottom, color: .axis)
        font.drawVertical(yLabel, x: 30, y: (l.plotTop + l.plotBottom) / 2, size: 15, color: .text, on: &canvas)
        // Bars, error bars, value labels.
        for (c, group) in values.enumerated() {
            for (s, entry) in group.enumerated() {
                guard let bar = entry, bar.value.isFinite else { continue }
                let x = l.barX(category: c, series: s, seriesCount: series.count)
                let zero = l.y(max(l.yMin, 0))
                let top = l.y(bar.value)
                let color = colorBySign ? (bar.value >= 0 ? RGBA(0, 158, 115) : RGBA(213, 94, 0)) : RGBA.series(s)
                canvas.fill(x: x + 1, y: min(top, zero), width: l.barWidth - 2, height: max(1, abs(zero - top)), color: color)
                var labelY = bar.value >= 0 ? top - 6 : top + 16
                if let low = bar.low, let high = bar.high, low.isFinite, high.isFinite {
                    let center = x + l.barWidth / 2
                    let yLow = l.y(low), yHigh = l.y(high)
                    canvas.verticalLine(x: center, y0: yLow, y1: yHigh, color: .black, thickness: 2)
                    canvas.horizontalLine(x0: center - 6, x1: center + 6, y: yLow, color: .black, thickness: 2)
                    canvas.horizontalLine(x0: center - 6, x1: center + 6, y: yHigh, color: .black, thickness: 2)
                    labelY = bar.value >= 0 ? min(labelY, yHigh - 6) : max(labelY, yLow + 16)
                }
                font.draw(String(format: "%.3f", bar.value), x: x + l.barWidth / 2, y: labelY, size: 12, color: .text, anchor: .center, on: &canvas)
            }
        }
        // Category labels.
        let vertical = l.plotBottom < l.height - 100
        for (c, name) in categories.enumerated() {
            let center = l.plotLeft + Int(l.groupWidth * (Double(c) + 0.5))
            if vertical {
                let w = font.measure(name, size: 13)
                font.drawVertical(name, x: center + 5, y: l.plotBottom + 12 + w / 2, size: 13, color: .text, on: &canvas)
            } else {
                font.draw(name, x: center, y: l.plotBottom + 24, size: 14, color: .text, anchor: .center, on: &canvas)
            }
        }
        // Legend, top left inside the header band.
        if !colorBySign {
            var x = l.plotLeft
            for (s, name) in series.enumerated() {
                canvas.fill(x: x, y: 84, width: 14, height: 14, color: .series(s))
                font.draw(name, x: x + 20, y: 96, size: 13, color: .text, on: &canvas)
                x += 20 + font.measure(name, size: 13) + 24
            }
        }
        return canvas
    }

    static func decimals(for ticks: [Double]) -> Int {
        guard ticks.count > 1 else { return 2 }
        let step = abs(ticks[1] - ticks[0])
        if step >= 1 { return 0 }
        return min(4, Int(ceil(-log10(step) - 1e-9)) + (step * pow(10, ceil(-log10(step))) == 2.5 ? 1 : 0))
    }
}
