import Foundation

/// The model side of the cache: `index/models/<key>.json` lists the files chosen for a (model,
/// commit), and `models/<owner>--<name>/<commit>/` is the folder the native engine opens, holding
/// hard links to (or, where links fail, copies of) the verified blobs.
extension HubCache {
    func modelIndexURL(repo: String, revision: String) -> URL {
        root.appendingPathComponent("index/models").appendingPathComponent(key(["model", repo, revision]) + ".json")
    }

    /// `<cache>/models/<id with / as -->/<commit>`.
    public func modelFolderURL(repo: String, revision: String) -> URL {
        root.appendingPathComponent("models")
            .appendingPathComponent(repo.replacingOccurrences(of: "/", with: "--"))
            .appendingPathComponent(revision, isDirectory: true)
    }

    /// The files an earlier fetch chose for the model at this commit, or nil.
    public func cachedModelFiles(repo: String, revision: String) -> [HubCachedFile]? {
        let url = modelIndexURL(repo: repo, revision: revision)
        guard let data = FileManager.default.contents(atPath: url.path), let json = try? JSONValue.parse(data),
              json["repo"]?.stringValue == repo, json["revision"]?.stringValue == revision,
              let list = json["files"]?.arrayValue, let files = try? list.map(HubCachedFile.init(json:)),
              files.allSatisfy({ $0.kind == .model && $0.repo == repo && $0.revision == revision }) else { return nil }
        return files
    }

    func recordModelFiles(repo: String, revision: String, files: [HubCachedFile]) throws {
        let json = JSONValue.object(["repo": .string(repo), "revision": .string(revision), "files": .array(files.map(\.json))])
        try AtomicFile.write(json.serializedData(), to: modelIndexURL(repo: repo, revision: revision))
    }
}

/// Builds a model folder from cached blobs: in a hidden temporary folder beside the target, then
/// renamed into place, so the engine never sees a half-written folder.
enum HubModelFolder {
    /// Makes `target` hold exactly `files` (by their paths), reusing it when it already does.
    static func materialise(_ files: [HubCachedFile], cache: HubCache, at target: URL) throws {
        let fm = FileManager.default
        let parent = target.deletingLastPathComponent()
        do { try fm.createDirectory(at: parent, withIntermediateDirectories: true) } catch {
            throw HubModelError.folderWrite(path: parent.path, reason: error.localizedDescription)
        }
        if isIntact(files, cache: cache, at: target) { return }
        let suffix = "\(ProcessInfo.processInfo.processIdentifier)-\(UInt64.random(in: 0 ... .max))"
        let temporary = parent.appendingPathComponent(".partial-\(target.lastPathComponent)-\(suffix)")
        defer { try? fm.removeItem(at: temporary) }
        do { try fm.createDirectory(at: temporary, withIntermediateDirectories: false) } catch {
            throw HubModelError.folderWrite(path: temporary.path, reason: error.localizedDescription)
        }
        for file in files {
            let blob = cache.blobURL(sha256: file.sha256)
            let destination = temporary.appendingPathComponent(file.path)
            if link(blob.path, destination.path) != 0 {
                do { try fm.copyItem(at: blob, to: destination) } catch {
                    throw HubModelError.folderWrite(path: destination.path, reason: "cannot link or copy \(blob.path): \(error.localizedDescription)")
                }
            }
        }
        // A folder that is there but not intact (a file removed or changed) is set aside first,
        // unless another process has just put an intact one in place.
        var stale: URL?
        if fm.fileExists(atPath: target.path) {
            if isIntact(files, cache: cache, at: target) { return }
            let aside = parent.appendingPathComponent(".stale-\(target.lastPathComponent)-\(suffix)")
            if rename(target.path, aside.path) == 0 { stale = aside }
        }
        defer { if let stale { try? fm.removeItem(at: stale) } }
        if rename(temporary.path, target.path) != 0 {
            let reason = String(cString: strerror(errno))
            // Another process may have put the same folder in place meanwhile.
            if isIntact(files, cache: cache, at: target) { return }
            throw HubModelError.folderWrite(path: target.path, reason: reason)
        }
    }

    /// True when `folder` holds exactly the files' names (hidden entries aside), each a regular
    /// file of the recorded size that is the cached blob itself (a hard link) or has its sha256.
    static func isIntact(_ files: [HubCachedFile], cache: HubCache, at folder: URL) -> Bool {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return false }
        guard names.filter({ !$0.hasPrefix(".") }).sorted() == files.map(\.path).sorted() else { return false }
        for file in files {
            let path = folder.appendingPathComponent(file.path).path
            var info = stat()
            guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, Int(info.st_size) == file.size else { return false }
            var blob = stat()
            let linked = stat(cache.blobURL(sha256: file.sha256).path, &blob) == 0 && blob.st_ino == info.st_ino && blob.st_dev == info.st_dev
            if !linked {
                guard let actual = try? SHA256.hex(fileAt: URL(fileURLWithPath: path)), actual == file.sha256 else { return false }
            }
        }
        return true
    }
}
