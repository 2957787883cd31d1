import CGit2
import Foundation

/// A libgit2 failure: the function that failed, its return code and libgit2's own message.
public struct GitError: Error, CustomStringConvertible, Equatable {
    public let function: String
    public let code: Int32
    public let message: String

    public var description: String { "\(function) failed (\(code)): \(message)" }

    static func last(_ function: String, _ code: Int32) -> GitError {
        let message = git_error_last().flatMap { $0.pointee.message.map { String(cString: $0) } } ?? "no message from libgit2"
        return GitError(function: function, code: code, message: message)
    }
}

/// libgit2 is initialised once per process, on first use; it is never shut down.
enum LibGit2 {
    static let initialized: Bool = git_libgit2_init() > 0
}

/// An open repository. Owns its `git_repository*` and frees it in deinit; every call's return
/// code is checked.
public final class GitRepository {
    let handle: OpaquePointer

    /// Opens the repository containing `path`, searching parent directories. Returns nil when
    /// `path` is not inside a repository.
    public static func discover(containing path: String) throws -> GitRepository? {
        guard LibGit2.initialized else { throw GitError.last("git_libgit2_init", -1) }
        var repo: OpaquePointer?
        let code = git_repository_open_ext(&repo, path, 0, nil)
        if code == GIT_ENOTFOUND.rawValue { return nil }
        guard code == 0, let repo else { throw GitError.last("git_repository_open_ext", code) }
        return GitRepository(handle: repo)
    }

    private init(handle: OpaquePointer) { self.handle = handle }

    deinit { git_repository_free(handle) }

    /// The working directory with a trailing slash removed; nil for a bare repository.
    public var workdir: String? {
        guard let c = git_repository_workdir(handle) else { return nil }
        var path = String(cString: c)
        while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
        return path
    }

    /// HEAD's commit (nil before the first commit), the branch (nil when detached) and whether HEAD is detached.
    public func head() throws -> (commit: String?, branch: String?, detached: Bool) {
        let detachedCode = git_repository_head_detached(handle)
        guard detachedCode >= 0 else { throw GitError.last("git_repository_head_detached", detachedCode) }
        let detached = detachedCode == 1

        var branch: String?
        if !detached {
            var headRef: OpaquePointer?
            let code = git_reference_lookup(&headRef, handle, "HEAD")
            guard code == 0, let headRef else { throw GitError.last("git_reference_lookup(HEAD)", code) }
            defer { git_reference_free(headRef) }
            if let target = git_reference_symbolic_target(headRef) {
                let name = String(cString: target)
                branch = name.hasPrefix("refs/heads/") ? String(name.dropFirst("refs/heads/".count)) : name
            }
        }

        let unborn = git_repository_head_unborn(handle)
        guard unborn >= 0 else { throw GitError.last("git_repository_head_unborn", unborn) }
        if unborn == 1 { return (nil, branch, detached) }

        var ref: OpaquePointer?
        let code = git_repository_head(&ref, handle)
        guard code == 0, let ref else { throw GitError.last("git_repository_head", code) }
        defer { git_reference_free(ref) }
        var resolved: OpaquePointer?
        let peelCode = git_reference_resolve(&resolved, ref)
        guard peelCode == 0, let resolved else { throw GitError.last("git_reference_resolve", peelCode) }
        defer { git_reference_free(resolved) }
        guard let oid = git_reference_target(resolved) else {
            throw GitError(function: "git_reference_target", code: -1, message: "HEAD does not point at a commit")
        }
        return (Self.hex(oid), branch, detached)
    }

    /// `origin` if it exists, else the first remote by name; nil without remotes.
    public func preferredRemote() throws -> (name: String, url: String?)? {
        var list = git_strarray()
        let code = git_remote_list(&list, handle)
        guard code == 0 else { throw GitError.last("git_remote_list", code) }
        defer { git_strarray_dispose(&list) }
        var names: [String] = []
        for i in 0..<list.count {
            if let c = list.strings[i] { names.append(String(cString: c)) }
        }
        guard let name = names.contains("origin") ? "origin" : names.sorted().first else { return nil }
        var remote: OpaquePointer?
        let lookup = git_remote_lookup(&remote, handle, name)
        guard lookup == 0, let remote else { throw GitError.last("git_remote_lookup(\(name))", lookup) }
        defer { git_remote_free(remote) }
        return (name, git_remote_url(remote).map { String(cString: $0) })
    }

    /// Paths (relative to the work tree) that differ from HEAD in the index or the work tree,
    /// plus untracked files; ignored files are left out. Sorted, without duplicates.
    public func changedPaths() throws -> [String] {
        var options = git_status_options()
        let initCode = git_status_options_init(&options, UInt32(GIT_STATUS_OPTIONS_VERSION))
        guard initCode == 0 else { throw GitError.last("git_status_options_init", initCode) }
        options.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR
        options.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED.rawValue | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS.rawValue
        var list: OpaquePointer?
        let code = git_status_list_new(&list, handle, &options)
        guard code == 0, let list else { throw GitError.last("git_status_list_new", code) }
        defer { git_status_list_free(list) }
        var paths = Set<String>()
        for i in 0..<git_status_list_entrycount(list) {
            guard let entry = git_status_byindex(list, i)?.pointee, entry.status.rawValue != GIT_STATUS_CURRENT.rawValue else { continue }
            if entry.status.rawValue & GIT_STATUS_IGNORED.rawValue != 0 { continue }
            for delta in [entry.head_to_index, entry.index_to_workdir] {
                guard let d = delta?.pointee else { continue }
                if let p = d.old_file.path { paths.insert(String(cString: p)) }
                if let p = d.new_file.path { paths.insert(String(cString: p)) }
            }
        }
        return paths.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    private static func hex(_ oid: UnsafePointer<git_oid>) -> String {
        withUnsafeBytes(of: oid.pointee.id) { hexString(Array($0)) }
    }
}
