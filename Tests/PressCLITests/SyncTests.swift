import Foundation
import TestSupport
import Testing

/// A bare repository on disk that a `CLIRepository` pushes to, and clones of it.
final class CLIRemote {
    let directory = TemporaryDirectory("press-bare")
    let first: CLIRepository
    var bare: String { directory.file("origin.git") }

    init(workflow: String = testWorkflow) throws {
        first = try CLIRepository(workflow: workflow)
        #expect(try git(["init", "-q", "--bare", directory.file("origin.git")], in: directory.path).status == 0)
        #expect(try git(["remote", "add", "origin", directory.file("origin.git")], in: first.path).status == 0)
        let pushed = try first.press(["sync"])
        #expect(pushed.status == 0, "\(pushed)")
        let branch = try git(["symbolic-ref", "HEAD"], in: first.path).stdout.trimmingCharacters(in: .newlines)
        #expect(try git(["symbolic-ref", "HEAD", branch], in: directory.file("origin.git")).status == 0)
    }

    /// A clone of the bare repository, in a folder of its own.
    func clone(_ name: String) throws -> String {
        let path = directory.file(name)
        #expect(try git(["clone", "-q", bare, path], in: directory.path).status == 0)
        return path
    }

    func subjects() throws -> [String] {
        try git(["log", "--format=%s", "HEAD"], in: bare).stdout.split(separator: "\n").map(String.init)
    }
}

@Suite struct SyncCLITests {
    @Test func transitionsPushedFromOneCloneArriveInAnother() throws {
        let remote = try CLIRemote()
        let second = try remote.clone("b")
        let submit = try press(["submit", "hello", "--push"], in: second, as: People.ada)
        #expect(submit.status == 0, "\(submit)")
        #expect(submit.stdout.contains("pushed 1 commit to origin/"))
        #expect(try remote.subjects().first == "submit: hello")

        let sync = try remote.first.press(["sync"])
        #expect(sync.status == 0, "\(sync)")
        #expect(sync.stdout.hasPrefix("fetched 1 commit from origin/"))
        #expect(sync.stdout.contains("fast-forwarded to origin/"))
        #expect(try remote.first.status() == "")
        #expect(remote.first.directory.read("drafts/hello.md")?.contains("status: review") == true)
        #expect(try remote.first.press(["sync"]).stdout.hasPrefix("up to date with origin/"))
    }

    @Test func aFastForwardThatFailsOrIsKilledHalfWayIsUndoneOrFinished() throws {
        let remote = try CLIRemote()
        let second = try remote.clone("b")
        #expect(try press(["submit", "hello", "--push"], in: second, as: People.ada).status == 0)
        let before = try Snapshot(remote.first)

        let failed = try remote.first.press(["sync"], environment: ["PRESS_FAILPOINT": "before-head"])
        #expect(failed.status != 0)
        #expect(try Snapshot(remote.first) == before)

        let killed = try remote.first.press(["sync"], environment: ["PRESS_CRASHPOINT": "before-head"])
        #expect(killed.status != 0)
        // The next command undoes the half-made move: HEAD had not moved.
        #expect(try remote.first.press(["status"]).status == 0)
        #expect(try Snapshot(remote.first) == before)
        let again = try remote.first.press(["sync"])
        #expect(again.status == 0, "\(again)")
        #expect(try remote.first.head() == (try git(["rev-parse", "HEAD"], in: remote.bare).stdout))
        #expect(try remote.first.status() == "")
        #expect(remote.first.directory.read("drafts/hello.md")?.contains("status: review") == true)

        #expect(try press(["approve", "hello", "--push"], in: second, as: People.rita).status == 0)
        let finished = try remote.first.press(["sync"], environment: ["PRESS_CRASHPOINT": "after-head"])
        #expect(finished.status != 0)
        // HEAD had moved: the next command finishes the working tree and the index.
        #expect(try remote.first.press(["status"]).status == 0)
        #expect(try remote.first.status() == "")
        #expect(remote.first.directory.read("drafts/hello.md")?.contains("reviewer@example.com") == true)
        #expect(try remote.first.fsck().status == 0)
    }

    @Test func aMissingRemoteOrAStrayFlagIsAUsageError() throws {
        let remote = try CLIRemote()
        let before = try Snapshot(remote.first)
        let missing = try remote.first.press(["sync", "--remote", "nowhere"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("no remote named 'nowhere'; remotes: origin"))
        let stray = try remote.first.press(["submit", "hello", "--remote", "origin"], as: People.ada)
        #expect(stray.status == 2)
        #expect(stray.stderr.contains("'--remote' needs '--push'"))
        #expect(try Snapshot(remote.first) == before)
    }

    @Test func anUnreachableRemoteRefusesAPushedTransitionAndChangesNothing() throws {
        let remote = try CLIRemote()
        try FileManager.default.moveItem(atPath: remote.bare, toPath: remote.bare + ".away")
        let before = try Snapshot(remote.first)
        let submit = try remote.first.press(["submit", "hello", "--push"], as: People.ada)
        #expect(submit.status == 1, "\(submit)")
        #expect(submit.stderr.contains("cannot reach 'origin'"))
        #expect(try Snapshot(remote.first) == before)
    }
}

/// Two schedulers, each on its own clone of one bare repository, racing for the same posts.
@Suite(.serialized) struct SchedulerRaceTests {
    /// Adds scheduled posts (copies of `hello` once scheduled) due at `time`, pushed from `clone`.
    func schedule(_ slugs: [String], at time: Date, from clone: String) throws {
        let template = try #require(
            FileManager.default.contents(atPath: clone + "/drafts/hello.md").map { String(decoding: $0, as: UTF8.self) }
        )
        let stamp = ISO8601DateFormatter().string(from: time)
        for slug in slugs {
            // The copies carry no approvals: the one in the template is hello's own, and history
            // shows none for them (the race workflow publishes without one).
            var inApprovals = false
            let kept = template.split(separator: "\n", omittingEmptySubsequences: false).filter { line in
                if line.hasPrefix("approvals:") {
                    inApprovals = true
                } else if !line.hasPrefix(" ") {
                    inApprovals = false
                }
                return !inApprovals
            }
            let lines = kept.map { line -> String in
                if line.hasPrefix("title: ") { return "title: Post \(slug)" }
                if line.hasPrefix("slug: ") { return "slug: \(slug)" }
                if line.hasPrefix("publish_at: ") { return "publish_at: \(stamp)" }
                return String(line)
            }
            FileManager.default.createFile(
                atPath: clone + "/drafts/\(slug).md", contents: Data(lines.joined(separator: "\n").utf8))
        }
        #expect(try git(["add", "drafts"], in: clone).status == 0)
        #expect(
            try git(
                ["commit", "-qm", "schedule \(slugs.joined(separator: " "))"], in: clone, environment: People.eddie
            ).status == 0)
        let sync = try press(["sync"], in: clone)
        #expect(sync.status == 0, "\(sync)")
    }

    /// `hello` scheduled an hour ahead (the template), then two scheduler clones.
    func prepare() throws -> (CLIRemote, String, String, String) {
        let workflow = testWorkflow.replacingOccurrences(
            of: "publish:         { from: [review, scheduled], to: published, by: [editor, scheduler], approvals: 1 }",
            with: "publish:         { from: [review, scheduled], to: published, by: [editor, scheduler] }")
        let remote = try CLIRemote(workflow: workflow)
        let editor = try remote.clone("editor")
        for (step, person) in [(["submit", "hello"], People.ada), (["approve", "hello"], People.rita)] {
            #expect(try press(step + ["--push"], in: editor, as: person).status == 0)
        }
        let later = ISO8601DateFormatter().string(from: Date().addingTimeInterval(3600))
        #expect(try press(["schedule", "hello", "--at", later, "--push"], in: editor, as: People.eddie).status == 0)
        return (remote, editor, try remote.clone("one"), try remote.clone("two"))
    }

    /// Each slug was published by exactly one commit on the remote, and is in published/ there.
    func expectPublishedOnce(_ slugs: [String], on remote: CLIRemote) throws {
        let subjects = try remote.subjects()
        let tree = try git(["ls-tree", "-r", "--name-only", "HEAD"], in: remote.bare).stdout
        for slug in slugs {
            #expect(subjects.filter { $0 == "publish: \(slug)" }.count == 1, "\(slug): \(subjects)")
            #expect(tree.contains("published/\(slug).md\n") && !tree.contains("drafts/\(slug).md\n"), "\(slug)")
        }
        #expect(try git(["fsck", "--strict"], in: remote.bare).status == 0)
    }

    @Test func twoSchedulersRunTogetherPublishEachPostExactlyOnce() throws {
        let (remote, editor, one, two) = try prepare()
        var all: [String] = []
        var refused = 0
        for round in 0..<8 {
            let slugs = (0..<3).map { "r\(round)-\($0)" }
            all += slugs
            try schedule(slugs, at: Date().addingTimeInterval(-1), from: editor)
            let outputs = try runTogether(
                [one, two].map { ["scheduler", "--once", "--remote", "origin", "--repo", $0] })
            for output in outputs {
                #expect(output.status == 0, "\(output)")
                refused += output.stderr.components(separatedBy: "push refused").count - 1
            }
            try expectPublishedOnce(all, on: remote)
        }
        // Whether they collided is up to the machine; what must hold is checked above. Record it.
        print("two schedulers, 8 rounds of 3 posts: \(refused) refused pushes redone")
        for clone in [one, two] {
            #expect(try press(["sync"], in: clone).status == 0)
            #expect(try git(["status", "--porcelain"], in: clone).stdout == "")
        }
    }

    @Test func twoLongRunningSchedulersShareTheScheduleThroughTheRemote() throws {
        let (remote, editor, one, two) = try prepare()
        let logs = TemporaryDirectory()
        var processes: [Process] = []
        for (index, clone) in [one, two].enumerated() {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: pressBinary)
            process.arguments = ["scheduler", "--remote", "origin", "--fetch-every", "1", "--repo", clone]
            FileManager.default.createFile(atPath: logs.file("\(index).log"), contents: nil)
            process.standardError = FileHandle(forWritingAtPath: logs.file("\(index).log"))
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            processes.append(process)
        }
        defer { processes.forEach { $0.terminate() } }
        let slugs = ["a1", "a2", "a3"]
        let time = Date(timeIntervalSince1970: Date().addingTimeInterval(3).timeIntervalSince1970.rounded(.up))
        try schedule(slugs, at: time, from: editor)
        let deadline = time.addingTimeInterval(15)
        var done = false
        while !done && Date() < deadline {
            let subjects = try remote.subjects()
            done = slugs.allSatisfy { slug in subjects.contains("publish: \(slug)") }
            if !done { usleep(100_000) }
        }
        let subjects = try remote.subjects()
        #expect(done, "not all published: \(subjects)")
        // Let both see the outcome before checking that nothing was published twice.
        for process in processes {
            process.terminate()
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
        }
        try expectPublishedOnce(slugs, on: remote)
        let published = try git(["log", "--format=%ct", "-1", "HEAD"], in: remote.bare).stdout
        #expect((Double(published.trimmingCharacters(in: .newlines)) ?? 0) >= time.timeIntervalSince1970)
    }
}

/// Runs several press command lines at once and returns their outputs, in order.
func runTogether(_ commands: [[String]]) throws -> [Output] {
    let group = DispatchGroup()
    let results = Results(count: commands.count)
    for (index, arguments) in commands.enumerated() {
        group.enter()
        DispatchQueue.global().async {
            results.set(index, Result { try press(arguments, in: FileManager.default.currentDirectoryPath) })
            group.leave()
        }
    }
    group.wait()
    return try results.all()
}

private final class Results: @unchecked Sendable {
    private var values: [Result<Output, Error>?]
    private let lock = NSLock()
    init(count: Int) { values = Array(repeating: nil, count: count) }
    func set(_ index: Int, _ value: Result<Output, Error>) { lock.withLock { values[index] = value } }
    func all() throws -> [Output] {
        try lock.withLock { try values.map { try ($0 ?? .failure(CancellationError())).get() } }
    }
}
