import Foundation

/// `arena-script lock`: reads provenance, resolves pins, and writes, checks or refuses to write
/// `lockfiles/<experiment file name>.lock` under the repository root (or the current directory
/// outside a repository).
public struct LockService: Sendable {
    public struct Options: Sendable, Equatable {
        /// Fail instead of writing when the result differs from the lockfile on disk.
        public var locked: Bool
        /// Use no network; pins come from the experiment and the existing lockfile.
        public var offline: Bool
        /// Allow an experiment outside a git repository and record no provenance.
        public var noGit: Bool

        public init(locked: Bool = false, offline: Bool = false, noGit: Bool = false) {
            self.locked = locked
            self.offline = offline
            self.noGit = noGit
        }
    }

    public enum Outcome: Sendable, Equatable {
        case written(path: String)
        /// The file on disk already had exactly these bytes.
        case unchanged(path: String)
        /// `--locked` and nothing would change.
        case upToDate(path: String)

        public var path: String {
            switch self {
            case let .written(p), let .unchanged(p), let .upToDate(p): return p
            }
        }
    }

    public var resolver: LockResolver
    public var currentDirectory: URL

    public init(resolver: LockResolver, currentDirectory: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)) {
        self.resolver = resolver
        self.currentDirectory = currentDirectory
    }

    /// The resolver from the environment: `HF_ENDPOINT`/`HF_TOKEN` and `ARENA_REGISTRY_MIRROR`/`ARENA_REGISTRY_AUTH`.
    /// `taskCatalog` replaces `LockResolver`'s default catalog when given; retries are reported to `log`.
    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment,
                                       taskCatalog: TaskLockCatalog? = nil,
                                       log: (@Sendable (String) -> Void)? = nil) throws -> LockService {
        let client = HTTPClient(log: log)
        var resolver = LockResolver(hub: HubRevisionResolver(endpoint: .fromEnvironment(env), client: client),
                                    registry: RegistryDigestResolver(endpoints: try .fromEnvironment(env), client: client))
        if let taskCatalog { resolver.taskCatalog = taskCatalog }
        resolver.lmEval = .fromEnvironment(env)
        return LockService(resolver: resolver)
    }

    /// Where result bundles go by default, relative to the repository root: run outputs, so not
    /// counted as changes in the provenance.
    public static let resultsFolder = "results/"

    /// Where the lockfile of `experimentFile` goes, relative to `root`.
    public static func lockfileRelativePath(experimentFile: URL) -> String {
        "lockfiles/\(experimentFile.deletingPathExtension().lastPathComponent).lock"
    }

    public func lock(_ plan: ExperimentPlan, options: Options) async throws -> Outcome {
        try await lockAndLoad(plan, options: options).outcome
    }

    /// `lock`, also returning the lockfile as written (or as on disk, when up to date) for `run`,
    /// which executes `lockfile.pinning(plan)`.
    public func lockAndLoad(_ plan: ExperimentPlan, options: Options) async throws -> (outcome: Outcome, lockfile: Lockfile) {
        let file = (plan.sourcePath.hasPrefix("/") ? URL(fileURLWithPath: plan.sourcePath)
            : currentDirectory.appendingPathComponent(plan.sourcePath)).standardizedFileURL
        let bytes: Data
        do { bytes = try Data(contentsOf: file) } catch {
            throw LockError.unreadableExperiment(path: plan.sourcePath, reason: error.localizedDescription)
        }
        let relativeLockPath = Self.lockfileRelativePath(experimentFile: file)

        let root: URL
        var provenance: GitProvenance?
        if options.noGit {
            root = try GitProvenanceReader.repositoryRoot(containing: file) ?? currentDirectory.standardizedFileURL
        } else if let found = try GitProvenanceReader.read(file: file, excluding: [relativeLockPath, Self.resultsFolder],
                                                           tracking: Self.localInputs(plan, experimentDirectory: file.deletingLastPathComponent())) {
            root = found.root
            provenance = found.provenance
        } else {
            throw LockError.notInRepository(file: plan.sourcePath)
        }
        let lockURL = root.appendingPathComponent(relativeLockPath)
        let shownPath = Self.relative(lockURL, to: currentDirectory)

        let existingText = try? String(contentsOf: lockURL, encoding: .utf8)
        var previous: Lockfile?
        if let existingText {
            do { previous = try LockfileReader.parse(existingText, path: shownPath) } catch {
                if options.locked || options.offline { throw LockError.unreadableLockfile("\(error)") }
            }
        }
        if options.locked && existingText == nil { throw LockError.noLockfile(path: shownPath) }

        let experiment = LockedExperiment(name: plan.name, file: Self.relative(file, to: root), sha256: SHA256.hex(bytes),
                                          seed: plan.seed, limit: plan.limit, tolerance: plan.tolerance)
        let context = LockResolver.Context(experimentDirectory: file.deletingLastPathComponent(), offline: options.offline,
                                           previous: previous, lockfilePath: shownPath)
        var resolved = try await resolver.resolve(plan, experiment: experiment, git: provenance, context: context)

        if options.locked, let existingText {
            // Provenance says where the lock was made (committing the lockfile moves HEAD), so it is not compared.
            if let previous { resolved.git = previous.git }
            let candidate = LockfileWriter.render(resolved)
            guard candidate == existingText else {
                let diff = UnifiedDiff.render(old: existingText, new: candidate, oldName: "\(shownPath) (recorded)", newName: "\(shownPath) (resolved now)")
                throw LockError.wouldChange(path: shownPath, diff: diff)
            }
            return (.upToDate(path: shownPath), resolved)
        }
        // Same pins and the same changed experiment paths: the file on disk (when it is as this
        // version writes it) stays as it is, its provenance naming where these pins were locked. A
        // new commit or an unrelated file changes neither the lockfile nor the run id.
        if let previous, let existingText, Self.samePins(previous, resolved), LockfileWriter.render(previous) == existingText {
            return (.unchanged(path: shownPath), previous)
        }
        let text = LockfileWriter.render(resolved)
        if text == existingText { return (.unchanged(path: shownPath), resolved) }
        try AtomicFile.write(text, to: lockURL)
        return (.written(path: shownPath), resolved)
    }

    /// The experiment's local inputs as absolute URLs: model folders and files, dataset files.
    static func localInputs(_ plan: ExperimentPlan, experimentDirectory: URL) -> [URL] {
        var paths = plan.models.filter(\.isLocalPath).map(\.id)
        for d in plan.datasets where d.isLocalPath {
            paths += d.files.isEmpty ? [d.id] : d.files.keys.sorted().compactMap { d.files[$0] }
        }
        return paths.map { resolvePath($0, against: experimentDirectory) }
    }

    /// Whether two lockfiles pin the same things and record the same changed experiment paths;
    /// the rest of the provenance (HEAD, branch, remote, other changed paths) is not compared.
    static func samePins(_ a: Lockfile, _ b: Lockfile) -> Bool {
        guard (a.git == nil) == (b.git == nil), a.git?.dirtyPaths == b.git?.dirtyPaths else { return false }
        var left = a, right = b
        left.git = nil
        right.git = nil
        return LockfileWriter.render(left) == LockfileWriter.render(right)
    }

    /// `url` relative to `base` when inside it, else the absolute path.
    static func relative(_ url: URL, to base: URL) -> String {
        let path = url.standardizedFileURL.resolvingSymlinksInPath().path
        var basePath = base.standardizedFileURL.resolvingSymlinksInPath().path
        if !basePath.hasSuffix("/") { basePath += "/" }
        return path.hasPrefix(basePath) ? String(path.dropFirst(basePath.count)) : path
    }
}
