import CLibGit2
import Foundation

/// A file that differs between two commits: its blob before and after (nil where absent).
public struct TreeDifference: Equatable, Sendable {
    public var path: String
    public var old: ObjectID?
    public var new: ObjectID?
}

/// What became of a commit replayed onto another base.
public enum Replay: Equatable, Sendable {
    /// Rebuilt on the base as this new commit.
    case applied(ObjectID)
    /// The base already holds every change the commit made.
    case alreadyThere
    /// The base changed `path` differently since the commit's parent.
    case conflict(path: String)
}

extension Repository {
    /// The best common ancestor of two commits, or nil when they share no history.
    public func mergeBase(_ one: ObjectID, _ other: ObjectID) throws -> ObjectID? {
        try exclusive { pointer in
            var out = git_oid()
            var a = one.raw
            var b = other.raw
            let result = git_merge_base(&out, pointer, &a, &b)
            if result == GIT_ENOTFOUND.rawValue { return nil }
            try check("git_merge_base", result)
            return ObjectID(out)
        }
    }

    /// Whether `ancestor` is `commit` or reachable from it.
    public func isAncestor(_ ancestor: ObjectID, of commit: ObjectID) throws -> Bool {
        try exclusive { pointer in
            if ancestor == commit { return true }
            var a = commit.raw
            var b = ancestor.raw
            let result = git_graph_descendant_of(pointer, &a, &b)
            try check("git_graph_descendant_of", result)
            return result == 1
        }
    }

    /// The commits reachable from `tip` and not from `base`, oldest first.
    public func commits(after base: ObjectID?, upTo tip: ObjectID) throws -> [CommitInfo] {
        var result: [CommitInfo] = []
        try walk(
            sorting: GIT_SORT_TOPOLOGICAL.rawValue | GIT_SORT_REVERSE.rawValue,
            from: { walk in
                var tipOID = tip.raw
                try check("git_revwalk_push", git_revwalk_push(walk, &tipOID))
                if let base {
                    var baseOID = base.raw
                    try check("git_revwalk_hide", git_revwalk_hide(walk, &baseOID))
                }
            },
            each: { result.append(try commitInfo($0)) })
        return result
    }

    /// How many commits are reachable from `tip` and not from `base` (the whole history of `tip`
    /// when `base` is nil), without reading their messages.
    public func count(after base: ObjectID?, upTo tip: ObjectID) throws -> Int {
        try exclusive { pointer in
            var tipOID = tip.raw
            if let base {
                var baseOID = base.raw
                var ahead = 0
                var behind = 0
                try check("git_graph_ahead_behind", git_graph_ahead_behind(&ahead, &behind, pointer, &tipOID, &baseOID))
                return ahead
            }
            var count = 0
            try walk(
                sorting: GIT_SORT_NONE.rawValue, from: { try check("git_revwalk_push", git_revwalk_push($0, &tipOID)) },
                each: { _ in count += 1 })
            return count
        }
    }

    /// The files that differ between two commits' trees (nil: the empty tree), renames as a
    /// delete and an add.
    public func treeDifferences(from old: ObjectID?, to new: ObjectID?) throws -> [TreeDifference] {
        try exclusive { pointer in
            try withOptionalTree(old) { oldTree in
                try withOptionalTree(new) { newTree in
                    var diff: OpaquePointer?
                    try check("git_diff_tree_to_tree", git_diff_tree_to_tree(&diff, pointer, oldTree, newTree, nil))
                    defer { git_diff_free(diff) }
                    return (0..<git_diff_num_deltas(diff)).compactMap { index -> TreeDifference? in
                        guard let delta = git_diff_get_delta(diff, index)?.pointee else { return nil }
                        let isFile = { (file: git_diff_file) in
                            file.mode != 0 && file.mode != UInt16(GIT_FILEMODE_COMMIT.rawValue)
                        }
                        let path = String(cString: (delta.new_file.path ?? delta.old_file.path))
                        return TreeDifference(
                            path: path,
                            old: isFile(delta.old_file) ? ObjectID(delta.old_file.id) : nil,
                            new: isFile(delta.new_file) ? ObjectID(delta.new_file.id) : nil)
                    }
                }
            }
        }
    }

    /// Rebuilds `commit` on `base`: the same changes (from its first parent), message, author and
    /// committer. A path the base changed differently since that parent is a conflict; nothing is
    /// merged line by line.
    public func replay(_ commit: CommitInfo, onto base: ObjectID) throws -> Replay {
        let differences = try treeDifferences(from: commit.parents.first, to: commit.id)
        var updates: [PathUpdate] = []
        for difference in differences {
            let current = try blobID(atPath: difference.path, in: base)
            if current == difference.new { continue }
            guard current == difference.old else { return .conflict(path: difference.path) }
            updates.append(PathUpdate(path: difference.path, blob: difference.new))
        }
        guard !updates.isEmpty else { return .alreadyThere }
        return .applied(
            try writeCommit(
                updates, parent: base, message: commit.message, author: commit.author, committer: commit.committer))
    }

}
