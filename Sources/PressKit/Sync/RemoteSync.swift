import Foundation
import Git

/// How the local branch was brought up to the remote's.
public enum Integration: Equatable, Sendable {
    /// Nothing new on either side.
    case upToDate
    /// Only local commits are new: nothing to bring in.
    case ahead
    /// The local branch moved forward to the remote's tip.
    case fastForwarded
    /// Local commits were rebuilt on top of the remote's tip (some may have been there already).
    case rebased(commits: Int)
}

/// What a push did.
public enum PushOutcome: Equatable, Sendable {
    case upToDate
    case pushed(commits: Int)
    case rejected(reason: String)
}

/// What `sync` did, for the CLI to print.
public struct SyncSummary: Equatable, Sendable {
    /// Commits that were on the remote and not here before the fetch.
    public var fetched: Int
    public var integration: Integration
    public var pushed: Int
    /// Pushes refused (someone pushed first) before one went through.
    public var rejectedPushes: Int

    public init(fetched: Int, integration: Integration, pushed: Int, rejectedPushes: Int) {
        self.fetched = fetched
        self.integration = integration
        self.pushed = pushed
        self.rejectedPushes = rejectedPushes
    }
}

/// A content repository's branch and the remote branch it follows: fetch, fast-forward or rebase
/// the local commits, push, all through libgit2 and never with force.
///
/// The remote is the record: a local commit that conflicts with it is refused, not merged, and a
/// push goes through only if the remote branch is still where the fetch left it.
public final class RemoteSync: Sendable {
    public let repository: ContentRepository
    public let remote: Remote
    /// The local branch (`main`) and the remote branch it follows.
    public let branch: String
    public let remoteBranch: String
    /// Called just before each push; tests use it to push from elsewhere first.
    public var beforePush: (@Sendable () throws -> Void)? {
        get { pushHook.withLock { $0 } }
        set { pushHook.withLock { $0 = newValue } }
    }
    private let pushHook = Locked<(@Sendable () throws -> Void)?>(nil)

    /// The remote `name`, or the branch's upstream (`branch.NAME.remote`), or `origin`.
    /// - Throws: `SyncError.noRemote`, `.detachedHead`.
    public init(repository: ContentRepository, remote name: String?) throws {
        self.repository = repository
        let git = repository.git
        let head = try git.headReferenceName()
        guard head.hasPrefix("refs/heads/") else { throw SyncError.detachedHead }
        branch = String(head.dropFirst("refs/heads/".count))
        let chosen = try name ?? git.configString("branch.\(branch).remote") ?? "origin"
        guard let remote = try git.remote(named: chosen) else {
            throw SyncError.noRemote(chosen, available: try git.remoteNames())
        }
        self.remote = remote
        let merge = try git.configString("branch.\(branch).merge")
        remoteBranch =
            merge.map { $0.hasPrefix("refs/heads/") ? String($0.dropFirst("refs/heads/".count)) : $0 } ?? branch
    }

    /// `origin/main`.
    public var remoteName: String { "\(remote.name)/\(remoteBranch)" }
    private var trackingReference: String { "refs/remotes/\(remote.name)/\(remoteBranch)" }

    /// The remote's tip as of the last fetch or push.
    public func remoteTip() throws -> ObjectID? { try repository.git.referenceTarget(trackingReference) }

    /// Fetches and brings the local branch up to the remote's: a fast-forward, or the local
    /// commits rebuilt on the remote's tip. Returns how many commits the fetch brought.
    /// - Throws: `SyncError` (unreachable, conflict, merge commit, unrelated histories) or
    ///   `GitError.localChanges`; the local branch, index and working tree are then unchanged.
    @discardableResult
    public func pull() throws -> (fetched: Int, integration: Integration) {
        let before = try remoteTip()
        do {
            try repository.git.fetch(remote)
        } catch let error as GitError {
            throw SyncError.unreachable(remote: remote.name, reason: Self.reason(error))
        }
        let after = try remoteTip()
        var fetched = 0
        if let after, after != before { fetched = try repository.git.count(after: before, upTo: after) }
        let lock = try repository.git.lock()
        defer { withExtendedLifetime(lock) {} }
        return (fetched, try integrate())
    }

    /// Brings the local branch to the remote-tracking tip, under the writer lock.
    private func integrate() throws -> Integration {
        let git = repository.git
        try git.recoverInterruptedCommit()
        guard let upstream = try remoteTip() else { return .ahead }
        // What the remote brings is checked before anything is built on it.
        let local = try git.headCommitID()
        if upstream != local {
            let brought = try repository.verify(from: local, to: upstream).unanswered
            if !brought.isEmpty { throw SyncError.breaksTheRules(remote: remoteName, violations: brought) }
        }
        guard let local else {
            try git.moveBranch(to: upstream, from: nil, message: "press sync: \(remoteName)")
            return .fastForwarded
        }
        if local == upstream { return .upToDate }
        if try git.isAncestor(upstream, of: local) { return .ahead }
        if try git.isAncestor(local, of: upstream) {
            try git.moveBranch(to: upstream, from: local, message: "press sync: fast-forward to \(remoteName)")
            return .fastForwarded
        }
        guard let base = try git.mergeBase(local, upstream) else {
            throw SyncError.unrelatedHistories(remote: remoteName)
        }
        var tip = upstream
        var rebuilt = 0
        for commit in try git.commits(after: base, upTo: local) {
            guard commit.parents.count == 1 else { throw SyncError.mergeCommit(commit.subject) }
            switch try git.replay(commit, onto: tip) {
            case .applied(let id):
                tip = id
                rebuilt += 1
            case .alreadyThere:
                continue
            case .conflict(let path):
                throw SyncError.conflict(path: path, commit: commit.subject, remote: remoteName)
            }
        }
        try git.moveBranch(to: tip, from: local, message: "press sync: rebase onto \(remoteName)")
        return .rebased(commits: rebuilt)
    }

    /// Pushes the local branch if it is ahead of the remote's tip as last fetched, only if the
    /// remote branch is still there.
    public func push() throws -> PushOutcome {
        let git = repository.git
        guard let local = try git.headCommitID() else { return .upToDate }
        let upstream = try remoteTip()
        if let upstream, try git.isAncestor(local, of: upstream) { return .upToDate }
        let count = try git.count(after: upstream, upTo: local)
        try beforePush?()
        do {
            switch try git.push(local, to: remote, branch: remoteBranch, expecting: upstream) {
            case .pushed: return .pushed(commits: count)
            case .rejected(let reason): return .rejected(reason: reason)
            }
        } catch let error as GitError {
            throw SyncError.unreachable(remote: remote.name, reason: Self.reason(error))
        }
    }

    /// Pull, then push; a refused push (someone pushed first) is retried after another pull.
    public func sync(attempts: Int = 5) throws -> SyncSummary {
        var summary = SyncSummary(fetched: 0, integration: .upToDate, pushed: 0, rejectedPushes: 0)
        var lastReason = ""
        for _ in 0..<attempts {
            let pulled = try pull()
            summary.fetched += pulled.fetched
            if summary.integration == .upToDate || pulled.integration != .upToDate {
                summary.integration = pulled.integration
            }
            switch try push() {
            case .upToDate: return summary
            case .pushed(let count):
                summary.pushed = count
                return summary
            case .rejected(let reason):
                summary.rejectedPushes += 1
                lastReason = reason
            }
        }
        throw SyncError.stillRejected(remote: remoteName, attempts: attempts, reason: lastReason)
    }

    /// Takes back local commits from `start` to `tip` that were never pushed (the scheduler's
    /// publishes after a refused push), so they can be redone on the remote's new tip.
    /// - Throws: `GitError.headMoved` if someone committed on top of them meanwhile.
    public func discard(to start: ObjectID, from tip: ObjectID) throws {
        let lock = try repository.git.lock()
        defer { withExtendedLifetime(lock) {} }
        try repository.git.moveBranch(
            to: start, from: tip, message: "press: push to \(remoteName) refused; take back to redo")
    }

    static func reason(_ error: GitError) -> String {
        if case .libgit2(_, _, let message) = error { return message }
        return error.description
    }
}
