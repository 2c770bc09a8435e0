import Foundation
import Git

/// Where validation reads posts and files: the working tree, or the index — what the commit
/// being made will hold (`press validate --staged`, the pre-commit hook).
///
/// Validation reads on both cores; git reads take turns on the repository's handle (its lock).
struct ContentSource: Sendable {
    let repository: ContentRepository
    /// The index's files by path, when validating what is staged.
    let staged: [String: ObjectID]?

    init(repository: ContentRepository, staged: Bool) throws {
        self.repository = repository
        self.staged = staged ? try repository.git.stagedFiles() : nil
    }

    /// Whether `path` is a file in `commit`'s tree.
    func isCommitted(_ path: String, in commit: ObjectID) -> Bool {
        (try? repository.git.blobID(atPath: path, in: commit)) != nil
    }

    /// The post at `path` as the source holds it.
    func readPost(at path: String, checkingShape: Bool = true) throws -> Post {
        guard let staged else { return try repository.readPost(at: path, checkingShape: checkingShape) }
        guard let blob = staged[path] else {
            throw FrontMatterError.unreadable(SourceLocation(path: path), reason: "not in the index (not staged)")
        }
        let bytes = try repository.git.blob(blob)
        let post = try Post(path: path, bytes: bytes)
        if checkingShape { try post.checkShape() }
        return post
    }

    /// Whether a file is at `path`.
    func isFile(_ path: String) -> Bool {
        guard let staged else { return repository.isFile(path) }
        return staged[path] != nil
    }

    /// Reads the posts at `paths` on both cores (from the working tree or the index). A key in
    /// the wrong shape does not stop a post being read: the metadata check reports it at the
    /// key, and the post's body and links are checked all the same. A post in `known` is taken
    /// from there instead.
    func readAll<T: Sendable>(
        paths: [String], known: [String: Post] = [:], _ transform: @escaping @Sendable (Post) -> T
    ) -> [(path: String, post: Result<T, Error>)] {
        let results = paths.parallelMap { path in
            Result { transform(try known[path] ?? self.readPost(at: path, checkingShape: false)) }
        }
        return Array(zip(paths, results))
    }
}

extension ContentRepository {
    /// The posts the index holds that differ from HEAD's (added or changed; not deleted): what a
    /// commit made now would change.
    public func stagedPostPaths() throws -> [String] {
        let staged = try git.stagedFiles()
        var committed: [String: ObjectID] = [:]
        if let head = try git.headCommitID() {
            for folder in ContentRepository.postFolders {
                for entry in try git.entries(under: folder, in: head) where entry.isBlob {
                    committed["\(folder)/\(entry.name)"] = entry.id
                }
            }
        }
        return staged.filter { path, blob in
            guard PostFile.slug(ofPath: path) != nil else { return false }
            return committed[path] != blob
        }.keys.sorted()
    }
}
