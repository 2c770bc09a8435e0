import Foundation
import Git
import TestSupport
import Testing

/// The raw folder diff `press verify` reads history with, against git's own.
@Suite struct FolderDiffTests {
    /// `git diff-tree` of the folders between two commits, as `path old new` lines.
    func gitDifferences(_ old: ObjectID, _ new: ObjectID, in directory: TemporaryDirectory) async throws -> [String] {
        let output = try await git(
            [
                "diff-tree", "--no-renames", "--raw", "-r", old.description, new.description, "--", "drafts",
                "published",
            ],
            in: directory.path)
        return output.stdout.split(separator: "\n").map { line in
            let fields = line.split(separator: "\t")
            let meta = fields[0].split(separator: " ")
            let zero = String(repeating: "0", count: 40)
            let before = meta[2] == zero ? "-" : String(meta[2])
            let after = meta[3] == zero ? "-" : String(meta[3])
            return "\(fields[1]) \(before) \(after)"
        }.sorted()
    }

    func ours(_ repository: Repository, _ old: ObjectID?, _ new: ObjectID) throws -> [String] {
        var diff = try FolderDiff(repository)
        defer { diff.close() }
        return try diff.differences(from: old, to: new, in: ["drafts", "published"]).map {
            "\($0.path) \($0.old?.description ?? "-") \($0.new?.description ?? "-")"
        }.sorted()
    }

    @Test func addsChangesAndDeletesAgreeWithGit() async throws {
        let directory = TemporaryDirectory()
        let repository = try Repository.initialize(at: directory.path)
        // Names that sort close together, and a prefix of another, as posts do.
        let names = ["a.md", "a-b.md", "a.mdx", "ab.md", "b.md", "hello.md", "hello-world.md", "z.md"]
        let first = try repository.commit(
            names.map { .write(path: "drafts/\($0)", contents: Array("text of \($0)\n".utf8)) }
                + [.write(path: "published/old.md", contents: Array("old\n".utf8))],
            message: "seed\n", author: ada)
        let second = try repository.commit(
            [
                .write(path: "drafts/a.md", contents: Array("changed\n".utf8)), .delete(path: "drafts/ab.md"),
                .write(path: "drafts/aa.md", contents: Array("new\n".utf8)),
                .write(path: "drafts/zz.md", contents: Array("last\n".utf8)), .delete(path: "drafts/a-b.md"),
                .delete(path: "published/old.md"), .write(path: "published/hello.md", contents: Array("moved\n".utf8)),
                .delete(path: "drafts/hello.md"),
            ],
            message: "change\n", author: ada)
        let found = try ours(repository, first, second)
        #expect(found == (try await gitDifferences(first, second, in: directory)))
        #expect(found.count == 8, "\(found)")
        // The first commit against no parent: everything is new.
        #expect(try ours(repository, nil, first).count == names.count + 1)
        // A commit that leaves the folders alone.
        let third = try repository.commit(
            [.write(path: "notes.txt", contents: Array("n\n".utf8))], message: "notes\n", author: ada)
        #expect(try ours(repository, second, third).isEmpty)
    }
}
