import Foundation

/// A Hub model at a pinned commit, brought into a local folder the native engine opens
/// (`NativeEngine(folder:)`): the repository's tree is listed through `/api/models/{id}/tree/{commit}`,
/// the files the engine reads are chosen (`HubModelFiles`), each is downloaded through
/// `{endpoint}/{id}/resolve/{commit}/{path}` into the same verified, content-addressed cache as
/// dataset files (sha256 against the LFS object id; git blob id for files kept in git), and
/// `<cache>/models/<owner>--<name>/<commit>/` is built from the blobs. A second call for the same
/// model and commit sends no request; offline mode reads only the cache.
public enum HubModelSnapshot {
    /// The model folder and the files in it, sorted by path, each as
    /// `DataFileRecord(path: "hf://<id>@<commit>/<file>", sha256:, size:)` for the bundle.
    public static func folder(id: String, commit: String, store: HubFilesStore) throws -> (folder: URL, files: [DataFileRecord]) {
        try HubModelFiles.checkID(id)
        guard HubFilesStore.isCommitSHA(commit) else { throw HubModelError.notACommit(model: id, revision: commit) }
        let commit = commit.lowercased()
        let cache = store.cache
        let target = cache.modelFolderURL(repo: id, revision: commit)
        if let recorded = cache.cachedModelFiles(repo: id, revision: commit) {
            if let missing = recorded.first(where: { !cache.hasBlob(sha256: $0.sha256) }) {
                if store.configuration.offline {
                    throw HubFilesError.offlineMissing("file \(missing.address) (sha256 \(missing.sha256))")
                }
            } else {
                try HubModelFolder.materialise(recorded, cache: cache, at: target)
                return (target, records(recorded))
            }
        } else if store.configuration.offline {
            throw HubFilesError.offlineMissing("the file list of model \(id) at \(commit)")
        }
        let files: [HubCachedFile]
        do {
            files = try fetchFiles(id: id, commit: commit, store: store)
        } catch let HubFilesError.unauthorized(_, message) {
            throw HubModelError.unauthorized(model: id, message: message)
        } catch let HubFilesError.notFound(_, message) {
            throw HubModelError.notFound(model: id, message: message)
        }
        try cache.recordModelFiles(repo: id, revision: commit, files: files)
        try HubModelFolder.materialise(files, cache: cache, at: target)
        return (target, records(files))
    }

    /// The folder for the model files a lockfile or bundle recorded (`hf://<id>@<commit>/<name>`
    /// with sha256 and size, as `folder(id:commit:store:)` returned them): built from the cache by
    /// sha256 with no request when every blob is there; otherwise, online, the model is fetched
    /// again at the recorded commit and must give exactly the recorded files.
    public static func folder(recorded: [DataFileRecord], store: HubFilesStore) throws -> URL {
        guard let first = recorded.first else { throw HubModelError.invalidRecord(path: "", reason: "no files are recorded") }
        let (id, commit, _) = try parseRecordPath(first.path)
        var files: [HubCachedFile] = []
        for record in recorded {
            let (recordID, recordCommit, name) = try parseRecordPath(record.path)
            guard recordID == id, recordCommit == commit else {
                throw HubModelError.invalidRecord(path: record.path, reason: "is not a file of \(id) at \(commit), as \(first.path) is")
            }
            files.append(HubCachedFile(kind: .model, repo: id, revision: commit, path: name, sha256: record.sha256.lowercased(), size: record.size))
        }
        let cache = store.cache
        let missing = files.first { file in
            var info = stat()
            return stat(cache.blobURL(sha256: file.sha256).path, &info) != 0 || Int(info.st_size) != file.size
        }
        guard let missing else {
            let target = cache.modelFolderURL(repo: id, revision: commit)
            try HubModelFolder.materialise(files, cache: cache, at: target)
            return target
        }
        if store.configuration.offline { throw HubFilesError.offlineMissing("file \(missing.address) (sha256 \(missing.sha256))") }
        let fetched = try folder(id: id, commit: commit, store: store)
        let now = Dictionary(fetched.files.map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a })
        for record in recorded {
            guard let current = now[record.path] else {
                throw HubModelError.recordMismatch(path: record.path, recorded: record.sha256, actual: "no such file is chosen now")
            }
            guard current.sha256 == record.sha256.lowercased(), current.size == record.size else {
                throw HubModelError.recordMismatch(path: record.path, recorded: "\(record.sha256) (\(record.size) bytes)",
                                                   actual: "\(current.sha256) (\(current.size) bytes)")
            }
        }
        if let extra = fetched.files.first(where: { file in !recorded.contains { $0.path == file.path } }) {
            throw HubModelError.recordMismatch(path: extra.path, recorded: "not recorded", actual: extra.sha256)
        }
        return fetched.folder
    }

    /// `hf://<id>@<commit>/<name>` -> (id, commit, name), each checked.
    static func parseRecordPath(_ path: String) throws -> (id: String, commit: String, name: String) {
        guard path.hasPrefix("hf://"), let at = path.firstIndex(of: "@") else {
            throw HubModelError.invalidRecord(path: path, reason: "is not an hf://<id>@<commit>/<file> address")
        }
        let id = String(path[path.index(path.startIndex, offsetBy: 5)..<at])
        let rest = path[path.index(after: at)...]
        guard let slash = rest.firstIndex(of: "/") else {
            throw HubModelError.invalidRecord(path: path, reason: "is not an hf://<id>@<commit>/<file> address")
        }
        let commit = String(rest[..<slash])
        let name = String(rest[rest.index(after: slash)...])
        do { try HubModelFiles.checkID(id) } catch {
            throw HubModelError.invalidRecord(path: path, reason: "names no valid model id")
        }
        guard HubFilesStore.isCommitSHA(commit) else { throw HubModelError.invalidRecord(path: path, reason: "names no 40-hex commit") }
        guard !name.isEmpty, !name.contains("/"), !name.hasPrefix(".") else {
            throw HubModelError.invalidRecord(path: path, reason: "names no file at the repository's root")
        }
        return (id, commit.lowercased(), name)
    }

    /// The commit a model's branch or tag points at now (a commit SHA is returned as is), for
    /// pinning: `/api/models/{id}/revision/{ref}`. The answer is kept in the cache, and offline
    /// mode answers from there.
    public static func commit(id: String, revision: String, store: HubFilesStore) throws -> String {
        try HubModelFiles.checkID(id)
        do {
            return try store.commit(.model, repo: id, revision: revision)
        } catch let HubFilesError.unauthorized(_, message) {
            throw HubModelError.unauthorized(model: id, message: message)
        } catch let HubFilesError.notFound(_, message) {
            throw HubModelError.notFound(model: id, message: message)
        }
    }

    /// The async form: the listing and downloads run on a thread of their own, leaving the
    /// concurrency pool free.
    public static func folder(id: String, commit: String, store: HubFilesStore) async throws -> (folder: URL, files: [DataFileRecord]) {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { try folder(id: id, commit: commit, store: store) })
            }
        }
    }

    /// Lists the tree, chooses the files, reads the shard list from the index when there is one,
    /// and brings every chosen file into the cache (each checked before it is kept).
    private static func fetchFiles(id: String, commit: String, store: HubFilesStore) throws -> [HubCachedFile] {
        let entries = try store.api.addressing(.model).listFiles(repo: id, revision: commit)
        let byPath = Dictionary(entries.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
        let choice = try HubModelFiles.choose(entries.map(\.path), model: id, commit: commit)
        var files: [HubCachedFile] = []
        for path in choice.files {
            guard let entry = byPath[path] else { continue }
            files.append(try store.fetch(.model, repo: id, revision: commit, entry: entry))
        }
        if let indexPath = choice.index, let index = files.first(where: { $0.path == indexPath }) {
            guard let data = try store.cache.readBlob(sha256: index.sha256) else {
                throw HubFilesError.cacheCorrupt("file \(index.address) (sha256 \(index.sha256)) cannot be read back from the cache")
            }
            for shard in try HubModelFiles.shards(inIndex: data, model: id, commit: commit) where !files.contains(where: { $0.path == shard }) {
                guard let entry = byPath[shard] else {
                    throw HubModelError.missingFile(model: id, commit: commit, path: shard,
                                                    reason: "is named in model.safetensors.index.json but is not in the repository")
                }
                files.append(try store.fetch(.model, repo: id, revision: commit, entry: entry))
            }
        }
        return files.sorted { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
    }

    /// The content hash of the model folder computed from its records, without reading the
    /// files: sha256 over the byte-sorted lines `<sha256>  <file name>\n` (the format of
    /// `sha256sum *`), which is how the native engine's `ModelFolderHash` hashes a folder.
    public static func folderHash(_ files: [DataFileRecord]) -> String {
        let lines = files.map { "\($0.sha256)  \($0.path.split(separator: "/").last.map(String.init) ?? $0.path)\n" }
        return SHA256.hex(lines.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }.joined())
    }

    private static func records(_ files: [HubCachedFile]) -> [DataFileRecord] {
        files.map { DataFileRecord(path: $0.address, sha256: $0.sha256, size: $0.size) }
    }
}
