import Foundation
import PressKit
import TestSupport
import Testing

/// The scheduler on the real clock, as a process.
@Suite(.serialized) struct SchedulerTests {
    /// A repository whose post `hello` is approved and scheduled `seconds` from now.
    func scheduledRepository(in seconds: Double, workflow: String = testWorkflow) async throws -> (CLIRepository, Date)
    {
        let repository = try await CLIRepository(workflow: workflow)
        #expect(try await repository.press(["submit", "hello"], as: People.ada).status == 0)
        #expect(try await repository.press(["approve", "hello"], as: People.rita).status == 0)
        let at = Date().addingTimeInterval(seconds).timeIntervalSince1970.rounded(.up)
        let time = Date(timeIntervalSince1970: at)
        let formatter = ISO8601DateFormatter()
        let schedule = try await repository.press(["schedule", "hello", "--at", formatter.string(from: time)])
        #expect(schedule.status == 0, "\(schedule)")
        return (repository, time)
    }

    /// The scheduler started on a repository whose `hello` is approved, and once it has said
    /// so, `hello` scheduled `seconds` from then: what is measured is the scheduler waking at
    /// the time, not a process starting on a machine busy with other tests (which took 2.7 s once).
    func scheduledWhileRunning(in seconds: Double, workflow: String = testWorkflow, log: String) async throws
        -> (CLIRepository, Date, BackgroundProcess)
    {
        let repository = try await CLIRepository(workflow: workflow)
        #expect(try await repository.press(["submit", "hello"], as: People.ada).status == 0)
        #expect(try await repository.press(["approve", "hello"], as: People.rita).status == 0)
        let scheduler = try startScheduler(repository, log: log)
        let started = await eventually(60) {
            (try? String(contentsOfFile: log, encoding: .utf8))?.contains(" info started ") == true
        }
        #expect(started)
        let time = Date(timeIntervalSince1970: Date().addingTimeInterval(seconds).timeIntervalSince1970.rounded(.up))
        let schedule = try await repository.press([
            "schedule", "hello", "--at", ISO8601DateFormatter().string(from: time),
        ])
        #expect(schedule.status == 0, "\(schedule)")
        return (repository, time, scheduler)
    }

    /// Moves the post's time a minute into the past, as if the scheduler had been down then.
    func makeOverdue(_ repository: CLIRepository) async throws {
        let text = repository.directory.read("drafts/hello.md") ?? ""
        let past = ISO8601DateFormatter().string(from: Date().addingTimeInterval(-60))
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.hasPrefix("publish_at: ") ? "publish_at: \(past)" : String($0)
        }
        try repository.directory.write("drafts/hello.md", lines.joined(separator: "\n"))
        let env = People.eddie.merging(["GIT_COMMITTER_NAME": "E", "GIT_COMMITTER_EMAIL": "editor@example.com"]) { $1 }
        #expect(try await git(["commit", "-qam", "backdate"], in: repository.path, environment: env).status == 0)
    }

    func startScheduler(_ repository: CLIRepository, log: String, arguments: [String] = []) throws
        -> BackgroundProcess
    {
        try BackgroundProcess(pressBinary, ["scheduler", "--repo", repository.path] + arguments, log: log)
    }

    @Test func aPostIsPublishedWithinASecondOfItsTimeAndNotBefore() async throws {
        let logs = TemporaryDirectory()
        let (repository, time, scheduler) = try await scheduledWhileRunning(in: 2, log: logs.file("scheduler.log"))
        defer { scheduler.terminate() }
        #expect(await eventually(10) { repository.directory.exists("published/hello.md") })
        let commit = try await git(["log", "-1", "--format=%at%n%B"], in: repository.path).stdout
        let committed = Double(commit.split(separator: "\n").first ?? "") ?? 0
        #expect(committed >= time.timeIntervalSince1970)
        let lateness = commit.split(separator: "\n").first { $0.hasPrefix("Press-Lateness: ") }.flatMap {
            Double($0.dropFirst(16).dropLast())
        }
        #expect(lateness.map { $0 >= 0 && $0 < 1 } == true, "\(commit)")
        #expect(
            try await git(["log", "-1", "--format=%an <%ae>"], in: repository.path).stdout
                == "press-scheduler <scheduler@press.invalid>\n")
        #expect(try await repository.status() == "")
        #expect(try await repository.press(["verify"]).status == 0)
        scheduler.terminate()
        #expect(await scheduler.exit() == 0)
        #expect(logs.read("scheduler.log")?.contains(" info published ") == true)
    }

    @Test func aScheduledPostIsInTheDeployedFolderAtItsTimeAndNotBefore() async throws {
        let logs = TemporaryDirectory()
        let (repository, time, scheduler) = try await scheduledWhileRunning(
            in: 2, workflow: DeployTests.workflow("  folder: www"), log: logs.file("scheduler.log"))
        defer { scheduler.terminate() }
        #expect(await eventually(10) { repository.directory.exists("www/posts/hello/index.html") })
        // The link to the copy that holds it was put in place at or after the post's time.
        let attributes = try FileManager.default.attributesOfItem(atPath: repository.path + "/www")
        #expect(attributes[.type] as? FileAttributeType == .typeSymbolicLink)
        let made = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        #expect(made >= time.timeIntervalSince1970, "\(made) \(time.timeIntervalSince1970)")
        scheduler.terminate()
        #expect(await scheduler.exit() == 0)
        let live = logs.read("scheduler.log")?.split(separator: "\n").first { $0.contains(" info live ") } ?? ""
        #expect(live.contains("slug=hello") && live.contains("action=published"), "\(live)")
        let after = live.split(separator: " ").first { $0.hasPrefix("after=") }.flatMap {
            Double($0.dropFirst(6).dropLast())
        }
        #expect(after.map { $0 >= 0 && $0 < 1 } == true, "\(live)")
    }

    @Test func aPostIsTakenDownAtItsExpiryByTheScheduler() async throws {
        let repository = try await CLIRepository(workflow: DeployTests.workflow("  folder: www"))
        #expect(try await repository.press(["submit", "hello"], as: People.ada).status == 0)
        #expect(try await repository.press(["approve", "hello"], as: People.rita).status == 0)
        #expect(try await repository.press(["publish", "hello", "--skip-external"]).status == 0)
        #expect(repository.directory.exists("www/posts/hello/index.html"))
        let expiry = Date().addingTimeInterval(2).timeIntervalSince1970.rounded(.up)
        let text = repository.directory.read("published/hello.md") ?? ""
        try repository.directory.write(
            "published/hello.md",
            text.replacingOccurrences(
                of: "status: published",
                with:
                    "status: published\nexpire_at: \(ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: expiry)))"
            ))
        try await repository.commitAll("expire hello")
        let logs = TemporaryDirectory()
        let scheduler = try startScheduler(repository, log: logs.file("scheduler.log"))
        defer { scheduler.terminate() }
        #expect(await eventually(10) { repository.directory.exists("drafts/hello.md") })
        #expect(await eventually(5) { !repository.directory.exists("www/posts/hello/index.html") })
        let commit = try await git(["log", "-1", "--format=%an%n%at%n%B"], in: repository.path).stdout
        #expect(commit.hasPrefix("press-scheduler\n"), "\(commit)")
        #expect(commit.contains("Press-Expired-At: ") && commit.contains("Press-Transition: unpublish"), "\(commit)")
        let committed = Double(commit.split(separator: "\n")[1]) ?? 0
        #expect(committed >= expiry)
        scheduler.terminate()
        #expect(await scheduler.exit() == 0)
        #expect(logs.read("scheduler.log")?.contains(" info unpublished ") == true)
        let verified = try await repository.press(["verify"])
        #expect(verified.status == 0, "\(verified)")
    }

    @Test func overduePostsAreCaughtUpOnStart() async throws {
        let (repository, _) = try await scheduledRepository(in: 3600)
        try await makeOverdue(repository)
        let once = try await repository.press(["scheduler", "--once", "--log-format", "json"])
        #expect(once.status == 0, "\(once)")
        #expect(repository.directory.exists("published/hello.md"))
        #expect(once.stderr.contains("\"caught_up\":\"true\""))
        #expect(once.stderr.contains("\"message\":\"published\""))
    }

    @Test func missedHoldSendsAnOverduePostBackWithACommitThatSaysWhy() async throws {
        let (repository, _) = try await scheduledRepository(in: 3600, workflow: testWorkflow + "missed: hold\n")
        try await makeOverdue(repository)
        let once = try await repository.press(["scheduler", "--once"])
        #expect(once.status == 0)
        #expect(!repository.directory.exists("published/hello.md"))
        let post = repository.directory.read("drafts/hello.md") ?? ""
        #expect(post.contains("status: review"))
        let message = try await git(["log", "-1", "--format=%B"], in: repository.path).stdout
        #expect(message.hasPrefix("unschedule: hello\n\nmissed while the scheduler was not running"))
        #expect(message.contains("Press-Held: missed"))
    }

    @Test func aPostThatFailsItsGateIsHeldWithTheDiagnostics() async throws {
        let (repository, _) = try await scheduledRepository(in: 3600)
        let text = repository.directory.read("drafts/hello.md") ?? ""
        try repository.directory.write("drafts/hello.md", text + "[gone](../published/nowhere.md)\n")
        try await makeOverdue(repository)
        let once = try await repository.press(["scheduler", "--once"])
        #expect(once.stderr.contains(" error held "))
        let message = try await git(["log", "-1", "--format=%B"], in: repository.path).stdout
        #expect(message.contains("the publish gate failed:\ndrafts/hello.md:"))
        #expect(message.contains("[link-post]"))
        #expect(repository.directory.read("drafts/hello.md")?.contains("status: review") == true)
    }

    /// Issue 11, item 8: an editor's `schedule --skip-external` holds for the scheduler's publish,
    /// which records the skip too; a schedule without it is checked at the due time.
    @Test func aScheduleThatSkippedExternalLinksIsPublishedWithTheSkip() async throws {
        let server = try TestHTTPServer()
        let repository = try await CLIRepository()
        let text = repository.directory.read("drafts/hello.md") ?? ""
        try repository.directory.write("drafts/hello.md", text + "[source](\(server.url("/missing")))\n")
        #expect(try await repository.press(["submit", "hello"], as: People.ada).status == 0)
        #expect(try await repository.press(["approve", "hello"], as: People.rita).status == 0)
        let at = ISO8601DateFormatter().string(from: Date().addingTimeInterval(3600))
        #expect(try await repository.press(["schedule", "hello", "--at", at]).status == 1)
        let schedule = try await repository.press(["schedule", "hello", "--at", at, "--skip-external"])
        #expect(schedule.status == 0, "\(schedule)")
        let asked = server.requests("/missing").count
        try await makeOverdue(repository)
        let once = try await repository.press(["scheduler", "--once"])
        #expect(once.status == 0, "\(once)")
        #expect(repository.directory.exists("published/hello.md"), "\(once)")
        let message = try await git(["log", "-1", "--format=%B"], in: repository.path).stdout
        #expect(message.hasPrefix("publish: hello"), "\(message)")
        #expect(message.contains("Press-Skipped: external-links"), "\(message)")
        #expect(server.requests("/missing").count == asked)
    }

    /// Issue 11, item 11: a running scheduler follows a workflow committed after it started. A
    /// `links: exclude` for a host lets `press schedule` pass; the scheduler must publish with it.
    @Test func aRunningSchedulerUsesTheWorkflowAsCommittedNow() async throws {
        let server = try TestHTTPServer()
        let repository = try await CLIRepository()
        let logs = TemporaryDirectory()
        let scheduler = try startScheduler(repository, log: logs.file("scheduler.log"))
        defer { scheduler.terminate() }
        #expect(
            await eventually(10) { logs.read("scheduler.log")?.contains("started") == true },
            "\(logs.read("scheduler.log") ?? "")")
        try await repository.commitWorkflow(testWorkflow + "links:\n  exclude: ['^http://127\\.0\\.0\\.1:']\n")
        let text = repository.directory.read("drafts/hello.md") ?? ""
        try repository.directory.write("drafts/hello.md", text + "[source](\(server.url("/missing")))\n")
        #expect(try await repository.press(["submit", "hello"], as: People.ada).status == 0)
        #expect(try await repository.press(["approve", "hello"], as: People.rita).status == 0)
        let at = ISO8601DateFormatter().string(
            from: Date(timeIntervalSince1970: (Date().timeIntervalSince1970 + 3).rounded(.up)))
        let schedule = try await repository.press(["schedule", "hello", "--at", at])
        #expect(schedule.status == 0, "\(schedule)")
        #expect(
            await eventually(20) { repository.directory.exists("published/hello.md") },
            "\(logs.read("scheduler.log") ?? "")"
        )
        #expect(server.requests("/missing").isEmpty)
    }

    @Test func aSecondSchedulerExitsTwoNamingTheFirstAndAStaleLockIsTakenOver() async throws {
        let repository = try await CLIRepository()
        try repository.directory.write(".git/press/scheduler.lock", "999999\n")
        let logs = TemporaryDirectory()
        let first = try startScheduler(repository, log: logs.file("scheduler.log"))
        defer { first.terminate() }
        #expect(await eventually(10) { logs.read("scheduler.log")?.contains("started") == true })
        let second = try await repository.press(["scheduler"])
        #expect(second.status == 2)
        #expect(second.stderr.contains("another scheduler (process \(first.pid)) is running here"))
        first.signal(SIGINT)
        #expect(await first.exit() == 0)
    }

    @Test func sigtermMidPublishFinishesItThenExitsZero() async throws {
        let hook = "hooks:\n  published:\n    - run: touch hook-started && sleep 1 && touch hook-finished\n"
        let (repository, _) = try await scheduledRepository(in: 3600, workflow: testWorkflow + hook)
        try await makeOverdue(repository)
        let logs = TemporaryDirectory()
        let scheduler = try startScheduler(repository, log: logs.file("scheduler.log"))
        defer { scheduler.terminate() }
        #expect(await eventually(10) { repository.directory.exists("hook-started") })
        scheduler.terminate()
        #expect(await scheduler.exit() == 0)
        #expect(repository.directory.exists("hook-finished"))
        #expect(repository.directory.exists("published/hello.md"))
        #expect(try await git(["log", "-1", "--format=%s"], in: repository.path).stdout == "publish: hello\n")
        #expect(
            try await git(["status", "--porcelain"], in: repository.path).stdout
                == "?? hook-finished\n?? hook-started\n")
        #expect(try await repository.fsck().status == 0)
        #expect(logs.read("scheduler.log")?.contains(" info stopped") == true)
    }

    @Test func hooksGetTheFactsAndAFailingHookDoesNotUndoThePublish() async throws {
        let server = try TestHTTPServer()
        let hooks = """
            hooks:
              published:
                - run: printf '%s %s %s %s' "$PRESS_SLUG" "$PRESS_STATE" "$PRESS_TRANSITION" "$PRESS_PATH" > hook.out
                - webhook: \(server.url("/hooks/published"))
                - run: exit 3

            """
        let repository = try await CLIRepository(workflow: testWorkflow + hooks)
        #expect(try await repository.press(["submit", "hello"], as: People.ada).status == 0)
        #expect(try await repository.press(["approve", "hello"], as: People.rita).status == 0)
        let publish = try await repository.press(["publish", "hello"])
        #expect(publish.status == 0, "\(publish)")
        #expect(repository.directory.read("hook.out") == "hello published publish published/hello.md")
        let body = try #require(server.bodies("/hooks/published").first)
        let facts = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: String]
        #expect(facts?["slug"] == "hello")
        #expect(facts?["title"] == "Hello")
        #expect(facts?["author"] == "Ada Author <ada@example.com>")
        #expect(
            facts?["commit"]
                == (try await git(["rev-parse", "HEAD"], in: repository.path).stdout.trimmingCharacters(in: .newlines)))
        // One attempt at the terminal: nobody waits for retries there.
        #expect(publish.stderr.contains("hook run(\"exit 3\") failed: 'exit 3' exited with 3"), "\(publish)")
        #expect(repository.directory.exists("published/hello.md"))
    }

    /// Issue 12: a webhook's JSON says who did what (actor, transition, from and to, comment,
    /// the post's site path) with a `text` Slack and Mattermost show as is; it is signed with
    /// HMAC-SHA256 when PRESS_WEBHOOK_SECRET is set; hooks may hang on transitions too.
    @Test func webhooksSayWhoDidWhatAndAreSigned() async throws {
        let server = try TestHTTPServer()
        let hooks = """
            site:
              posts: /posts/{slug}/
            hooks:
              request-changes:
                - webhook: \(server.url("/hooks/sent-back"))

            """
        let repository = try await CLIRepository(workflow: testWorkflow + hooks)
        #expect(try await repository.press(["submit", "hello"], as: People.ada).status == 0)
        let secret = "it is a secret"
        let sent = try await repository.press(
            ["request-changes", "hello", "--comment", "Check the figures."], as: People.rita,
            environment: ["PRESS_WEBHOOK_SECRET": secret])
        #expect(sent.status == 0, "\(sent)")
        let body = try #require(server.bodies("/hooks/sent-back").first)
        let facts = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: String]
        #expect(facts?["actor"] == "Rita Reviewer <reviewer@example.com>")
        #expect(facts?["transition"] == "request-changes")
        #expect(facts?["from"] == "review")
        #expect(facts?["state"] == "draft")
        #expect(facts?["comment"] == "Check the figures.")
        #expect(facts?["site_path"] == "/posts/hello/")
        #expect(
            facts?["text"] == "Rita Reviewer — request-changes: “Hello” (hello), review → draft: Check the figures.")
        // The signature over the body, checked here with openssl as a receiver would.
        let expected = try await run(
            "/bin/sh", ["-c", "printf '%s' \"$BODY\" | openssl dgst -sha256 -hmac \"$KEY\" -r | cut -d' ' -f1"],
            environment: ["BODY": body, "KEY": secret]
        ).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(server.header("X-Press-Signature-256", of: "/hooks/sent-back") == ["sha256=" + expected])
        #expect(expected.count == 64)
    }

    @Test func aHookThatFailsAtTheTerminalIsRetriedInTheBackground() async throws {
        let hooks = "hooks:\n  review:\n    - run: test -f tried || { touch tried; exit 1; }; echo ok > retried.out\n"
        let repository = try await CLIRepository(workflow: testWorkflow + hooks)
        let submit = try await repository.press(["submit", "hello"], as: People.ada)
        #expect(submit.status == 0, "\(submit)")
        #expect(submit.stderr.contains("failed: 'test -f tried"), "\(submit)")
        #expect(submit.stderr.contains("retrying in the background (see .press/hooks.log)"), "\(submit)")
        // The retry is another process, after the command has returned.
        #expect(await eventually(10) { repository.directory.read("retried.out") == "ok\n" })
        #expect(
            await eventually(10) {
                repository.directory.read(".press/hooks.log")?.contains("succeeded on a retry") == true
            })
    }

    @Test func aPostRunsTheHooksOfItsOwnWorkflow() async throws {
        let repository = try await CLIRepository()
        try repository.directory.write(
            "workflows/other.yml",
            testWorkflow + "hooks:\n  review:\n    - run: printf '%s' \"$PRESS_SLUG\" > other-hook.out\n")
        try await repository.commitWorkflow(testWorkflow + "workflows: [other]\n")
        let text = repository.directory.read("drafts/hello.md") ?? ""
        try repository.directory.write(
            "drafts/hello.md",
            text.replacingOccurrences(of: "status: draft\n", with: "status: draft\nworkflow: other\n"))
        #expect(try await repository.press(["submit", "hello"], as: People.ada).status == 0)
        #expect(repository.directory.read("other-hook.out") == "hello")
    }

    @Test func hostilePostsDoNotStopTheSchedulerPublishingTheOthers() async throws {
        let (repository, _) = try await scheduledRepository(in: 3600)
        try await makeOverdue(repository)
        try repository.directory.write("drafts/bomb.md", CrashAndStallTests.bomb)
        #expect(mkfifo(repository.directory.file("drafts/pipe.md"), 0o644) == 0)
        let many = (0..<20_000).map { "k\($0): v" }.joined(separator: "\n")
        try repository.directory.write(
            "drafts/keys.md",
            "---\ntitle: Keys\nslug: keys\nauthor: Ada <ada@example.com>\nstatus: draft\n\(many)\n---\n")
        let once = try await repository.press(["scheduler", "--once"])
        #expect(once.status == 0, "\(once)")
        #expect(repository.directory.exists("published/hello.md"))
        #expect(try await git(["log", "-1", "--format=%s"], in: repository.path).stdout == "publish: hello\n")
    }

    @Test func aHeldPostsReasonIsOneLogLine() async throws {
        let (repository, _) = try await scheduledRepository(in: 3600)
        let text = repository.directory.read("drafts/hello.md") ?? ""
        try repository.directory.write("drafts/hello.md", text + "\n![a](missing-one.png) and ![b](missing-two.png)\n")
        try await makeOverdue(repository)
        let once = try await repository.press(["scheduler", "--once"])
        #expect(once.status == 0, "\(once)")
        let lines = once.stderr.split(separator: "\n")
        let held = lines.filter { $0.contains(" held ") }
        #expect(held.count == 1, "\(once.stderr)")
        #expect(held.first?.contains("the publish gate failed:\\ndrafts/hello.md:") == true, "\(once.stderr)")
        // Every line is an event: it starts with its time.
        #expect(
            lines.allSatisfy { $0.range(of: #"^\d{4}-\d\d-\d\dT"#, options: .regularExpression) != nil },
            "\(once.stderr)")
    }

    @Test func theCalendarAndItsICSFeed() async throws {
        let (repository, time) = try await scheduledRepository(in: 3600)
        let calendar = try await repository.press(["calendar"])
        #expect(calendar.stdout.contains("\tscheduled\thello\tHello\n"))
        let ics = repository.directory.file("press.ics")
        #expect(try await repository.press(["calendar", "--ics", ics]).status == 0)
        let text = repository.directory.read("press.ics") ?? ""
        let lines = text.components(separatedBy: "\r\n")
        #expect(lines.first == "BEGIN:VCALENDAR")
        #expect(lines.dropLast().last == "END:VCALENDAR")
        #expect(lines.last == "")
        #expect(lines.contains("UID:hello@press"))
        #expect(lines.contains("DTSTART:\(ICalendarTestFormat.utc(time))"))
        #expect(lines.filter { $0 == "BEGIN:VEVENT" }.count == 1)
        #expect(lines.allSatisfy { $0.utf8.count <= 75 })
    }
}

enum ICalendarTestFormat {
    static func utc(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.locale = Locale(identifier: "en_US_POSIX")
        return formatter.string(from: date)
    }
}
