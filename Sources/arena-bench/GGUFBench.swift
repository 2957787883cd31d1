import ArenaRuntime
import Foundation

/// `arena-bench gguf [--iterations N] [FILE.gguf...]`: opening each GGUF file (header, metadata,
/// tensor infos) and dequantizing every tensor to Float, per tensor type: ms for all the tensors
/// of a type, MB/s of stored data read and million values/s written. Default files: the two test
/// models in ARENA_TEST_MODELS (default ~/.cache/arena-test/models; `scripts/fetch-test-models.sh`).
enum GGUFBench {
    static func run(_ args: [String]) async throws {
        var iterations = 3
        var files: [String] = []
        var i = 0
        while i < args.count {
            switch args[i] {
            case "--iterations" where i + 1 < args.count:
                guard let n = Int(args[i + 1]), n > 0 else { throw TokenizerBenchError("--iterations needs a positive integer") }
                iterations = n
                i += 1
            case let path where !path.hasPrefix("--"): files.append(path)
            default: throw TokenizerBenchError("unknown option \(args[i]); usage: arena-bench gguf [--iterations N] [FILE.gguf...]")
            }
            i += 1
        }
        if files.isEmpty {
            let env = ProcessInfo.processInfo.environment["ARENA_TEST_MODELS"] ?? ""
            let folder = env.isEmpty ? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/arena-test/models").path : env
            files = ["SmolLM2-135M-Instruct.Q4_1.gguf", "gemma-3-270m-q4_k_m.gguf"].map { folder + "/" + $0 }
        }
        print("best of \(iterations) runs, one thread")
        for path in files {
            let openStart = DispatchTime.now().uptimeNanoseconds
            let file = try GGUFFile(path: path)
            let openMs = Double(DispatchTime.now().uptimeNanoseconds - openStart) / 1e6
            print("\(URL(fileURLWithPath: path).lastPathComponent): \(file.tensors.count) tensors, \(file.metadata.count) metadata keys, opened in \(String(format: "%.1f", openMs)) ms")
            let byType = Dictionary(grouping: file.tensors, by: \.type).sorted { $0.key.rawValue < $1.key.rawValue }
            var totalBytes = 0, totalValues = 0, totalSeconds = 0.0, totalAllocating = 0.0
            for (type, tensors) in byType {
                let bytes = tensors.reduce(0) { $0 + $1.fileRange.count }, values = tensors.reduce(0) { $0 + $1.elementCount }
                // The conversion alone, into one reused buffer; then as the engine loads: a fresh array each.
                let buffer = UnsafeMutableBufferPointer<Float>.allocate(capacity: tensors.map(\.elementCount).max() ?? 0)
                defer { buffer.deallocate() }
                var best = Double.infinity, bestAllocating = Double.infinity
                var checksum: Float = 0
                for _ in 0 ..< iterations {
                    var start = DispatchTime.now().uptimeNanoseconds
                    for tensor in tensors {
                        try file.floats(tensor, into: buffer)
                        checksum += buffer[tensor.elementCount - 1]
                    }
                    best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
                    start = DispatchTime.now().uptimeNanoseconds
                    for tensor in tensors { checksum += try file.floats(tensor).last ?? 0 }
                    bestAllocating = min(bestAllocating, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
                }
                totalBytes += bytes
                totalValues += values
                totalSeconds += best
                totalAllocating += bestAllocating
                print("  \(type.name.padding(toLength: 5, withPad: " ", startingAt: 0)) \(String(format: "%4d", tensors.count)) tensors \(String(format: "%7.1f", Double(bytes) / 1e6)) MB: \(String(format: "%8.1f", best * 1e3)) ms, \(String(format: "%7.0f", Double(bytes) / best / 1e6)) MB/s, \(String(format: "%6.0f", Double(values) / best / 1e6)) M values/s; with a fresh array each \(String(format: "%8.1f", bestAllocating * 1e3)) ms (checksum \(checksum))")
            }
            print("  all   \(String(format: "%4d", file.tensors.count)) tensors \(String(format: "%7.1f", Double(totalBytes) / 1e6)) MB: \(String(format: "%8.1f", totalSeconds * 1e3)) ms, \(String(format: "%7.0f", Double(totalBytes) / totalSeconds / 1e6)) MB/s, \(String(format: "%6.0f", Double(totalValues) / totalSeconds / 1e6)) M values/s; with a fresh array each \(String(format: "%8.1f", totalAllocating * 1e3)) ms")
        }
    }
}
