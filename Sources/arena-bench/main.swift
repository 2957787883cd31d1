import Foundation

// Benchmarks of arena-script's hot paths; docs/benchmarks.md records the figures.
// Each benchmark lives in its own file as `enum XBench { static func run(_ args: [String]) async throws }`.
let benchmarks: [(name: String, summary: String)] = [
    ("metrics", "gsm8k, truthfulqa_gen, DROP scoring and the paired bootstrap on real data"),
    ("scoring", "native scorer CPU time per prompt against a completions server (SPEC.json as run_lm_eval.py)"),
]

let args = Array(CommandLine.arguments.dropFirst())
guard let name = args.first else {
    print("usage: arena-bench <benchmark> [options]\n")
    for b in benchmarks { print("  \(b.name.padding(toLength: 14, withPad: " ", startingAt: 0)) \(b.summary)") }
    exit(0)
}
switch name {
case "metrics":
    try await MetricsBench.run(Array(args.dropFirst()))
case "scoring":
    try await ScoringBench.run(Array(args.dropFirst()))
default:
    FileHandle.standardError.write(Data("arena-bench: unknown benchmark '\(name)'\n".utf8))
    exit(2)
}
