import Foundation

// Benchmarks of arena-script's hot paths; docs/benchmarks.md records the figures.
// Each benchmark lives in its own file as `enum XBench { static func run(_ args: [String]) async throws }`.
let benchmarks: [(name: String, summary: String)] = [
    ("data", "load Parquet/JSONL/CSV files through DatasetLoader (sha256 included)"),
    ("hubmodel", "bring a model from a loopback Hub into a cache folder: cold, warm, rebuilt"),
]

let args = Array(CommandLine.arguments.dropFirst())
guard let name = args.first else {
    print("usage: arena-bench <benchmark> [options]\n")
    for b in benchmarks { print("  \(b.name.padding(toLength: 14, withPad: " ", startingAt: 0)) \(b.summary)") }
    exit(0)
}
switch name {
case "data":
    try await DataBench.run(Array(args.dropFirst()))
case "hubmodel":
    try await HubModelBench.run(Array(args.dropFirst()))
default:
    FileHandle.standardError.write(Data("arena-bench: unknown benchmark '\(name)'\n".utf8))
    exit(2)
}
