import ArenaRuntime
import Foundation

/// `arena-bench data FILE... [--iterations N]`: loads each data file (Parquet, JSONL or CSV, by
/// extension) through `DatasetLoader` N times and prints the median time, rows/s and MB/s.
enum DataBench {
    static func run(_ args: [String]) async throws {
        var iterations = 10
        var files: [String] = []
        var i = 0
        while i < args.count {
            if args[i] == "--iterations", i + 1 < args.count, let n = Int(args[i + 1]), n > 0 {
                iterations = n
                i += 2
                continue
            }
            files.append(args[i])
            i += 1
        }
        guard !files.isEmpty else {
            print("usage: arena-bench data FILE... [--iterations N]")
            return
        }
        let loader = DatasetLoader.fromEnvironment()
        for file in files {
            var times: [Double] = []
            var rows = 0
            var bytes = 0
            for _ in 0..<iterations {
                let start = DispatchTime.now().uptimeNanoseconds
                let split = try await loader.load(.local(path: file), split: "test")
                times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
                rows = split.rows.count
                bytes = split.files.reduce(0) { $0 + $1.size }
            }
            times.sort()
            let median = times[times.count / 2]
            print(String(format: "%@: %d rows, %.2f MB, median %.1f ms over %d runs, %.0f rows/s, %.1f MB/s",
                         file, rows, Double(bytes) / 1e6, median * 1000, iterations, Double(rows) / median, Double(bytes) / 1e6 / median))
        }
    }
}
