import Foundation

/// Lays a run out as `results/<experiment>/<run id>/`. Everything is written into a staging folder
/// beside the target and moved into place at the end, so a bundle is either whole or absent.
public struct BundleWriter {
    public var contents: BundleContents
    public var seed: Int
    public var limit: Int?

    public init(contents: BundleContents, seed: Int, limit: Int?) {
        self.contents = contents
        self.seed = seed
        self.limit = limit
    }

    /// Writes the bundle and returns its folder.
    @discardableResult
    public func write(to directory: URL, report: ReportBuilder, font: FontRenderer) throws -> URL {
        let fm = FileManager.default
        let parent = directory.deletingLastPathComponent()
        try fm.createDirectory(at: parent, withIntermediateDirectories: true)
        let staging = parent.appendingPathComponent(".\(directory.lastPathComponent).staging-\(UUID().uuidString)")
        try fm.createDirectory(at: staging, withIntermediateDirectories: true)
        do {
            try writeFiles(into: staging, report: report, font: font)
            try BundleManifest.scan(root: staging).write(to: staging)
            try replace(directory, with: staging)
        } catch {
            try? fm.removeItem(at: staging)
            throw error
        }
        return directory
    }

    func writeFiles(into root: URL, report: ReportBuilder, font: FontRenderer) throws {
        func put(_ path: String, _ data: Data) throws { try AtomicFile.write(data, to: root.appendingPathComponent(path)) }
        try put(BundleLayout.lockfile, Data(contents.lockfileText.utf8))
        try put(BundleLayout.experiment, Data(contents.experimentSource.utf8))
        for model in contents.models {
            let tasks = contents.tasks(for: model.key)
            try put(BundleLayout.results(model: model.key), ResultsFile.json(model: model, tasks: tasks, seed: seed, limit: limit).serializedData())
            for task in tasks {
                var text = ""
                for row in task.samples { text += row.serialized(indent: nil) + "\n" }
                try put(BundleLayout.samples(model: model.key, task: task.task), Data(text.utf8))
            }
            if let log = contents.engineLogs[model.key] { try put(BundleLayout.engineLog(model: model.key), Data(log.utf8)) }
        }
        try put(BundleLayout.environment, contents.environment.serializedData())
        try put(BundleLayout.expectations, expectationsJSON.serializedData())
        let (document, charts) = try report.build(font: font)
        var chartBytes: [String: [UInt8]] = [:]
        for chart in charts {
            try put(chart.path, Data(chart.png))
            chartBytes[chart.path] = chart.png
        }
        try put(BundleLayout.reportMarkdown, Data(MarkdownReportWriter.render(document).utf8))
        let html = try HTMLReportWriter.render(document) { path in
            guard let bytes = chartBytes[path] else { throw BundleError.unreadable(path: path, reason: "chart was not drawn") }
            return bytes
        }
        try put(BundleLayout.reportHTML, Data(html.utf8))
        try put(BundleLayout.timing, contents.timing.serializedData())
    }

    var expectationsJSON: JSONValue {
        .array(contents.expectations.map {
            .object(["source": .string($0.source), "line": .int($0.line), "passed": .bool($0.passed), "verdict": .string($0.verdict.rawValue),
                     "detail": .string($0.detail)])
        })
    }

    private func replace(_ target: URL, with staging: URL) throws {
        let fm = FileManager.default
        var old: URL?
        if fm.fileExists(atPath: target.path) {
            let aside = target.deletingLastPathComponent().appendingPathComponent(".\(target.lastPathComponent).old-\(UUID().uuidString)")
            try fm.moveItem(at: target, to: aside)
            old = aside
        }
        try fm.moveItem(at: staging, to: target)
        if let old { try? fm.removeItem(at: old) }
    }
}
