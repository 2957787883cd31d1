import Foundation

/// Fetches the data files of a Hub dataset split at a pinned commit into the content-addressed
/// cache, checking each file's sha256 against the Hub's listing, and answers later loads from the
/// cache without a request. Parquet files are preferred, then JSONL/CSV; when the dataset has no
/// such files of its own for the config and split, the `refs/convert/parquet` branch (the Hub's
/// own Parquet conversion, resolved to its commit) is read instead.
public struct HubFilesStore: Sendable {
    public let configuration: HubFilesConfiguration
    public let cache: HubCache
    let api: HubFilesAPI

    public static let parquetConversionBranch = "refs/convert/parquet"

    public init(configuration: HubFilesConfiguration, client: HTTPClient = HTTPClient()) {
        self.configuration = configuration
        self.cache = HubCache(root: configuration.cacheDirectory)
        self.api = HubFilesAPI(auth: configuration.auth, client: client)
    }

    /// The split's files, in read order, each present in the cache once this returns.
    /// A branch or tag is first resolved to its commit (remembered in the cache for offline use),
    /// so what is cached and recorded is always tied to a commit.
    public func files(repo: String, revision requested: String, config: String?, split: String) throws -> [HubCachedFile] {
        let revision = try commit(repo: repo, revision: requested)
        let described = "dataset \(repo) at \(revision), config '\(config ?? "default")', split '\(split)'"
        if let listed = cache.cachedSplit(repo: repo, revision: revision, config: config, split: split),
           listed.allSatisfy({ cache.hasBlob(sha256: $0.sha256) }) {
            return listed
        }
        if configuration.offline {
            if let listed = cache.cachedSplit(repo: repo, revision: revision, config: config, split: split),
               let missing = listed.first(where: { !cache.hasBlob(sha256: $0.sha256) }) {
                throw HubFilesError.offlineMissing("file \(missing.address) (sha256 \(missing.sha256))")
            }
            throw HubFilesError.offlineMissing("the file list of \(described)")
        }
        var source = revision
        var entries = try api.listFiles(repo: repo, revision: revision)
        var chosen = try choose(entries, repo: repo, revision: revision, config: config, split: split)
        if chosen.isEmpty {
            let ownParquet = entries.map(\.path).filter { $0.hasSuffix(".parquet") }
            do {
                source = try api.resolveCommit(repo: repo, revision: Self.parquetConversionBranch)
            } catch HubFilesError.notFound {
                throw HubFilesError.noFiles(repo: repo, revision: revision, config: config, split: split, available: ownParquet)
            }
            entries = try api.listFiles(repo: repo, revision: source)
            chosen = HubFilesSelection.select(entries.map(\.path), config: config, split: split)
            guard !chosen.isEmpty else {
                throw HubFilesError.noFiles(repo: repo, revision: "\(revision) (or its Parquet conversion \(source))", config: config,
                                            split: split, available: entries.map(\.path).filter { $0.hasSuffix(".parquet") })
            }
        }
        let byPath = Dictionary(entries.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
        var files: [HubCachedFile] = []
        for path in chosen {
            guard let entry = byPath[path] else { continue }
            files.append(try fetch(repo: repo, revision: source, entry: entry))
        }
        try cache.recordSplit(repo: repo, revision: revision, config: config, split: split, files: files)
        return files
    }

    /// `revision` itself when it is a commit SHA; otherwise the commit the branch or tag points at
    /// now (online), or pointed at when last resolved (offline).
    public func commit(_ kind: HubRepoKind = .dataset, repo: String, revision: String) throws -> String {
        if Self.isCommitSHA(revision) { return revision.lowercased() }
        if configuration.offline {
            guard let known = cache.resolvedRevision(kind: kind, repo: repo, revision: revision) else {
                throw HubFilesError.offlineMissing("the commit of revision '\(revision)' of \(kind.rawValue) \(repo)")
            }
            return known
        }
        let sha = try api.addressing(kind).resolveCommit(repo: repo, revision: revision)
        guard Self.isCommitSHA(sha) else { throw HubFilesError.request("\(kind.rawValue) \(repo): revision '\(revision)' resolved to '\(sha)', not a commit") }
        try cache.recordResolvedRevision(kind: kind, repo: repo, revision: revision, commit: sha.lowercased())
        return sha.lowercased()
    }

    static func isCommitSHA(_ text: String) -> Bool {
        text.count == 40 && text.allSatisfy { $0.isHexDigit }
    }

    /// The dataset's own files for the config and split: those its card's `configs` section names
    /// when it has one for them; else Parquet files by folder and name; else JSONL/CSV ones, unless
    /// the dataset is built by a loading script (whose raw files are not the dataset's rows).
    private func choose(_ entries: [HubTreeEntry], repo: String, revision: String, config: String?, split: String) throws -> [String] {
        let paths = entries.map(\.path)
        if paths.contains("README.md") {
            let card = try api.fetch(repo: repo, revision: revision, path: "README.md")
            if let readme = HubFilesReadme(String(decoding: card, as: UTF8.self)),
               let listed = readme.files(paths, config: config, split: split), !listed.isEmpty {
                return listed
            }
        }
        let parquet = HubFilesSelection.select(paths, config: config, split: split)
        if !parquet.isEmpty { return parquet }
        let hasLoadingScript = paths.contains { !$0.contains("/") && $0.hasSuffix(".py") }
        if hasLoadingScript { return [] }
        return HubFilesSelection.select(paths, config: config, split: split, extensions: ["jsonl", "ndjson", "csv"])
    }

    /// One file into the cache: reused when the index already maps it to a present blob,
    /// otherwise downloaded to a temporary file, checked, and moved into place.
    func fetch(_ kind: HubRepoKind = .dataset, repo: String, revision: String, entry: HubTreeEntry) throws -> HubCachedFile {
        if let known = cache.cachedFile(kind: kind, repo: repo, revision: revision, path: entry.path), cache.hasBlob(sha256: known.sha256),
           entry.sha256 == nil || entry.sha256 == known.sha256 {
            return known
        }
        if let sha = entry.sha256, cache.hasBlob(sha256: sha) {
            let file = HubCachedFile(kind: kind, repo: repo, revision: revision, path: entry.path, sha256: sha, size: entry.size)
            try cache.recordFile(file)
            return file
        }
        let temporary = try cache.temporaryBlobURL()
        defer { try? FileManager.default.removeItem(at: temporary) }
        try api.addressing(kind).download(repo: repo, revision: revision, path: entry.path, to: temporary)
        let actual = try SHA256.hex(fileAt: temporary)
        let address = "hf://\(kind.pathPrefix)\(repo)@\(revision)/\(entry.path)"
        if let expected = entry.sha256 {
            guard actual == expected.lowercased() else {
                throw HubFilesError.checksumMismatch(address: address, expected: expected, actual: actual)
            }
        } else if let oid = entry.gitOid {
            let blob = try gitBlobSHA1(fileAt: temporary)
            guard blob == oid.lowercased() else {
                throw HubFilesError.checksumMismatch(address: address, expected: "git blob \(oid)", actual: "git blob \(blob)")
            }
        }
        let attributes = try? FileManager.default.attributesOfItem(atPath: temporary.path)
        let size = (attributes?[.size] as? NSNumber)?.intValue ?? entry.size
        try cache.commitBlob(from: temporary, sha256: actual)
        let file = HubCachedFile(kind: kind, repo: repo, revision: revision, path: entry.path, sha256: actual, size: size)
        try cache.recordFile(file)
        return file
    }
}
