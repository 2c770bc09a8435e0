import Foundation
import TestSupport
import Testing

/// A bare repository on disk that a `CLIRepository` pushes to, and clones of it.
final class CLIRemote {
    let directory = TemporaryDirectory("press-bare")
    let first: CLIRepository
    var bare: String { directory.file("origin.git") }

    init(workflow: String = testWorkflow) async throws {
        first = try await CLIRepository(workflow: workflow)
        #expect(try await git(["init", "-q", "--bare", directory.file("origin.git")], in: directory.path).status == 0)
        #expect(try await git(["remote", "add", "origin", directory.file("origin.git")], in: first.path).status == 0)
        let pushed = try await first.press(["sync"])
        #expect(pushed.status == 0, "\(pushed)")
        let branch = try await git(["symbolic-ref", "HEAD"], in: first.path).stdout.trimmingCharacters(in: .newlines)
        #expect(try await git(["symbolic-ref", "HEAD", branch], in: directory.file("origin.git")).status == 0)
    }

    /// A clone of the bare repository, in a folder of its own.
    func clone(_ name: String) async throws -> String {
        let path = directory.file(name)
        #expect(try await git(["clone", "-q", bare, path], in: directory.path).status == 0)
        return path
    }

    func subjects() async throws -> [String] {
        try await git(["log", "--format=%s", "HEAD"], in: bare).stdout.split(separator: "\n").map(String.init)
    }
}

@Suite struct SyncCLITests {
    @Test func transitionsPushedFromOneCloneArriveInAnother() async throws {
        let remote = try await CLIRemote()
        let second = try await remote.clone("b")
        let submit = try await press(["submit", "hello", "--push"], in: second, as: People.ada)
        #expect(submit.status == 0, "\(submit)")
        #expect(submit.stdout.contains("pushed 1 commit to origin/"))
        await #expect(try remote.subjects().first == "submit: hello")

        let sync = try await remote.first.press(["sync"])
        #expect(sync.status == 0, "\(sync)")
        #expect(sync.stdout.hasPrefix("fetched 1 commit from origin/"))
        #expect(sync.stdout.contains("fast-forwarded to origin/"))
        #expect(try await remote.first.status() == "")
        #expect(remote.first.directory.read("drafts/hello.md")?.contains("status: review") == true)
        #expect(try await remote.first.press(["sync"]).stdout.hasPrefix("up to date with origin/"))
    }

    @Test func aFastForwardThatFailsOrIsKilledHalfWayIsUndoneOrFinished() async throws {
        let remote = try await CLIRemote()
        let second = try await remote.clone("b")
        #expect(try await press(["submit", "hello", "--push"], in: second, as: People.ada).status == 0)
        let before = try await Snapshot(remote.first)

        let failed = try await remote.first.press(["sync"], environment: ["PRESS_FAILPOINT": "before-head"])
        #expect(failed.status != 0)
        #expect(try await Snapshot(remote.first) == before)

        let killed = try await remote.first.press(["sync"], environment: ["PRESS_CRASHPOINT": "before-head"])
        #expect(killed.status != 0)
        // The next command undoes the half-made move: HEAD had not moved.
        #expect(try await remote.first.press(["status"]).status == 0)
        #expect(try await Snapshot(remote.first) == before)
        let again = try await remote.first.press(["sync"])
        #expect(again.status == 0, "\(again)")
        #expect(try await remote.first.head() == (try await git(["rev-parse", "HEAD"], in: remote.bare).stdout))
        #expect(try await remote.first.status() == "")
        #expect(remote.first.directory.read("drafts/hello.md")?.contains("status: review") == true)

        #expect(try await press(["approve", "hello", "--push"], in: second, as: People.rita).status == 0)
        let finished = try await remote.first.press(["sync"], environment: ["PRESS_CRASHPOINT": "after-head"])
        #expect(finished.status != 0)
        // HEAD had moved: the next command finishes the working tree and the index.
        #expect(try await remote.first.press(["status"]).status == 0)
        #expect(try await remote.first.status() == "")
        #expect(remote.first.directory.read("drafts/hello.md")?.contains("reviewer@example.com") == true)
        #expect(try await remote.first.fsck().status == 0)
    }

    @Test func aMissingRemoteOrAStrayFlagIsAUsageError() async throws {
        let remote = try await CLIRemote()
        let before = try await Snapshot(remote.first)
        let missing = try await remote.first.press(["sync", "--remote", "nowhere"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("no remote named 'nowhere'; remotes: origin"))
        let stray = try await remote.first.press(["submit", "hello", "--remote", "origin"], as: People.ada)
        #expect(stray.status == 2)
        #expect(stray.stderr.contains("'--remote' needs '--push'"))
        #expect(try await Snapshot(remote.first) == before)
    }

    @Test func anUnreachableRemoteRefusesAPushedTransitionAndChangesNothing() async throws {
        let remote = try await CLIRemote()
        try FileManager.default.moveItem(atPath: remote.bare, toPath: remote.bare + ".away")
        let before = try await Snapshot(remote.first)
        let submit = try await remote.first.press(["submit", "hello", "--push"], as: People.ada)
        #expect(submit.status == 1, "\(submit)")
        #expect(submit.stderr.contains("cannot reach 'origin'"))
        #expect(try await Snapshot(remote.first) == before)
    }
}

/// Two schedulers, each on its own clone of one bare repository, racing for the same posts.
@Suite(.serialized) struct SchedulerRaceTests {
    /// Adds posts scheduled by press, each for a moment after its schedule command (`lead`
    /// seconds: time enough for the command on a loaded machine), pushed from `clone`; returns
    /// once the wall clock has passed the last of those times, when all are due.
    @discardableResult
    func schedule(_ slugs: [String], lead: Double, from clone: String) async throws -> Date {
        var last = Date()
        for slug in slugs {
            let made = try await press(
                ["new", "Post \(slug)", "--slug", slug, "--summary", "A post."], in: clone, as: People.eddie)
            #expect(made.status == 0, "\(made)")
            last = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 + lead).rounded(.up))
            let stamp = ISO8601DateFormatter().string(from: last)
            let scheduled = try await press(["schedule", slug, "--at", stamp], in: clone, as: People.eddie)
            #expect(scheduled.status == 0, "\(scheduled)")
        }
        let sync = try await press(["sync"], in: clone)
        #expect(sync.status == 0, "\(sync)")
        return last
    }

    /// Waits until the wall clock has reached `time` (the schedulers publish nothing early).
    func waitUntil(_ time: Date) async throws {
        while Date() < time { try await Task.sleep(nanoseconds: 20_000_000) }
    }

    /// `hello` scheduled an hour ahead (the template), then two scheduler clones.
    func prepare() async throws -> (CLIRemote, String, String, String) {
        let workflow = testWorkflow.replacingOccurrences(
            of: "publish:         { from: [review, scheduled], to: published, by: [editor, scheduler], approvals: 1 }",
            with: "publish:         { from: [review, scheduled], to: published, by: [editor, scheduler] }"
        ).replacingOccurrences(
            of: "schedule:        { from: [review], to: scheduled, by: [editor], approvals: 1 }",
            with: "schedule:        { from: [draft, review], to: scheduled, by: [editor] }")
        let remote = try await CLIRemote(workflow: workflow)
        let editor = try await remote.clone("editor")
        for (step, person) in [(["submit", "hello"], People.ada), (["approve", "hello"], People.rita)] {
            #expect(try await press(step + ["--push"], in: editor, as: person).status == 0)
        }
        let later = ISO8601DateFormatter().string(from: Date().addingTimeInterval(3600))
        #expect(
            try await press(["schedule", "hello", "--at", later, "--push"], in: editor, as: People.eddie).status == 0)
        return await (remote, editor, try remote.clone("one"), try remote.clone("two"))
    }

    /// Each slug was published by exactly one commit on the remote, and is in published/ there.
    func expectPublishedOnce(_ slugs: [String], on remote: CLIRemote) async throws {
        let subjects = try await remote.subjects()
        let tree = try await git(["ls-tree", "-r", "--name-only", "HEAD"], in: remote.bare).stdout
        for slug in slugs {
            #expect(subjects.filter { $0 == "publish: \(slug)" }.count == 1, "\(slug): \(subjects)")
            #expect(tree.contains("published/\(slug).md\n") && !tree.contains("drafts/\(slug).md\n"), "\(slug)")
        }
        #expect(try await git(["fsck", "--strict"], in: remote.bare).status == 0)
    }

    @Test func twoSchedulersRunTogetherPublishEachPostExactlyOnce() async throws {
        let (remote, editor, one, two) = try await prepare()
        var all: [String] = []
        var refused = 0
        for round in 0..<8 {
            let slugs = (0..<3).map { "r\(round)-\($0)" }
            all += slugs
            try await waitUntil(try await schedule(slugs, lead: 2, from: editor))
            let outputs = try await runTogether(
                [one, two].map { ["scheduler", "--once", "--remote", "origin", "--repo", $0] })
            for output in outputs {
                #expect(output.status == 0, "\(output)")
                refused += output.stderr.components(separatedBy: "push refused").count - 1
            }
            try await expectPublishedOnce(all, on: remote)
        }
        // Whether they collided is up to the machine; what must hold is checked above. Record it.
        print("two schedulers, 8 rounds of 3 posts: \(refused) refused pushes redone")
        for clone in [one, two] {
            #expect(try await press(["sync"], in: clone).status == 0)
            #expect(try await git(["status", "--porcelain"], in: clone).stdout == "")
        }
    }

    @Test func twoLongRunningSchedulersShareTheScheduleThroughTheRemote() async throws {
        let (remote, editor, one, two) = try await prepare()
        let logs = TemporaryDirectory()
        var processes: [BackgroundProcess] = []
        for (index, clone) in [one, two].enumerated() {
            let arguments = ["scheduler", "--remote", "origin", "--fetch-every", "1", "--repo", clone]
            processes.append(try BackgroundProcess(pressBinary, arguments, log: logs.file("\(index).log")))
        }
        defer { processes.forEach { $0.terminate() } }
        let slugs = ["a1", "a2", "a3"]
        let time = try await schedule(slugs, lead: 3, from: editor)
        let deadline = time.addingTimeInterval(15)
        var done = false
        while !done && Date() < deadline {
            let subjects = try await remote.subjects()
            done = slugs.allSatisfy { slug in subjects.contains("publish: \(slug)") }
            if !done { try await Task.sleep(nanoseconds: 100_000_000) }
        }
        let subjects = try await remote.subjects()
        #expect(done, "not all published: \(subjects)")
        // Let both see the outcome before checking that nothing was published twice.
        for process in processes {
            process.terminate()
            #expect(await process.exit() == 0)
        }
        try await expectPublishedOnce(slugs, on: remote)
        let verified = try await press(["verify", "--repo", remote.bare], in: remote.directory.path)
        #expect(verified.status == 0, "\(verified)")
        let published = try await git(["log", "--format=%ct", "-1", "HEAD"], in: remote.bare).stdout
        #expect((Double(published.trimmingCharacters(in: .newlines)) ?? 0) >= time.timeIntervalSince1970)
    }
}

/// Runs several press command lines at once and returns their outputs, in order.
func runTogether(_ commands: [[String]]) async throws -> [Output] {
    try await withThrowingTaskGroup(of: (Int, Output).self) { group in
        for (index, arguments) in commands.enumerated() {
            group.addTask { (index, try await press(arguments, in: FileManager.default.currentDirectoryPath)) }
        }
        var outputs: [Int: Output] = [:]
        for try await (index, output) in group { outputs[index] = output }
        return commands.indices.compactMap { outputs[$0] }
    }
}
