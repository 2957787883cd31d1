import Foundation

/// A file as stored: where it came from on the Hub, its sha256 and size.
public struct HubCachedFile: Sendable, Equatable {
    public var kind: HubRepoKind
    public var repo: String
    /// The commit the file was read at (the dataset's, or the Parquet conversion branch's).
    public var revision: String
    public var path: String
    public var sha256: String
    public var size: Int

    /// `hf://datasets/<repo>@<revision>/<path>` for dataset files, `hf://<repo>@<revision>/<path>`
    /// for model files: the huggingface_hub file-system address.
    public var address: String { "hf://\(kind.pathPrefix)\(repo)@\(revision)/\(path)" }

    /// Dataset entries carry no `kind` field (the index format datasets always had).
    var json: JSONValue {
        var fields: [String: JSONValue] = ["repo": .string(repo), "revision": .string(revision), "path": .string(path),
                                           "sha256": .string(sha256), "size": .int(size)]
        if kind != .dataset { fields["kind"] = .string(kind.rawValue) }
        return .object(fields)
    }

    init(kind: HubRepoKind = .dataset, repo: String, revision: String, path: String, sha256: String, size: Int) {
        self.kind = kind
        self.repo = repo
        self.revision = revision
        self.path = path
        self.sha256 = sha256
        self.size = size
    }

    init(json: JSONValue) throws {
        guard let repo = json["repo"]?.stringValue, let revision = json["revision"]?.stringValue,
              let path = json["path"]?.stringValue, let sha = json["sha256"]?.stringValue, let size = json["size"]?.intValue else {
            throw HubFilesError.cacheCorrupt("index entry lacks repo/revision/path/sha256/size")
        }
        let kindName = json["kind"]?.stringValue ?? HubRepoKind.dataset.rawValue
        guard let kind = HubRepoKind(rawValue: kindName) else { throw HubFilesError.cacheCorrupt("index entry has unknown kind '\(kindName)'") }
        self.init(kind: kind, repo: repo, revision: revision, path: path, sha256: sha, size: size)
    }
}

/// Content-addressed store of downloaded files: `blobs/sha256/<hash>` holds the bytes, and
/// `index/` maps (repo, commit, path) to a blob and (repo, commit, config, split) to the list of
/// files of that split, so a second load needs no request. Everything is written atomically and a
/// blob only appears once its hash has been checked.
public struct HubCache: Sendable {
    public let root: URL

    public init(root: URL) { self.root = root }

    var blobDirectory: URL { root.appendingPathComponent("blobs/sha256") }

    public func blobURL(sha256: String) -> URL { blobDirectory.appendingPathComponent(sha256) }

    public func hasBlob(sha256: String) -> Bool {
        FileManager.default.fileExists(atPath: blobURL(sha256: sha256).path)
    }

    /// A temporary file beside the blobs, for a download in progress.
    func temporaryBlobURL() throws -> URL {
        try FileManager.default.createDirectory(at: blobDirectory, withIntermediateDirectories: true)
        return blobDirectory.appendingPathComponent(".download-\(ProcessInfo.processInfo.processIdentifier)-\(UInt64.random(in: 0 ... .max))")
    }

    /// Moves a verified temporary file into place as the blob for `sha256`.
    func commitBlob(from temporary: URL, sha256: String) throws {
        let target = blobURL(sha256: sha256)
        if rename(temporary.path, target.path) != 0 {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw HubFilesError.cacheWrite(path: target.path, reason: reason)
        }
    }

    /// The blob's bytes, checked against its name. A blob whose bytes do not match is removed.
    public func readBlob(sha256: String) throws -> Data? {
        let url = blobURL(sha256: sha256)
        guard let data = FileManager.default.contents(atPath: url.path) else { return nil }
        guard SHA256.hex(data) == sha256 else {
            try? FileManager.default.removeItem(at: url)
            return nil
        }
        return data
    }

    // MARK: - Index

    func key(_ parts: [String]) -> String { SHA256.hex(parts.joined(separator: "\u{0}")) }

    func fileIndexURL(kind: HubRepoKind = .dataset, repo: String, revision: String, path: String) -> URL {
        root.appendingPathComponent("index/files").appendingPathComponent(key([kind.rawValue, repo, revision, path]) + ".json")
    }

    func splitIndexURL(repo: String, revision: String, config: String?, split: String) -> URL {
        root.appendingPathComponent("index/splits")
            .appendingPathComponent(key(["dataset", repo, revision, config ?? "", split]) + ".json")
    }

    public func cachedFile(kind: HubRepoKind = .dataset, repo: String, revision: String, path: String) -> HubCachedFile? {
        let url = fileIndexURL(kind: kind, repo: repo, revision: revision, path: path)
        guard let data = FileManager.default.contents(atPath: url.path), let json = try? JSONValue.parse(data),
              let file = try? HubCachedFile(json: json), file.kind == kind, file.repo == repo, file.revision == revision,
              file.path == path else { return nil }
        return file
    }

    func recordFile(_ file: HubCachedFile) throws {
        try AtomicFile.write(file.json.serializedData(), to: fileIndexURL(kind: file.kind, repo: file.repo, revision: file.revision, path: file.path))
    }

    func refIndexURL(kind: HubRepoKind = .dataset, repo: String, revision: String) -> URL {
        root.appendingPathComponent("index/refs").appendingPathComponent(key([kind.rawValue, repo, revision]) + ".json")
    }

    /// The commit a branch or tag resolved to when last asked, or nil.
    public func resolvedRevision(kind: HubRepoKind = .dataset, repo: String, revision: String) -> String? {
        guard let data = FileManager.default.contents(atPath: refIndexURL(kind: kind, repo: repo, revision: revision).path),
              let json = try? JSONValue.parse(data), json["repo"]?.stringValue == repo, json["revision"]?.stringValue == revision else { return nil }
        return json["commit"]?.stringValue
    }

    func recordResolvedRevision(kind: HubRepoKind = .dataset, repo: String, revision: String, commit: String) throws {
        let json = JSONValue.object(["repo": .string(repo), "revision": .string(revision), "commit": .string(commit)])
        try AtomicFile.write(json.serializedData(), to: refIndexURL(kind: kind, repo: repo, revision: revision))
    }

    /// The files of a split recorded by an earlier load, or nil.
    public func cachedSplit(repo: String, revision: String, config: String?, split: String) -> [HubCachedFile]? {
        let url = splitIndexURL(repo: repo, revision: revision, config: config, split: split)
        guard let data = FileManager.default.contents(atPath: url.path), let json = try? JSONValue.parse(data),
              json["repo"]?.stringValue == repo, json["revision"]?.stringValue == revision,
              json["split"]?.stringValue == split, let list = json["files"]?.arrayValue else { return nil }
        return try? list.map(HubCachedFile.init(json:))
    }

    func recordSplit(repo: String, revision: String, config: String?, split: String, files: [HubCachedFile]) throws {
        let json = JSONValue.object([
            "repo": .string(repo), "revision": .string(revision), "config": config.map(JSONValue.string) ?? .null,
            "split": .string(split), "files": .array(files.map(\.json)),
        ])
        try AtomicFile.write(json.serializedData(), to: splitIndexURL(repo: repo, revision: revision, config: config, split: split))
    }
}
