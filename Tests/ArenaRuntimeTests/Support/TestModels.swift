import Foundation

/// The real GGUF models the tests read, which `scripts/fetch-test-models.sh` downloads into
/// `ARENA_TEST_MODELS` (default `~/.cache/arena-test/models`) and CI fetches before the tests. A
/// missing model fails the test with the command that fetches it; it never skips.
enum TestModels {
    /// SmolLM2-135M-Instruct, llama architecture, Q4_1 weights, Q8_0 token embeddings.
    static let smolLM2 = "SmolLM2-135M-Instruct.Q4_1.gguf"
    /// Gemma 3 270M, gemma3 architecture, Q4_K/Q6_K weights.
    static let gemma3 = "gemma-3-270m-q4_k_m.gguf"

    struct Missing: Error, CustomStringConvertible {
        let path: String
        var description: String {
            "\(path) is missing: run `bash scripts/fetch-test-models.sh` (it downloads the test models into ARENA_TEST_MODELS, default ~/.cache/arena-test/models)"
        }
    }

    static var folder: URL {
        if let custom = ProcessInfo.processInfo.environment["ARENA_TEST_MODELS"], !custom.isEmpty {
            return URL(fileURLWithPath: custom)
        }
        return FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/arena-test/models")
    }

    /// The path of a model file by name (`smolLM2`, `gemma3`); throws `Missing` when it is not there.
    static func path(_ name: String) throws -> URL {
        let url = folder.appendingPathComponent(name)
        guard FileManager.default.fileExists(atPath: url.path) else { throw Missing(path: url.path) }
        return url
    }
}
