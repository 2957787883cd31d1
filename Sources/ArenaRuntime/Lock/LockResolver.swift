import Foundation

/// Turns a plan's floating names into pins: model revisions and dataset revisions into Hub commit
/// SHAs, image tags into manifest digests, local paths into content hashes. Offline, pins come
/// only from the experiment itself and the previous lockfile.
public struct LockResolver: Sendable {
    public var hub: HubRevisionResolver
    public var registry: RegistryDigestResolver
    public var taskCatalog: TaskLockCatalog
    /// The lm-evaluation-harness whose version engines with `harness: "lm-eval"` pin.
    public var lmEval: LMEvalInstallation

    public init(hub: HubRevisionResolver, registry: RegistryDigestResolver, taskCatalog: @escaping TaskLockCatalog = { name in try TaskCatalog.lockEntry(name: name) },
                lmEval: LMEvalInstallation = .fromEnvironment()) {
        self.hub = hub
        self.registry = registry
        self.taskCatalog = taskCatalog
        self.lmEval = lmEval
    }

    public struct Context: Sendable {
        /// Local paths in the plan are relative to this folder (the experiment file's).
        public var experimentDirectory: URL
        public var offline: Bool
        /// The lockfile already on disk, whose pins `offline` may reuse.
        public var previous: Lockfile?
        /// How the previous lockfile is named in messages.
        public var lockfilePath: String

        public init(experimentDirectory: URL, offline: Bool = false, previous: Lockfile? = nil, lockfilePath: String = "the lockfile") {
            self.experimentDirectory = experimentDirectory
            self.offline = offline
            self.previous = previous
            self.lockfilePath = lockfilePath
        }
    }

    public func resolve(_ plan: ExperimentPlan, experiment: LockedExperiment, git: GitProvenance?, context: Context) async throws -> Lockfile {
        let taskDatasets = try Self.taskDatasets(plan)
        var session = Session(resolver: self, context: context)
        if !context.offline { try await session.prefetch(Self.networkRequests(plan, taskDatasets: taskDatasets)) }
        var lock = Lockfile(experiment: experiment, git: git)

        for m in plan.models {
            if m.isLocalPath {
                let path = session.localPath(m.id)
                let sha = try ContentHash.of(path: path)
                lock.models.append(LockedModel(key: m.key, id: m.id, revision: m.revision, source: .local, sha: sha,
                                               gguf: try Self.ggufFacts(path: path, model: m.key)))
            } else if let sha = try await session.hubSHA(.model, id: m.id, revision: m.revision, label: "model '\(m.key)'") {
                var locked = LockedModel(key: m.key, id: m.id, revision: m.revision, source: .hub, sha: sha)
                if let file = m.file {
                    guard let fileSHA = try await session.hubFileSHA(model: m, commit: sha, file: file) else { continue }
                    locked.file = file
                    locked.fileSHA256 = fileSHA
                }
                lock.models.append(locked)
            }
        }

        for e in plan.engines {
            var locked = LockedEngine(spec: e)
            if let image = e.image, let resolved = try await session.image(image, engine: e.key) {
                locked.imageDigest = resolved.digest
                locked.pinnedImage = resolved.pinned
            }
            if e.harness == "lm-eval" { locked.harnessVersion = try session.lmEvalVersion(engine: e.key) }
            lock.engines.append(locked)
        }

        for d in plan.datasets { if let locked = try await session.dataset(d) { lock.datasets.append(locked) } }

        let taskNames = Set(plan.runs.flatMap { $0.tasks.map(\.name) })
        for run in plan.runs {
            lock.runs.append(LockedRun(model: run.model, engine: run.engine, cell: run.cell, tasks: run.tasks.map { t in
                var effective = t
                effective.limit = t.limit ?? plan.limit
                return effective
            }))
        }
        for (id, task) in taskDatasets {
            if let sha = try await session.hubSHA(.dataset, id: id, revision: "main", label: "dataset of task '\(task)'") {
                lock.taskDatasets.append(LockedHubDataset(id: id, revision: "main", sha: sha))
            }
        }
        for name in taskNames.sorted() {
            // The task's own Hub dataset only where some run reads it; a task run only on a
            // `dataset(...)` names no Hub dataset (its files are under dataset.<key>).
            let readsItsOwnData = plan.runs.contains { $0.tasks.contains { $0.name == name && $0.dataset == nil } }
            let entry = readsItsOwnData ? TaskDatasetTable.entry(for: name) : nil
            let catalog = try taskCatalog(name)
            lock.tasks.append(LockedTask(name: name, version: catalog?.version, promptHash: catalog?.contentHash,
                                         dataset: entry?.id, datasetConfig: entry?.config))
        }

        if !session.missing.isEmpty {
            throw LockError.needsNetwork(lockfile: context.lockfilePath, items: session.missing)
        }
        return lock
    }

    /// The facts of a local GGUF file (its architecture, quantization and tensor types), read from
    /// its header by the engine's own reader; nil for a model that is not a `.gguf` file.
    static func ggufFacts(path: String, model: String) throws -> GGUFModelFacts? {
        let url = URL(fileURLWithPath: path)
        var isFolder: ObjCBool = false
        guard GGUFModelFacts.isGGUF(url), FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), !isFolder.boolValue else { return nil }
        do { return try GGUFModelFacts(url: url) } catch {
            throw LocalModelError(model: model, path: path, problem: "cannot be locked: \(error)")
        }
    }

    /// Hub dataset repositories read by tasks without a `dataset(...)` override, sorted by id, each
    /// with the first task (in plan order) that reads it.
    static func taskDatasets(_ plan: ExperimentPlan) throws -> [(id: String, task: String)] {
        var firstTask: [String: String] = [:]
        for task in plan.runs.flatMap(\.tasks) where task.dataset == nil {
            guard let entry = TaskDatasetTable.entry(for: task.name) else { throw LockError.unknownTaskDataset(task: task.name) }
            if firstTask[entry.id] == nil { firstTask[entry.id] = task.name }
        }
        return firstTask.keys.sorted().map { ($0, firstTask[$0] ?? $0) }
    }

    /// Everything that needs a request, in plan order, without repeats.
    static func networkRequests(_ plan: ExperimentPlan, taskDatasets: [(id: String, task: String)]) -> [PinRequest] {
        var out: [PinRequest] = []
        func add(_ r: PinRequest) { if !out.contains(r) { out.append(r) } }
        for m in plan.models where !m.isLocalPath && !HubRevisionResolver.isCommitSHA(m.revision) {
            add(.hub(.model, id: m.id, revision: m.revision))
        }
        for e in plan.engines {
            if let image = e.image, (try? ImageReference.parse(image))?.digest == nil { add(.image(image)) }
        }
        for d in plan.datasets where !d.isLocalPath && !HubRevisionResolver.isCommitSHA(d.revision) {
            add(.hub(.dataset, id: d.id, revision: d.revision))
        }
        for d in taskDatasets { add(.hub(.dataset, id: d.id, revision: "main")) }
        return out
    }

    enum PinRequest: Hashable, Sendable {
        case hub(HubRepoKind, id: String, revision: String)
        case image(String)
    }

    enum Pin: Sendable {
        case sha(String)
        case image(ResolvedImage)
    }

    /// A finished request as a child task returns it. Not a tuple built around the `await`:
    /// Swift 6.3's optimizer drops the part of an async closure's tuple result written before a
    /// suspension point (swiftlang/swift#91911), which handed back a zeroed request in release builds.
    struct PinOutcome: Sendable {
        let request: PinRequest
        let result: Result<Pin, any Error>
    }

    /// Resolves one request; the value is awaited into a local before anything is built around it.
    static func pin(_ request: PinRequest, hub: HubRevisionResolver, registry: RegistryDigestResolver) async -> Result<Pin, any Error> {
        do {
            switch request {
            case let .hub(kind, id, revision):
                let sha = try await hub.resolve(kind: kind, id: id, revision: revision)
                return .success(.sha(sha))
            case let .image(image):
                let resolved = try await registry.resolve(image)
                return .success(.image(resolved))
            }
        } catch {
            return .failure(error)
        }
    }

    /// Requests in flight at once while prefetching.
    static let maxConcurrentRequests = 6

    /// Resolution state for one lock: caches repeated names, collects what offline mode cannot pin.
    private struct Session {
        let resolver: LockResolver
        let context: LockResolver.Context
        var hubCache: [String: String] = [:]
        var imageCache: [String: ResolvedImage] = [:]
        var lmEvalVersion: String??
        var missing: [String] = []

        init(resolver: LockResolver, context: LockResolver.Context) {
            self.resolver = resolver
            self.context = context
        }

        /// Resolves every request concurrently into the caches. One failure is rethrown as it is;
        /// several are reported together, in plan order.
        mutating func prefetch(_ requests: [PinRequest]) async throws {
            let hub = resolver.hub, registry = resolver.registry
            var results: [PinRequest: Result<Pin, any Error>] = [:]
            await withTaskGroup(of: PinOutcome.self) { group in
                var pending = requests[...]
                func launch() {
                    guard let request = pending.popFirst() else { return }
                    group.addTask {
                        let result = await LockResolver.pin(request, hub: hub, registry: registry)
                        return PinOutcome(request: request, result: result)
                    }
                }
                for _ in 0..<LockResolver.maxConcurrentRequests { launch() }
                while let outcome = await group.next() {
                    results[outcome.request] = outcome.result
                    launch()
                }
            }
            var failures: [any Error] = []
            for request in requests {
                switch results[request] {
                case let .success(.sha(sha))?:
                    if case let .hub(kind, id, revision) = request { hubCache[Self.cacheKey(kind, id, revision)] = sha }
                case let .success(.image(resolved))?:
                    if case let .image(image) = request { imageCache[image] = resolved }
                case let .failure(error)?: failures.append(error)
                case nil: break
                }
            }
            if failures.count == 1, let only = failures.first { throw only }
            if !failures.isEmpty { throw LockError.resolutionFailed(failures.map { "\($0)" }) }
        }

        static func cacheKey(_ kind: HubRepoKind, _ id: String, _ revision: String) -> String {
            "\(kind.rawValue)\u{0}\(id)\u{0}\(revision)"
        }

        func localPath(_ path: String) -> String {
            path.hasPrefix("/") ? path : context.experimentDirectory.appendingPathComponent(path).path
        }

        /// nil only offline, with the name recorded in `missing`.
        mutating func hubSHA(_ kind: HubRepoKind, id: String, revision: String, label: String) async throws -> String? {
            if HubRevisionResolver.isCommitSHA(revision) { return revision }
            let cacheKey = Self.cacheKey(kind, id, revision)
            if let sha = hubCache[cacheKey] { return sha }
            var sha: String?
            if context.offline {
                sha = previousHubSHA(kind, id: id, revision: revision)
                if sha == nil { missing.append("\(label): \(kind.rawValue) '\(id)' at revision '\(revision)'") }
            } else {
                sha = try await resolver.hub.resolve(kind: kind, id: id, revision: revision)
            }
            if let sha { hubCache[cacheKey] = sha }
            return sha
        }

        /// The sha256 the Hub lists for `file` of a model at `commit` (the LFS object id of its tree
        /// entry, `GET /api/models/{id}/tree/{commit}`); offline, the previous lockfile's for the
        /// same id, revision and file, else nil with the file recorded in `missing`.
        mutating func hubFileSHA(model m: ModelSpec, commit: String, file: String) async throws -> String? {
            if context.offline {
                if let old = context.previous?.models.first(where: { $0.source == .hub && $0.id == m.id && $0.revision == m.revision && $0.sha == commit && $0.file == file }),
                   let sha = old.fileSHA256 {
                    return sha
                }
                missing.append("model '\(m.key)': the sha256 of \(file) in model '\(m.id)' at \(commit)")
                return nil
            }
            let api = HubFilesAPI(auth: HubAuth(endpoint: resolver.hub.endpoint.baseURL, token: resolver.hub.endpoint.token), client: resolver.hub.client)
            let id = m.id
            let entries = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<[HubTreeEntry], any Error>) in
                Thread.detachNewThread {
                    continuation.resume(with: Result { try api.addressing(.model).listFiles(repo: id, revision: commit) })
                }
            }
            return try HubModelSnapshot.fileEntry(entries, model: id, commit: commit, file: file).sha256
        }

        private func previousHubSHA(_ kind: HubRepoKind, id: String, revision: String) -> String? {
            guard let previous = context.previous else { return nil }
            switch kind {
            case .model:
                return previous.models.first { $0.source == .hub && $0.id == id && $0.revision == revision }?.sha
            case .dataset:
                return previous.taskDatasets.first { $0.id == id && $0.revision == revision }?.sha
                    ?? previous.datasets.first { $0.source == .hub && $0.id == id && $0.revision == revision }?.sha
            }
        }

        /// The installed lm-eval's version; without one, the version the previous lockfile pinned
        /// for this engine (so that a machine without lm-eval can still check a lockfile).
        mutating func lmEvalVersion(engine: String) throws -> String {
            if lmEvalVersion == nil { lmEvalVersion = .some(resolver.lmEval.version()) }
            if let installed = lmEvalVersion ?? nil { return installed }
            if let old = context.previous?.engines.first(where: { $0.spec.key == engine && $0.spec.harness == "lm-eval" })?.harnessVersion {
                return old
            }
            throw LockError.harnessNotInstalled(engine: engine, python: resolver.lmEval.python)
        }

        mutating func image(_ image: String, engine: String) async throws -> ResolvedImage? {
            if let cached = imageCache[image] { return cached }
            let reference = try ImageReference.parse(image)
            var resolved: ResolvedImage?
            if let digest = reference.digest {
                resolved = ResolvedImage(digest: digest, pinned: reference.pinned(to: digest), mediaType: nil)
            } else if context.offline {
                if let old = context.previous?.engines.first(where: { $0.spec.image == image }),
                   let digest = old.imageDigest, let pinned = old.pinnedImage {
                    resolved = ResolvedImage(digest: digest, pinned: pinned, mediaType: nil)
                } else {
                    missing.append("engine '\(engine)': image '\(image)'")
                }
            } else {
                resolved = try await resolver.registry.resolve(image)
            }
            if let resolved { imageCache[image] = resolved }
            return resolved
        }

        mutating func dataset(_ d: DatasetSpec) async throws -> LockedDataset? {
            if d.isLocalPath {
                var hashes: [String: String] = [:]
                for (split, file) in d.files { hashes[split] = try ContentHash.of(path: localPath(file)) }
                let sha = d.files.isEmpty ? try ContentHash.of(path: localPath(d.id)) : SHA256.hex(
                    hashes.keys.sorted().map { "\(hashes[$0] ?? "")  \($0)\n" }.joined())
                return LockedDataset(key: d.key, id: d.id, revision: d.revision, config: d.config, source: .local,
                                     sha: sha, files: d.files, fileHashes: hashes)
            }
            guard let sha = try await hubSHA(.dataset, id: d.id, revision: d.revision, label: "dataset '\(d.key)'") else { return nil }
            return LockedDataset(key: d.key, id: d.id, revision: d.revision, config: d.config, source: .hub, sha: sha, files: d.files)
        }
    }
}
