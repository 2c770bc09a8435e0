import CLibGit2
import Foundation

/// One change to a path in a commit. A move is a delete and a write.
public enum FileChange: Equatable, Sendable {
    case write(path: String, contents: [UInt8])
    case delete(path: String)

    public var path: String {
        switch self {
        case .write(let path, _), .delete(let path): return path
        }
    }
}

/// A path set to a blob already in the object database, or removed (nil).
struct PathUpdate: Equatable {
    var path: String
    var blob: ObjectID?

    init(path: String, blob: ObjectID?) {
        self.path = path
        self.blob = blob
    }

    /// A file's contents are stored as `git add` stores them: through the repository's filters.
    init(_ change: FileChange, in repository: Repository) throws {
        path = change.path
        if case .write(_, let contents) = change {
            blob = try repository.writeBlob(repository.filtered(contents, path: path, toWorkingTree: false))
        }
    }
}

/// A file in a tree, as a value.
public struct TreeEntry: Equatable, Sendable {
    public var name: String
    public var id: ObjectID
    public var isBlob: Bool
}

extension Repository {
    /// Stores `bytes` as a blob and returns its id.
    public func writeBlob(_ bytes: [UInt8]) throws -> ObjectID {
        try exclusive { pointer in
            var oid = git_oid()
            try bytes.withUnsafeBytes { buffer in
                try check(
                    "git_blob_create_from_buffer",
                    git_blob_create_from_buffer(&oid, pointer, buffer.baseAddress, buffer.count))
            }
            return ObjectID(oid)
        }
    }

    /// `bytes` converted as git converts the file at `path` between the working tree and the
    /// object database: `core.autocrlf`, `.gitattributes` `text`/`eol`/`ident` (libgit2's filters).
    /// - Parameter toWorkingTree: true for a blob being written out as a file, false for a file's
    ///   contents being stored.
    public func filtered(_ bytes: [UInt8], path: String, toWorkingTree: Bool) throws -> [UInt8] {
        try exclusive { pointer in
            var filters: OpaquePointer?
            let mode = toWorkingTree ? GIT_FILTER_TO_WORKTREE : GIT_FILTER_TO_ODB
            try check(
                "git_filter_list_load",
                git_filter_list_load(&filters, pointer, nil, path, mode, GIT_FILTER_DEFAULT.rawValue))
            guard let filters else { return bytes }
            defer { git_filter_list_free(filters) }
            var out = git_buf()
            defer { git_buf_dispose(&out) }
            var input = bytes
            input.append(0)  // a valid pointer even for no bytes
            try input.withUnsafeBytes { buffer in
                try check(
                    "git_filter_list_apply_to_buffer",
                    git_filter_list_apply_to_buffer(
                        &out, filters, buffer.baseAddress?.assumingMemoryBound(to: CChar.self), bytes.count))
            }
            guard let data = out.ptr else { return [] }
            return Array(UnsafeRawBufferPointer(start: data, count: out.size))
        }
    }

    /// The id `bytes` would have as a blob, without storing it.
    public func blobID(of bytes: [UInt8]) throws -> ObjectID {
        var oid = git_oid()
        try bytes.withUnsafeBytes { buffer in
            try check("git_odb_hash", git_odb_hash(&oid, buffer.baseAddress, buffer.count, GIT_OBJECT_BLOB))
        }
        return ObjectID(oid)
    }

    /// The bytes of a blob.
    public func blob(_ id: ObjectID) throws -> [UInt8] {
        try exclusive { pointer in
            var oid = id.raw
            var blob: OpaquePointer?
            try check("git_blob_lookup", git_blob_lookup(&blob, pointer, &oid))
            guard let blob else { return [] }
            defer { git_blob_free(blob) }
            let size = Int(git_blob_rawsize(blob))
            guard size > 0, let raw = git_blob_rawcontent(blob) else { return [] }
            return Array(UnsafeRawBufferPointer(start: raw, count: size))
        }
    }

    /// The blob id at `path` in a commit's tree, or nil when the path is not a file there.
    public func blobID(atPath path: String, in commit: ObjectID) throws -> ObjectID? {
        try withTree(of: commit) { tree in
            try blobID(atPath: path, inTree: tree)
        }
    }

    /// The files the index holds (what the next `git commit` records), by path: their blob ids.
    /// Entries in conflict (stages 1–3) are left out.
    public func stagedFiles() throws -> [String: ObjectID] {
        var index: OpaquePointer?
        try check("git_index_open", git_index_open(&index, gitDirectory + "/index"))
        guard let index else { return [:] }
        defer { git_index_free(index) }
        var files: [String: ObjectID] = [:]
        for position in 0..<git_index_entrycount(index) {
            guard let entry = git_index_get_byindex(index, position), git_index_entry_stage(entry) == 0 else {
                continue
            }
            files[String(cString: entry.pointee.path)] = ObjectID(entry.pointee.id)
        }
        return files
    }

    /// The bytes of the file at `path` in a commit, or nil when it is not there.
    public func contents(atPath path: String, in commit: ObjectID) throws -> [UInt8]? {
        guard let id = try blobID(atPath: path, in: commit) else { return nil }
        return try blob(id)
    }

    /// The entries of the directory `path` ("" for the root) in a commit's tree.
    public func entries(under path: String, in commit: ObjectID) throws -> [TreeEntry] {
        try exclusive { pointer in
            try withTree(of: commit) { root in
                var tree: OpaquePointer? = root
                var owned: OpaquePointer?
                if !path.isEmpty {
                    var entry: OpaquePointer?
                    let result = git_tree_entry_bypath(&entry, root, path)
                    if result == GIT_ENOTFOUND.rawValue { return [] }
                    try check("git_tree_entry_bypath", result)
                    guard let entry else { return [] }
                    defer { git_tree_entry_free(entry) }
                    guard git_tree_entry_type(entry) == GIT_OBJECT_TREE else { return [] }
                    try check("git_tree_lookup", git_tree_lookup(&owned, pointer, git_tree_entry_id(entry)))
                    tree = owned
                }
                defer { if let owned { git_tree_free(owned) } }
                guard let tree else { return [] }
                return (0..<git_tree_entrycount(tree)).compactMap { index in
                    guard let entry = git_tree_entry_byindex(tree, index) else { return nil }
                    return TreeEntry(
                        name: String(cString: git_tree_entry_name(entry)),
                        id: ObjectID(git_tree_entry_id(entry).pointee),
                        isBlob: git_tree_entry_type(entry) == GIT_OBJECT_BLOB)
                }
            }
        }
    }

    /// Writes a commit object whose tree is `parent`'s tree with `changes` applied.
    /// Moves no reference: see `commit(_:message:author:committer:)` for the whole transaction.
    public func writeCommit(
        _ changes: [FileChange], parent: ObjectID?, message: String, author: Signature, committer: Signature
    ) throws -> ObjectID {
        try writeCommit(
            try changes.map { try PathUpdate($0, in: self) }, parent: parent, message: message, author: author,
            committer: committer)
    }

    /// Writes a commit object whose tree is `parent`'s tree with each path set to a blob (or removed).
    /// - Parameter fromEmpty: the tree holds only `updates`, whatever the parent's held.
    func writeCommit(
        _ updates: [PathUpdate], parent: ObjectID?, message: String, author: Signature, committer: Signature,
        fromEmpty: Bool = false
    ) throws -> ObjectID {
        try exclusive { pointer in
            let treeID = try writeTree(updates, parent: fromEmpty ? nil : parent)
            if let sign = commitSigning {
                // The commit's text as git writes it; signed, then stored with its signature.
                var text = "tree \(treeID)\n"
                if let parent { text += "parent \(parent)\n" }
                text += "author \(author.header)\ncommitter \(committer.header)\n\n\(message)"
                let signature = try sign(Array(text.utf8))
                var out = git_oid()
                try check(
                    "git_commit_create_with_signature",
                    git_commit_create_with_signature(&out, pointer, text, signature, "gpgsig"))
                return ObjectID(out)
            }
            // The parent is named by id: a parent whose signature libgit2 would refuse to parse
            // (written by another tool) does not stop the next commit.
            var out = git_oid()
            var treeOID = treeID.raw
            var parentOID = parent?.raw ?? git_oid()
            try author.withRaw { rawAuthor in
                try committer.withRaw { rawCommitter in
                    try withUnsafePointer(to: &parentOID) { parentPointer in
                        var parents: [UnsafePointer<git_oid>?] = parent == nil ? [] : [parentPointer]
                        try parents.withUnsafeMutableBufferPointer { buffer in
                            try check(
                                "git_commit_create_from_ids",
                                git_commit_create_from_ids(
                                    &out, pointer, nil, rawAuthor, rawCommitter, nil, message, &treeOID,
                                    buffer.count, buffer.baseAddress))
                        }
                    }
                }
            }
            return ObjectID(out)
        }
    }

    private func writeTree(_ updates: [PathUpdate], parent: ObjectID?) throws -> ObjectID {
        try exclusive { pointer in
            var baseline: OpaquePointer?
            if let parent {
                var oid = try treeID(ofCommit: parent).raw
                try check("git_tree_lookup", git_tree_lookup(&baseline, pointer, &oid))
            } else {
                var builder: OpaquePointer?
                try check("git_treebuilder_new", git_treebuilder_new(&builder, pointer, nil))
                defer { git_treebuilder_free(builder) }
                var empty = git_oid()
                try check("git_treebuilder_write", git_treebuilder_write(&empty, builder))
                try check("git_tree_lookup", git_tree_lookup(&baseline, pointer, &empty))
            }
            defer { git_tree_free(baseline) }

            var raw: [git_tree_update] = []
            var paths: [UnsafeMutablePointer<CChar>] = []
            defer { paths.forEach { free($0) } }
            for update in updates {
                guard let path = strdup(update.path) else {
                    throw GitError.io(path: update.path, message: "out of memory")
                }
                paths.append(path)
                var entry = git_tree_update()
                entry.path = UnsafePointer(path)
                if let blob = update.blob {
                    entry.action = GIT_TREE_UPDATE_UPSERT
                    entry.id = blob.raw
                    entry.filemode = GIT_FILEMODE_BLOB
                } else {
                    guard try blobID(atPath: update.path, inTree: baseline) != nil else { continue }
                    entry.action = GIT_TREE_UPDATE_REMOVE
                }
                raw.append(entry)
            }
            var out = git_oid()
            try raw.withUnsafeBufferPointer { buffer in
                try check(
                    "git_tree_create_updated",
                    git_tree_create_updated(&out, pointer, baseline, buffer.count, buffer.baseAddress))
            }
            return ObjectID(out)
        }
    }

    func withTree<T>(of commit: ObjectID, _ body: (OpaquePointer?) throws -> T) throws -> T {
        try exclusive { pointer in
            var oid = try treeID(ofCommit: commit).raw
            var tree: OpaquePointer?
            try check("git_tree_lookup", git_tree_lookup(&tree, pointer, &oid))
            defer { git_tree_free(tree) }
            return try body(tree)
        }
    }

    func blobID(atPath path: String, inTree tree: OpaquePointer?) throws -> ObjectID? {
        var entry: OpaquePointer?
        let result = git_tree_entry_bypath(&entry, tree, path)
        if result == GIT_ENOTFOUND.rawValue { return nil }
        try check("git_tree_entry_bypath", result)
        guard let entry else { return nil }
        defer { git_tree_entry_free(entry) }
        guard git_tree_entry_type(entry) == GIT_OBJECT_BLOB else { return nil }
        return ObjectID(git_tree_entry_id(entry).pointee)
    }
}
