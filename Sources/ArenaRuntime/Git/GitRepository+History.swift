import CGit2
import Foundation

extension GitRepository {
    public enum CommitPresence: Sendable, Equatable {
        /// HEAD itself or one of its ancestors.
        case inHistory
        /// In the object database but not reachable from HEAD.
        case notAncestorOfHead
        case missing
    }

    /// Where `sha` stands relative to HEAD's history.
    public func presence(ofCommit sha: String) throws -> CommitPresence {
        var oid = git_oid()
        guard sha.count == 40, git_oid_fromstr(&oid, sha) == 0 else { return .missing }
        var commit: OpaquePointer?
        let code = git_commit_lookup(&commit, handle, &oid)
        if code == GIT_ENOTFOUND.rawValue { return .missing }
        guard code == 0 else { throw GitError.last("git_commit_lookup", code) }
        git_commit_free(commit)
        var head = git_oid()
        let headCode = git_reference_name_to_id(&head, handle, "HEAD")
        guard headCode == 0 else { return .notAncestorOfHead }
        if git_oid_equal(&head, &oid) != 0 { return .inHistory }
        let descends = git_graph_descendant_of(handle, &head, &oid)
        guard descends >= 0 else { throw GitError.last("git_graph_descendant_of", descends) }
        return descends == 1 ? .inHistory : .notAncestorOfHead
    }
}
