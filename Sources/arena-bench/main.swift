import Foundation

// Benchmarks of arena-script's hot paths; docs/benchmarks.md records the figures.
// Each benchmark lives in its own file as `enum XBench { static func run(_ args: [String]) async throws }`.
let benchmarks: [(name: String, summary: String)] = [
    ("native", "sgemm peak; native engine prefill and generation tokens/s"),
    ("tokenizer", "tokens/s encoding and decoding a large text with the native tokenizer"),
    ("serve", "loglikelihood requests/s through arena-script serve over loopback HTTP vs direct"),
]

let args = Array(CommandLine.arguments.dropFirst())
guard let name = args.first else {
    print("usage: arena-bench <benchmark> [options]\n")
    for b in benchmarks { print("  \(b.name.padding(toLength: 14, withPad: " ", startingAt: 0)) \(b.summary)") }
    exit(0)
}
switch name {
case "native":
    try await NativeBench.run(Array(args.dropFirst()))
case "tokenizer":
    try await TokenizerBench.run(Array(args.dropFirst()))
case "serve":
    try await ServeBench.run(Array(args.dropFirst()))
default:
    FileHandle.standardError.write(Data("arena-bench: unknown benchmark '\(name)'\n".utf8))
    exit(2)
}
