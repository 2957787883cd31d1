import Foundation

/// Progress of the prompts sent for one model and task: done/total, rate and ETA. On a terminal
/// one line is redrawn in place; otherwise a plain line is printed every `interval` seconds and
/// when the work completes.
public final class ProgressReporter: @unchecked Sendable {
    private let lock = NSLock()
    private let write: @Sendable (String) -> Void
    private let isTerminal: Bool
    private let interval: Double
    private let clock: @Sendable () -> Double
    private var label = ""
    private var total = 0
    private var done = 0
    private var started = 0.0
    private var lastPrinted = -Double.infinity
    private var lastLine = ""

    /// `isTerminal` nil: asks isatty(2). `clock` is seconds on a monotonic clock.
    public init(isTerminal: Bool? = nil, interval: Double = 10,
                write: @escaping @Sendable (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) },
                clock: @escaping @Sendable () -> Double = { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }) {
        self.isTerminal = isTerminal ?? (isatty(STDERR_FILENO) == 1)
        self.interval = interval
        self.write = write
        self.clock = clock
    }

    /// Names what comes next, e.g. `base · gsm8k`.
    public func setLabel(_ label: String) { lock.withLock { self.label = label } }

    /// Starts counting `total` prompts for the current label.
    public func begin(total: Int) {
        lock.withLock {
            self.total = total
            done = 0
            started = clock()
            lastPrinted = -Double.infinity
        }
        update(done: 0)
    }

    public func update(done newDone: Int) {
        let text: String? = lock.withLock {
            done = max(done, min(newDone, total))
            let now = clock()
            let complete = done >= total
            let line = Self.line(label: label, done: done, total: total, elapsed: now - started)
            if isTerminal {
                guard line != lastLine else { return nil }
                lastLine = line
                return "\r\u{1B}[2K" + line + (complete ? "\n" : "")
            }
            guard complete ? lastLine != line : now - lastPrinted >= interval else { return nil }
            lastPrinted = now
            lastLine = line
            return line + "\n"
        }
        if let text { write(text) }
    }

    /// `base · gsm8k  120/1319 (9%)  45.2 prompts/s  ETA 0:26`.
    public static func line(label: String, done: Int, total: Int, elapsed: Double) -> String {
        let percent = total > 0 ? done * 100 / total : 100
        var parts = ["\(label)  \(done)/\(total) (\(percent)%)"]
        if elapsed > 0, done > 0 {
            let rate = Double(done) / elapsed
            parts.append(String(format: "%.1f prompts/s", rate))
            if done < total { parts.append("ETA " + duration(Double(total - done) / rate)) } else { parts.append("in " + duration(elapsed)) }
        }
        return parts.joined(separator: "  ")
    }

    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
    }
}
