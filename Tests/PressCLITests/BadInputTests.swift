import Foundation
import TestSupport
import Testing

/// Each bad input gets a clear error, exit 1 (refused) or 2 (usage, configuration), and changes nothing.
@Suite struct BadInputTests {
    @Test func notARepositoryIsAConfigurationError() async throws {
        let directory = TemporaryDirectory()
        let output = try await press(["status"], in: directory.path)
        #expect(output.status == 2)
        #expect(output.stderr.contains("is not in a git repository"))
    }

    @Test func aMissingWorkflowNamesTheFile() async throws {
        let repository = try await CLIRepository()
        try FileManager.default.removeItem(atPath: repository.directory.file("workflows/default.yml"))
        try await repository.commitAll("remove the workflow")
        let output = try await repository.press(["submit", "hello"], as: People.ada)
        #expect(output.status == 2)
        #expect(output.stderr.hasPrefix("workflows/default.yml:1:1: error: no workflow file"))
    }

    @Test func malformedWorkflowYAMLIsReportedAtItsLine() async throws {
        let repository = try await CLIRepository()
        try await repository.commitWorkflow(testWorkflow.replacingOccurrences(of: "roles:\n", with: "roles: [\n"))
        let before = try await Snapshot(repository)
        let output = try await repository.press(["submit", "hello"], as: People.ada)
        #expect(output.status == 2)
        #expect(
            output.stderr.range(
                of: #"^workflows/default\.yml:\d+:\d+: error: malformed YAML"#, options: .regularExpression) != nil,
            "\(output)")
        #expect(try await Snapshot(repository) == before)
    }

    @Test func aPostWithMalformedYAMLIsRefusedAtItsLine() async throws {
        let repository = try await CLIRepository()
        try repository.directory.write(
            "drafts/broken.md", "---\ntitle: Broken\nsummary: [oops\nslug: broken\n---\nbody\n")
        let before = try await Snapshot(repository)
        let output = try await repository.press(["submit", "broken"], as: People.ada)
        #expect(output.status == 1)
        #expect(
            output.stderr.range(
                of: #"^drafts/broken\.md:[345]:\d+: error: malformed YAML"#, options: .regularExpression) != nil,
            "\(output)")
        #expect(try await Snapshot(repository) == before)
    }

    @Test func aPostWithoutFrontMatterIsRefused() async throws {
        let repository = try await CLIRepository()
        try repository.directory.write("drafts/plain.md", "# Just Markdown\n")
        let output = try await repository.press(["submit", "plain"], as: People.ada)
        #expect(output.status == 1)
        #expect(
            output.stderr == "drafts/plain.md:1:1: error: the post has no front matter: its first line must be '---'\n")
    }

    @Test func aPostThatIsNotUTF8IsRefused() async throws {
        let repository = try await CLIRepository()
        try repository.directory.write(
            "drafts/latin.md", Array("---\ntitle: Caf".utf8) + [0xE9] + Array("\n---\n".utf8))
        let output = try await repository.press(["show", "latin"])
        #expect(output.status == 1)
        #expect(output.stderr.hasPrefix("drafts/latin.md:2:11: error: the post is not valid UTF-8"))
        let status = try await repository.press(["status"])
        #expect(status.status == 0)
        #expect(status.stderr.contains("drafts/latin.md:2:11: warning:"))
    }

    @Test func anUnknownSlugSuggestsTheClosest() async throws {
        let repository = try await CLIRepository()
        let output = try await repository.press(["submit", "helo"], as: People.ada)
        #expect(output.status == 1)
        #expect(
            output.stderr
                == "press: error: no post with the slug 'helo' in drafts/ or published/; did you mean 'hello'?\n")
    }

    @Test(arguments: ["a/b", "..", "has space", "Capital"])
    func aBadSlugIsAUsageError(slug: String) async throws {
        let repository = try await CLIRepository()
        let before = try await Snapshot(repository)
        let output = try await repository.press(["new", "Title", "--slug", slug], as: People.ada)
        #expect(output.status == 2)
        #expect(output.stderr.contains("'--slug \(slug)'"))
        #expect(try await Snapshot(repository) == before)
    }

    @Test func theSameSlugInBothFoldersIsRefused() async throws {
        let repository = try await CLIRepository()
        try repository.directory.write("published/hello.md", repository.directory.read("drafts/hello.md") ?? "")
        let output = try await repository.press(["submit", "hello"], as: People.ada)
        #expect(output.status == 1)
        #expect(output.stderr.contains("the slug 'hello' is used twice (drafts/hello.md and published/hello.md)"))
    }

    @Test func aTransitionNotAllowedFromTheStateIsRefused() async throws {
        let repository = try await CLIRepository()
        let before = try await Snapshot(repository)
        let output = try await repository.press(["publish", "hello"])
        #expect(output.status == 1)
        #expect(
            output.stderr
                == "drafts/hello.md:7:1: error: 'publish' is not allowed from the state 'draft'; the workflow allows it from: review, scheduled\n"
        )
        #expect(try await Snapshot(repository) == before)
    }

    @Test func aTransitionNotAllowedForThePersonIsRefused() async throws {
        let repository = try await CLIRepository()
        let output = try await repository.press(["submit", "hello"], as: People.mallory)
        #expect(output.status == 1)
        #expect(
            output.stderr.contains(
                "Mallory <mallory@example.com> may not 'submit' this post: the workflow allows it to author, editor"))
    }

    @Test func noIdentityIsAConfigurationError() async throws {
        let repository = try await CLIRepository()
        let home = TemporaryDirectory()
        let before = try await Snapshot(repository)
        let output = try await repository.press(
            ["submit", "hello"], as: [:],
            environment: ["HOME": home.path, "XDG_CONFIG_HOME": home.path, "GIT_CONFIG_NOSYSTEM": "1"])
        #expect(output.status == 2, "\(output)")
        #expect(output.stderr.contains("press cannot tell who you are"))
        #expect(try await Snapshot(repository) == before)
    }

    @Test func aSymlinkedPostOutsideTheRepositoryIsRefused() async throws {
        let repository = try await CLIRepository()
        let outside = TemporaryDirectory()
        try outside.write("x.md", "---\ntitle: x\n---\n")
        try FileManager.default.createSymbolicLink(
            atPath: repository.directory.file("drafts/evil.md"), withDestinationPath: outside.file("x.md"))
        let output = try await repository.press(["submit", "evil"], as: People.ada)
        #expect(output.status == 1)
        #expect(
            output.stderr.contains(
                "drafts/evil.md:1:1: error: the post is a symbolic link to a file outside the repository"))
    }

    @Test(arguments: [
        ("next tuesday", 2), ("2020-01-01T09:00:00Z", 1), ("2030-03-31 01:30", 2), ("2030-10-27 01:30", 2),
    ])
    func badScheduleTimesAreRefused(at: String, code: Int32) async throws {
        let repository = try await CLIRepository()
        #expect(try await repository.press(["submit", "hello"], as: People.ada).status == 0)
        #expect(try await repository.press(["approve", "hello"], as: People.rita).status == 0)
        let before = try await Snapshot(repository)
        let output = try await repository.press(["schedule", "hello", "--at", at])
        #expect(output.status == code, "\(output)")
        #expect(output.stderr.contains(at))
        #expect(try await Snapshot(repository) == before)
    }

    @Test func usageErrorsExitTwo() async throws {
        let repository = try await CLIRepository()
        #expect(try await repository.press(["submit"]).status == 2)
        #expect(try await repository.press(["request-changes", "hello"]).status == 2)
        #expect(try await repository.press(["frobnicate"]).status == 2)
        #expect(try await repository.press(["--help"]).status == 0)
    }

    /// A usage error found as a command runs is said as press says every error, not under the
    /// usage of `press` as a whole; a port past 65535 is one (it was taken modulo 65,536).
    @Test func usageErrorsFoundWhileRunningAreSaidInPressOwnForm() async throws {
        let repository = try await CLIRepository()
        let cases: [([String], String)] = [
            (["validate", "drafts/nothing.md"], "press: error: 'drafts/nothing.md': no such file in "),
            (["preview", "nothing", "--port", "0"], "press: error: no post 'nothing' in the preview"),
            // (`--at` that cannot be read: were the port let through, the command would still
            // end, before it listens.)
            (["preview", "--port", "99999", "--at", "not-a-time"], "'--port 99999': a port is 0 to 65535"),
        ]
        for (arguments, says) in cases {
            let output = try await repository.press(arguments)
            #expect(output.status == 2, "\(arguments): \(output)")
            #expect(output.stderr.contains(says), "\(arguments): \(output)")
            #expect(!output.stderr.contains("Usage: press <subcommand>"), "\(arguments): \(output)")
        }
    }
}

/// A transition either fully happens or leaves the repository exactly as it was.
@Suite struct AtomicityCLITests {
    @Test func aHeldIndexLockRefusesCleanly() async throws {
        let repository = try await CLIRepository()
        try repository.directory.write(
            "drafts/hello.md", (repository.directory.read("drafts/hello.md") ?? "") + "edit\n")
        try repository.directory.write(".git/index.lock", "")
        let before = try await Snapshot(repository)
        let output = try await repository.press(["submit", "hello"], as: People.ada)
        #expect(output.status == 1)
        #expect(output.stderr.contains("index.lock"))
        #expect(try await Snapshot(repository) == before)
    }

    @Test(arguments: ["before-index", "before-worktree", "before-head", "after-head"])
    func aFailedWriteLeavesTheRepositoryAsItWas(point: String) async throws {
        let repository = try await CLIRepository()
        #expect(try await repository.press(["submit", "hello"], as: People.ada).status == 0)
        #expect(try await repository.press(["approve", "hello"], as: People.rita).status == 0)
        let before = try await Snapshot(repository)
        let output = try await repository.press(["publish", "hello"], environment: ["PRESS_FAILPOINT": point])
        #expect(output.status == 1)
        #expect(try await Snapshot(repository) == before)
        #expect(try await repository.press(["publish", "hello"]).status == 0)
        #expect(try await repository.status() == "")
    }

    @Test(arguments: [
        ("before-index", "review"), ("before-worktree", "review"), ("before-head", "review"),
        ("after-head", "published"),
    ])
    func aKilledProcessIsRepairedByTheNextCommand(point: String, state: String) async throws {
        let repository = try await CLIRepository()
        #expect(try await repository.press(["submit", "hello"], as: People.ada).status == 0)
        #expect(try await repository.press(["approve", "hello"], as: People.rita).status == 0)
        let killed = try await repository.press(["publish", "hello"], environment: ["PRESS_CRASHPOINT": point])
        #expect(killed.status != 0)
        let status = try await repository.press(["status", "--json"])
        #expect(status.stdout.contains("\"state\" : \"\(state)\""))
        #expect(try await repository.status() == "")
        #expect(try await repository.fsck().status == 0)
    }

    @Test func aCommandWaitsForAnotherPressThenFailsCleanly() async throws {
        let repository = try await CLIRepository()
        let ready = repository.directory.file("held")
        let holder = try BackgroundProcess(
            "/usr/bin/flock", [repository.directory.file(".git/press/lock"), "sh", "-c", "touch \(ready); sleep 30"])
        defer { holder.terminate() }
        #expect(await eventually(10) { FileManager.default.fileExists(atPath: ready) })
        let before = try await Snapshot(repository)
        let started = Date()
        let output = try await repository.press(
            ["submit", "hello"], as: People.ada, environment: ["PRESS_LOCK_TIMEOUT": "1"])
        #expect(output.status == 1)
        #expect(output.stderr.contains("busy"))
        #expect(Date().timeIntervalSince(started) >= 1)
        #expect(try await Snapshot(repository) == before)
    }
}

@Suite struct BrokenWorkflowTests {
    @Test(arguments: [["status"], ["show", "hello"], ["log", "hello"], ["new", "Another"]])
    func everyCommandRefusesABrokenWorkflow(arguments: [String]) async throws {
        let repository = try await CLIRepository()
        try await repository.commitWorkflow(testWorkflow + "colour: blue\n")
        let before = try await Snapshot(repository)
        let output = try await repository.press(arguments, as: People.ada)
        #expect(output.status == 2, "\(output)")
        #expect(output.stderr.hasPrefix("workflows/default.yml:"))
        #expect(output.stderr.contains("unknown key 'colour'"))
        #expect(try await Snapshot(repository) == before)
    }

    /// Issue 12: `--repo` at a bare repository is a configuration error that names it (the path
    /// was read from a freed handle).
    @Test func aBareRepositoryIsRefusedWithExitTwo() async throws {
        let directory = TemporaryDirectory()
        #expect(try await git(["init", "-q", "--bare", directory.file("bare.git")], in: directory.path).status == 0)
        let output = try await run(pressBinary, ["status", "--repo", directory.file("bare.git")])
        #expect(output.status == 2, "\(output)")
        #expect(
            output.stderr
                == "press: error: \(directory.file("bare.git")) is a bare repository (history without a working tree); press works in a clone of it: git clone \(directory.file("bare.git"))\n",
            "\(output)")
    }
}
