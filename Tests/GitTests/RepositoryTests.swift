import Foundation
import Git
import TestSupport
import Testing

let ada = Signature(name: "Ada Author", email: "ada@example.com", time: Date(timeIntervalSince1970: 1_790_000_000))

/// A new repository with one commit holding `drafts/a.md` and `notes.txt`.
func seeded() throws -> (TemporaryDirectory, Repository) {
    let directory = TemporaryDirectory()
    let repository = try Repository.initialize(at: directory.path)
    try repository.commit(
        [
            .write(path: "drafts/a.md", contents: Array("first\n".utf8)),
            .write(path: "notes.txt", contents: Array("n\n".utf8)),
        ],
        message: "seed\n", author: ada)
    return (directory, repository)
}

func status(_ directory: TemporaryDirectory) async throws -> String {
    try await git(["status", "--porcelain"], in: directory.path).stdout
}

@Suite struct RepositoryTests {
    @Test func discoverWalksUpFromASubfolder() async throws {
        let (directory, _) = try seeded()
        let found = try Repository.discover(from: directory.file("drafts"))
        #expect(found.workdir == directory.path)
    }

    @Test func openingAFolderOutsideAnyRepositoryFails() async throws {
        let directory = TemporaryDirectory()
        #expect(throws: GitError.notARepository(path: directory.path)) { try Repository.open(at: directory.path) }
    }

    @Test func aCommitIsReadByGitAndPassesFsck() async throws {
        let (directory, repository) = try seeded()
        let log = try await git(["log", "--format=%an <%ae>%n%s", "-1"], in: directory.path)
        #expect(log.stdout == "Ada Author <ada@example.com>\nseed\n")
        #expect(try await git(["fsck", "--strict"], in: directory.path).status == 0)
        await #expect(try status(directory) == "")
        let head = try #require(try repository.headCommitID())
        #expect(try repository.contents(atPath: "drafts/a.md", in: head) == Array("first\n".utf8))
    }

    @Test func aMoveCommitsOnlyItsPathsAndLeavesOtherChangesAlone() async throws {
        let (directory, repository) = try seeded()
        try directory.write("notes.txt", "edited but not committed\n")
        try directory.write("staged.txt", "staged\n")
        #expect(try await git(["add", "staged.txt"], in: directory.path).status == 0)

        try repository.commit(
            [.delete(path: "drafts/a.md"), .write(path: "published/a.md", contents: Array("moved\n".utf8))],
            message: "publish: a\n", author: ada)

        #expect(!directory.exists("drafts/a.md"))
        #expect(directory.read("published/a.md") == "moved\n")
        #expect(directory.read("notes.txt") == "edited but not committed\n")
        let files = try await git(["show", "--name-status", "--format=", "HEAD"], in: directory.path).stdout
        #expect(files == "D\tdrafts/a.md\nA\tpublished/a.md\n")
        await #expect(try status(directory) == " M notes.txt\nA  staged.txt\n")
        #expect(try await git(["fsck", "--strict"], in: directory.path).status == 0)
    }

    @Test func historyFollowsAPostAcrossFolders() async throws {
        let (directory, repository) = try seeded()
        defer { withExtendedLifetime(directory) {} }
        try repository.commit(
            [.write(path: "notes.txt", contents: Array("x\n".utf8))], message: "unrelated\n", author: ada)
        try repository.commit(
            [.delete(path: "drafts/a.md"), .write(path: "published/a.md", contents: Array("moved\n".utf8))],
            message: "publish: a\n\nPress-Transition: publish\n", author: ada)
        let history = try repository.history(touching: ["drafts/a.md", "published/a.md"])
        #expect(history.map(\.subject) == ["publish: a", "seed"])
        #expect(history.first?.trailer("Press-Transition") == "publish")
    }

    /// The raw tree search finds a name among neighbours that share its beginning, files and
    /// folders alike, and agrees with `git log -- PATH` commit for commit.
    @Test func historyAgreesWithGitForNamesThatShareABeginning() async throws {
        let (directory, repository) = try seeded()
        defer { withExtendedLifetime(directory) {} }
        let paths = [
            "drafts/a.md", "drafts/a.md.bak", "drafts/a", "drafts/a.m", "drafts/ab.md", "drafts/a/b.md", "drafts.md",
            "published/a.md",
        ]
        for step in 0..<60 {
            let path = paths[(step * 5 + step / 4) % paths.count]
            // "drafts/a" is a file some of the time and a folder (drafts/a/b.md) at others.
            var changes: [FileChange] = [.write(path: path, contents: Array("\(step)\n".utf8))]
            if path == "drafts/a" { changes.insert(.delete(path: "drafts/a/b.md"), at: 0) }
            if path == "drafts/a/b.md" { changes.insert(.delete(path: "drafts/a"), at: 0) }
            if step % 7 == 3 { changes = [.delete(path: path)] }
            _ = try? repository.commit(changes, message: "step \(step)\n", author: ada)
        }
        for path in paths + ["drafts/b.md", "nothing/a.md"] {
            let ours = try repository.history(touching: [path]).map(\.id.description)
            let theirs = try await git(["log", "--format=%H", "--", path], in: directory.path).stdout.split(
                separator: "\n"
            )
            .map(String.init)
            // git follows a path that is a folder into it; press follows files only.
            if path == "drafts/a" { continue }
            #expect(ours == theirs, "\(path)")
        }
    }

    @Test func configIsReadFromTheRepository() async throws {
        let (directory, repository) = try seeded()
        #expect(try await git(["config", "press.test", "from-repo"], in: directory.path).status == 0)
        #expect(try repository.configString("press.test") == "from-repo")
        #expect(try repository.configString("press.absent") == nil)
    }

    @Test func commitSignaturesKeepTheirOffset() async throws {
        let (directory, repository) = try seeded()
        defer { withExtendedLifetime(directory) {} }
        let signature = Signature(
            name: "Rita", email: "rita@example.com", time: Date(timeIntervalSince1970: 1_800_000_000), offsetMinutes: 60
        )
        let id = try repository.commit([.write(path: "x", contents: [1])], message: "x\n", author: signature)
        let info = try repository.commitInfo(id)
        #expect(info.author == signature)
    }
}

@Suite struct AtomicityTests {
    @Test func aHeldIndexLockLeavesTheRepositoryAsItWas() async throws {
        let (directory, repository) = try seeded()
        let head = try repository.headCommitID()
        try directory.write(".git/index.lock", "")
        #expect(throws: GitError.self) {
            try repository.commit(
                [.write(path: "drafts/a.md", contents: Array("changed\n".utf8))], message: "m\n", author: ada)
        }
        #expect(try repository.headCommitID() == head)
        #expect(directory.read("drafts/a.md") == "first\n")
        try FileManager.default.removeItem(atPath: directory.file(".git/index.lock"))
        await #expect(try status(directory) == "")
    }

    @Test(arguments: ["before-index", "before-worktree", "before-head", "after-head"])
    func aFailureAtAnyStepRollsBack(point: String) async throws {
        let (directory, repository) = try seeded()
        let head = try repository.headCommitID()
        try directory.write("drafts/a.md", "edited by the author\n")
        repository.injectedFailures = [point]
        #expect(throws: GitError.injectedFailure(point: point)) {
            try repository.commit(
                [.delete(path: "drafts/a.md"), .write(path: "published/a.md", contents: Array("moved\n".utf8))],
                message: "publish: a\n", author: ada)
        }
        #expect(try repository.headCommitID() == head)
        #expect(directory.read("drafts/a.md") == "edited by the author\n")
        #expect(!directory.exists("published/a.md"))
        await #expect(try status(directory) == " M drafts/a.md\n")
        #expect(!directory.exists(".git/press/journal"))
    }

    @Test(arguments: ["before-index", "before-worktree", "before-head"])
    func aCrashBeforeHeadMovesIsUndoneByRecovery(point: String) async throws {
        let (directory, repository) = try seeded()
        let head = try repository.headCommitID()
        repository.injectedCrashes = [point]
        #expect(throws: GitError.injectedCrash(point: point)) {
            try repository.commit(
                [.delete(path: "drafts/a.md"), .write(path: "published/a.md", contents: Array("moved\n".utf8))],
                message: "publish: a\n", author: ada)
        }
        #expect(directory.exists(".git/press/journal"))
        try repository.recoverInterruptedCommit()
        #expect(try repository.headCommitID() == head)
        #expect(directory.read("drafts/a.md") == "first\n")
        #expect(!directory.exists("published/a.md"))
        await #expect(try status(directory) == "")
    }

    @Test func aCrashAfterHeadMovedIsFinishedByRecovery() async throws {
        let (directory, repository) = try seeded()
        repository.injectedCrashes = ["after-head"]
        #expect(throws: GitError.injectedCrash(point: "after-head")) {
            try repository.commit(
                [.delete(path: "drafts/a.md"), .write(path: "published/a.md", contents: Array("moved\n".utf8))],
                message: "publish: a\n", author: ada)
        }
        try repository.recoverInterruptedCommit()
        #expect(try repository.headCommitInfo()?.subject == "publish: a")
        #expect(directory.read("published/a.md") == "moved\n")
        #expect(!directory.exists("drafts/a.md"))
        await #expect(try status(directory) == "")
        #expect(!directory.exists(".git/press/journal"))
    }

    @Test func aSecondLockWaitsThenFailsNamingTheHolder() async throws {
        let (directory, repository) = try seeded()
        defer { withExtendedLifetime(directory) {} }
        let held = try repository.lock()
        let started = Date()
        #expect(throws: GitError.locked(path: "\(repository.gitDirectory)/press/lock by process \(getpid())")) {
            _ = try repository.lock(timeout: 0.3)
        }
        #expect(Date().timeIntervalSince(started) >= 0.3)
        withExtendedLifetime(held) {}
    }
}

extension Repository {
    func headCommitInfo() throws -> CommitInfo? {
        try headCommitID().map(commitInfo)
    }
}
