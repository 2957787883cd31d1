import ArenaRuntime
import Foundation

/// Paths, temporary folders and the Python peers (generator, numpy reference) for the native tests.
enum NativeTestSupport {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let generator = repositoryRoot.appendingPathComponent("scripts/tiny_models/make_weights.py")
    static let reference = repositoryRoot.appendingPathComponent("Tests/Fixtures/native/reference.py")
    static let tinyLlama = repositoryRoot.appendingPathComponent("models/tiny-llama")
    static let tinyQwen2 = repositoryRoot.appendingPathComponent("models/tiny-qwen2")

    /// Copies a model folder to a temporary one, rewriting its config.json with `edit`.
    static func copyModel(_ folder: URL, editing edit: (inout [String: JSONValue]) -> Void = { _ in }) throws -> URL {
        let copy = try temporaryFolder().appendingPathComponent("model")
        try FileManager.default.copyItem(at: folder, to: copy)
        let configURL = copy.appendingPathComponent("config.json")
        guard var config = try JSONValue.parse(Data(contentsOf: configURL)).objectValue else {
            throw Failure(description: "\(configURL.path) is not a JSON object")
        }
        edit(&config)
        try JSONValue.object(config).serializedData().write(to: configURL)
        return copy
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static func python() throws -> String { try TestPython.executable() }

    /// Runs a Python script with ARENA_TEST_PYTHON and returns its standard output.
    @discardableResult
    static func runPython(_ script: URL, _ arguments: [String]) throws -> Data {
        try TestPython.output([script.path] + arguments)
    }

    static func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("arena-native-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Writes a model with the generator into a fresh temporary folder.
    static func generate(_ arguments: [String]) throws -> URL {
        let folder = try temporaryFolder().appendingPathComponent("model")
        try runPython(generator, arguments + ["--out", folder.path])
        return folder
    }

    /// The numpy reference's logits for every position of `tokens` (float64; or the same pass in
    /// float32 throughout, which shows how far float32 arithmetic alone strays).
    static func referenceLogits(model: URL, tokens: [Int], float32: Bool = false) throws -> [[Double]] {
        let data = try runPython(reference, (float32 ? ["--float32"] : []) + [model.path, "[" + tokens.map(String.init).joined(separator: ",") + "]"])
        guard let rows = try JSONValue.parse(data).arrayValue else { throw Failure(description: "reference.py did not print a JSON list") }
        return try rows.map { row in
            guard let values = row.arrayValue else { throw Failure(description: "reference.py printed a row that is not a list") }
            return try values.map { value in
                guard let d = value.doubleValue else { throw Failure(description: "reference.py printed a non-number") }
                return d
            }
        }
    }

    /// The same logits, written by reference.py as raw float64 into a file (for vocabularies whose
    /// JSON would run to hundreds of megabytes), [(tokens.count - from) * vocab] row after row, for
    /// the positions `from...`.
    static func referenceLogitsFlat(model: URL, tokens: [Int], from first: Int = 0, float32: Bool = false) throws -> [Double] {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("logits.f64")
        try runPython(reference, (float32 ? ["--float32"] : []) + ["--from", String(first), "--out", out.path, model.path, "[" + tokens.map(String.init).joined(separator: ",") + "]"])
        let data = try Data(contentsOf: out)
        return [Double](unsafeUninitializedCapacity: data.count / 8) { buffer, count in
            data.withUnsafeBytes { bytes in
                for i in 0 ..< data.count / 8 {
                    buffer[i] = Double(bitPattern: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self)))
                }
            }
            count = data.count / 8
        }
    }

    static func maxAbsDifference(_ a: [[Float]], _ b: [[Double]]) -> Double {
        var worst = 0.0
        for (rowA, rowB) in zip(a, b) {
            for (x, y) in zip(rowA, rowB) { worst = max(worst, abs(Double(x) - y)) }
        }
        return worst
    }

    /// A fixed pseudo-random token sequence (SplitMix64), so tests need no unseeded randomness.
    static func tokens(count: Int, vocab: Int, seed: UInt64) -> [Int] {
        var state = seed
        return (0 ..< count).map { _ in
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Int((z ^ (z >> 31)) % UInt64(vocab))
        }
    }
}
