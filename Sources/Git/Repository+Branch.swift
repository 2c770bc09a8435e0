import CLibGit2
import Foundation

extension Repository {
    /// Commits `changes` to `branch` — a branch other than the one checked out; the working
    /// tree, the index and HEAD are not touched — whose tip must still be `expected` (nil: the
    /// branch does not exist yet), with `parent` as its parent (the tip, or the remote's tip
    /// to push onto). With `replacingAll` the commit's tree holds only `changes`, whatever the
    /// parent's held.
    ///
    /// - Throws: `GitError.headMoved` when the branch is not at `expected` (someone else moved
    ///   it); nothing is changed then.
    public func commit(
        _ changes: [FileChange], toBranch branch: String, expecting expected: ObjectID?, parent: ObjectID?,
        replacingAll: Bool,
        message: String, author: Signature, committer: Signature
    ) throws -> ObjectID {
        try exclusive { pointer in
            let name = "refs/heads/\(branch)"
            guard try headReferenceName() != name else {
                throw GitError.io(path: name, message: "the branch checked out is not written to this way")
            }
            let found = try referenceTarget(name)
            guard found == expected else { throw GitError.headMoved(expected: expected, found: found) }
            let updates = try changes.map { change -> PathUpdate in
                // The site's bytes as they are: no filter of the content repository applies.
                if case .write(let path, let contents) = change {
                    return PathUpdate(path: path, blob: try writeBlob(contents))
                }
                return PathUpdate(path: change.path, blob: nil)
            }
            let commit = try writeCommit(
                updates, parent: parent, message: message, author: author, committer: committer,
                fromEmpty: replacingAll)
            var oid = commit.raw
            var reference: OpaquePointer?
            defer { git_reference_free(reference) }
            if var current = expected?.raw {
                try check(
                    "git_reference_create_matching",
                    git_reference_create_matching(&reference, pointer, name, &oid, 1, &current, message))
            } else {
                try check("git_reference_create", git_reference_create(&reference, pointer, name, &oid, 0, message))
            }
            return commit
        }
    }
}
