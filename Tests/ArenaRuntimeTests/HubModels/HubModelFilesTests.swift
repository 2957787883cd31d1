import Foundation
import Testing
@testable import ArenaRuntime

/// Which files of a model repository are chosen for the native engine, and how the shard list and
/// repository ids are checked.
struct HubModelFilesTests {
    static let commit = String(repeating: "ab", count: 20)

    static func choose(_ paths: [String]) throws -> (files: [String], index: String?) {
        try HubModelFiles.choose(paths, model: "o/m", commit: commit)
    }

    @Test func singleWeightsFileWithTheConfigAndTokenizerFiles() throws {
        let chosen = try Self.choose([
            ".gitattributes", "README.md", "config.json", "generation_config.json", "model.safetensors", "pytorch_model.bin",
            "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "onnx/model.onnx", "original/consolidated.00.pth",
            "subfolder/config.json",
        ])
        #expect(chosen.index == nil)
        #expect(chosen.files == ["config.json", "generation_config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json"])
    }

    /// The engine opens `model.safetensors.index.json` before `model.safetensors` when both are
    /// there, so the index is what is fetched.
    @Test func indexIsPreferredAsTheEngineDoes() throws {
        let chosen = try Self.choose(["config.json", "tokenizer.json", "model.safetensors", "model.safetensors.index.json",
                                      "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"])
        #expect(chosen.index == "model.safetensors.index.json")
        #expect(chosen.files == ["config.json", "model.safetensors.index.json", "tokenizer.json"])
    }

    @Test func weightsInASubfolderDoNotCount() throws {
        #expect(throws: HubModelError.noWeights(model: "o/m", commit: Self.commit, files: ["config.json", "sub/model.safetensors", "tokenizer.json"])) {
            try Self.choose(["config.json", "tokenizer.json", "sub/model.safetensors"])
        }
    }

    @Test func otherWeightFormatsAloneAreRefusedByName() throws {
        let error = try #require(throws: HubModelError.self) {
            try Self.choose(["config.json", "tokenizer.json", "pytorch_model-00001-of-00002.bin", "pytorch_model-00002-of-00002.bin",
                             "pytorch_model.bin.index.json", "model.gguf"])
        }
        #expect(error == .noSafetensors(model: "o/m", commit: Self.commit,
                                        found: ["model.gguf", "pytorch_model-00001-of-00002.bin", "pytorch_model-00002-of-00002.bin"]))
        #expect(error.description.contains("the native engine reads safetensors weights only"))
    }

    @Test(arguments: ["config.json", "tokenizer.json"])
    func requiredFileMissingIsNamed(missing: String) throws {
        let paths = ["config.json", "tokenizer.json", "model.safetensors"].filter { $0 != missing }
        let error = try #require(throws: HubModelError.self) { try Self.choose(paths) }
        #expect(error == .missingFile(model: "o/m", commit: Self.commit, path: missing, reason: "is not in the repository; the native engine needs it"))
        #expect(error.description == "model o/m at \(Self.commit): \(missing) is not in the repository; the native engine needs it")
    }

    @Test func shardsAreTheIndexWeightMapFilesSortedOnce() throws {
        let index = Data(#"{"metadata": {"total_size": 8}, "weight_map": {"b": "model-2.safetensors", "a": "model-1.safetensors", "c": "model-2.safetensors"}}"#.utf8)
        #expect(try HubModelFiles.shards(inIndex: index, model: "o/m", commit: Self.commit) == ["model-1.safetensors", "model-2.safetensors"])
    }

    @Test(arguments: [
        (#"{"weight_map": {"a": "../model.safetensors"}}"#, "weight_map.a is not a file name in the repository's root"),
        (#"{"weight_map": {"a": "sub/model.safetensors"}}"#, "weight_map.a is not a file name in the repository's root"),
        (#"{"weight_map": {"a": ".hidden"}}"#, "weight_map.a is not a file name in the repository's root"),
        (#"{"weight_map": {"a": 3}}"#, "weight_map.a is not a file name in the repository's root"),
        (#"{"weight_map": {}}"#, "has an empty weight_map"),
        (#"{"metadata": {}}"#, "has no weight_map object"),
    ])
    func badIndexIsRefusedWithTheReason(text: String, reason: String) throws {
        #expect(throws: HubModelError.invalidIndex(model: "o/m", commit: Self.commit, reason: reason)) {
            try HubModelFiles.shards(inIndex: Data(text.utf8), model: "o/m", commit: Self.commit)
        }
    }

    @Test func indexThatIsNotJSONIsRefused() throws {
        let error = try #require(throws: HubModelError.self) {
            try HubModelFiles.shards(inIndex: Data("{not json".utf8), model: "o/m", commit: Self.commit)
        }
        #expect(error.description.hasPrefix("model o/m at \(Self.commit): model.safetensors.index.json is not valid JSON"))
    }

    @Test(arguments: ["gpt2", "meta-llama/Llama-3.2-1B", "Qwen/Qwen2.5-0.5B-Instruct", "a_b/c.d-e"])
    func validIDs(id: String) throws {
        try HubModelFiles.checkID(id)
    }

    @Test(arguments: ["", "/", "a/", "/a", "a/b/c", "../x", "a/..", "a--b/c", "a/b--c", "a/.b", "a/b.", "-a/b", "a b/c", "a/b?c", "ä/b"])
    func invalidIDs(id: String) throws {
        #expect(throws: HubModelError.invalidID(id)) { try HubModelFiles.checkID(id) }
    }
}
