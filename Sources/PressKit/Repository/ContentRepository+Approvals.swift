import Foundation
import Git

/// The transitions history records for each post, back to the repository's newest `init`:
/// what approvals are counted from, instead of the front matter anyone can type.
public struct TransitionHistory: Sendable {
    struct Entry: Sendable {
        var transition: String
        var author: Person
        /// The gate's external-link part was skipped (`Press-Skipped: external-links`).
        var skippedExternal = false
    }

    /// Per slug, newest first.
    var entries: [String: [Entry]] = [:]
    /// The commit the history was read from.
    var head: ObjectID?
    /// The newest `init` commit made by an admin, where press's history of the posts starts.
    var baseline: ObjectID?
    /// The post files in the baseline's `drafts/` and `published/`, by path: read once, not
    /// looked up through a 60,000-entry tree for every post.
    var baselineFiles: [String: ObjectID] = [:]
}

extension ContentRepository {
    /// Reads the transitions of every post from HEAD back to the newest `init` by an admin,
    /// one walk over the commits (their messages only, no trees).
    ///
    /// The history read last is kept: when HEAD has only moved forward along one line (commits
    /// on top, no merge), only the new commits are read and put in front, so a scheduler
    /// publishing a thousand posts does not read the history a thousand times over.
    public func transitionHistory() throws -> TransitionHistory {
        let head = try git.headCommitID()
        if let cached = historyCache.withLock({ $0 }), let last = cached.head, let head {
            if last == head { return cached }
            if try git.isAncestor(last, of: head) {
                let added = try git.commits(from: head, notReachableFrom: last)
                if !added.contains(where: { $0.parents.count > 1 || $0.trailer("Press-Transition") == "init" }) {
                    var history = cached
                    var fresh = TransitionHistory()
                    for commit in added { _ = recordTransition(commit, in: &fresh) }
                    for (slug, entries) in fresh.entries {
                        history.entries[slug] = entries + (history.entries[slug] ?? [])
                    }
                    history.head = head
                    historyCache.withLock { $0 = history }
                    return history
                }
            }
        }
        var history = TransitionHistory()
        history.head = head
        try git.walkHistory { commit in recordTransition(commit, in: &history) }
        historyCache.withLock { $0 = history }
        return history
    }

    /// Adds one commit's transition to `history`; false once it reaches the admin's `init`
    /// where the history starts.
    func recordTransition(_ commit: CommitInfo, in history: inout TransitionHistory) -> Bool {
        guard let transition = commit.trailer("Press-Transition") else { return true }
        let author = Person(name: commit.author.name, email: commit.author.email)
        if transition == "init" {
            let rules = try? committedWorkflow(named: Workflow.defaultName, at: commit.id)
            guard let rules, rules.admins.contains(where: { $0.lowercased() == author.email.lowercased() }) else {
                return true
            }
            history.baseline = commit.id
            for folder in ContentRepository.postFolders {
                for entry in (try? git.entries(under: folder, in: commit.id)) ?? [] where entry.isBlob {
                    history.baselineFiles["\(folder)/\(entry.name)"] = entry.id
                }
            }
            return false
        }
        let prefix = transition + ": "
        guard commit.subject.hasPrefix(prefix) else { return true }
        let slug = String(commit.subject.dropFirst(prefix.count))
        let skipped =
            commit.trailer("Press-Skipped")?.split(separator: ",").contains {
                $0.trimmingCharacters(in: .whitespaces) == "external-links"
            } ?? false
        history.entries[slug, default: []].append(
            TransitionHistory.Entry(transition: transition, author: author, skippedExternal: skipped))
        return true
    }

    /// The people whose approval of `post` history shows: approve commits (transitions that
    /// record an approval) by someone holding a role that may make them, since the post last
    /// entered the state that clears approvals (or was created); and, for a post that was there
    /// when an admin ran `press init`, the approvals it carried then.
    public func recordedApprovals(of post: Post, workflow: Workflow, history: TransitionHistory) -> Set<String> {
        var approvers: Set<String> = []
        let slug = post.fileSlug
        for entry in history.entries[slug] ?? [] {
            if entry.transition == "new" { return approvers }
            guard let rule = workflow.transition(named: entry.transition) else { continue }
            if rule.recordsApproval {
                let roles = workflow.roles(of: entry.author, authors: workflow.authors(of: post))
                let allowed = !roles.isDisjoint(with: rule.by) && !(rule.notAuthor && roles.contains("author"))
                if allowed { approvers.insert(entry.author.email.lowercased()) }
            }
            if rule.clears.contains("approvals") { return approvers }
        }
        // Back at the baseline: what the post carried when press's history began. A file that
        // has not changed since carries the same approvals now; only a changed one is read back.
        guard history.baseline != nil else { return approvers }
        for path in PostFile.paths(of: slug) {
            guard let blob = history.baselineFiles[path] else { continue }
            let then: Post?
            if path == post.path, (try? git.blobID(of: post.frontMatter.bytes)) == blob {
                then = post
            } else {
                then = (try? git.blob(blob)).flatMap { try? Post(path: path, bytes: $0) }
            }
            approvers.formUnion(then?.approvals.map { $0.person.email.lowercased() } ?? [])
        }
        return approvers
    }

    /// Whether the transition that put `post` in its present state skipped the external-link
    /// part of its gate, made by someone the workflow allows to make it: an editor's
    /// `schedule --skip-external` carries over to the scheduler's publish.
    public func skippedExternalLinks(of post: Post, workflow: Workflow, history: TransitionHistory) -> Bool {
        guard let last = history.entries[post.fileSlug]?.first, last.skippedExternal,
            let rule = workflow.transition(named: last.transition), rule.to == post.status
        else { return false }
        let roles = workflow.roles(of: last.author, authors: workflow.authors(of: post))
        return !roles.isDisjoint(with: rule.by) && !(rule.notAuthor && roles.contains("author"))
    }

    /// The entries of the post's `approvals:` that history does not show.
    public func forgedApprovals(of post: Post, workflow: Workflow, history: TransitionHistory) -> [Approval] {
        let approvals = post.approvals
        guard !approvals.isEmpty else { return [] }
        let recorded = recordedApprovals(of: post, workflow: workflow, history: history)
        return approvals.filter { !recorded.contains($0.person.email.lowercased()) }
    }
}
