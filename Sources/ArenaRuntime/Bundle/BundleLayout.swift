import Foundation

/// Where each part of a result bundle lives, relative to `results/<experiment>/<run id>/`.
/// docs/bundle.md documents the same layout.
public enum BundleLayout {
    public static let lockfile = "experiment.lock"
    public static let experiment = "experiment.arena"
    public static let environment = "environment.json"
    public static let expectations = "expectations.json"
    public static let timing = "timing.json"
    public static let reportMarkdown = "report.md"
    public static let reportHTML = "report.html"

    /// lm-eval's results schema, one file per model.
    public static func results(model: String) -> String { "results/\(fileSafe(model)).json" }
    public static func samples(model: String, task: String) -> String { "samples/\(fileSafe(model))/\(fileSafe(task)).jsonl" }
    public static func engineLog(model: String) -> String { "logs/\(fileSafe(model)).log" }
    public static func taskChart(task: String) -> String { "charts/\(fileSafe(task)).png" }
    public static let overviewChart = "charts/overview.png"
    public static func deltaChart(baseline: String, candidate: String) -> String {
        "charts/delta_\(fileSafe(candidate))_vs_\(fileSafe(baseline)).png"
    }

    /// The run id: the first 16 hex digits of the lockfile's sha256, so identical inputs land in the
    /// same folder and a changed pin lands in a new one.
    public static func runID(lockfileText: String) -> String {
        String(SHA256.hex(lockfileText).prefix(16))
    }

    public static func directory(resultsRoot: URL, experiment: String, runID: String) -> URL {
        resultsRoot.appendingPathComponent(fileSafe(experiment)).appendingPathComponent(runID)
    }

    /// Letters, digits, `-`, `_` and `.` kept; anything else becomes `_`.
    public static func fileSafe(_ name: String) -> String {
        let mapped = name.unicodeScalars.map { s -> Character in
            (s.isASCII && (CharacterSet.alphanumerics.contains(s) || "-_.".unicodeScalars.contains(s))) ? Character(s) : "_"
        }
        let text = String(mapped)
        return text.isEmpty || text.hasPrefix(".") ? "_" + text : text
    }
}
