import Foundation
import Git

/// One way a commit broke the workflow it was made under.
public struct Violation: Equatable, Sendable {
    public var commit: ObjectID
    public var subject: String
    /// Who the commit says made it: `Name <email>`.
    public var author: String
    /// The post or workflow file it concerns.
    public var path: String
    /// A short name for the broken rule, such as `transition-by` or `edit-state`.
    public var rule: String
    public var message: String
    /// The admin's `git revert` that undid the commit, when one in the range did: the violation
    /// is on the record, but answered.
    public var revertedBy: ObjectID?
}

/// What `press verify` found.
public struct VerifyReport: Sendable {
    /// Commits checked against the rules (those in the range made under a workflow).
    public var checked: Int
    public var violations: [Violation]

    /// The violations no admin has reverted: what makes verify fail and sync refuse.
    public var unanswered: [Violation] { violations.filter { $0.revertedBy == nil } }
}

extension ContentRepository {
    /// Front matter keys only transitions change: a plain commit that changes one is a
    /// transition in disguise. (`expire_at` is not one: an editor sets it by an edit, which
    /// the workflow's `edits:` governs, and the scheduler acts on it by a transition.)
    static let transitionKeys = ["status", "approvals", "publish_at", "published_at"]

    /// Checks every commit reachable from `tip` and not from `base` (all of `tip`'s history when
    /// nil) against the workflow as it stood in the commit's first parent: transitions are ones
    /// the workflow allows, made by someone who may, with what they need; other commits edit
    /// posts only as the workflow allows and never change what only transitions change; only
    /// admins change `workflows/`. Commits up to the newest `init` an admin made (where press's
    /// history of the posts begins) are the baseline and are not checked.
    ///
    /// History is read once, oldest first: approvals are counted as they were when each
    /// transition was made, from approve commits, as the transitions themselves count them. With
    /// a `base` (a push, a pull request) only the range is read oldest first; what came before
    /// is read newest first from `base`, and only as far back as the posts the range's
    /// transitions concern were created (or sent back), so a push of one transition into a long
    /// history reads little of it.
    public func verify(from base: ObjectID?, to tip: ObjectID, requireSignatures: Bool = false) throws -> VerifyReport {
        let commits: [CommitInfo]
        var history = TransitionHistory()
        if let base {
            commits = try git.commits(after: base, upTo: tip)
            // Only transitions that count approvals need what came before.
            let rules = try? committedWorkflow(named: Workflow.defaultName, at: base)
            let slugs = Set(
                commits.filter { commit in
                    commit.trailer("Press-Transition").flatMap { rules?.transition(named: $0) }.map { $0.approvals > 0 }
                        ?? false
                }.compactMap(ContentRepository.transitionSlug(of:)))
            if !commits.contains(where: { isAdminInit($0, parentRules: rulesBefore($0)) }) {
                history = try historyBefore(base, of: slugs)
            }
        } else {
            commits = try git.commits(after: nil, upTo: tip)
        }
        // press's history of the posts begins at the newest init an admin made.
        let start = commits.indices.last {
            commits[$0].trailer("Press-Transition") == "init"
                && isAdminInit(commits[$0], parentRules: rulesBefore(commits[$0]))
        }
        var report = VerifyReport(checked: 0, violations: [])
        var folders = try FolderDiff(git)
        defer { folders.close() }
        for (index, commit) in commits.enumerated() {
            if index == start {
                history = TransitionHistory()
                _ = recordTransition(commit, in: &history)
                continue
            }
            if let start, index < start { continue }
            if let rules = rulesBefore(commit) {
                report.checked += 1
                let differences = try folders.differences(
                    from: commit.parents.first, to: commit.id, in: ["workflows"] + ContentRepository.postFolders)
                report.violations += try check(commit, differences: differences, rules: rules, history: history)
                report.violations += try checkSignature(
                    commit, rules: rules, required: requireSignatures || rules.signaturesRequired)
            }
            if commit.trailer("Press-Transition") != nil {
                var one = TransitionHistory()
                _ = recordTransition(commit, in: &one)
                for (slug, entries) in one.entries {
                    history.entries[slug] = entries + (history.entries[slug] ?? [])
                }
            }
        }
        // A commit an admin reverted later in the range stays on the record, answered.
        for commit in commits {
            guard let reverted = revertedCommit(of: commit),
                rulesBefore(commit)?.isAdmin(Person(name: commit.author.name, email: commit.author.email)) == true
            else { continue }
            for index in report.violations.indices where report.violations[index].commit == reverted.id {
                report.violations[index].revertedBy = commit.id
            }
        }
        return report
    }

    private func rulesBefore(_ commit: CommitInfo) -> Workflow? {
        commit.parents.first.flatMap { try? committedWorkflow(named: Workflow.defaultName, at: $0) }
    }

    /// The slug a transition commit names (`NAME: slug` with `Press-Transition: NAME`).
    static func transitionSlug(of commit: CommitInfo) -> String? {
        guard let name = commit.trailer("Press-Transition"), commit.subject.hasPrefix(name + ": ") else { return nil }
        return String(commit.subject.dropFirst(name.count + 2))
    }

    /// The transitions of `slugs` in `base`'s history, newest first, read back from `base` until
    /// each was created or sent back to the first state (where approvals start again), or to the
    /// newest init an admin made (the baseline).
    private func historyBefore(_ base: ObjectID, of slugs: Set<String>) throws -> TransitionHistory {
        var history = TransitionHistory()
        var open = slugs
        guard !open.isEmpty else { return history }
        let initial = (try? committedWorkflow(named: Workflow.defaultName, at: base))?.initialState
        // Only commits that name one of the posts (in their subject) or an init are read.
        try git.walkHistory(from: base, mentioning: open.map { ": \($0)\n" } + ["Press-Transition: init"]) { commit in
            guard let name = commit.trailer("Press-Transition") else { return true }
            if name == "init" {
                guard isAdminInit(commit, parentRules: rulesBefore(commit)) else { return true }
                _ = recordTransition(commit, in: &history)
                return false
            }
            guard let slug = ContentRepository.transitionSlug(of: commit), open.contains(slug) else { return true }
            _ = recordTransition(commit, in: &history)
            if name == "new" || commit.trailer("Press-To") == initial { open.remove(slug) }
            return !open.isEmpty
        }
        return history
    }

    /// An `init` made by an admin: by the parent's default workflow when there is one (nobody
    /// makes himself an admin by writing the workflow he commits), else by its own.
    private func isAdminInit(_ commit: CommitInfo, parentRules: Workflow?) -> Bool {
        guard commit.trailer("Press-Transition") == "init" else { return false }
        guard let rules = parentRules ?? (try? committedWorkflow(named: Workflow.defaultName, at: commit.id)) else {
            return false
        }
        return rules.isAdmin(Person(name: commit.author.name, email: commit.author.email))
    }

    /// A post file's two sides in one commit.
    private struct PostChange {
        var slug: String
        var oldPath: String?
        var oldBlob: ObjectID?
        var newPath: String?
        var newBlob: ObjectID?
    }

    private func check(
        _ commit: CommitInfo, differences: [TreeDifference], rules: Workflow, history: TransitionHistory
    ) throws -> [Violation] {
        let author = Person(name: commit.author.name, email: commit.author.email)
        var found: [Violation] = []
        func violation(_ path: String, _ rule: String, _ message: String) {
            found.append(
                Violation(
                    commit: commit.id, subject: commit.subject, author: author.description, path: path, rule: rule,
                    message: message))
        }

        for difference in differences where difference.path.hasPrefix("workflows/") && !rules.isAdmin(author) {
            violation(
                difference.path, "workflow-change",
                "\(author) changed \(difference.path) without an admin role (\(rules.adminDescription))")
        }

        var changes: [String: PostChange] = [:]
        for difference in differences {
            guard let slug = PostFile.slug(ofPath: difference.path) else { continue }
            var change = changes[slug] ?? PostChange(slug: slug)
            if let old = difference.old {
                change.oldPath = difference.path
                change.oldBlob = old
            }
            if let new = difference.new {
                change.newPath = difference.path
                change.newBlob = new
            }
            changes[slug] = change
        }

        let transition = commit.trailer("Press-Transition")
        let claimedSlug = transition.flatMap { name -> String? in
            let prefix = name + ": "
            return commit.subject.hasPrefix(prefix) ? String(commit.subject.dropFirst(prefix.count)) : nil
        }
        let reverted = revertedCommit(of: commit)
        for change in changes.values.sorted(by: { $0.slug < $1.slug }) {
            let path = change.newPath ?? change.oldPath ?? change.slug
            // A merge brings what its other parents hold; their commits are checked themselves.
            if commit.parents.count > 1, let newPath = change.newPath,
                try commit.parents.dropFirst().contains(where: {
                    try git.blobID(atPath: newPath, in: $0) == change.newBlob
                })
            {
                continue
            }
            let old: Post?
            let new: Post?
            do {
                old = try change.oldBlob.map { try Post(path: change.oldPath ?? path, bytes: try git.blob($0)) }
                new = try change.newBlob.map { try Post(path: change.newPath ?? path, bytes: try git.blob($0)) }
            } catch {
                violation(path, "post-unreadable", "press cannot read the post to check the change: \(error)")
                continue
            }
            let postRules = (old ?? new).flatMap { try? workflow(for: $0, at: commit.parents.first) } ?? rules
            if let transition, transition != "new", transition != "init", claimedSlug == change.slug {
                checkTransition(
                    transition, commit: commit, author: author, old: old, new: new, rules: postRules,
                    history: history, report: violation)
            } else if let reverted, postRules.isAdmin(author),
                try change.newPath.map({ try git.blobID(atPath: $0, in: reverted.parent) }) == change.newBlob,
                try change.oldPath.map({ try git.blobID(atPath: $0, in: reverted.parent) == nil }) ?? true
                    || change.newPath == change.oldPath
            {
                continue  // an admin putting the post back as it was before the reverted commit
            } else {
                checkEdit(author: author, old: old, new: new, rules: postRules, report: violation)
            }
        }
        if let transition, transition != "new", transition != "init", let claimedSlug, changes[claimedSlug] == nil {
            violation(
                claimedSlug, "transition-without-change",
                "the commit says it is '\(transition)' of \(claimedSlug) but does not change that post")
        }
        return found
    }

    /// The commit's signature: by a key the workflow lists for its author (`keys:`) and valid.
    /// Unsigned commits are violations only where signatures are required; a signed one whose
    /// author has keys listed (or must sign) must be signed by one of them.
    private func checkSignature(_ commit: CommitInfo, rules: Workflow, required: Bool) throws -> [Violation] {
        let author = Person(name: commit.author.name, email: commit.author.email)
        func violation(_ rule: String, _ message: String) -> [Violation] {
            [
                Violation(
                    commit: commit.id, subject: commit.subject, author: author.description, path: "(commit)",
                    rule: rule, message: message)
            ]
        }
        // A workflow that lists no keys and asks for no signatures has nothing to check them by.
        guard required || !rules.keys.isEmpty else { return [] }
        let keys = rules.keys[author.email.lowercased()] ?? []
        guard let (armored, signed) = try git.commitSignature(commit.id) else {
            return required ? violation("signature-missing", "not signed; the workflow requires signed commits") : []
        }
        switch SSHSignature.check(armored, of: signed) {
        case .valid(let key):
            guard required || !keys.isEmpty, !keys.contains(key) else { return [] }
            let listed =
                keys.isEmpty
                ? "no keys are listed for \(author.email) under keys:"
                : "it is not one of the \(keys.count) listed for \(author.email) under keys:"
            return violation("signature-key", "signed with a key that is not \(author.name)'s: \(listed)")
        case .invalid:
            return violation(
                "signature-invalid", "the signature does not match the commit (altered after signing, or forged)")
        case .malformed(let reason):
            return violation("signature-malformed", "the signature cannot be read: \(reason)")
        case .unsupported(let what):
            return required
                ? violation("signature-unsupported", "signed with \(what), which press cannot check (ssh-ed25519)") : []
        }
    }

    /// A commit that changes a post without a transition: it may edit what the author and
    /// editors write, by the workflow's `edits:`, and nothing only transitions change.
    private func checkEdit(
        author: Person, old: Post?, new: Post?, rules: Workflow, report: (String, String, String) -> Void
    ) {
        switch (old, new) {
        case (nil, let new?):
            let initial = rules.initialState
            if new.status != initial || new.folder != rules.folder(of: initial) {
                report(
                    new.path, "create-state",
                    "a new post must start as '\(initial)' in \(rules.folder(of: initial))/ (it is '\(new.status ?? "no status")' in \(new.folder)/); a post reaches other states by transitions"
                )
            }
            for key in ContentRepository.transitionKeys where key != "status" && new.frontMatter.entry(key) != nil {
                report(new.path, "create-keys", "a new post may not carry '\(key)': only transitions set it")
            }
            if !rules.mayEdit(author, authors: rules.authors(of: new), in: initial) {
                report(
                    new.path, "edit-by",
                    "\(author) may not create a post by \(rules.author(of: new)?.description ?? "nobody") (\(initial): \(rules.editRoles(in: initial).joined(separator: ", ")))"
                )
            }
        case (let old?, nil):
            let state = old.status ?? rules.initialState
            if !rules.mayEdit(author, authors: rules.authors(of: old), in: state) {
                report(
                    old.path, "delete-by",
                    "\(author) may not delete a post in '\(state)' (\(rules.editRoles(in: state).joined(separator: ", ")) may)"
                )
            }
        case (let old?, let new?):
            let state = old.status ?? rules.initialState
            if old.folder != new.folder {
                report(
                    new.path, "edit-folder",
                    "moved from \(old.folder)/ to \(new.folder)/ without a transition; a post changes folder only by a transition"
                )
            }
            for key in ContentRepository.transitionKeys
            where old.frontMatter.entry(key)?.value != new.frontMatter.entry(key)?.value {
                report(
                    new.path, "edit-\(key == "status" ? "state" : key.replacingOccurrences(of: "_", with: "-"))",
                    "'\(key)' changed without a transition (\(describe(old, key)) → \(describe(new, key))); only transitions change it"
                )
            }
            if !rules.mayEdit(author, authors: rules.authors(of: old), in: state) {
                report(
                    new.path, "edit-by",
                    "\(author) may not edit a post in '\(state)' (\(rules.editRoles(in: state).joined(separator: ", ")) may)"
                )
            }
        case (nil, nil):
            break
        }
    }

    /// A commit that says it is a transition: one the workflow allows from the post's state, by
    /// someone who may make it, with what it needs, changing what it changes.
    private func checkTransition(
        _ name: String, commit: CommitInfo, author: Person, old: Post?, new: Post?, rules: Workflow,
        history: TransitionHistory, report: (String, String, String) -> Void
    ) {
        let path = new?.path ?? old?.path ?? ""
        guard let rule = rules.transition(named: name) else {
            report(
                path, "transition-unknown",
                "'\(name)' is not a transition of \(rules.path) (\(rules.transitions.map(\.name).joined(separator: ", ")))"
            )
            return
        }
        guard let old, let new else {
            report(
                path, "transition-file", "'\(name)' must change the post, not \(old == nil ? "create" : "delete") it")
            return
        }
        let state = old.status ?? ""
        if !rule.from.contains(state) {
            report(
                path, "transition-from",
                "'\(name)' is not allowed from '\(state)' (only from \(rule.from.joined(separator: ", ")))")
        }
        if new.status != rule.to {
            report(path, "transition-to", "'\(name)' leads to '\(rule.to)', but the post says '\(new.status ?? "")'")
        }
        if new.folder != rules.folder(of: rule.to) {
            report(
                path, "transition-folder",
                "'\(rule.to)' posts belong in \(rules.folder(of: rule.to))/, not \(new.folder)/")
        }
        // The scheduler holds a post it cannot publish with whatever transition takes it back.
        let held = commit.trailer("Press-Held") != nil && rules.scheduler.isSamePerson(as: author)
        let roles = rules.roles(of: author, authors: rules.authors(of: old))
        if !held {
            if roles.isDisjoint(with: rule.by) {
                report(
                    path, "transition-by",
                    "\(author) may not make '\(name)' (\(rule.by.joined(separator: ", ")) may; \(author.email) holds \(roles.isEmpty ? "no role" : roles.sorted().joined(separator: ", ")))"
                )
            }
            if rule.notAuthor, roles.contains("author") {
                report(path, "transition-author", "the post's author may not make '\(name)'")
            }
            let comment = ContentRepository.comment(of: commit) ?? ""
            if rule.comment == .required && comment.isEmpty {
                report(path, "transition-comment", "'\(name)' needs a comment")
            }
        }
        if rule.at == .required, commit.trailer("Press-Publish-At") == nil || new.publishAt == nil {
            report(path, "transition-time", "'\(name)' needs a publish time (publish_at)")
        }
        if rule.approvals > 0 {
            let recorded = recordedApprovals(of: old, workflow: rules, history: history)
            let have = Set(old.approvals.map { $0.person.email.lowercased() }).intersection(recorded)
            if have.count < rule.approvals {
                report(
                    path, "transition-approvals",
                    "'\(name)' needs \(rule.approvals) approval\(rule.approvals == 1 ? "" : "s") that history shows; it had \(have.count)"
                )
            }
        }
        // Published by the scheduler: never before its time.
        if roles.contains("scheduler"), rules.folder(of: rule.to) == Workflow.publishedFolder,
            let due = old.publishAt.flatMap({ try? PressTime.parse($0, zone: rules.timeZone) }),
            commit.author.time < due.addingTimeInterval(-1)
        {
            report(
                path, "transition-early", "published at \(commit.author.time), before its time \(old.publishAt ?? "")")
        }
        // What the transition writes, and nothing else of what only transitions change.
        var expectedApprovers = Set(old.approvals.map { $0.person.email.lowercased() })
        if rule.recordsApproval { expectedApprovers.insert(author.email.lowercased()) }
        if rule.clears.contains("approvals") { expectedApprovers = [] }
        let approvers = Set(new.approvals.map { $0.person.email.lowercased() })
        if approvers != expectedApprovers {
            report(
                path, "transition-approvals-changed",
                "'\(name)' by \(author.email) leaves approvals by \(expectedApprovers.sorted().joined(separator: ", ").ifEmpty("nobody")); the post says \(approvers.sorted().joined(separator: ", ").ifEmpty("nobody"))"
            )
        }
        for key in ["publish_at", "published_at"] {
            let before = old.frontMatter.entry(key)?.value
            let after = new.frontMatter.entry(key)?.value
            let cleared = rule.clears.contains(key)
            let set =
                (key == "publish_at" && rule.at != .none)
                || (key == "published_at" && rules.folder(of: rule.to) == Workflow.publishedFolder
                    && old.folder != Workflow.publishedFolder)
            if cleared && after != nil && !set {
                report(path, "transition-\(key.replacingOccurrences(of: "_", with: "-"))", "'\(name)' clears '\(key)'")
            } else if !cleared && !set && before != after {
                report(
                    path, "transition-\(key.replacingOccurrences(of: "_", with: "-"))",
                    "'\(name)' does not change '\(key)' (\(describe(old, key)) → \(describe(new, key)))")
            }
        }
        // Edits carried in with the transition: as edits, by someone who may edit the post.
        let body = old.frontMatter.bodyBytes != new.frontMatter.bodyBytes
        let otherKeys = Set(old.frontMatter.entries.map(\.key)).union(new.frontMatter.entries.map(\.key))
            .subtracting(ContentRepository.transitionKeys)
            .filter { old.frontMatter.entry($0)?.value != new.frontMatter.entry($0)?.value }
        if (body || !otherKeys.isEmpty) && !rules.mayEdit(author, authors: rules.authors(of: old), in: state) {
            report(
                path, "edit-by",
                "'\(name)' carries edits (\(body ? "the text" : otherKeys.sorted().joined(separator: ", "))) that \(author) may not make in '\(state)'"
            )
        }
    }

    private func describe(_ post: Post, _ key: String) -> String {
        guard let entry = post.frontMatter.entry(key) else { return "none" }
        if key == "approvals" { return post.approvals.map(\.person.email).joined(separator: ", ").ifEmpty("none") }
        return post.string(key) ?? "\(entry.value)"
    }

    /// The commit a `git revert` commit undoes, and the parent whose posts it puts back.
    private func revertedCommit(of commit: CommitInfo) -> (id: ObjectID, parent: ObjectID)? {
        guard let range = commit.message.range(of: "This reverts commit ") else { return nil }
        let hex = commit.message[range.upperBound...].prefix { $0.isHexDigit }
        guard let id = ObjectID(hex: String(hex)), let reverted = try? git.commitInfo(id),
            let parent = reverted.parents.first
        else { return nil }
        return (id, parent)
    }

}

extension Workflow {
    /// Whether `person` holds one of the `admin` roles.
    public func isAdmin(_ person: Person) -> Bool {
        admins.contains { $0.lowercased() == person.email.lowercased() }
    }

    var adminDescription: String {
        let people = admins.isEmpty ? "nobody" : admins.joined(separator: ", ")
        return "admin: \(admin.joined(separator: ", ")), held by \(people)"
    }
}

extension String {
    fileprivate func ifEmpty(_ replacement: String) -> String { isEmpty ? replacement : self }
}
