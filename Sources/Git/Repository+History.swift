import CLibGit2
import Foundation

/// A commit, read into a value.
public struct CommitInfo: Equatable, Sendable {
    public var id: ObjectID
    public var author: Signature
    public var committer: Signature
    public var message: String
    public var parents: [ObjectID]

    public var subject: String {
        message.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
    }

    /// The values of `Key: value` trailer lines in the message's last paragraph.
    public func trailer(_ key: String) -> String? {
        let paragraphs = message.trimmingCharacters(in: .whitespacesAndNewlines).components(separatedBy: "\n\n")
        guard paragraphs.count > 1, let last = paragraphs.last else { return nil }
        for line in last.split(separator: "\n") where line.hasPrefix(key + ": ") {
            return String(line.dropFirst(key.count + 2))
        }
        return nil
    }
}

extension Repository {
    /// Reads one commit.
    public func commitInfo(_ id: ObjectID) throws -> CommitInfo {
        var oid = id.raw
        var commit: OpaquePointer?
        try check("git_commit_lookup", git_commit_lookup(&commit, pointer, &oid))
        guard let commit else { throw lastError("git_commit_lookup", code: -1) }
        defer { git_commit_free(commit) }
        return info(commit)
    }

    func info(_ commit: OpaquePointer) -> CommitInfo {
        let parents = (0..<git_commit_parentcount(commit)).compactMap { index in
            git_commit_parent_id(commit, index).map { ObjectID($0.pointee) }
        }
        return CommitInfo(
            id: ObjectID(git_commit_id(commit).pointee),
            author: Signature(git_commit_author(commit)),
            committer: Signature(git_commit_committer(commit)),
            message: git_commit_message(commit).map { String(cString: $0) } ?? "",
            parents: parents)
    }

    /// The commits reachable from HEAD, newest first, that changed any of `paths`
    /// (added, modified or removed it compared with their first parent).
    public func history(touching paths: [String]) throws -> [CommitInfo] {
        guard try headCommitID() != nil else { return [] }
        var result: [CommitInfo] = []
        try walk(
            sorting: GIT_SORT_TOPOLOGICAL.rawValue | GIT_SORT_TIME.rawValue,
            from: { try check("git_revwalk_push_head", git_revwalk_push_head($0)) },
            each: { commit in
                if try changes(commit, paths) { result.append(info(commit)) }
            })
        return result
    }

    /// Walks commits in `sorting` order from what `from` pushes (and hides), handing each
    /// commit to `each` while it is loaded.
    func walk(sorting: UInt32, from setUp: (OpaquePointer?) throws -> Void, each: (OpaquePointer) throws -> Void) throws {
        var walk: OpaquePointer?
        try check("git_revwalk_new", git_revwalk_new(&walk, pointer))
        defer { git_revwalk_free(walk) }
        git_revwalk_sorting(walk, sorting)
        try setUp(walk)
        var oid = git_oid()
        while true {
            let step = git_revwalk_next(&oid, walk)
            if step == GIT_ITEROVER.rawValue { break }
            try check("git_revwalk_next", step)
            var commit: OpaquePointer?
            try check("git_commit_lookup", git_commit_lookup(&commit, pointer, &oid))
            guard let commit else { continue }
            defer { git_commit_free(commit) }
            try each(commit)
        }
    }

    private func changes(_ commit: OpaquePointer, _ paths: [String]) throws -> Bool {
        var tree: OpaquePointer?
        try check("git_commit_tree", git_commit_tree(&tree, commit))
        defer { git_tree_free(tree) }
        var parentTree: OpaquePointer?
        if git_commit_parentcount(commit) > 0 {
            var parent: OpaquePointer?
            try check("git_commit_parent", git_commit_parent(&parent, commit, 0))
            defer { git_commit_free(parent) }
            try check("git_commit_tree", git_commit_tree(&parentTree, parent))
        }
        defer { if let parentTree { git_tree_free(parentTree) } }
        for path in paths {
            let now = try blobID(atPath: path, inTree: tree)
            let before = parentTree == nil ? nil : try blobID(atPath: path, inTree: parentTree)
            if now != before { return true }
        }
        return false
    }
}

extension Repository {
    /// Hands each commit reachable from HEAD to `body`, newest first (topological, then by
    /// time), reading only the commit itself, until `body` returns false.
    public func walkHistory(_ body: (CommitInfo) throws -> Bool) throws {
        guard try headCommitID() != nil else { return }
        struct Stop: Error {}
        do {
            try walk(
                sorting: GIT_SORT_TOPOLOGICAL.rawValue | GIT_SORT_TIME.rawValue,
                from: { try check("git_revwalk_push_head", git_revwalk_push_head($0)) },
                each: { commit in
                    if try !body(info(commit)) { throw Stop() }
                })
        } catch is Stop {}
    }
}
