import Foundation
import Git

/// Why bringing a repository into agreement with its remote failed. Nothing was changed locally
/// unless the case says so.
public enum SyncError: PressError, Equatable {
    /// No remote of that name (a configuration error).
    case noRemote(String, available: [String])
    /// HEAD names no branch, so there is nothing to sync.
    case detachedHead
    /// Fetching or pushing failed: the network, the remote or its credentials.
    case unreachable(remote: String, reason: String)
    /// A local commit and the remote changed the same file: press does not merge posts.
    case conflict(path: String, commit: String, remote: String)
    /// Local commits since the common ancestor include a merge, which press does not replay.
    case mergeCommit(String)
    /// The local branch and the remote's share no history.
    case unrelatedHistories(remote: String)
    /// Every push was refused because someone else kept pushing first.
    case stillRejected(remote: String, attempts: Int, reason: String)
    /// A transition was committed locally but could not be pushed.
    case notPushed(commit: String, remote: String, reason: String)
    /// The remote brings commits that break the workflow (`press verify`); they are not built on.
    case breaksTheRules(remote: String, violations: [Violation])

    public var location: SourceLocation? {
        if case .conflict(let path, _, _) = self { return SourceLocation(path: path) }
        return nil
    }

    public var isConfigurationError: Bool {
        switch self {
        case .noRemote, .detachedHead: return true
        default: return false
        }
    }

    public var description: String {
        switch self {
        case .noRemote(let name, let available):
            let known =
                available.isEmpty
                ? "the repository has no remotes (git remote add NAME URL)"
                : "remotes: \(available.joined(separator: ", "))"
            return "no remote named '\(name)'; \(known)"
        case .detachedHead:
            return "HEAD is detached: check out a branch to sync it"
        case .unreachable(let remote, let reason):
            return "cannot reach '\(remote)': \(reason); nothing was changed"
        case .conflict(_, let commit, let remote):
            return
                "the local commit '\(commit)' and \(remote) both changed this file; nothing was changed (press does not merge posts: undo one side, then sync)"
        case .mergeCommit(let commit):
            return
                "the local commit '\(commit)' is a merge; press replays only a straight line of commits; nothing was changed"
        case .unrelatedHistories(let remote):
            return "the local branch and \(remote) share no history; nothing was changed"
        case .stillRejected(let remote, let attempts, let reason):
            return
                "\(remote) refused the push \(attempts) times (\(reason)); the commits are kept locally: run 'press sync' again"
        case .notPushed(let commit, let remote, let reason):
            return "committed locally as \(commit) but not pushed to \(remote): \(reason); run 'press sync' to push it"
        case .breaksTheRules(let remote, let violations):
            let shown = violations.prefix(5).map {
                "\n  commit \($0.commit.description.prefix(7)) \($0.subject) (\($0.author)): \($0.path): \($0.message) [\($0.rule)]"
            }.joined()
            let more = violations.count > 5 ? "\n  and \(violations.count - 5) more (press verify \(remote))" : ""
            return
                "\(remote) brings commits that break the workflow; nothing was changed, and nothing is built on them until an admin reverts them:\(shown)\(more)"
        }
    }
}
