import Foundation
import Git
import TestSupport
import Testing

/// Branch moves, replays and pushes: the parts `press sync` is made of.
@Suite struct RemoteTests {
    func write(_ path: String, _ text: String) -> FileChange { .write(path: path, contents: Array(text.utf8)) }

    @Test func movingTheBranchBringsTheWorkingTreeAndIndexAlong() async throws {
        let (directory, repository) = try seeded()
        let start = try #require(try repository.headCommitID())
        let next = try repository.commit(
            [write("drafts/a.md", "second\n"), .delete(path: "notes.txt")], message: "next\n", author: ada)
        #expect(try repository.count(after: nil, upTo: next) == 2)
        #expect(try repository.count(after: start, upTo: next) == 1)
        #expect(try repository.count(after: next, upTo: start) == 0)
        #expect(try repository.commits(after: start, upTo: next).map(\.id) == [next])
        try repository.moveBranch(to: start, from: next, message: "back")
        #expect(try repository.headCommitID() == start)
        #expect(directory.read("drafts/a.md") == "first\n")
        #expect(directory.read("notes.txt") == "n\n")
        await #expect(try status(directory) == "")
        try repository.moveBranch(to: next, from: start, message: "forward")
        #expect(directory.read("drafts/a.md") == "second\n")
        #expect(!directory.exists("notes.txt"))
        await #expect(try status(directory) == "")
    }

    @Test func movingTheBranchNeverOverwritesAnEditAndChangesNothing() async throws {
        let (directory, repository) = try seeded()
        let start = try #require(try repository.headCommitID())
        let next = try repository.commit([write("drafts/a.md", "second\n")], message: "next\n", author: ada)
        try directory.write("drafts/a.md", "an editor's unsaved work\n")
        #expect(throws: GitError.localChanges(path: "drafts/a.md")) {
            try repository.moveBranch(to: start, from: next, message: "back")
        }
        #expect(try repository.headCommitID() == next)
        #expect(directory.read("drafts/a.md") == "an editor's unsaved work\n")
        #expect(throws: GitError.headMoved(expected: start, found: next)) {
            try repository.moveBranch(to: next, from: start, message: "stale")
        }
    }

    @Test func aReplayRebuildsTheCommitOrNamesTheConflictingFile() async throws {
        let (directory, repository) = try seeded()
        defer { withExtendedLifetime(directory) {} }
        let base = try #require(try repository.headCommitID())
        let mine = try repository.commit([write("drafts/b.md", "mine\n")], message: "mine\n", author: ada)
        try repository.moveBranch(to: base, from: mine, message: "back")
        let theirs = try repository.commit([write("drafts/a.md", "theirs\n")], message: "theirs\n", author: ada)

        let replayed = try repository.replay(try repository.commitInfo(mine), onto: theirs)
        guard case .applied(let id) = replayed else { Issue.record("not applied: \(replayed)"); return }
        let info = try repository.commitInfo(id)
        #expect(info.parents == [theirs])
        #expect(info.message == "mine\n")
        #expect(info.author == ada)
        #expect(try repository.contents(atPath: "drafts/b.md", in: id) == Array("mine\n".utf8))
        #expect(try repository.contents(atPath: "drafts/a.md", in: id) == Array("theirs\n".utf8))

        #expect(try repository.replay(try repository.commitInfo(mine), onto: id) == .alreadyThere)
        let clash = try repository.commit([write("drafts/a.md", "clash\n")], message: "clash\n", author: ada)
        #expect(try repository.replay(try repository.commitInfo(theirs), onto: clash) == .conflict(path: "drafts/a.md"))
    }

    @Test func aPushGoesThroughOnlyIfTheRemoteBranchIsWhereItWasFetched() async throws {
        let (directory, repository) = try seeded()
        let bare = TemporaryDirectory()
        #expect(try await git(["init", "-q", "--bare", bare.path], in: directory.path).status == 0)
        #expect(try await git(["remote", "add", "origin", "file://" + bare.path], in: directory.path).status == 0)
        let remote = try #require(try repository.remote(named: "origin"))
        #expect(remote.localPath == bare.path)
        #expect(Remote(name: "x", url: "file:///srv/news%20room.git").localPath == "/srv/news room.git")
        #expect(Remote(name: "x", url: "git@example.com:news/room.git").localPath == nil)
        #expect(Remote(name: "x", url: "https://example.com/news/room.git").localPath == nil)
        let first = try #require(try repository.headCommitID())
        #expect(try repository.push(first, to: remote, branch: "main", expecting: nil) == .pushed)
        #expect(try repository.referenceTarget("refs/remotes/origin/main") == first)

        let second = try repository.commit([write("drafts/a.md", "second\n")], message: "second\n", author: ada)
        // Someone else's view: the branch was not there yet. The remote says no, and keeps `first`.
        #expect(try repository.push(second, to: remote, branch: "main", expecting: nil) != .pushed)
        #expect(try await git(["rev-parse", "main"], in: bare.path).stdout == first.description + "\n")
        #expect(try repository.push(second, to: remote, branch: "main", expecting: first) == .pushed)
        #expect(try await git(["rev-parse", "main"], in: bare.path).stdout == second.description + "\n")
        #expect(try await git(["fsck", "--strict"], in: bare.path).status == 0)

        // Not a fast-forward of what the remote holds: refused without asking it.
        try repository.moveBranch(to: first, from: second, message: "back")
        let sideways = try repository.commit([write("drafts/c.md", "c\n")], message: "sideways\n", author: ada)
        #expect(try repository.push(sideways, to: remote, branch: "main", expecting: second) != .pushed)
        #expect(try await git(["rev-parse", "main"], in: bare.path).stdout == second.description + "\n")
    }
}
