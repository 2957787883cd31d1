import Foundation
import Testing
@testable import ArenaRuntime

/// A clock the test moves by hand.
final class ManualClock: @unchecked Sendable {
    private let lock = NSLock()
    private var seconds = 100.0
    var now: Double { lock.withLock { seconds } }
    func advance(_ by: Double) { lock.withLock { seconds += by } }
}

@Suite struct ProgressReporterTests {
    @Test func lineShowsDoneTotalRateAndETA() {
        #expect(ProgressReporter.line(label: "base · gsm8k", done: 120, total: 1319, elapsed: 4)
            == "base · gsm8k  120/1319 (9%)  30.0 prompts/s  ETA 0:40")
        #expect(ProgressReporter.line(label: "m · t", done: 50, total: 50, elapsed: 125)
            == "m · t  50/50 (100%)  0.4 prompts/s  in 2:05")
        #expect(ProgressReporter.line(label: "m · t", done: 0, total: 10, elapsed: 0) == "m · t  0/10 (0%)")
    }

    @Test func withoutATerminalPlainLinesComeAtTheIntervalAndAtTheEnd() {
        let clock = ManualClock()
        let output = LogLines()
        let reporter = ProgressReporter(isTerminal: false, interval: 10, write: output.append, clock: { clock.now })
        reporter.setLabel("base · arc_easy")
        reporter.begin(total: 100)
        for step in 1...99 {
            clock.advance(0.5)
            reporter.update(done: step)
        }
        clock.advance(0.5)
        reporter.update(done: 100)
        let lines = output.lines
        // At 0, 10, 20, 30 and 40 s, then the completion line at 50 s.
        #expect(lines.first == "base · arc_easy  0/100 (0%)\n")
        #expect(lines.count == 6)
        #expect(lines.allSatisfy { !$0.contains("\r") && $0.hasSuffix("\n") })
        #expect(lines.last == "base · arc_easy  100/100 (100%)  2.0 prompts/s  in 0:50\n")
    }

    @Test func onATerminalOneLineIsRedrawnInPlace() {
        let clock = ManualClock()
        let output = LogLines()
        let reporter = ProgressReporter(isTerminal: true, write: output.append, clock: { clock.now })
        reporter.setLabel("tuned · gsm8k")
        reporter.begin(total: 4)
        for step in 1...4 {
            clock.advance(1)
            reporter.update(done: step)
        }
        let lines = output.lines
        #expect(lines.count == 5)
        #expect(lines.allSatisfy { $0.hasPrefix("\r\u{1B}[2K") })
        #expect(lines.dropLast().allSatisfy { !$0.hasSuffix("\n") })
        #expect(lines.last == "\r\u{1B}[2Ktuned · gsm8k  4/4 (100%)  1.0 prompts/s  in 0:04\n")
    }
}
