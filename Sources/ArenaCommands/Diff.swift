import ArenaRuntime
import ArgumentParser
import Foundation

extension ArenaScriptCommand {
    struct Diff: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "diff",
            abstract: "Paired per-document comparison of two models' results.",
            discussion: """
                With two bundles, compares a model of each (by default each bundle's first model); with \
                one bundle, two of its models (by default the first two). For every task and metric, over \
                the documents both scored: both means, the difference, a paired bootstrap 95% CI, McNemar's \
                exact p for 0/1 metrics, per-document agreement and n; documents only one side scored are \
                counted as unpaired (docs/statistics.md). Runs whose few-shot count, limit, seed, \
                generation settings, data (sha256) or task definition differ are refused, naming every \
                difference, unless --allow-different-settings is given.
                """
        )

        @Argument(help: "Baseline bundle folder (results/<experiment>/<run id>).")
        var first: String

        @Argument(help: "Candidate bundle folder; omit to compare two models of the first bundle.")
        var second: String?

        @Option(help: "Baseline model key.")
        var baseline: String?

        @Option(help: "Candidate model key.")
        var candidate: String?

        @Flag(name: .customLong("allow-different-settings"),
              help: "Compare runs whose settings (few-shot, limit, seed, generation, data, task definition) differ, saying so.")
        var allowDifferentSettings = false

        @Flag(help: "Print JSON.")
        var json = false

        @Flag(help: "Print a Markdown table.")
        var markdown = false

        func validate() throws {
            if json && markdown { throw ValidationError("--json and --markdown exclude each other") }
        }

        func run() async throws {
            try await ExitStatus.running {
                let a = try BundleReader.read(URL(fileURLWithPath: first))
                let b = try second.map { try BundleReader.read(URL(fileURLWithPath: $0)) }
                let (base, cand) = try BundleDiff.sides(first: a, firstLabel: first, second: b, secondLabel: second,
                                                        baselineModel: baseline, candidateModel: candidate)
                let diff = try BundleDiff(baseline: base, candidate: cand, allowDifferentSettings: allowDifferentSettings)
                if json {
                    print(DiffRenderer.json(diff).serialized())
                } else if markdown {
                    print(DiffRenderer.markdown(diff), terminator: "")
                } else {
                    print(DiffRenderer.text(diff), terminator: "")
                }
            }
        }
    }
}

