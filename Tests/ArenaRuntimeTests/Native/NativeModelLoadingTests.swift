@testable import ArenaRuntime
import Foundation
import Testing

/// Model folders: the generator's reproducibility, config parsing, and errors that name the file,
/// field or tensor at fault.
@Suite("Native model loading")
struct NativeModelLoadingTests {
    @Test("the generator re-creates the committed tiny models byte for byte", arguments: ["tiny-llama", "tiny-qwen2"])
    func generatorIsReproducible(preset: String) throws {
        let fresh = try NativeTestSupport.generate(["--preset", preset])
        let committed = NativeTestSupport.repositoryRoot.appendingPathComponent("models/\(preset)")
        let names = try FileManager.default.contentsOfDirectory(atPath: fresh.path).sorted()
        #expect(names == ["config.json", "model.safetensors"])
        for name in names {
            let a = try Data(contentsOf: committed.appendingPathComponent(name))
            let b = try Data(contentsOf: fresh.appendingPathComponent(name))
            #expect(a == b, "\(preset)/\(name) differs from the generator's output")
            #expect(a.count < 1_000_000)
        }
    }

    @Test("config.json of the committed models")
    func committedConfigs() throws {
        let llama = try NativeModel(folder: NativeTestSupport.tinyLlama).config
        #expect(llama.modelType == "llama" && llama.headCount == 4 && llama.keyValueHeadCount == 2 && llama.headDim == 16)
        #expect(!llama.tieWordEmbeddings && !llama.qkvBias)
        let qwen = try NativeModel(folder: NativeTestSupport.tinyQwen2).config
        #expect(qwen.modelType == "qwen2" && qwen.tieWordEmbeddings && qwen.qkvBias && !qwen.outputBias)
    }

    @Test("llama3 rope scaling follows the published frequency rule")
    func llama3Frequencies() throws {
        let json = try JSONValue.parse("""
        {"model_type":"llama","hidden_size":128,"intermediate_size":8,"num_hidden_layers":1,"num_attention_heads":1,
         "vocab_size":8,"max_position_embeddings":8,"rope_theta":500000.0,
         "rope_scaling":{"rope_type":"llama3","factor":8.0,"low_freq_factor":1.0,"high_freq_factor":4.0,"original_max_position_embeddings":8192}}
        """)
        let rotary = RotaryEmbedding(config: try NativeModelConfig(json: json, path: "config.json"))
        let base = (0 ..< 64).map { 1 / pow(500000.0, Double(2 * $0) / 128) }
        for (i, frequency) in base.enumerated() {
            let wavelength = 2 * Double.pi / frequency
            let got = Double(rotary.inverseFrequencies[i])
            // Short wavelengths (< 8192/4) keep their frequency, long ones (> 8192/1) are divided by 8.
            if wavelength < 2048 { #expect(abs(got - frequency) <= frequency * 1e-6) }
            if wavelength > 8192 { #expect(abs(got - frequency / 8) <= frequency * 1e-6) }
            if wavelength >= 2048, wavelength <= 8192 { #expect(got < frequency && got > frequency / 8) }
        }
    }

    @Test("unsupported or malformed configs name the field")
    func configErrors() throws {
        let base = #"{"model_type":"llama","hidden_size":64,"intermediate_size":8,"num_hidden_layers":1,"num_attention_heads":4,"vocab_size":8,"max_position_embeddings":8"#
        let cases: [(String, String)] = [
            (#"{"model_type":"gpt2"}"#, "model_type"),
            (base + #","rope_scaling":{"rope_type":"yarn","factor":4}}"#, "rope_scaling.rope_type"),
            (base + #","num_key_value_heads":3}"#, "num_key_value_heads"),
            (base + #","hidden_act":"gelu"}"#, "hidden_act"),
            (#"{"model_type":"llama","hidden_size":64}"#, "intermediate_size"),
        ]
        for (text, field) in cases {
            do {
                _ = try NativeModelConfig(json: try JSONValue.parse(text), path: "/m/config.json")
                Issue.record("accepted \(text)")
            } catch let error as NativeModelError {
                #expect(error.description.contains("/m/config.json") && error.description.contains(field), "\(error)")
            }
        }
    }

    @Test("a mis-shaped tensor is reported with its file, name and shapes")
    func wrongShape() throws {
        let folder = try NativeTestSupport.copyModel(NativeTestSupport.tinyLlama) { $0["intermediate_size"] = .int(96) }
        #expect(throws: NativeModelError.wrongShape(path: folder.appendingPathComponent("model.safetensors").path, tensor: "model.layers.0.mlp.gate_proj.weight", expected: [96, 64], found: [128, 64])) {
            try NativeModel(folder: folder)
        }
    }

    @Test("a missing tensor is reported with its name and where it was looked for")
    func missingTensor() throws {
        let folder = try NativeTestSupport.copyModel(NativeTestSupport.tinyQwen2) { $0["tie_word_embeddings"] = .bool(false) }
        #expect(throws: NativeModelError.missingTensor(name: "lm_head.weight", searched: folder.appendingPathComponent("model.safetensors").path)) {
            try NativeModel(folder: folder)
        }
        let sharded = try NativeTestSupport.generate(["--preset", "tiny-qwen2", "--shards", "2"])
        let index = sharded.appendingPathComponent("model.safetensors.index.json")
        let text = try String(contentsOf: index, encoding: .utf8).replacingOccurrences(of: "\"model.norm.weight\"", with: "\"model.norm.renamed\"")
        try text.write(to: index, atomically: true, encoding: .utf8)
        #expect(throws: NativeModelError.missingTensor(name: "model.norm.weight", searched: index.path)) { try NativeModel(folder: sharded) }
    }

    @Test("truncated and foreign files are rejected with the file's path")
    func badSafetensors() throws {
        let folder = try NativeTestSupport.copyModel(NativeTestSupport.tinyLlama)
        let file = folder.appendingPathComponent("model.safetensors")
        let data = try Data(contentsOf: file)
        try data.prefix(data.count - 100).write(to: file)
        do {
            _ = try NativeModel(folder: folder)
            Issue.record("a truncated file was accepted")
        } catch let error as NativeModelError {
            guard case let .invalidSafetensors(path, reason) = error else { Issue.record("\(error)"); return }
            #expect(path == file.path && reason.contains("outside"))
        }
        try Data("not a model".utf8).write(to: file)
        #expect(throws: NativeModelError.self) { try NativeModel(folder: folder) }
        try FileManager.default.removeItem(at: file)
        #expect(throws: NativeModelError.unreadableFile(path: folder.path, reason: "neither model.safetensors nor model.safetensors.index.json is in the folder")) {
            try NativeModel(folder: folder)
        }
    }

    @Test("mistral's sliding window: sequences within it run, longer ones are refused")
    func slidingWindow() throws {
        let generated = try NativeTestSupport.generate(["--arch", "mistral", "--seed", "5"])
        let folder = try NativeTestSupport.copyModel(generated) { $0["sliding_window"] = .int(16) }
        let model = try NativeModel(folder: folder)
        #expect(model.config.slidingWindow == 16)
        let tokens = NativeTestSupport.tokens(count: 20, vocab: 512, seed: 1)
        #expect(try model.logits(tokens: Array(tokens.prefix(16)), threads: 1).count == 16)
        #expect(throws: NativeModelError.sequenceTooLong(length: 20, limit: 16, reason: "the model's sliding_window attention is not implemented by the native engine")) {
            try model.logits(tokens: tokens, threads: 1)
        }
    }

    @Test("a tensor of another dtype is named in the error")
    func unsupportedDType() throws {
        let header = #"{"x":{"dtype":"I8","shape":[2],"data_offsets":[0,2]}}"#
        var data = Data()
        withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(Data(header.utf8))
        data.append(contentsOf: [1, 2])
        let url = try NativeTestSupport.temporaryFolder().appendingPathComponent("x.safetensors")
        try data.write(to: url)
        let file = try SafetensorsFile(path: url.path)
        #expect(throws: NativeModelError.unsupportedDType(path: url.path, tensor: "x", dtype: "I8")) { try file.floats("x", shape: [2]) }
    }

    @Test("binary16 conversion agrees with Swift's Float16 on all 65536 patterns")
    func float16Table() {
        #if !(os(macOS) && arch(x86_64))
        for bits in 0 ... UInt16.max {
            let expected = Float(Float16(bitPattern: bits))
            let got = FloatConversion.float16Table[Int(bits)]
            #expect(got.bitPattern == expected.bitPattern || (got.isNaN && expected.isNaN), "pattern \(bits)")
        }
        #endif
        #expect(FloatConversion.bfloat16(0x3F80) == 1 && FloatConversion.bfloat16(0xC000) == -2)
    }

    @Test("identity: kind native, version carries the folder's content hash")
    func identity() throws {
        let engine = try NativeEngineHarness.engine(try NativeModel(folder: NativeTestSupport.tinyLlama), threads: 1)
        #expect(engine.identity.kind == "native")
        let parts = engine.identity.version.split(separator: "+")
        #expect(parts.count == 3 && parts[0] == NativeEngine.engineVersion, "\(engine.identity.version)")
        #expect(parts.count == 3 && parts[1].hasPrefix("openblas-0.") && parts[2].count == 7 + 64)
        let copy = try NativeTestSupport.copyModel(NativeTestSupport.tinyLlama)
        let moved = try NativeEngineHarness.engine(try NativeModel(folder: copy), threads: 1)
        #expect(moved.identity.version == engine.identity.version, "the hash depends on content, not location")
        try Data("{}".utf8).write(to: copy.appendingPathComponent("generation_config.json"))
        #expect(try ModelFolderHash.compute(copy) != ModelFolderHash.compute(NativeTestSupport.tinyLlama))
    }
}
