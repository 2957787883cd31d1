@testable import ArenaRuntime
import ArenaScript
import Foundation
import Testing

/// `model("org/repo", file: "x.gguf")` against the loopback Hub: `lock` pins the commit and the
/// file's sha256 from the tree listing, `run`'s model path downloads just that file into the
/// verified cache.
@Suite("Hub GGUF files")
struct HubModelFileTests {
    static let commit = "5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f"
    static let q4 = Data("GGUF bytes of the Q4_K_M file".utf8)
    static let q8 = Data("GGUF bytes of the Q8_0 file".utf8)

    static func hub() -> LoopbackHub {
        let files: [String: Data] = ["x.Q4_K_M.gguf": q4, "x.Q8_0.gguf": q8, "README.md": Data("# x\n".utf8), "notes.gguf.txt": Data("n".utf8)]
        return LoopbackHub(repos: [:], models: ["acme/x-gguf": LoopbackHub.Repo(commits: [commit: files], branches: ["main": commit])])
    }

    static func resolver(_ hub: LoopbackHub) -> LockResolver {
        LockResolver(hub: HubRevisionResolver(endpoint: HubEndpoint(baseURL: hub.endpoint), client: HTTPClient(retry: .none)),
                     registry: RegistryDigestResolver())
    }

    static func plan(file: String) -> ExperimentPlan {
        ExperimentPlan(name: "x", sourcePath: "x.arena", source: "", models: [ModelSpec(key: "m", id: "acme/x-gguf", file: file)])
    }

    static let experiment = LockedExperiment(name: "x", file: "x.arena", sha256: "", seed: 1234)

    @Test("lock pins the commit and the file's sha256; offline it keeps the previous pin")
    func lockPinsTheFile() async throws {
        let hub = Self.hub()
        try await hub.start()
        defer { Task { await hub.stop() } }
        let context = LockResolver.Context(experimentDirectory: FileManager.default.temporaryDirectory)
        let lock = try await Self.resolver(hub).resolve(Self.plan(file: "x.Q4_K_M.gguf"), experiment: Self.experiment, git: nil, context: context)
        let model = try #require(lock.models.first)
        #expect(model.sha == Self.commit && model.file == "x.Q4_K_M.gguf" && model.fileSHA256 == SHA256.hex(Self.q4))
        let text = LockfileWriter.render(lock)
        #expect(text.contains("model.m.file = \"x.Q4_K_M.gguf\"\nmodel.m.file_sha256 = \"\(SHA256.hex(Self.q4))\""), "\(text)")
        #expect(try LockfileReader.parse(text, path: "x.lock").models == lock.models)
        #expect(!hub.requests.contains { $0.contains("/resolve/") }, "lock downloads nothing")

        // Offline (as `verify` locks again): the previous pin stands, and without one it is missing.
        let offline = LockResolver.Context(experimentDirectory: context.experimentDirectory, offline: true, previous: lock)
        let again = try await Self.resolver(hub).resolve(Self.plan(file: "x.Q4_K_M.gguf"), experiment: Self.experiment, git: nil, context: offline)
        #expect(LockfileWriter.render(again) == text)
        await #expect(throws: LockError.self) {
            try await Self.resolver(hub).resolve(Self.plan(file: "x.Q8_0.gguf"), experiment: Self.experiment, git: nil, context: offline)
        }
        // The pinned plan carries the file's sha256 to the run; another file is not pinned.
        #expect(try lock.pinning(Self.plan(file: "x.Q4_K_M.gguf")).models[0].fileSHA256 == SHA256.hex(Self.q4))
        #expect(throws: LockMismatchError.self) { try lock.pinning(Self.plan(file: "x.Q8_0.gguf")) }
    }

    @Test("a file the repository does not hold is an error naming the .gguf files it has")
    func missingFile() async throws {
        let hub = Self.hub()
        try await hub.start()
        defer { Task { await hub.stop() } }
        let context = LockResolver.Context(experimentDirectory: FileManager.default.temporaryDirectory)
        do {
            _ = try await Self.resolver(hub).resolve(Self.plan(file: "x.Q5_K_M.gguf"), experiment: Self.experiment, git: nil, context: context)
            Issue.record("locked a file the repository does not hold")
        } catch {
            #expect("\(error)" == "model acme/x-gguf at \(Self.commit): x.Q5_K_M.gguf is not in the repository (.gguf files there: x.Q4_K_M.gguf, x.Q8_0.gguf)")
        }
    }

    @Test("run's model path downloads only that file, verified, then reads it from the cache")
    func downloadsOnlyTheFile() async throws {
        let hub = Self.hub()
        try await hub.start()
        defer { Task { await hub.stop() } }
        let cache = try DataFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: cache) }
        let store = HubModelFixtures.store(hub, cache: cache)
        let sha = SHA256.hex(Self.q4)
        let url = try HubModelSnapshot.file(id: "acme/x-gguf", commit: Self.commit, file: "x.Q4_K_M.gguf", sha256: sha, store: store)
        let bytes = try Data(contentsOf: url)
        #expect(url.lastPathComponent == "x.Q4_K_M.gguf" && bytes == Self.q4)
        #expect(try ModelFolderHash.compute(url) == sha)
        let resolves = hub.requests.filter { $0.contains("/resolve/") }
        #expect(resolves == ["/acme/x-gguf/resolve/\(Self.commit)/x.Q4_K_M.gguf"], "\(hub.requests)")
        #expect(hub.requests.contains("/cdn/\(sha)"), "an LFS file comes through the redirect")

        let before = hub.requests.count
        let offline = HubModelFixtures.store(hub, cache: cache, offline: true)
        #expect(try HubModelSnapshot.file(id: "acme/x-gguf", commit: Self.commit, file: "x.Q4_K_M.gguf", sha256: sha, store: offline) == url)
        #expect(try HubModelSnapshot.file(id: "acme/x-gguf", commit: Self.commit, file: "x.Q4_K_M.gguf", sha256: sha, store: store) == url)
        #expect(hub.requests.count == before, "the cached file needs no request")
        #expect(throws: HubFilesError.self) {
            try HubModelSnapshot.file(id: "acme/x-gguf", commit: Self.commit, file: "x.Q8_0.gguf", sha256: nil, store: offline)
        }
        // A pin the Hub no longer lists for the file is refused before anything is downloaded.
        #expect(throws: HubModelError.self) {
            try HubModelSnapshot.file(id: "acme/x-gguf", commit: Self.commit, file: "x.Q8_0.gguf", sha256: sha, store: store)
        }
        #expect(!hub.requests.contains { $0.hasSuffix("/x.Q8_0.gguf") })

        // A damaged transfer is not kept.
        hub.corrupt(path: "x.Q8_0.gguf")
        #expect(throws: HubFilesError.self) {
            try HubModelSnapshot.file(id: "acme/x-gguf", commit: Self.commit, file: "x.Q8_0.gguf", sha256: SHA256.hex(Self.q8), store: store)
        }
    }

    @Test("check: file: takes a .gguf name at the repository's root, on a Hub model evaluated with native")
    func checkRules() {
        func errors(_ model: String, engine: String = "native()") -> [String] {
            let source = "evaluate(\(model), on: arc_easy, with: \(engine))"
            return PlanLoader.check(source: source, path: FileManager.default.temporaryDirectory.appendingPathComponent("x.arena").path)
                .diagnostics.filter { $0.severity == .error }.map(\.message)
        }
        #expect(errors("model(\"acme/x-gguf\", file: \"x.Q4_K_M.gguf\")") == [])
        #expect(errors("model(\"acme/x-gguf\", file: \"sub/x.gguf\")").first?.contains("is not the name of a .gguf file") == true)
        #expect(errors("model(\"acme/x-gguf\", file: \"x.safetensors\")").first?.contains("is not the name of a .gguf file") == true)
        #expect(errors("model(\"./x\", file: \"x.gguf\")").first?.contains("file: names a file of a Hub repository") == true)
        let server = errors("model(\"acme/x-gguf\", file: \"x.Q4_K_M.gguf\")", engine: "vllm(image: \"vllm/vllm-openai:v0.8.5\")")
        #expect(server.count == 1 && server[0].contains("file: is read by the native engine only"), "\(server)")
    }

    @Test("the engine provider starts the native engine on a Hub GGUF file and on a local one, naming its quantization")
    func providerStartsTheEngine() async throws {
        let local = try TestModels.path(TestModels.smolLM2)
        let bytes = try Data(contentsOf: local)
        let hub = LoopbackHub(repos: [:], models: ["acme/smol-gguf": LoopbackHub.Repo(commits: [Self.commit: [TestModels.smolLM2: bytes]])])
        try await hub.start()
        defer { Task { await hub.stop() } }
        let cache = try DataFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: cache) }
        let provider = StandardEngineProvider(hub: HubModelFixtures.store(hub, cache: cache), cacheRoot: nil)
        let engine = EngineSpec(key: "cpu", kind: .native, threads: 1)
        let sha = "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"
        let models = [ModelSpec(key: "hub", id: "acme/smol-gguf", revision: Self.commit, file: TestModels.smolLM2, fileSHA256: sha),
                      ModelSpec(key: "local", id: local.path, isLocalPath: true)]
        for model in models {
            let handle = try await provider.start(model: model, engine: engine, seed: 1, experimentDirectory: cache, progress: nil)
            let native = try #require(handle.engine as? NativeEngine)
            #expect(native.identity.version.hasSuffix("+gguf.llama.Q4_1+sha256.\(sha)"), "\(model.key): \(native.identity.version)")
            #expect(handle.environment["gguf"]?["quantization"]?.stringValue == "Q4_1", "\(model.key)")
            #expect(handle.environment["gguf"]?["tensor_types"] == .array(["F32=61", "Q4_1=210", "Q8_0=1"].map(JSONValue.string)))
            await handle.stop()
        }
        #expect(hub.requests.filter { $0.contains("/resolve/") } == ["/acme/smol-gguf/resolve/\(Self.commit)/\(TestModels.smolLM2)"])
    }
}
