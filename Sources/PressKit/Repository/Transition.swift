import Foundation
import Git

/// A request to move a post through one transition of its workflow.
public struct TransitionRequest: Sendable {
    public var name: String
    public var slug: String
    public var actor: Person
    public var committer: Person
    public var comment: String?
    public var at: String?
    public var now: Date
    /// Extra trailers to record, e.g. `Press-Skipped: external-links`.
    public var trailers: [(String, String)]
    /// Whether the gate skips external links (an editor's override, recorded in the commit).
    public var skipExternal: Bool
    /// A move the system makes (the scheduler holding a post): roles are not checked.
    public var asSystem = false

    public init(
        name: String, slug: String, actor: Person, committer: Person? = nil, comment: String? = nil,
        at: String? = nil, now: Date, trailers: [(String, String)] = [], skipExternal: Bool = false
    ) {
        self.skipExternal = skipExternal
        self.name = name
        self.slug = slug
        self.actor = actor
        self.committer = committer ?? actor
        self.comment = comment
        self.at = at
        self.now = now
        self.trailers = trailers
    }
}

/// What a transition did.
public struct TransitionResult: Sendable {
    public var slug: String
    public var transition: String
    public var from: String
    public var to: String
    public var path: String
    public var commit: ObjectID
    public var publishAt: String?

    public init(
        slug: String, transition: String, from: String, to: String, path: String, commit: ObjectID, publishAt: String?
    ) {
        self.slug = slug
        self.transition = transition
        self.from = from
        self.to = to
        self.path = path
        self.commit = commit
        self.publishAt = publishAt
    }
}

extension ContentRepository {
    /// Checks the workflow's rules for `request` and, if they allow it, records the transition as
    /// exactly one commit: the post's new front matter, moved between folders when its state's
    /// folder changes, authored by the acting person.
    ///
    /// - Throws: `TransitionError` naming the broken rule, `TimeError` for a bad `--at`,
    ///   `RepositoryError`, `FrontMatterError`, `WorkflowError`, or `GitError`; on any of them the
    ///   repository is left as it was.
    @discardableResult
    public func perform(_ request: TransitionRequest) throws -> TransitionResult {
        let lock = try git.lock()
        defer { withExtendedLifetime(lock) {} }
        try git.recoverInterruptedCommit()
        try checkNothingInProgress()

        let post = try post(request.slug)
        let workflow = try workflow(for: post)
        guard let rule = workflow.transition(named: request.name) else {
            throw TransitionError.unknownTransition(request.name, available: workflow.transitions.map(\.name))
        }
        guard let state = post.status, workflow.states.contains(state) else {
            throw TransitionError.unknownStatus(
                post.location(of: "status"), status: post.status, workflow: workflow.name)
        }
        try check(rule, for: post, state: state, in: workflow, request: request)

        var publishAt: String?
        if let at = request.at {
            let date = try PressTime.parse(at, zone: workflow.timeZone)
            guard date > request.now else {
                throw TimeError.inPast(at, now: PressTime.format(request.now, zone: workflow.timeZone))
            }
            publishAt = try PressTime.storable(date, zone: workflow.timeZone, typed: at)
        }

        let fm = try edit(post, rule: rule, workflow: workflow, request: request, publishAt: publishAt)
        let newPath = "\(workflow.folder(of: rule.to))/\(request.slug).\(PostFile.fileExtension(of: post.path))"
        let missing = workflow.missingKeys(in: rule.to, of: fm)
        guard missing.isEmpty else {
            throw TransitionError.missingKeys(SourceLocation(path: post.path), state: rule.to, keys: missing)
        }

        var changes: [FileChange] = [.write(path: newPath, contents: fm.bytes)]
        if newPath != post.path { changes.insert(.delete(path: post.path), at: 0) }
        var trailers = [("Press-Transition", rule.name), ("Press-From", state), ("Press-To", rule.to)]
        if let publishAt { trailers.append(("Press-Publish-At", publishAt)) }
        trailers += request.trailers
        let message = ContentRepository.message(
            subject: "\(rule.name): \(request.slug)", comment: request.comment, trailers: trailers)
        let commit = try git.commit(
            changes, message: message, author: signature(request.actor, request.now, workflow),
            committer: signature(request.committer, request.now, workflow))
        return TransitionResult(
            slug: request.slug, transition: rule.name, from: state, to: rule.to, path: newPath, commit: commit,
            publishAt: publishAt)
    }

    /// Refuses to commit in the middle of a merge, rebase or the like, or on a detached HEAD,
    /// as git itself would warn: the commit would land where nobody expects it.
    func checkNothingInProgress() throws {
        if let (name, resolve) = git.operationInProgress() {
            throw RepositoryError.operationInProgress(name, resolve: resolve)
        }
        if git.isHeadDetached { throw RepositoryError.detachedHead }
    }

    private func check(
        _ rule: TransitionRule, for post: Post, state: String, in workflow: Workflow, request: TransitionRequest
    ) throws {
        guard rule.from.contains(state) else {
            throw TransitionError.wrongState(
                post.location(of: "status"), transition: rule.name, state: state, allowed: rule.from)
        }
        let roles = workflow.roles(of: request.actor, authors: workflow.authors(of: post))
        guard request.asSystem || !roles.isDisjoint(with: rule.by) else {
            throw TransitionError.notPermitted(transition: rule.name, person: request.actor.description, roles: rule.by)
        }
        if rule.notAuthor, !request.asSystem,
            workflow.authors(of: post).contains(where: { $0.isSamePerson(as: request.actor) })
        {
            throw TransitionError.authorMayNot(transition: rule.name)
        }
        let comment = request.comment?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        if rule.comment == .required && comment.isEmpty { throw TransitionError.commentRequired(transition: rule.name) }
        if rule.comment == .none && !comment.isEmpty { throw TransitionError.commentNotTaken(transition: rule.name) }
        if rule.at == .required && request.at == nil { throw TransitionError.timeRequired(transition: rule.name) }
        if rule.at == .none && request.at != nil { throw TransitionError.timeNotTaken(transition: rule.name) }
        guard rule.approvals > 0 || rule.recordsApproval else { return }
        // Only approvals history shows count: the front matter is text anyone can type.
        let recorded = recordedApprovals(of: post, workflow: workflow, history: try transitionHistory())
        if rule.recordsApproval && recorded.contains(request.actor.email.lowercased()) {
            throw TransitionError.alreadyApproved(transition: rule.name, person: request.actor.description)
        }
        let have = Set(post.approvals.map { $0.person.email.lowercased() }).intersection(recorded).count
        if have < rule.approvals {
            throw TransitionError.approvalsNeeded(transition: rule.name, needed: rule.approvals, have: have)
        }
    }

    /// The post's front matter after the transition: only the keys press owns change.
    private func edit(
        _ post: Post, rule: TransitionRule, workflow: Workflow, request: TransitionRequest, publishAt: String?
    ) throws -> FrontMatter {
        var fm = post.frontMatter
        let now = PressTime.format(request.now, zone: workflow.timeZone)
        try fm.set("status", to: .string(rule.to))
        for key in rule.clears { try fm.remove(key) }
        if let publishAt { try fm.set("publish_at", to: .string(publishAt)) }
        if rule.recordsApproval {
            var approvals = post.approvals.filter { !$0.person.isSamePerson(as: request.actor) }
            approvals.append(Approval(person: request.actor, at: now))
            try fm.set("approvals", to: .list(approvals.map(\.yaml)))
        }
        if workflow.folder(of: rule.to) == Workflow.publishedFolder
            && workflow.folder(of: post.status ?? "") != Workflow.publishedFolder
        {
            try fm.set("published_at", to: .string(now))
        }
        return fm
    }

    func signature(_ person: Person, _ date: Date, _ workflow: Workflow) -> Signature {
        Signature(
            name: person.name, email: person.email, time: date,
            offsetMinutes: workflow.timeZone.secondsFromGMT(for: date) / 60)
    }

    /// `subject`, a blank line, the comment, a blank line, and `Key: value` trailers.
    static func message(subject: String, comment: String?, trailers: [(String, String)]) -> String {
        var parts = [subject]
        if let comment = comment?.trimmingCharacters(in: .whitespacesAndNewlines), !comment.isEmpty {
            parts.append(comment)
        }
        if !trailers.isEmpty { parts.append(trailers.map { "\($0.0): \($0.1)" }.joined(separator: "\n")) }
        return parts.joined(separator: "\n\n") + "\n"
    }
}
