import Foundation
import TestSupport
import Testing

/// An author with push access attacking the repository, the scheduler's machine and the record.
@Suite struct WorkflowTakeoverTests {
    static let evil =
        testWorkflow
        .replacingOccurrences(of: "editor: [editor@example.com]", with: "editor: [editor@example.com, ada@example.com]")
        .replacingOccurrences(of: "approvals: 1", with: "approvals: 0")
        + "hooks:\n  review:\n    - run: env > pwned.out\n"

    @Test func aPostCannotPickAWorkflowTheDefaultDoesNotList() async throws {
        let repository = try await CLIRepository()
        let text = repository.directory.read("drafts/hello.md") ?? ""
        try repository.directory.write(
            "drafts/hello.md", text.replacingOccurrences(of: "status: draft\n", with: "status: draft\nworkflow: evil\n")
        )
        try await repository.commitWorkflow(WorkflowTakeoverTests.evil, name: "evil", as: People.ada)
        let before = try await Snapshot(repository)
        let submit = try await repository.press(["submit", "hello"], as: People.ada)
        #expect(submit.status == 2, "\(submit)")
        #expect(
            submit.stderr.contains(
                "drafts/hello.md:8:1: error: the post names workflow 'evil', which workflows/default.yml does not allow under 'workflows:' (it lists none)"
            ), "\(submit)")
        #expect(!repository.directory.exists("pwned.out"))
        #expect(try await Snapshot(repository) == before)
        let validate = try await repository.press(["validate"])
        #expect(validate.status == 1)
        #expect(validate.stdout.contains("drafts/hello.md:8:1: error: the post names workflow 'evil'"), "\(validate)")
    }

    @Test func rulesComeFromTheCommittedWorkflowNotTheWorkingTree() async throws {
        let repository = try await CLIRepository()
        // Uncommitted: Ada makes herself an editor and adds a hook.
        try repository.directory.write("workflows/default.yml", WorkflowTakeoverTests.evil)
        #expect(try await repository.press(["submit", "hello"], as: People.ada).status == 0)
        #expect(!repository.directory.exists("pwned.out"))
        let schedule = try await repository.press(
            ["schedule", "hello", "--at", "2099-01-01T09:00:00+00:00"], as: People.ada)
        #expect(schedule.status == 1, "\(schedule)")
        #expect(
            schedule.stderr.contains("Ada Author <ada@example.com> may not 'schedule'")
                || schedule.stderr.contains("may not"), "\(schedule)")
        // A workflow file nobody committed cannot be named either; validate says what is not committed.
        try repository.directory.write("workflows/other.yml", testWorkflow)
        let validate = try await repository.press(["validate"])
        #expect(validate.status == 0, "\(validate)")
        #expect(
            validate.stdout.contains(
                "workflows/default.yml:1:1: warning: workflows/default.yml has changes that are not committed; press follows the committed workflows"
            ), "\(validate)")
        #expect(
            validate.stdout.contains("workflows/other.yml:1:1: warning: workflows/other.yml is not committed"),
            "\(validate)")
    }

    @Test func hooksAddedBySomeoneWhoIsNotAnAdminDoNotRun() async throws {
        let repository = try await CLIRepository()
        // Ada commits a hook and makes herself an editor in the same commit: the admins are
        // judged by the workflow before it, where she is none.
        try await repository.commitWorkflow(WorkflowTakeoverTests.evil, as: People.ada)
        let submit = try await repository.press(["submit", "hello"], as: People.ada)
        #expect(submit.status == 0, "\(submit)")
        #expect(!repository.directory.exists("pwned.out"))
        #expect(
            submit.stderr.contains(
                "hook run(\"env > pwned.out\") not run: the commands in workflows/default.yml were last changed in "),
            "\(submit)")
        #expect(
            submit.stderr.contains("by Ada Author <ada@example.com>, who is not an admin (editor@example.com is"),
            "\(submit)")
        // Eddie, an admin, changes something else: the hooks are still Ada's, still not run.
        try await repository.commitWorkflow(WorkflowTakeoverTests.evil + "missed: hold\n", as: People.eddie)
        #expect(
            try await repository.press(["request-changes", "hello", "--comment", "again"], as: People.eddie).status == 0
        )
        #expect(try await repository.press(["submit", "hello"], as: People.ada).status == 0)
        #expect(!repository.directory.exists("pwned.out"))
        // Eddie changes the hooks themselves: now they are his, and run.
        try await repository.commitWorkflow(
            WorkflowTakeoverTests.evil.replacingOccurrences(of: "env > pwned.out", with: "env > hook.out")
                + "missed: hold\n", as: People.eddie)
        #expect(
            try await repository.press(["request-changes", "hello", "--comment", "again"], as: People.eddie).status == 0
        )
        #expect(try await repository.press(["submit", "hello"], as: People.ada).status == 0)
        #expect(repository.directory.exists("hook.out"))
    }

    @Test func hookCommandsGetACleanEnvironment() async throws {
        let hooks = "hook_env: [DEPLOY_TARGET]\nhooks:\n  review:\n    - run: env > hook.out\n"
        let repository = try await CLIRepository(workflow: testWorkflow + hooks)
        let submit = try await repository.press(
            ["submit", "hello"], as: People.ada,
            environment: [
                "PRESS_GIT_TOKEN": "s3cret", "SSH_AUTH_SOCK": "/tmp/agent", "DEPLOY_TARGET": "staging", "OTHER": "x",
            ])
        #expect(submit.status == 0, "\(submit)")
        let lines = Set((repository.directory.read("hook.out") ?? "").split(separator: "\n").map(String.init))
        #expect(lines.contains("PRESS_SLUG=hello"))
        #expect(lines.contains("PRESS_STATE=review"))
        #expect(lines.contains("DEPLOY_TARGET=staging"))
        #expect(lines.contains { $0.hasPrefix("PATH=") })
        #expect(
            !lines.contains {
                $0.hasPrefix("PRESS_GIT_TOKEN") || $0.hasPrefix("SSH_AUTH_SOCK") || $0.hasPrefix("OTHER=")
                    || $0.hasPrefix("GIT_AUTHOR")
            }, "\(lines)")
    }

    @Test func aHangingHookIsKilledWithWhatItStarted() async throws {
        let hooks = "hook_timeout: 1\nhooks:\n  review:\n    - run: (sleep 30; touch late.out) & sleep 30\n"
        let repository = try await CLIRepository(workflow: testWorkflow + hooks)
        let started = Date()
        let submit = try await repository.press(["submit", "hello"], as: People.ada)
        #expect(submit.status == 0, "\(submit)")
        #expect(Date().timeIntervalSince(started) < 20)
        #expect(submit.stderr.contains("ran longer than 1 s (hook_timeout) and was killed"), "\(submit)")
        // The whole process group went: nothing is left to write the file later.
        let survivors = ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).filter { pid in
            guard Int(pid) != nil, let command = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else {
                return false
            }
            return String(decoding: command, as: UTF8.self).contains("touch late.out")
        }
        #expect(survivors.isEmpty, "\(survivors)")
    }
}

@Suite struct ForgedApprovalTests {
    /// Publishing without a gate: the approvals count itself is what stops a forged approval.
    static let ungatedPublish = testWorkflow.replacingOccurrences(
        of: "publish:         { from: [review, scheduled], to: published, by: [editor, scheduler], approvals: 1 }",
        with:
            "publish:         { from: [review, scheduled], to: published, by: [editor, scheduler], approvals: 1, gate: none }"
    )

    func forge(_ repository: CLIRepository) async throws {
        let text = repository.directory.read("drafts/hello.md") ?? ""
        let forged =
            "approvals:\n  - name: Rita Reviewer\n    email: reviewer@example.com\n    at: 2026-11-01T09:00:00+00:00\n"
        try repository.directory.write(
            "drafts/hello.md", text.replacingOccurrences(of: "summary:", with: forged + "summary:"))
        try await repository.commitAll("tidy", as: People.ada)
    }

    @Test func aForgedApprovalIsAValidationErrorThatStopsTheGates() async throws {
        let repository = try await CLIRepository()
        try await forge(repository)
        let before = try await Snapshot(repository)
        let submit = try await repository.press(["submit", "hello"], as: People.ada)
        #expect(submit.status == 1, "\(submit)")
        #expect(
            submit.stderr.contains("error: the approval by Rita Reviewer <reviewer@example.com> is not in history"),
            "\(submit)")
        #expect(submit.stderr.contains("[approvals-history]"))
        #expect(try await Snapshot(repository) == before)
        let validate = try await repository.press(["validate"])
        #expect(validate.status == 1)
        #expect(validate.stdout.contains("[approvals-history]"), "\(validate)")
    }

    @Test func onlyApprovalsHistoryShowsCount() async throws {
        let repository = try await CLIRepository(workflow: ForgedApprovalTests.ungatedPublish)
        #expect(try await repository.press(["submit", "hello"], as: People.ada).status == 0)
        try await forge(repository)
        let before = try await Snapshot(repository)
        let publish = try await repository.press(["publish", "hello"], as: People.eddie)
        #expect(publish.status == 1, "\(publish)")
        #expect(publish.stderr.contains("'publish' needs 1 approval; history shows 0"), "\(publish)")
        #expect(try await Snapshot(repository) == before)
        // Rita's own approval is history: now it counts, and the list agrees with history.
        #expect(try await repository.press(["approve", "hello"], as: People.rita).status == 0)
        #expect(try await repository.press(["validate"]).status == 0)
        #expect(try await repository.press(["publish", "hello"], as: People.eddie).status == 0)
    }

    @Test func anApprovalBeforeChangesWereRequestedNoLongerCounts() async throws {
        let repository = try await CLIRepository(workflow: ForgedApprovalTests.ungatedPublish)
        #expect(try await repository.press(["submit", "hello"], as: People.ada).status == 0)
        #expect(try await repository.press(["approve", "hello"], as: People.rita).status == 0)
        #expect(
            try await repository.press(["request-changes", "hello", "--comment", "more"], as: People.eddie).status == 0)
        #expect(try await repository.press(["submit", "hello"], as: People.ada).status == 0)
        try await forge(repository)
        let publish = try await repository.press(["publish", "hello"], as: People.eddie)
        #expect(publish.status == 1, "\(publish)")
        #expect(publish.stderr.contains("history shows 0"), "\(publish)")
    }

    @Test func approvalsInTheBundledContentComeFromItsInitCommit() async throws {
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let scratch = TemporaryDirectory("press-bundled")
        for folder in ["drafts", "published", "workflows"] {
            #expect(
                try await run("/bin/cp", ["-R", source.appendingPathComponent(folder).path, scratch.path]).status == 0)
        }
        #expect(try await press(["init"], in: scratch.path, as: People.eddie).status == 0)
        let validate = try await press(["validate"], in: scratch.path)
        #expect(!validate.stdout.contains("approvals-history"), "\(validate)")
    }
}

@Suite struct IdentityInjectionTests {
    @Test(arguments: ["Edna\nPress-Transition: publish", "Edna <edna@evil.example>", "Tab\u{7}Bell"])
    func aNameThatWouldBreakTheCommitHeaderIsRefused(name: String) async throws {
        let repository = try await CLIRepository()
        let before = try await Snapshot(repository)
        let submit = try await repository.press(
            ["submit", "hello"], as: ["GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": "ada@example.com"])
        #expect(submit.status == 2, "\(submit)")
        #expect(submit.stderr.contains("git refuses it in a commit, and so does press"), "\(submit)")
        #expect(try await Snapshot(repository) == before)
        #expect(try await repository.fsck().status == 0)
    }

    @Test func aMalformedSignatureAlreadyInHistoryStopsNeitherLogNorTheNextTransition() async throws {
        let repository = try await CLIRepository()
        // Another tool wrote a commit whose author line a newline cut short.
        try repository.directory.write(
            "drafts/hello.md", (repository.directory.read("drafts/hello.md") ?? "") + "\nMore.\n")
        #expect(try await git(["add", "drafts/hello.md"], in: repository.path).status == 0)
        let tree = try await git(["write-tree"], in: repository.path).stdout.trimmingCharacters(in: .newlines)
        let parent = try await repository.head().trimmingCharacters(in: .newlines)
        let raw =
            "tree \(tree)\nparent \(parent)\nauthor Edna\nPress-Transition: publish <e@x.example> 1700000000 +0000\ncommitter Edna <e@x.example> 1700000000 +0000\n\nedit: hello\n"
        let object = repository.directory.file("commit.txt")
        try repository.directory.write("commit.txt", raw)
        let id = try await git(["hash-object", "-t", "commit", "--literally", "-w", object], in: repository.path).stdout
            .trimmingCharacters(in: .newlines)
        try FileManager.default.removeItem(atPath: object)
        #expect(try await git(["update-ref", "HEAD", id], in: repository.path).status == 0)
        let log = try await repository.press(["log", "hello"])
        #expect(log.status == 0, "\(log)")
        #expect(log.stdout.contains("Edna <>"), "\(log)")
        #expect(try await repository.press(["submit", "hello"], as: People.ada).status == 0)
        #expect(try await repository.press(["approve", "hello"], as: People.rita).status == 0)
        let after = try await repository.press(["log", "hello"])
        #expect(after.stdout.split(separator: "\n").count == 4, "\(after)")
    }

    @Test func anEmailWithANewlineIsRefused() async throws {
        let repository = try await CLIRepository()
        let submit = try await repository.press(
            ["submit", "hello"],
            as: ["GIT_AUTHOR_NAME": "Ada", "GIT_AUTHOR_EMAIL": "ada@example.com\nPress-To: published"])
        #expect(submit.status == 2)
        #expect(submit.stderr.contains("the email"))
    }
}

@Suite struct CrashAndStallTests {
    static let bomb = """
        ---
        title: Bomb
        slug: bomb
        author: Ada <ada@example.com>
        status: draft
        a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
        b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
        c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
        d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
        e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
        f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
        g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
        h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
        i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
        ? *i
        : x
        ---
        Boom.

        """

    @Test func anAliasBombIsAnErrorAtItsLineAndEveryOtherPostIsHandled() async throws {
        let repository = try await CLIRepository()
        try repository.directory.write("drafts/bomb.md", CrashAndStallTests.bomb)
        let started = Date()
        let status = try await repository.press(["status"])
        #expect(status.status == 0, "\(status)")
        #expect(status.stdout.contains("hello"))
        #expect(status.stderr.contains("drafts/bomb.md:6:4: warning: YAML anchors and aliases"), "\(status)")
        let validate = try await repository.press(["validate"])
        #expect(validate.status == 1)
        #expect(validate.stdout.contains("drafts/bomb.md:6:4: error: YAML anchors and aliases"), "\(validate)")
        #expect(Date().timeIntervalSince(started) < 10)
    }

    @Test func aFIFOWhereAPostShouldBeIsAFindingNotAStall() async throws {
        let repository = try await CLIRepository()
        #expect(mkfifo(repository.directory.file("drafts/pipe.md"), 0o644) == 0)
        let status = try await repository.press(["status"])
        #expect(status.status == 0, "\(status)")
        #expect(
            status.stderr.contains("drafts/pipe.md:1:1: warning: the post is a FIFO (named pipe), not a regular file"),
            "\(status)")
        let validate = try await repository.press(["validate"])
        #expect(validate.status == 1)
        #expect(validate.stdout.contains("drafts/pipe.md:1:1: error: the post is a FIFO"), "\(validate)")
        let once = try await repository.press(["scheduler", "--once"])
        #expect(once.status == 0, "\(once)")
    }

    @Test func aPatternThatWouldBacktrackIsRefusedAtItsLine() async throws {
        let repository = try await CLIRepository()
        try await repository.commitWorkflow(testWorkflow + "links:\n  exclude: ['(a)\\1']\n")
        let validate = try await repository.press(["validate"])
        #expect(validate.status == 2, "\(validate)")
        #expect(validate.stderr.contains("back-references need backtracking"), "\(validate)")
    }

    @Test func aTimePressCannotWriteBackIsRefused() async throws {
        let repository = try await CLIRepository()
        #expect(try await repository.press(["submit", "hello"], as: People.ada).status == 0)
        #expect(try await repository.press(["approve", "hello"], as: People.rita).status == 0)
        let before = try await Snapshot(repository)
        let schedule = try await repository.press(["schedule", "hello", "--at", "9999-12-31T23:59:59-14:00"])
        #expect(schedule.status == 2, "\(schedule)")
        #expect(schedule.stderr.contains("would be stored as '10000-01-01T13:59:59+00:00'"), "\(schedule)")
        #expect(try await Snapshot(repository) == before)
    }

    @Test func aNewPostThatBreaksTheRulesIsRefusedNotCommitted() async throws {
        let repository = try await CLIRepository()
        let before = try await Snapshot(repository)
        let long = try await repository.press(["new", String(repeating: "Long title ", count: 1000)], as: People.ada)
        #expect(long.status == 1, "\(long)")
        #expect(long.stderr.contains("'title' is 11000 characters long; the most is 120"), "\(long)")
        #expect(try await Snapshot(repository) == before)
        let slug = try await repository.press(
            ["new", "Short", "--slug", String(repeating: "a", count: 300)], as: People.ada)
        #expect(slug.status == 2)
        #expect(slug.stderr.contains("a slug is at most 200 characters"))
        #expect(try await Snapshot(repository) == before)
    }

    @Test func aControlCharacterInAQuotedTitleIsAnError() async throws {
        let repository = try await CLIRepository()
        try repository.directory.write(
            "drafts/nul.md",
            "---\ntitle: \"Nul\\0here\"\nslug: nul\nauthor: Ada <ada@example.com>\nstatus: draft\n---\n")
        let validate = try await repository.press(["validate"])
        #expect(validate.status == 1)
        #expect(
            validate.stdout.contains("drafts/nul.md:2:1: error: 'title' contains the control character U+0000"),
            "\(validate)")
    }

    @Test func aRepeatedStateIsAWorkflowErrorAtItsLine() async throws {
        let repository = try await CLIRepository()
        try await repository.commitWorkflow(
            testWorkflow.replacingOccurrences(
                of: "states: [draft, review, scheduled, published]",
                with: "states: [draft, review, draft, scheduled, published]"))
        let status = try await repository.press(["status"])
        #expect(status.status == 2)
        #expect(
            status.stderr.contains(
                "workflows/default.yml:5:25: error: 'states' must be a list of distinct states ('draft' is listed twice)"
            ), "\(status)")
    }
}

@Suite struct WebhookRedirectTests {
    @Test func aWebhookIsNotRepostedToTheHostARedirectNames() async throws {
        let first = try TestHTTPServer()
        let other = try TestHTTPServer(host: "127.0.0.2")
        let hooks = "hooks:\n  review:\n    - webhook: \(first.url("/to-host/127.0.0.2:\(other.port)"))\n"
        let repository = try await CLIRepository(workflow: testWorkflow + hooks)
        let submit = try await repository.press(["submit", "hello"], as: People.ada)
        #expect(submit.status == 0, "\(submit)")
        #expect(
            submit.stderr.contains(
                "a redirect to another host ('http://127.0.0.2:\(other.port)/hooks/stolen') is not followed for a webhook"
            ), "\(submit)")
        // The background retries are refused the same way: wait for their last word.
        _ = await eventually(15) { repository.directory.read(".press/hooks.log")?.contains("more attempts") == true }
        #expect(repository.directory.read(".press/hooks.log")?.contains("is not followed for a webhook") == true)
        #expect(other.requests("/hooks/stolen").isEmpty)
        #expect(first.requests("/to-host/127.0.0.2:\(other.port)") == ["POST", "POST", "POST", "POST"])
    }
}

@Suite struct PlainWordsTests {
    @Test func aDamagedIndexIsSaidInPlainWords() async throws {
        let repository = try await CLIRepository()
        try repository.directory.write(".git/index", "garbage\n")
        let submit = try await repository.press(["submit", "hello"], as: People.ada)
        #expect(submit.status == 1, "\(submit)")
        #expect(
            submit.stderr.contains("the git index (.git/index) is damaged or unreadable; 'git reset' rebuilds it"),
            "\(submit)")
    }

    @Test func aDamagedHeadIsSaidInPlainWords() async throws {
        let repository = try await CLIRepository()
        try repository.directory.write(".git/HEAD", "garbage\n")
        let status = try await repository.press(["status"])
        #expect(status.status != 0)
        #expect(status.stderr.contains("a git reference (HEAD or a branch under .git/refs) is damaged"), "\(status)")
    }

    @Test func anUnwritableCalendarPathNamesThePath() async throws {
        let repository = try await CLIRepository()
        let output = try await repository.press(["calendar", "--ics", "/nonexistent/press.ics"])
        #expect(output.status == 2)
        #expect(
            output.stderr
                == "press: error: cannot write /nonexistent/press.ics: no such file or directory (is there a folder /nonexistent?)\n",
            "\(output)")
    }
}

/// What a repository holds is printed so that a terminal shows it and obeys none of it: a title
/// with escape sequences (setting the window's title, clearing the screen) comes out as `\x1B`.
@Suite struct TerminalEscapeTests {
    @Test func controlCharactersFromTheRepositoryArePrintedAsEscapes() async throws {
        let repository = try await CLIRepository()
        let text = repository.directory.read("drafts/hello.md") ?? ""
        try repository.directory.write(
            "drafts/hello.md",
            text.replacingOccurrences(of: "title: Hello", with: "title: \"Hello \\e]0;pwned\\a\\e[2J\\nline two\"")
                + "\nSee [this](gone\u{1B}[31m.md).\n")
        let status = try await repository.press(["status"])
        #expect(status.stdout.hasPrefix("hello\tHello \\x1B]0;pwned\\x07\\x1B[2J\\nline two\tdraft\t"), "\(status)")
        let show = try await repository.press(["show", "hello"])
        #expect(show.stdout.contains("Hello \\x1B]0;pwned\\x07\\x1B[2J\\nline two\n"), "\(show)")
        let validate = try await repository.press(["validate"])
        #expect(validate.stdout.contains("gone\\x1B[31m.md"), "\(validate)")
        let github = try await repository.press(["validate", "--format", "github"])
        #expect(github.stdout.contains("gone\\x1B[31m.md"), "\(github)")
        for output in [status, show, validate, github] {
            #expect(!output.stdout.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\u{07}" }, "\(output)")
            #expect(!output.stderr.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\u{07}" }, "\(output)")
        }
    }

    @Test func bidirectionalOverridesInATitleArePrintedAsEscapesAndMarksAreKept() async throws {
        let repository = try await CLIRepository()
        let text = repository.directory.read("drafts/hello.md") ?? ""
        // U+202E makes a terminal show the rest of the line right to left: "Hello" followed by
        // the state column reversed; U+200F (RLM) is an ordinary part of Hebrew or Arabic text.
        try repository.directory.write(
            "drafts/hello.md",
            text.replacingOccurrences(of: "title: Hello", with: "title: \"Hello \u{2066}\u{202E}dehsilbup\u{200F}\""))
        let status = try await repository.press(["status"])
        #expect(status.stdout.hasPrefix("hello\tHello \\u{2066}\\u{202E}dehsilbup\u{200F}\tdraft\t"), "\(status)")
        let show = try await repository.press(["show", "hello"])
        #expect(show.stdout.contains("Hello \\u{2066}\\u{202E}dehsilbup\u{200F}\n"), "\(show)")
        for output in [status, show] {
            #expect(
                !output.stdout.unicodeScalars.contains {
                    (0x202A...0x202E).contains($0.value) || (0x2066...0x2069).contains($0.value)
                }, "\(output)")
        }
    }
}
