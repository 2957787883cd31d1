import Foundation

/// One file of a Hub model repository that is the model by itself (`model("org/repo", file:
/// "x.Q4_K_M.gguf")`): `lock` pins the commit and the sha256 the tree listing gives the file (its
/// LFS object id); `run` brings just that file into the verified cache (checked against that
/// sha256 as it is downloaded) and opens it from `<cache>/models/<owner>--<name>/<commit>--<file>/`.
extension HubModelSnapshot {
    /// The tree entry of `file` at the repository's root, which must carry an LFS sha256.
    static func fileEntry(_ entries: [HubTreeEntry], model id: String, commit: String, file: String) throws -> HubTreeEntry {
        guard let entry = entries.first(where: { $0.path == file }) else {
            let ggufs = entries.map(\.path).filter { !$0.contains("/") && $0.lowercased().hasSuffix(".gguf") }.sorted()
            throw HubModelError.missingFile(model: id, commit: commit, path: file,
                                            reason: "is not in the repository (.gguf files there: \(ggufs.isEmpty ? "none" : ggufs.joined(separator: ", ")))")
        }
        guard entry.sha256 != nil else {
            throw HubModelError.missingFile(model: id, commit: commit, path: file, reason: "is not stored in LFS, so the Hub lists no sha256 to pin it by")
        }
        return entry
    }

    /// The local path of `file` of model `id` at `commit`, whose bytes have `sha256` (the
    /// lockfile's pin): from the cache with no request when it is there, else listed and
    /// downloaded. Offline mode reads only the cache.
    public static func file(id: String, commit: String, file: String, sha256: String?, store: HubFilesStore) throws -> URL {
        try HubModelFiles.checkID(id)
        guard HubFilesStore.isCommitSHA(commit) else { throw HubModelError.notACommit(model: id, revision: commit) }
        let commit = commit.lowercased(), cache = store.cache
        let target = cache.modelFolderURL(repo: id, revision: "\(commit)--\(file)")
        var cached = cache.cachedFile(kind: .model, repo: id, revision: commit, path: file)
        if let known = cached, !cache.hasBlob(sha256: known.sha256) || (sha256 != nil && known.sha256 != sha256?.lowercased()) { cached = nil }
        if cached == nil {
            if store.configuration.offline {
                throw HubFilesError.offlineMissing("file hf://\(id)@\(commit)/\(file)\(sha256.map { " (sha256 \($0))" } ?? "")")
            }
            do {
                let entries = try store.api.addressing(.model).listFiles(repo: id, revision: commit)
                let entry = try fileEntry(entries, model: id, commit: commit, file: file)
                if let sha256, entry.sha256 != sha256.lowercased() {
                    throw HubModelError.recordMismatch(path: "hf://\(id)@\(commit)/\(file)", recorded: "sha256 \(sha256)", actual: "sha256 \(entry.sha256 ?? "none")")
                }
                cached = try store.fetch(.model, repo: id, revision: commit, entry: entry)
            } catch let HubFilesError.unauthorized(_, message) {
                throw HubModelError.unauthorized(model: id, message: message)
            } catch let HubFilesError.notFound(_, message) {
                throw HubModelError.notFound(model: id, message: message)
            }
        }
        guard let cached else { throw HubFilesError.offlineMissing("file hf://\(id)@\(commit)/\(file)") }
        try HubModelFolder.materialise([cached], cache: cache, at: target)
        return target.appendingPathComponent(file)
    }
}
