import Foundation

/// Reads the provenance of an experiment file: the repository it lives in and that repository's state.
public enum GitProvenanceReader {
    /// The repository root and state for `file`, or nil when the file is not inside a git work tree.
    /// `excluding` lists paths relative to the repository root left out of the dirty paths (the
    /// lockfile, and `results/` where run outputs go); one ending in `/` leaves out a whole folder.
    public static func read(file: URL, excluding: [String]) throws -> (root: URL, provenance: GitProvenance)? {
        let directory = file.deletingLastPathComponent().path
        guard let repo = try GitRepository.discover(containing: directory), let workdir = repo.workdir else { return nil }
        let root = URL(fileURLWithPath: workdir, isDirectory: true)
        let head = try repo.head()
        let remote = try repo.preferredRemote()
        let dirty = try repo.changedPaths().filter { path in
            !excluding.contains { $0.hasSuffix("/") ? path.hasPrefix($0) : path == $0 }
        }
        let provenance = GitProvenance(head: head.commit, branch: head.branch, detached: head.detached,
                                       remoteName: remote?.name, remoteURL: remote?.url.map(stripCredentials),
                                       dirtyPaths: dirty)
        return (root, provenance)
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
