import Foundation
import Git
import Synchronization
import TestSupport
import Testing

/// Issue 12: handles and descriptors freed once, and on every path out.
@Suite struct ResourceSafetyTests {
    /// A bare repository is refused by its path, read before the handle is freed (it was read
    /// after: AddressSanitizer, `make test-asan`, reports the use after free).
    @Test func aBareRepositoryIsRefusedNamingIt() async throws {
        let directory = TemporaryDirectory()
        #expect(try await git(["init", "-q", "--bare", directory.file("bare.git")], in: directory.path).status == 0)
        #expect(throws: GitError.bareRepository(path: directory.file("bare.git") + "/")) {
            try Repository.open(at: directory.file("bare.git"))
        }
    }

    /// A commit whose HEAD cannot be read fails cleanly, and the index read meanwhile on another
    /// thread is freed (it leaked: LeakSanitizer, `make test-asan`).
    @Test func aCommitOnAnUnreadableHeadFailsAndFreesTheIndex() async throws {
        let (directory, repository) = try seeded()
        let before = try await git(["rev-parse", "HEAD"], in: directory.path).stdout
        let head = directory.read(".git/HEAD") ?? ""
        try directory.write(".git/HEAD", "ref: refs/heads/bad..name\n")
        #expect(throws: GitError.self) {
            try repository.commit(
                [.write(path: "drafts/b.md", contents: Array("b\n".utf8))], message: "b\n", author: ada)
        }
        #expect(!directory.exists("drafts/b.md"))
        try directory.write(".git/HEAD", head)
        #expect(try await git(["rev-parse", "HEAD"], in: directory.path).stdout == before)
    }

    /// A lock not taken closes its descriptor once. It was closed in the initializer and again
    /// in deinit: the second close could close a descriptor another thread had just opened. Here
    /// one thread fails to take a held lock over and over while another opens pipes and checks
    /// they stay open.
    @Test func aLockNotTakenClosesItsDescriptorOnce() throws {
        let directory = TemporaryDirectory()
        let path = directory.file("lock")
        let held = try FileLock(path: path, timeout: 0)
        defer { withExtendedLifetime(held) {} }
        let done = Atomic<Bool>(false)
        let closedUnderUs = Atomic<Int>(0)
        let finished = DispatchSemaphore(value: 0)
        let watcher = Thread {
            defer { finished.signal() }
            while !done.load(ordering: .acquiring) {
                var ends: [Int32] = [0, 0]
                guard pipe(&ends) == 0 else { continue }
                for _ in 0..<50 where fcntl(ends[0], F_GETFD) == -1 { closedUnderUs.add(1, ordering: .relaxed) }
                close(ends[0])
                close(ends[1])
            }
        }
        watcher.start()
        for _ in 0..<5_000 { #expect(try FileLock.attempt(path: path) == nil) }
        done.store(true, ordering: .releasing)
        finished.wait()
        #expect(closedUnderUs.load(ordering: .relaxed) == 0)
    }
}
