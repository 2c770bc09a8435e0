import Foundation
#if canImport(Glibc)
    import Glibc
#endif
import Git
import PressKit
import TestSupport
import Testing

/// A bare repository on disk and clones of it: the first made with `press init`, with `hello`.
final class SharedRemote: Sendable {
    let directory = TemporaryDirectory("press-remote")
    var bare: String { directory.file("origin.git") }
    let first: ContentRepository

    init() async throws {
        try directory.write("a/workflows/default.yml", testWorkflow)
        first = try ContentRepository.initialize(at: directory.file("a"), actor: eddiePerson, now: now).0
        #expect(try await git(["init", "-q", "--bare", bare], in: directory.path).status == 0)
        try first.create(NewPostRequest(title: "Hello", summary: "A first post.", actor: adaPerson, now: now))
        #expect(try await git(["remote", "add", "origin", bare], in: first.root).status == 0)
        _ = try RemoteSync(repository: first, remote: nil).sync()
        let branch = try first.git.headReferenceName()
        #expect(try await git(["symbolic-ref", "HEAD", branch], in: bare).status == 0)
    }

    func clone(_ name: String) async throws -> ContentRepository {
        #expect(try await git(["clone", "-q", bare, name], in: directory.path).status == 0)
        return ContentRepository(git: try Repository.open(at: directory.file(name)))
    }

    /// The remote branch's commit subjects, newest first.
    func subjects() async throws -> [String] {
        try await git(["log", "--format=%s", "HEAD"], in: bare).stdout.split(separator: "\n").map(String.init)
    }

    func remoteHead() async throws -> String {
        try await git(["rev-parse", "HEAD"], in: bare).stdout.trimmingCharacters(in: .newlines)
    }
}

func perform(_ repository: ContentRepository, _ name: String, _ person: Person, at: String? = nil, time: Date = now)
    throws
{
    try repository.perform(TransitionRequest(name: name, slug: "hello", actor: person, at: at, now: time))
}

@Suite struct RemoteSyncTests {
    @Test func workFromTwoClonesMeetsOnTheRemoteInOneLine() async throws {
        let remote = try await SharedRemote()
        let second = try await remote.clone("b")
        try remote.first.create(NewPostRequest(title: "One", summary: "s", actor: adaPerson, now: now))
        try second.create(NewPostRequest(title: "Two", summary: "s", actor: ritaPerson, now: now))

        let a = try RemoteSync(repository: remote.first, remote: nil)
        let b = try RemoteSync(repository: second, remote: "origin")
        #expect(try a.sync().pushed == 1)
        let summary = try b.sync()
        #expect(summary == SyncSummary(fetched: 1, integration: .rebased(commits: 1), pushed: 1, rejectedPushes: 0))
        #expect(try a.sync().integration == .fastForwarded)

        await #expect(Array(try remote.subjects().prefix(3)) == ["new: two", "new: one", "new: hello"])
        for clone in [remote.first, second] {
            await #expect(try clone.git.headCommitID()?.description == remote.remoteHead())
            #expect(try await git(["status", "--porcelain"], in: clone.root).stdout == "")
            #expect(FileManager.default.fileExists(atPath: clone.root + "/drafts/one.md"))
            #expect(FileManager.default.fileExists(atPath: clone.root + "/drafts/two.md"))
        }
        #expect(try await git(["fsck", "--strict"], in: remote.bare).status == 0)
        // The rebuilt commit keeps its author.
        #expect(try await git(["log", "-1", "--format=%an", "HEAD"], in: remote.bare).stdout == "Rita Reviewer\n")
    }

    @Test func aLocalCommitThatClashesWithTheRemoteIsRefusedAndChangesNothing() async throws {
        let remote = try await SharedRemote()
        let second = try await remote.clone("b")
        try perform(remote.first, "submit", adaPerson)
        try perform(remote.first, "approve", ritaPerson)
        _ = try RemoteSync(repository: remote.first, remote: nil).sync()
        // The same submit on both sides is recognised as already there; the approvals differ.
        try perform(second, "submit", adaPerson)
        try perform(second, "approve", eddiePerson)
        let head = try second.git.headCommitID()
        let text = FileManager.default.contents(atPath: second.root + "/drafts/hello.md")

        let sync = try RemoteSync(repository: second, remote: nil)
        #expect(throws: SyncError.conflict(path: "drafts/hello.md", commit: "approve: hello", remote: sync.remoteName))
        {
            try sync.sync()
        }
        #expect(try second.git.headCommitID() == head)
        #expect(FileManager.default.contents(atPath: second.root + "/drafts/hello.md") == text)
        #expect(try await git(["status", "--porcelain"], in: second.root).stdout == "")
    }

    @Test func uncommittedWorkIsNeverOverwrittenByAFetch() async throws {
        let remote = try await SharedRemote()
        let second = try await remote.clone("b")
        try perform(remote.first, "submit", adaPerson)
        _ = try RemoteSync(repository: remote.first, remote: nil).sync()
        let path = second.root + "/drafts/hello.md"
        let edited = (FileManager.default.contents(atPath: path) ?? Data()) + Data("\nMore words.\n".utf8)
        _ = FileManager.default.createFile(atPath: path, contents: edited)
        let head = try second.git.headCommitID()

        #expect(throws: GitError.localChanges(path: "drafts/hello.md")) {
            try RemoteSync(repository: second, remote: nil).pull()
        }
        #expect(try second.git.headCommitID() == head)
        #expect(FileManager.default.contents(atPath: path) == edited)
    }

    @Test func aMissingRemoteIsAConfigurationError() async throws {
        let remote = try await SharedRemote()
        #expect(throws: SyncError.noRemote("upstream", available: ["origin"])) {
            try RemoteSync(repository: remote.first, remote: "upstream")
        }
        #expect(SyncError.noRemote("upstream", available: []).isConfigurationError)
    }
}

/// The scheduler with a remote: a refused push is taken back and redone on the new tip.
@Suite struct SchedulerRemoteTests {
    /// `hello` scheduled by the first clone and pushed; the second clone has it too.
    func scheduled() async throws -> (SharedRemote, ContentRepository, Date) {
        let remote = try await SharedRemote()
        try perform(remote.first, "submit", adaPerson)
        try perform(remote.first, "approve", ritaPerson)
        try perform(remote.first, "schedule", eddiePerson, at: "2027-02-01T09:00:00+00:00")
        _ = try RemoteSync(repository: remote.first, remote: nil).sync()
        let second = try await remote.clone("b")
        let time = try #require(try Scheduler(repository: second, checker: nil).scheduled().first?.publishAt)
        return (remote, second, time)
    }

    /// The second clone's sync, whose first push is preceded by `interference` from the first
    /// clone, synced to the remote: someone else pushing first.
    func sync(
        _ second: ContentRepository, after interference: @escaping @Sendable () throws -> Void,
        from remote: SharedRemote
    ) throws -> RemoteSync {
        let sync = try RemoteSync(repository: second, remote: nil)
        let interfered = Locked(false)
        let first = remote.first
        sync.beforePush = {
            guard
                interfered.withLock({ done in
                    defer { done = true }; return !done
                })
            else { return }
            try interference()
            _ = try RemoteSync(repository: first, remote: nil).sync()
        }
        return sync
    }

    @Test func whenSomeoneElsePublishedFirstTheRefusedPublishIsDroppedNotRepeated() async throws {
        let (remote, second, time) = try await scheduled()
        let sync = try sync(
            second, after: { try perform(remote.first, "publish", eddiePerson, time: time.addingTimeInterval(0.1)) },
            from: remote)
        let round = try await Scheduler(repository: second, checker: nil)
            .publishDue(now: { time.addingTimeInterval(0.25) }, catchingUp: false, through: sync)

        #expect(round.rejectedPushes.count == 1)
        #expect(round.events.isEmpty)
        await #expect(try remote.subjects().filter { $0 == "publish: hello" }.count == 1)
        await #expect(try second.git.headCommitID()?.description == remote.remoteHead())
        #expect(try second.post("hello").path == "published/hello.md")
        #expect(try await git(["log", "-1", "--format=%ae", "HEAD"], in: remote.bare).stdout == "editor@example.com\n")
        #expect(try await git(["status", "--porcelain"], in: second.root).stdout == "")
    }

    @Test func whenSomeoneElsePushedSomethingElseThePublishIsRedoneOnTheirTip() async throws {
        let (remote, second, time) = try await scheduled()
        let sync = try sync(
            second,
            after: {
                try remote.first.create(NewPostRequest(title: "Other", summary: "s", actor: adaPerson, now: now))
            }, from: remote)
        let round = try await Scheduler(repository: second, checker: nil)
            .publishDue(now: { time.addingTimeInterval(0.25) }, catchingUp: false, through: sync)

        #expect(round.rejectedPushes.count == 1)
        #expect(round.events.map(\.kind) == [.published])
        await #expect(Array(try remote.subjects().prefix(2)) == ["publish: hello", "new: other"])
        await #expect(try remote.subjects().filter { $0 == "publish: hello" }.count == 1)
        #expect(
            try await git(["log", "-1", "--format=%ae", "HEAD"], in: remote.bare).stdout == "scheduler@press.invalid\n")
        await #expect(try second.git.headCommitID()?.description == remote.remoteHead())
        #expect(FileManager.default.fileExists(atPath: second.root + "/drafts/other.md"))
        #expect(try await git(["status", "--porcelain"], in: second.root).stdout == "")
    }

    @Test func anUnreachableRemoteLeavesThePostScheduled() async throws {
        let (remote, second, time) = try await scheduled()
        let sync = try RemoteSync(repository: second, remote: nil)
        let head = try second.git.headCommitID()
        try FileManager.default.removeItem(atPath: remote.bare)
        await #expect(throws: SyncError.self) {
            try await Scheduler(repository: second, checker: nil)
                .publishDue(now: { time.addingTimeInterval(0.25) }, catchingUp: false, through: sync)
        }
        #expect(try second.git.headCommitID() == head)
        #expect(try second.post("hello").status == "scheduled")
    }
}

/// The network path: a push through libgit2's smart protocol to `git daemon` on 127.0.0.1,
/// where the server, not press, refuses a push that is not a fast-forward.
@Suite(.serialized) struct NetworkRemoteTests {
    /// Starts `git daemon` serving `base` with pushes enabled; returns it and its port.
    func daemon(serving base: String) async throws -> (BackgroundProcess, Int) {
        let port = try freePort()
        // The daemon itself, not the `git` wrapper, so that terminating it stops it.
        let execPath = try await git(["--exec-path"], in: base).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let log = base + "/daemon.log"
        let process = try BackgroundProcess(
            execPath + "/git-daemon",
            [
                "--verbose", "--export-all", "--enable=receive-pack", "--reuseaddr", "--listen=127.0.0.1",
                "--port=\(port)", "--base-path=\(base)", base,
            ], log: log)
        // git daemon says in its log when it listens.
        let ready = await eventually(10) {
            readFile(log).map { String(decoding: $0, as: UTF8.self) }?.contains("Ready to rumble") == true
        }
        #expect(ready)
        return (process, port)
    }

    func freePort() throws -> Int {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) }
        }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    @Test func aStalePushOverTheNetworkIsRefusedAndSyncRedoesIt() async throws {
        let remote = try await SharedRemote()
        let (server, port) = try await daemon(serving: remote.directory.path)
        defer { server.signal(SIGKILL) }
        let url = "git://127.0.0.1:\(port)/origin.git"
        let second = try await remote.clone("b")
        for clone in [remote.first, second] {
            #expect(try await git(["remote", "set-url", "origin", url], in: clone.root).status == 0)
        }
        try remote.first.create(NewPostRequest(title: "One", summary: "s", actor: adaPerson, now: now))
        #expect(try RemoteSync(repository: remote.first, remote: nil).sync().pushed == 1)

        try second.create(NewPostRequest(title: "Two", summary: "s", actor: ritaPerson, now: now))
        let sync = try RemoteSync(repository: second, remote: nil)
        guard case .rejected = try sync.push() else {
            Issue.record("a push that is not a fast-forward went through")
            return
        }
        await #expect(try remote.subjects().first == "new: one")
        let summary = try sync.sync()
        #expect(summary.integration == .rebased(commits: 1))
        #expect(summary.pushed == 1)
        await #expect(Array(try remote.subjects().prefix(2)) == ["new: two", "new: one"])
        #expect(try await git(["fsck", "--strict"], in: remote.bare).status == 0)
    }
}
