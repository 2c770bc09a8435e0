import Foundation
import Git

/// Whether press may run the commands a workflow holds (its hooks and their environment).
public enum CommandTrust: Equatable, Sendable {
    case trusted
    /// The last change to the workflow's commands was made by someone who was not an admin.
    case untrusted(path: String, commit: String, author: String, admins: [String])

    /// Why the commands are not run, as a sentence; nil when they are.
    public var refusal: String? {
        guard case .untrusted(let path, let commit, let author, let admins) = self else { return nil }
        let who = admins.isEmpty ? "nobody is" : admins.joined(separator: ", ") + (admins.count == 1 ? " is" : " are")
        return
            "not run: the commands in \(path) were last changed in \(commit.prefix(7)) by \(author), who is not an admin (\(who), by the 'admin' roles of workflows/default.yml)"
    }
}

extension ContentRepository {
    /// Whether `workflow`'s commands may run: the last commit that changed them (its hooks or
    /// `hook_env`) must be authored by someone who held an `admin` role of the default workflow
    /// as it stood before that commit, so nobody can make himself an admin and add a command in
    /// one step. The first commit of a repository is judged by its own default workflow.
    ///
    /// The verdict is kept with the HEAD it was worked out at; while later commits leave the
    /// workflow's file alone it stands, so a scheduler publishing with a deploy hook reads the
    /// history once, not once per publish.
    public func commandTrust(of workflow: Workflow) throws -> CommandTrust {
        let head = try git.headCommitID()
        if let head, let (last, verdict) = trustCache.withLock({ $0[workflow.path] }) {
            if last == head { return verdict }
            if try git.isAncestor(last, of: head),
                try !git.commits(from: head, notReachableFrom: last).contains(where: {
                    try git.changes($0, [workflow.path])
                })
            {
                trustCache.withLock { $0[workflow.path] = (head, verdict) }
                return verdict
            }
        }
        let verdict = try workOutCommandTrust(of: workflow)
        if let head { trustCache.withLock { $0[workflow.path] = (head, verdict) } }
        return verdict
    }

    private func workOutCommandTrust(of workflow: Workflow) throws -> CommandTrust {
        let commits = try git.history(touching: [workflow.path])
        for commit in commits {
            let before = commit.parents.first
            let now = (try? committedWorkflow(named: workflow.name, at: commit.id))?.commands
            let then = before.flatMap { try? committedWorkflow(named: workflow.name, at: $0) }?.commands
            guard now != then else { continue }
            let rules =
                before.flatMap { try? committedWorkflow(named: Workflow.defaultName, at: $0) }
                ?? (try? committedWorkflow(named: Workflow.defaultName, at: commit.id))
            let admins = rules?.admins ?? []
            let author = Person(name: commit.author.name, email: commit.author.email)
            if admins.contains(where: { $0.lowercased() == author.email.lowercased() }) { return .trusted }
            return .untrusted(
                path: workflow.path, commit: commit.id.description, author: author.description, admins: admins)
        }
        // No commit changed them: the workflow has none.
        return .trusted
    }
}
