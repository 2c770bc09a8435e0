import CLibGit2
import Foundation

/// What paths are in many trees, each tree object read once and scanned raw.
///
/// libgit2 keeps no tree larger than 4 KiB in its object cache, and `git_tree_lookup` parses
/// every entry: looking a path up in a 6,000-entry folder read and parsed the whole folder again
/// for every commit and every path. Here, as git does, a folder whose tree id is the same in a
/// commit and its parent is not opened at all, a tree is read once (then remembered by id), and
/// the name sought is searched for in the raw object, with no entry parsed.
struct TreePaths {
    let repository: Repository
    private let odb: OpaquePointer
    /// (tree id, name) → the entry (nil: no such entry).
    private var entries: [Key: Entry?] = [:]
    /// Commit → (its tree, its first parent), for commits met as parents and then walked.
    private var commits: [ObjectID: (tree: ObjectID, parent: ObjectID?)] = [:]

    /// How many commits and tree entries are remembered before starting afresh.
    static let kept = 4096

    struct Key: Hashable {
        var tree: ObjectID
        var name: String
    }

    struct Entry: Equatable {
        var id: ObjectID
        var isTree: Bool
    }

    init(_ repository: Repository) throws {
        self.repository = repository
        odb = try repository.objectDatabase()
    }

    func close() { git_odb_free(odb) }

    /// A commit's tree and first parent.
    mutating func header(of commit: ObjectID) throws -> (tree: ObjectID, parent: ObjectID?) {
        if let known = commits[commit] { return known }
        // A walk uses what it read for a commit again at the next step or two: keep the recent.
        if commits.count > TreePaths.kept { commits.removeAll(keepingCapacity: true) }
        let header = try repository.withCommit(
            commit,
            parsed: {
                (ObjectID(git_commit_tree_id($0).pointee), git_commit_parent_id($0, 0).map { ObjectID($0.pointee) })
            },
            raw: { ($0.tree, $0.info.parents.first) })
        commits[commit] = header
        return header
    }

    /// Whether `commit` added, changed or removed any of `paths` against its first parent.
    mutating func changes(_ commit: ObjectID, _ paths: [[Substring]]) throws -> Bool {
        let (tree, parent) = try header(of: commit)
        let parentTree = try parent.map { try header(of: $0).tree }
        for path in paths where try differs(path[...], tree, parentTree) { return true }
        return false
    }

    /// Whether the file at `path` differs between two trees (nil: no tree), going down only
    /// while the folders on the way differ.
    private mutating func differs(_ path: ArraySlice<Substring>, _ a: ObjectID?, _ b: ObjectID?) throws -> Bool {
        if a == b { return false }
        guard let name = path.first else { return true }
        let left = try a.flatMap { try entry(String(name), in: $0) }
        let right = try b.flatMap { try entry(String(name), in: $0) }
        if path.count == 1 {
            // The file: a blob here, or nothing (a folder of that name is not the file).
            return left.flatMap { $0.isTree ? nil : $0.id } != right.flatMap { $0.isTree ? nil : $0.id }
        }
        return try differs(
            path.dropFirst(), left.flatMap { $0.isTree ? $0.id : nil }, right.flatMap { $0.isTree ? $0.id : nil })
    }

    /// The entry `name` of a tree, read from the raw object once per tree and name.
    private mutating func entry(_ name: String, in tree: ObjectID) throws -> Entry? {
        let key = Key(tree: tree, name: name)
        if let known = entries[key] { return known }
        if entries.count > TreePaths.kept { entries.removeAll(keepingCapacity: true) }
        var oid = tree.raw
        var object: OpaquePointer?
        try check("git_odb_read", git_odb_read(&object, odb, &oid))
        guard let object else { return nil }
        defer { git_odb_object_free(object) }
        let size = git_odb_object_size(object)
        guard let data = git_odb_object_data(object) else { return nil }
        let found = TreePaths.scan(UnsafeRawBufferPointer(start: data, count: size), for: Array(name.utf8))
        entries[key] = found
        return found
    }

    /// Finds `name` in a raw tree, whose entries are `MODE SP NAME NUL ID(20)`: one search for
    /// ` NAME NUL` over the whole object (memmem), each hit checked to start an entry — a mode
    /// of five or six octal digits at the start of the object or right after the previous
    /// entry's id — so that bytes inside an id never pass for a name.
    static func scan(_ bytes: UnsafeRawBufferPointer, for name: [UInt8]) -> Entry? {
        guard let base = bytes.baseAddress, !name.isEmpty else { return nil }
        let needle = [UInt8(ascii: " ")] + name + [0]
        let count = bytes.count
        var from = 0
        while from < count {
            let hit = needle.withUnsafeBytes { cMemmem(base + from, count - from, $0.baseAddress, needle.count) }
            guard let hit else { return nil }
            let space = base.distance(to: UnsafeRawPointer(hit))
            let idStart = space + needle.count
            for length in [6, 5] where space >= length && idStart + 20 <= count {
                let start = space - length
                guard (start..<space).allSatisfy({ (0x30...0x37).contains(bytes[$0]) }),
                    start == 0 || (start >= 21 && bytes[start - 21] == 0)
                else { continue }
                var oid = git_oid()
                withUnsafeMutableBytes(of: &oid) {
                    $0.copyMemory(from: UnsafeRawBufferPointer(start: base + idStart, count: 20))
                }
                return Entry(id: ObjectID(oid), isTree: bytes[start] == UInt8(ascii: "4"))
            }
            from = space + 1
        }
        return nil
    }
}

extension Repository {
    /// The commits reachable from HEAD, newest first, that changed any of `paths`
    /// (added, modified or removed it compared with their first parent).
    public func history(touching paths: [String]) throws -> [CommitInfo] {
        guard try headCommitID() != nil else { return [] }
        var trees = try TreePaths(self)
        defer { trees.close() }
        let split = paths.map { $0.split(separator: "/") }
        var result: [CommitInfo] = []
        try walkFromHead { id in
            if try trees.changes(id, split) { result.append(try commitInfo(id)) }
            return true
        }
        return result
    }

    /// Whether `commit` added, changed or removed any of `paths`, against its first parent.
    public func changes(_ commit: CommitInfo, _ paths: [String]) throws -> Bool {
        var trees = try TreePaths(self)
        defer { trees.close() }
        return try trees.changes(commit.id, paths.map { $0.split(separator: "/") })
    }
}

/// glibc's memmem (declared only under _GNU_SOURCE, which Swift's Glibc module is built without).
@_silgen_name("memmem")
func cMemmem(
    _ haystack: UnsafeRawPointer?, _ haystackLength: Int, _ needle: UnsafeRawPointer?, _ needleLength: Int
) -> UnsafeMutableRawPointer?

extension Repository {
    /// The repository's object database, for reading raw objects; the caller frees it
    /// (`git_odb_free`). It is safe to use from any thread (libgit2 locks its caches): it is
    /// taken under the handle's lock and read outside it.
    func objectDatabase() throws -> OpaquePointer {
        var odb: OpaquePointer?
        try exclusive { pointer in try check("git_repository_odb", git_repository_odb(&odb, pointer)) }
        guard let odb else {
            throw GitError.libgit2(function: "git_repository_odb", code: -1, message: "no object database")
        }
        return odb
    }
}
