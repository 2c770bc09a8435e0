import CLibGit2
import Foundation

/// The entries of top-level folders that differ between commits, read from raw tree objects.
///
/// libgit2's tree diff parses both folders entry by entry, allocating as it goes; for a folder
/// of 6,000 posts changed by one commit that is most of the time `press verify` spends. Here a
/// folder whose tree id is the same on both sides is not opened, and a changed folder's two raw
/// objects are walked side by side: equal entries are skipped by comparing their bytes, and
/// only the few that differ are read into values. The raw objects of the latest folder trees
/// are kept, since a history walk reads each commit's folders again as the next commit's parent.
public struct FolderDiff {
    let repository: Repository
    private let odb: OpaquePointer
    private var trees: [ObjectID: [UInt8]] = [:]
    private var order: [ObjectID] = []
    static let kept = 8

    public init(_ repository: Repository) throws {
        self.repository = repository
        odb = try repository.objectDatabase()
    }

    public func close() { git_odb_free(odb) }

    /// The files and folders directly in `folders` that differ between `old`'s tree and
    /// `new`'s (nil: no commit), as `folder/name` with their ids on each side.
    public mutating func differences(from old: ObjectID?, to new: ObjectID, in folders: [String]) throws
        -> [TreeDifference]
    {
        let newRoot = try rootTree(of: new)
        let oldRoot = try old.map { try rootTree(of: $0) }
        var result: [TreeDifference] = []
        for folder in folders {
            let name = Array(folder.utf8)
            let newFolder = try raw(newRoot).withUnsafeBytes { FolderDiff.entry(name, in: $0) }
            let oldFolder = try oldRoot.flatMap { try raw($0).withUnsafeBytes { FolderDiff.entry(name, in: $0) } }
            if newFolder == oldFolder { continue }
            let newBytes = try newFolder.map { try raw($0) } ?? []
            let oldBytes = try oldFolder.map { try raw($0) } ?? []
            oldBytes.withUnsafeBytes { a in
                newBytes.withUnsafeBytes { b in
                    FolderDiff.compare(a, b) { name, before, after in
                        result.append(TreeDifference(path: folder + "/" + name, old: before, new: after))
                    }
                }
            }
        }
        return result
    }

    private func rootTree(of commit: ObjectID) throws -> ObjectID {
        try repository.withCommit(
            commit, parsed: { ObjectID(git_commit_tree_id($0).pointee) }, raw: { $0.tree })
    }

    /// A tree object's bytes, read once while it is among the latest.
    private mutating func raw(_ tree: ObjectID) throws -> [UInt8] {
        if let known = trees[tree] { return known }
        var oid = tree.raw
        var object: OpaquePointer?
        try check("git_odb_read", git_odb_read(&object, odb, &oid))
        guard let object else { return [] }
        defer { git_odb_object_free(object) }
        let size = git_odb_object_size(object)
        let bytes = git_odb_object_data(object).map { Array(UnsafeRawBufferPointer(start: $0, count: size)) } ?? []
        trees[tree] = bytes
        order.append(tree)
        if order.count > FolderDiff.kept { trees[order.removeFirst()] = nil }
        return bytes
    }

    /// One raw entry: `MODE SP NAME NUL ID(20)`.
    struct Entry {
        var start: Int
        var nameStart: Int
        var nameEnd: Int
        var end: Int
        var isTree: Bool
    }

    /// The entry at `offset`, or nil past the end or where the object is not a tree's.
    static func entry(at offset: Int, in bytes: UnsafeRawBufferPointer) -> Entry? {
        guard offset < bytes.count, let base = bytes.baseAddress else { return nil }
        guard let space = memchr(base + offset, 0x20, bytes.count - offset) else { return nil }
        let nameStart = base.distance(to: UnsafeRawPointer(space)) + 1
        guard nameStart < bytes.count, let nul = memchr(base + nameStart, 0, bytes.count - nameStart) else {
            return nil
        }
        let nameEnd = base.distance(to: UnsafeRawPointer(nul))
        guard nameEnd + 21 <= bytes.count else { return nil }
        return Entry(
            start: offset, nameStart: nameStart, nameEnd: nameEnd, end: nameEnd + 21,
            isTree: bytes[offset] == UInt8(ascii: "4"))
    }

    static func id(of entry: Entry, in bytes: UnsafeRawBufferPointer) -> ObjectID {
        var oid = git_oid()
        withUnsafeMutableBytes(of: &oid) {
            $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[(entry.nameEnd + 1)..<entry.end]))
        }
        return ObjectID(oid)
    }

    /// The id of the entry `name` of a (small) tree.
    static func entry(_ name: [UInt8], in bytes: UnsafeRawBufferPointer) -> ObjectID? {
        var offset = 0
        while let entry = entry(at: offset, in: bytes) {
            if bytes[entry.nameStart..<entry.nameEnd].elementsEqual(name) { return id(of: entry, in: bytes) }
            offset = entry.end
        }
        return nil
    }

    /// Whether two byte ranges hold the same bytes (memcmp: most entries compared are equal).
    static func same(
        _ a: UnsafeRawBufferPointer, _ aStart: Int, _ b: UnsafeRawBufferPointer, _ bStart: Int, count: Int
    ) -> Int32 {
        guard count > 0, let aBase = a.baseAddress, let bBase = b.baseAddress else { return 0 }
        return memcmp(aBase + aStart, bBase + bStart, count)
    }

    /// Git's order of entries: by name, a folder's name as if it ended in '/'.
    static func order(_ a: Entry, _ aBytes: UnsafeRawBufferPointer, _ b: Entry, _ bBytes: UnsafeRawBufferPointer)
        -> Int32
    {
        let aLength = a.nameEnd - a.nameStart
        let bLength = b.nameEnd - b.nameStart
        let common = min(aLength, bLength)
        let result = same(aBytes, a.nameStart, bBytes, b.nameStart, count: common)
        if result != 0 { return result }
        let aNext: UInt8 = aLength > common ? aBytes[a.nameStart + common] : (a.isTree ? 0x2F : 0)
        let bNext: UInt8 = bLength > common ? bBytes[b.nameStart + common] : (b.isTree ? 0x2F : 0)
        return Int32(aNext) - Int32(bNext)
    }

    /// Walks two raw trees side by side and reports each name whose entry differs.
    static func compare(
        _ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer, _ report: (String, ObjectID?, ObjectID?) -> Void
    ) {
        var left = entry(at: 0, in: a)
        var right = entry(at: 0, in: b)
        func name(_ entry: Entry, _ bytes: UnsafeRawBufferPointer) -> String {
            String(decoding: UnsafeRawBufferPointer(rebasing: bytes[entry.nameStart..<entry.nameEnd]), as: UTF8.self)
        }
        while left != nil || right != nil {
            guard let l = left else {
                if let r = right {
                    report(name(r, b), nil, id(of: r, in: b))
                    right = entry(at: r.end, in: b)
                }
                continue
            }
            guard let r = right else {
                report(name(l, a), id(of: l, in: a), nil)
                left = entry(at: l.end, in: a)
                continue
            }
            let lLength = l.end - l.start
            if lLength == r.end - r.start, same(a, l.start, b, r.start, count: lLength) == 0 {
                left = entry(at: l.end, in: a)
                right = entry(at: r.end, in: b)
                continue
            }
            let ordering = order(l, a, r, b)
            if ordering < 0 {
                report(name(l, a), id(of: l, in: a), nil)
                left = entry(at: l.end, in: a)
            } else if ordering > 0 {
                report(name(r, b), nil, id(of: r, in: b))
                right = entry(at: r.end, in: b)
            } else {
                report(name(l, a), id(of: l, in: a), id(of: r, in: b))
                left = entry(at: l.end, in: a)
                right = entry(at: r.end, in: b)
            }
        }
    }
}
