import Foundation
import Testing
@testable import ArenaRuntime

/// `lock` end to end: a temporary git repository, a loopback server speaking the Hub and OCI
/// registry APIs, and the lockfile on disk.
@Suite struct LockServiceTests {
    static let token = "hf_lockServiceSecret71"

    /// The Hub and registry state the loopback server answers from; tests move branches.
    actor Upstream {
        var modelSHA = "aa8e72537993ba99e69dfaafa59ed015b17504d1"
        var datasetSHAs = ["allenai/ai2_arc": "210d026faf9955653af8916fad021475a3f00453",
                           "openai/gsm8k": "e53f048856ff4f594e959d75785d2c2d37b678ee"]
        func move(model sha: String) { modelSHA = sha }
    }

    struct Setup {
        let repo: TemporaryRepository
        let server: LoopbackServer
        let upstream: Upstream
        let service: LockService
        let plan: ExperimentPlan
        let index: String

        var lockURL: URL { repo.root.appendingPathComponent("lockfiles/x.lock") }

        func cleanUp() async {
            await server.stop()
            repo.remove()
        }
    }

    static func setUp() async throws -> Setup {
        let repo = try TemporaryRepository.make()
        try repo.write("experiments/x.arena", "experiment \"x\"\nlet base = model(\"acme/base\")\n")
        try repo.write("models/tiny/config.json", "{\"hidden_size\": 8}\n")
        try repo.write("models/tiny/weights/model.bin", "0123456789")
        try repo.write("models/tiny/.cache/meta", "changes every download\n")
        try repo.commitAll()
        try repo.git("remote", "add", "origin", "https://bot:ghp_pushToken@github.example/acme/exp.git")

        let upstream = Upstream()
        let index = try lockFixture("registry_oci_index.json")
        let digest = "sha256:" + SHA256.hex(index)
        let server = try await LoopbackServer.start { request, _ in
            if request.path.hasPrefix("/api/"), request.headers["authorization"] != "Bearer \(token)" {
                return .json(401, #"{"error":"Invalid username or password."}"#)
            }
            if request.path == "/api/models/acme/base/revision/main" {
                return .json(200, "{\"id\":\"acme/base\",\"sha\":\"\(await upstream.modelSHA)\"}")
            }
            for (id, sha) in await upstream.datasetSHAs where request.path == "/api/datasets/\(id)/revision/main" {
                return .json(200, "{\"id\":\"\(id)\",\"sha\":\"\(sha)\"}")
            }
            if request.path == "/v2/vllm/vllm-openai/manifests/v0.8.5" {
                return StubResponse(status: 200, headers: ["Docker-Content-Digest": digest,
                                                           "Content-Type": "application/vnd.oci.image.index.v1+json"], body: Data(index.utf8))
            }
            return .json(404, #"{"error":"not found"}"#)
        }
        let client = HTTPClient(retry: RetryPolicy(maxAttempts: 2, baseDelay: 0.01, maxDelay: 0.05))
        let resolver = LockResolver(hub: HubRevisionResolver(endpoint: HubEndpoint(baseURL: server.baseURL, token: token), client: client),
                                    registry: RegistryDigestResolver(endpoints: RegistryEndpoints(mirrorForAll: server.baseURL), client: client))
        let plan = ExperimentPlan(
            name: "x", sourcePath: "experiments/x.arena", source: "", seed: 7, limit: 50,
            models: [ModelSpec(key: "base", id: "acme/base"), ModelSpec(key: "tiny", id: "../models/tiny", isLocalPath: true)],
            engines: [EngineSpec(key: "server", kind: .vllm, image: "vllm/vllm-openai:v0.8.5", gpu: "H100", precision: "bf16"),
                      EngineSpec(key: "cpu", kind: .native, threads: 2)],
            runs: [PlannedRun(model: "base", engine: "server", tasks: [TaskSelection(name: "gsm8k", fewshot: 5), TaskSelection(name: "arc_easy", limit: 10)], cell: 3),
                   PlannedRun(model: "tiny", engine: "cpu", tasks: [TaskSelection(name: "arc_easy")], cell: 4)])
        return Setup(repo: repo, server: server, upstream: upstream,
                     service: LockService(resolver: resolver, currentDirectory: repo.root), plan: plan, index: index)
    }

    @Test func lockingTwiceGivesIdenticalBytesWithEveryPin() async throws {
        let s = try await Self.setUp()
        defer { Task { await s.cleanUp() } }

        #expect(try await s.service.lock(s.plan, options: .init()) == .written(path: "lockfiles/x.lock"))
        let first = try Data(contentsOf: s.lockURL)
        #expect(try await s.service.lock(s.plan, options: .init()) == .unchanged(path: "lockfiles/x.lock"))
        #expect(try Data(contentsOf: s.lockURL) == first)

        let text = String(decoding: first, as: UTF8.self)
        #expect(!text.contains(Self.token))
        #expect(!text.contains("ghp_pushToken"))
        #expect(await s.server.requests.allSatisfy { !$0.path.hasPrefix("/api/") || $0.headers["authorization"] == "Bearer \(Self.token)" })

        let lock = try LockfileReader.parse(text, path: "x.lock")
        #expect(lock.toolVersion == ToolVersion.current)
        #expect(lock.experiment.file == "experiments/x.arena")
        #expect(lock.experiment.sha256 == SHA256.hex(try Data(contentsOf: s.repo.root.appendingPathComponent("experiments/x.arena"))))
        #expect(lock.git?.head == (try s.repo.git("rev-parse", "HEAD")))
        #expect(lock.git?.remoteURL == "https://github.example/acme/exp.git")
        #expect(lock.git?.dirtyPaths == [])
        #expect(lock.models.first?.sha == (await s.upstream.modelSHA))
        #expect(lock.engines.first?.imageDigest == "sha256:" + SHA256.hex(s.index))
        #expect(lock.engines.first?.pinnedImage == "docker.io/vllm/vllm-openai@sha256:" + SHA256.hex(s.index))
        #expect(lock.taskDatasets.map(\.id) == ["allenai/ai2_arc", "openai/gsm8k"])
        #expect(lock.taskDatasets.map(\.sha) == [await s.upstream.datasetSHAs["allenai/ai2_arc"], await s.upstream.datasetSHAs["openai/gsm8k"]])
        #expect(lock.tasks.map(\.name) == ["arc_easy", "gsm8k"])
        #expect(lock.runs.first?.tasks.map(\.limit) == [50, 10])
        #expect(lock.runs.first?.tasks.first?.fewshot == 5)

        // The local model's hash is what the documented shell pipeline prints.
        let shell = Process()
        shell.executableURL = URL(fileURLWithPath: "/bin/sh")
        shell.arguments = ["-c", "cd models/tiny && find -L . -path '*/.*' -prune -o -type f -printf '%P\\n' | LC_ALL=C sort | xargs -d '\\n' sha256sum | sha256sum"]
        shell.currentDirectoryURL = s.repo.root
        let pipe = Pipe()
        shell.standardOutput = pipe
        try shell.run()
        let expected = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).prefix(64)
        shell.waitUntilExit()
        #expect(lock.models.last?.source == .local)
        #expect(lock.models.last?.sha == String(expected))
    }

    @Test func lockedPassesWhenUnchangedAndShowsADiffWhenTheHubMoves() async throws {
        let s = try await Self.setUp()
        defer { Task { await s.cleanUp() } }
        _ = try await s.service.lock(s.plan, options: .init())
        let recorded = try Data(contentsOf: s.lockURL)
        try s.repo.commitAll("lock")   // HEAD moves; provenance is not compared by --locked
        #expect(try await s.service.lock(s.plan, options: .init(locked: true)) == .upToDate(path: "lockfiles/x.lock"))

        let oldSHA = await s.upstream.modelSHA
        let newSHA = "1111111111111111111111111111111111111111"
        await s.upstream.move(model: newSHA)
        let error = await #expect(throws: LockError.self) { try await s.service.lock(s.plan, options: .init(locked: true)) }
        guard case let .wouldChange(path, diff)? = error else {
            Issue.record("expected wouldChange, got \(String(describing: error))")
            return
        }
        #expect(path == "lockfiles/x.lock")
        #expect(diff.contains("--- lockfiles/x.lock (recorded)"))
        #expect(diff.contains("-model.base.sha = \"\(oldSHA)\""))
        #expect(diff.contains("+model.base.sha = \"\(newSHA)\""))
        #expect(diff.split(separator: "\n").filter { $0.hasPrefix("+") || $0.hasPrefix("-") }.count == 4)
        #expect(try Data(contentsOf: s.lockURL) == recorded)
    }

    @Test func lockedWithoutALockfileFails() async throws {
        let s = try await Self.setUp()
        defer { Task { await s.cleanUp() } }
        await #expect(throws: LockError.noLockfile(path: "lockfiles/x.lock")) {
            try await s.service.lock(s.plan, options: .init(locked: true))
        }
    }

    @Test func offlineNamesWhatNeedsTheNetworkThenReusesTheLockfile() async throws {
        let s = try await Self.setUp()
        defer { Task { await s.cleanUp() } }
        let error = await #expect(throws: LockError.self) { try await s.service.lock(s.plan, options: .init(offline: true)) }
        guard case let .needsNetwork(_, items)? = error else {
            Issue.record("expected needsNetwork, got \(String(describing: error))")
            return
        }
        #expect(items == [
            "model 'base': model 'acme/base' at revision 'main'",
            "engine 'server': image 'vllm/vllm-openai:v0.8.5'",
            "dataset of task 'arc_easy': dataset 'allenai/ai2_arc' at revision 'main'",
            "dataset of task 'gsm8k': dataset 'openai/gsm8k' at revision 'main'",
        ])
        #expect(await s.server.requests.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: s.lockURL.path))

        _ = try await s.service.lock(s.plan, options: .init())
        let online = await s.server.requests.count
        await s.upstream.move(model: "2222222222222222222222222222222222222222")
        #expect(try await s.service.lock(s.plan, options: .init(offline: true)) == .unchanged(path: "lockfiles/x.lock"))
        #expect(try await s.service.lock(s.plan, options: .init(locked: true, offline: true)) == .upToDate(path: "lockfiles/x.lock"))
        #expect(await s.server.requests.count == online)
    }

    @Test func offlineNeedsNothingWhenEverythingIsAlreadyPinned() async throws {
        let s = try await Self.setUp()
        defer { Task { await s.cleanUp() } }
        let digest = "sha256:" + String(repeating: "ab", count: 32)
        let plan = ExperimentPlan(name: "x", sourcePath: "experiments/x.arena", source: "",
                                  models: [ModelSpec(key: "m", id: "acme/base", revision: "0123456789abcdef0123456789abcdef01234567")],
                                  engines: [EngineSpec(key: "e", kind: .sglang, image: "lmsysorg/sglang@\(digest)")])
        #expect(try await s.service.lock(plan, options: .init(offline: true)) == .written(path: "lockfiles/x.lock"))
        let lock = try LockfileReader.read(path: s.lockURL.path)
        #expect(lock.models.first?.sha == "0123456789abcdef0123456789abcdef01234567")
        #expect(lock.engines.first?.pinnedImage == "docker.io/lmsysorg/sglang@\(digest)")
        #expect(await s.server.requests.isEmpty)
    }

    @Test func outsideARepositoryNeedsNoGitWhichIsRecorded() async throws {
        let s = try await Self.setUp()
        defer { Task { await s.cleanUp() } }
        let dir = try TemporaryRepository.make(initialise: false)
        defer { dir.remove() }
        try dir.write("plain.arena", "experiment \"plain\"\n")
        let service = LockService(resolver: s.service.resolver, currentDirectory: dir.root)
        let plan = ExperimentPlan(name: "plain", sourcePath: "plain.arena", source: "")
        await #expect(throws: LockError.notInRepository(file: "plain.arena")) { try await service.lock(plan, options: .init()) }
        #expect(try await service.lock(plan, options: .init(noGit: true)) == .written(path: "lockfiles/plain.lock"))
        let lock = try LockfileReader.read(path: dir.root.appendingPathComponent("lockfiles/plain.lock").path)
        #expect(lock.git == nil)
        #expect(lock.experiment.file == "plain.arena")
    }

    @Test func aTaskWithoutAKnownDatasetIsAnError() async throws {
        let s = try await Self.setUp()
        defer { Task { await s.cleanUp() } }
        var plan = s.plan
        plan.runs = [PlannedRun(model: "base", engine: "server", tasks: [TaskSelection(name: "winogrande")], cell: 1)]
        await #expect(throws: LockError.unknownTaskDataset(task: "winogrande")) { try await s.service.lock(plan, options: .init()) }
    }

    @Test func theTaskCatalogSuppliesVersionAndPromptHash() async throws {
        let s = try await Self.setUp()
        defer { Task { await s.cleanUp() } }
        var resolver = s.service.resolver
        resolver.taskCatalog = { name in name == "gsm8k" ? TaskLockEntry(version: "3.0", contentHash: SHA256.hex("prompt"), dataset: "openai/gsm8k", config: "main", splits: ["test", "train"]) : nil }
        _ = try await LockService(resolver: resolver, currentDirectory: s.repo.root).lock(s.plan, options: .init())
        let lock = try LockfileReader.read(path: s.lockURL.path)
        #expect(lock.tasks.first { $0.name == "gsm8k" }?.version == "3.0")
        #expect(lock.tasks.first { $0.name == "gsm8k" }?.promptHash == SHA256.hex("prompt"))
        #expect(lock.tasks.first { $0.name == "arc_easy" }?.version == nil)
    }
}

extension LockServiceTests {
    @Test func theReturnedLockfilePinsThePlan() async throws {
        let s = try await Self.setUp()
        defer { Task { await s.cleanUp() } }
        let (outcome, lock) = try await s.service.lockAndLoad(s.plan, options: .init())
        #expect(outcome == .written(path: "lockfiles/x.lock"))
        #expect(try LockfileReader.read(path: s.lockURL.path) == lock)

        let pinned = try lock.pinning(s.plan)
        #expect(pinned.models[0].revision == (await s.upstream.modelSHA))
        // A local model keeps its path and is pinned by its content hash.
        var local = s.plan.models[1]
        local.revision = "sha256:" + (lock.model("tiny")?.sha ?? "")
        #expect(pinned.models[1] == local)
        #expect(pinned.engines[0].image == "docker.io/vllm/vllm-openai@sha256:" + SHA256.hex(s.index))
        #expect(pinned.engines[1] == s.plan.engines[1])

        let experiment = lock.experimentFile(lockfileAt: s.lockURL)
        #expect(experiment.resolvingSymlinksInPath().path == s.repo.root.appendingPathComponent("experiments/x.arena").path)
        #expect(SHA256.hex(try Data(contentsOf: experiment)) == lock.experiment.sha256)

        var other = s.plan
        other.models[0].revision = "v2"
        #expect(throws: LockMismatchError.self) { try lock.pinning(other) }
    }
}

extension LockServiceTests {
    @Test func everyFailedNameIsReportedAtOnceInPlanOrder() async throws {
        let s = try await Self.setUp()
        defer { Task { await s.cleanUp() } }
        var plan = s.plan
        plan.models = [ModelSpec(key: "a", id: "acme/missing-one"), ModelSpec(key: "b", id: "acme/base"), ModelSpec(key: "c", id: "acme/missing-two")]
        plan.engines[0].image = "vllm/vllm-openai:v9.9.9"
        let error = await #expect(throws: LockError.self) { try await s.service.lock(plan, options: .init()) }
        guard case let .resolutionFailed(messages)? = error else {
            Issue.record("expected resolutionFailed, got \(String(describing: error))")
            return
        }
        #expect(messages.count == 3)
        #expect(messages[0].contains("acme/missing-one") && messages[0].contains("HTTP 404"))
        #expect(messages[1].contains("acme/missing-two"))
        #expect(messages[2].contains("image 'vllm/vllm-openai:v9.9.9'"))
        #expect(!FileManager.default.fileExists(atPath: s.lockURL.path))
    }

    @Test func aNameUsedTwiceIsResolvedOnce() async throws {
        let s = try await Self.setUp()
        defer { Task { await s.cleanUp() } }
        var plan = s.plan
        plan.models.append(ModelSpec(key: "again", id: "acme/base"))
        plan.engines.append(EngineSpec(key: "second", kind: .vllm, image: "vllm/vllm-openai:v0.8.5", tensorParallel: 2))
        _ = try await s.service.lock(plan, options: .init())
        let paths = await s.server.requests.map(\.path)
        #expect(paths.filter { $0 == "/api/models/acme/base/revision/main" }.count == 1)
        #expect(paths.filter { $0 == "/v2/vllm/vllm-openai/manifests/v0.8.5" }.count == 1)
        let lock = try LockfileReader.read(path: s.lockURL.path)
        #expect(lock.model("again")?.sha == lock.model("base")?.sha)
        #expect(lock.engine("second")?.imageDigest == lock.engine("server")?.imageDigest)
    }
}

extension LockServiceTests {
    @Test func noGitInsideARepositoryStillLocksAtItsRootWithoutProvenance() async throws {
        let s = try await Self.setUp()
        defer { Task { await s.cleanUp() } }
        let service = LockService(resolver: s.service.resolver, currentDirectory: s.repo.root.appendingPathComponent("experiments"))
        var plan = s.plan
        plan.sourcePath = "x.arena"
        // The lockfile is outside the current directory, so it is shown by its absolute path.
        #expect(try await service.lock(plan, options: .init(noGit: true)) == .written(path: s.lockURL.path))
        let lock = try LockfileReader.read(path: s.lockURL.path)
        #expect(lock.git == nil)
        #expect(lock.experiment.file == "experiments/x.arena")
    }
}
