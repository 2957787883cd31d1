@testable import ArenaRuntime
import ArenaScript
import Foundation
import Testing

/// A GGUF file as an experiment's model: `check` opens its header, `lock` pins its sha256 with its
/// architecture and quantization (and `lock --locked` and `verify` hold it to them), and the
/// engine's identity names both.
@Suite("GGUF files in experiments")
struct GGUFExperimentTests {
    static let smolSHA = "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"

    /// What the `gguf` package reads of the files and its `LlamaFileType` names.
    static func peerFacts(_ files: [URL]) throws -> [String: Any] {
        let script = NativeTestSupport.repositoryRoot.appendingPathComponent("Tests/Fixtures/native/gguf_facts.py")
        let data = try NativeTestSupport.runPython(script, files.map(\.path))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test("facts of both real models are what the gguf package reads, and file types are named as it names them")
    func factsAgreeWithTheGGUFPackage() throws {
        let files = [try TestModels.path(TestModels.smolLM2), try TestModels.path(TestModels.gemma3)]
        let peer = try Self.peerFacts(files)
        let names = try #require(peer["file_types"] as? [String: String])
        #expect(names.count > 30)
        for (value, name) in names {
            let raw = try #require(Int(value))
            let expected = name.hasPrefix("MOSTLY_") ? String(name.dropFirst("MOSTLY_".count)) : name
            if raw == 1024 { continue } // GUESSED is a flag, not a type.
            #expect(GGUFModelFacts.fileTypeName(raw) == expected, "file_type \(raw)")
        }
        #expect(GGUFModelFacts.fileTypeName(1024 | 15) == "Q4_K_M (guessed)")
        #expect(GGUFModelFacts.fileTypeName(99) == "file_type 99")
        let byFile = try #require(peer["files"] as? [String: [String: Any]])
        for file in files {
            let expected = try #require(byFile[file.path])
            let facts = try GGUFModelFacts(url: file)
            #expect(facts.architecture == expected["architecture"] as? String)
            #expect(facts.quantization == (expected["file_type"] as? Int).map(GGUFModelFacts.fileTypeName))
            #expect(facts.tensorTypes == expected["tensor_types"] as? [String: Int])
        }
        let smol = try GGUFModelFacts(url: files[0])
        #expect(smol.quantization == "Q4_1" && smol.tensorTypeList == ["F32=61", "Q4_1=210", "Q8_0=1"])
        #expect(try GGUFModelFacts(url: files[1]).quantization == "Q4_K_M")
    }

    /// A folder holding `files` (name to bytes, or a link to a real model) and an experiment
    /// evaluating `./<model>` with the native engine; returns the check's error messages.
    static func checkErrors(model: String, in folder: URL) -> [String] {
        let source = "evaluate(model(\"./\(model)\"), on: arc_easy(dataset: dataset(test: \"\(NativeTestSupport.repositoryRoot.path)/experiments/data/science_qa_test.jsonl\")), with: native())"
        let result = PlanLoader.check(source: source, path: folder.appendingPathComponent("exp.arena").path)
        return result.diagnostics.filter { $0.severity == .error }.map(\.message)
    }

    /// A GGUF file with one metadata key `general.architecture` and one tensor of `type`.
    static func crafted(architecture: String, type: GGMLType, name: String, in folder: URL) throws {
        var b = GGUFBuilder()
        b.header(tensors: 1, keys: 1)
        b.keyValue("general.architecture", .string(architecture))
        b.tensorInfo("blk.0.attn_q.weight", dimensions: [type.blockLayout.elements], type: type.rawValue, offset: 0)
        b.pad(to: 32)
        b.bytes += [UInt8](repeating: 0, count: type.blockLayout.bytes)
        try Data(b.bytes).write(to: folder.appendingPathComponent(name))
    }

    @Test("check accepts a GGUF file the engine runs and refuses, with file and field, one it cannot")
    func checkOpensTheHeader() throws {
        let folder = try NativeTestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createSymbolicLink(at: folder.appendingPathComponent("smol.gguf"), withDestinationURL: try TestModels.path(TestModels.smolLM2))
        #expect(Self.checkErrors(model: "smol.gguf", in: folder) == [])

        try Self.crafted(architecture: "mamba", type: .f32, name: "mamba.gguf", in: folder)
        let arch = Self.checkErrors(model: "mamba.gguf", in: folder)
        #expect(arch.count == 1 && arch[0].contains("mamba.gguf") && arch[0].contains("'general.architecture' = \"mamba\""), "\(arch)")

        try Self.crafted(architecture: "llama", type: .iq2_XXS, name: "iq2.gguf", in: folder)
        let type = Self.checkErrors(model: "iq2.gguf", in: folder)
        #expect(type.count == 1 && type[0].contains("tensor 'blk.0.attn_q.weight' has type IQ2_XXS"), "\(type)")

        try Data("not a model".utf8).write(to: folder.appendingPathComponent("text.gguf"))
        let magic = Self.checkErrors(model: "text.gguf", in: folder)
        #expect(magic.count == 1 && magic[0].contains("text.gguf") && magic[0].contains("header.magic"), "\(magic)")

        #expect(Self.checkErrors(model: "absent.gguf", in: folder) == ["model 'model-1': ./absent.gguf does not exist"])
        try Data("x".utf8).write(to: folder.appendingPathComponent("weights.bin"))
        #expect(Self.checkErrors(model: "weights.bin", in: folder).first?.contains("or a .gguf file") == true)
    }

    @Test("lock pins a GGUF file's sha256, architecture and quantization; lock --locked and verify hold it to them")
    func lockRecordsTheFacts() async throws {
        let root = try NativeTestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let experiments = root.appendingPathComponent("experiments"), models = root.appendingPathComponent("models")
        for folder in [experiments, models] { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) }
        try FileManager.default.createSymbolicLink(at: models.appendingPathComponent("smol.gguf"), withDestinationURL: try TestModels.path(TestModels.smolLM2))
        try FileManager.default.copyItem(at: NativeTestSupport.repositoryRoot.appendingPathComponent("experiments/data/science_qa_test.jsonl"),
                                         to: experiments.appendingPathComponent("science.jsonl"))
        let experiment = experiments.appendingPathComponent("run.arena")
        try AtomicFile.write("""
            experiment "gguf-lock"
            let smol = model("../models/smol.gguf")
            evaluate(smol, on: arc_easy(dataset: dataset(test: "science.jsonl"), limit: 2), with: native(threads: 1))
            """, to: experiment)
        let plan = try PlanLoader.load(path: experiment.path)
        var service = try LockService.fromEnvironment([:])
        service.currentDirectory = root
        let outcome = try await service.lock(plan, options: .init(noGit: true))
        let lockURL = root.appendingPathComponent(outcome.path)
        let text = try String(contentsOf: lockURL, encoding: .utf8)
        for line in ["model.smol.sha = \"\(Self.smolSHA)\"", "model.smol.gguf.architecture = \"llama\"",
                     "model.smol.gguf.quantization = \"Q4_1\"", "model.smol.gguf.tensor_types = [\"F32=61\", \"Q4_1=210\", \"Q8_0=1\"]"] {
            #expect(text.contains(line), "\(line) in\n\(text)")
        }
        let lock = try LockfileReader.parse(text, path: outcome.path)
        #expect(lock.model("smol")?.gguf == GGUFModelFacts(architecture: "llama", quantization: "Q4_1", tensorTypes: ["F32": 61, "Q4_1": 210, "Q8_0": 1]))
        #expect(LockfileWriter.render(lock) == text)

        // verify: the recorded facts are what the file locks to, and a forged one is named.
        let clean = await LockfileSourcesCheck.differences(lock: lock, path: outcome.path, plan: plan, experimentDirectory: experiments)
        #expect(clean.differences.isEmpty, "\(clean.differences)")
        var forged = lock
        forged.models[0].gguf = GGUFModelFacts(architecture: "llama", quantization: "Q8_0", tensorTypes: lock.models[0].gguf?.tensorTypes ?? [:])
        let found = await LockfileSourcesCheck.differences(lock: forged, path: outcome.path, plan: plan, experimentDirectory: experiments)
        #expect(found.differences.count == 1 && found.differences[0].contains("model.smol.gguf.quantization"), "\(found.differences)")

        // lock --locked: the file on disk with a forged quantization would change.
        try AtomicFile.write(text.replacingOccurrences(of: "\"Q4_1\"", with: "\"Q8_0\""), to: lockURL)
        await #expect(throws: LockError.self) { try await service.lock(plan, options: .init(locked: true, noGit: true)) }
        try AtomicFile.write(text, to: lockURL)
        #expect(try await service.lock(plan, options: .init(locked: true, noGit: true)) == .upToDate(path: outcome.path))

        // A malformed tensor count is refused with its field.
        #expect(throws: LockfileSyntaxError.self) {
            try LockfileReader.parse(text.replacingOccurrences(of: "\"Q8_0=1\"", with: "\"Q8_0\""), path: outcome.path)
        }
    }

    @Test("the engine's identity names the file's hash, architecture and quantization")
    func identityNamesTheQuantization() throws {
        let url = try TestModels.path(TestModels.smolLM2)
        let engine = try NativeEngine.load(url, threads: 1)
        #expect(engine.gguf?.quantization == "Q4_1")
        #expect(engine.identity.version.hasSuffix("+gguf.llama.Q4_1+sha256.\(Self.smolSHA)"), "\(engine.identity.version)")
        #expect(engine.identity.model == "\(TestModels.smolLM2)@sha256:\(Self.smolSHA)")
    }

    /// A run on text: `NativeEngine.load` gives a GGUF file the tokenizer of its own metadata.
    @Test("run scores a task on a GGUF file end to end")
    func runEndToEnd() async throws {
        let url = try TestModels.path(TestModels.smolLM2)
        let root = try DocumentedValuesRepository.make(experiment: """
            experiment "gguf-run"
            let smol = model("\(url.path)")
            evaluate(smol, on: arc_easy(dataset: dataset(test: "data/walk/arc_easy_test.jsonl"), limit: 3), with: native(threads: 2))
            """)
        defer { try? FileManager.default.removeItem(at: root) }
        let outcome = try await DocumentedValuesRepository.runner(root: root).run(path: "experiments/run.arena", options: .init(noGit: true))
        let bundle = try BundleReader.read(outcome.bundle)
        #expect(bundle.tasks.map(\.task) == ["arc_easy"] && bundle.tasks.allSatisfy { $0.effectiveCount == 3 })
        let environment = try String(contentsOf: outcome.bundle.appendingPathComponent("environment.json"), encoding: .utf8)
        #expect(environment.contains("\"quantization\"") && environment.contains("Q4_1"))
    }

    /// `ServedModel.native` on a GGUF file serves with the tokenizer of its metadata.
    @Test("serve FILE.gguf answers /v1/models, /tokenize and /v1/completions")
    func serveAGGUFFile() async throws {
        let url = try TestModels.path(TestModels.smolLM2)
        let served = try ServedModel.native(folder: url, threads: 2)
        #expect(served.name == TestModels.smolLM2)
        let engine = try #require(served.engine as? NativeEngine)
        let server = try CompletionServer(served: served, host: "127.0.0.1", port: 0)
        let port = try await server.start()
        defer { Task { await server.stop() } }
        let client = HTTPClient(retry: .none)
        func post(_ path: String, _ body: JSONValue) async throws -> JSONValue {
            let response = try await client.send(HTTPRequest(method: "POST", url: "http://127.0.0.1:\(port)\(path)",
                                                             headers: ["Content-Type": "application/json"], body: body.serializedData(indent: nil)))
            #expect(response.status == 200, "\(path): \(String(decoding: response.body, as: UTF8.self))")
            return try response.json()
        }
        let tokenized = try await post("/tokenize", .object(["prompt": .string("Hello world"), "add_special_tokens": .bool(false)]))
        let expected = try await engine.tokenize("Hello world")
        #expect(tokenized["tokens"]?.arrayValue?.compactMap(\.intValue) == expected)
        let completion = try await post("/v1/completions", .object(["prompt": .string("The capital of France is"), "max_tokens": .int(4),
                                                                    "temperature": .int(0)]))
        #expect(completion["choices"]?.arrayValue?.count == 1)
    }
}
