import Foundation

/// Reads the provenance of an experiment file: the repository it lives in and that repository's state.
public enum GitProvenanceReader {
    /// The repository root and state for `file`, or nil when the file is not inside a git work tree.
    /// `excluding` lists paths relative to the repository root left out altogether (the lockfile,
    /// and `results/` where run outputs go); one ending in `/` leaves out a whole folder.
    /// `tracking` names the experiment's own files and folders (absolute); changed paths among them
    /// are listed in `dirtyPaths`, every other changed path only counted. Below a tracked folder,
    /// hidden names (a component starting with `.`) are counted, not listed: the content hash of
    /// the folder leaves them out too.
    public static func read(file: URL, excluding: [String], tracking: [URL] = []) throws -> (root: URL, provenance: GitProvenance)? {
        let directory = file.deletingLastPathComponent().path
        guard let repo = try GitRepository.discover(containing: directory), let workdir = repo.workdir else { return nil }
        let root = URL(fileURLWithPath: workdir, isDirectory: true)
        let head = try repo.head()
        let remote = try repo.preferredRemote()
        let changed = try repo.changedPaths().filter { path in
            !excluding.contains { $0.hasSuffix("/") ? path.hasPrefix($0) : path == $0 }
        }
        let own = Set(([file] + tracking).compactMap { relativePath($0, inside: root) })
        let dirty = changed.filter { path in isOwn(path, own) }
        let provenance = GitProvenance(head: head.commit, branch: head.branch, detached: head.detached,
                                       remoteName: remote?.name, remoteURL: remote?.url.map(stripCredentials),
                                       dirtyPaths: dirty, otherDirtyCount: changed.count - dirty.count)
        return (root, provenance)
    }

    /// Whether `path` is one of `own` or below one of them, without a hidden name below it.
    static func isOwn(_ path: String, _ own: Set<String>) -> Bool {
        if own.contains(path) { return true }
        return own.contains { folder in
            guard path.hasPrefix(folder + "/") else { return false }
            return !path.dropFirst(folder.count + 1).split(separator: "/").contains { $0.hasPrefix(".") }
        }
    }

    /// `url` relative to `root` (symbolic links resolved in both), or nil outside it or at it.
    static func relativePath(_ url: URL, inside root: URL) -> String? {
        let path = url.standardizedFileURL.resolvingSymlinksInPath().path
        var base = root.standardizedFileURL.resolvingSymlinksInPath().path
        if !base.hasSuffix("/") { base += "/" }
        guard path.hasPrefix(base), path.count > base.count else { return nil }
        var relative = String(path.dropFirst(base.count))
        while relative.hasSuffix("/") { relative.removeLast() }
        return relative
    }

    /// The root of the work tree holding `file`, without reading its state; nil outside a repository.
    public static func repositoryRoot(containing file: URL) throws -> URL? {
        try GitRepository.discover(containing: file.deletingLastPathComponent().path)?.workdir.map { URL(fileURLWithPath: $0, isDirectory: true) }
    }

    /// Removes the user information from `scheme://user:password@host/...` URLs (all of it for
    /// http(s), the password for other schemes). scp-style `user@host:path` has no password and is kept.
    public static func stripCredentials(_ url: String) -> String {
        guard let schemeEnd = url.range(of: "://") else { return url }
        let scheme = url[..<schemeEnd.lowerBound].lowercased()
        let afterScheme = url[schemeEnd.upperBound...]
        let authorityEnd = afterScheme.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? afterScheme.endIndex
        let authority = afterScheme[..<authorityEnd]
        guard let at = authority.lastIndex(of: "@") else { return url }
        let userinfo = authority[..<at]
        let host = authority[authority.index(after: at)...]
        var kept = ""
        if scheme != "http" && scheme != "https" {
            let user = userinfo.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            if !user.isEmpty { kept = user + "@" }
        }
        return String(url[..<schemeEnd.upperBound]) + kept + host + afterScheme[authorityEnd...]
    }
}
