import Foundation
import TestSupport
import Testing

@Suite struct LifecycleTests {
    @Test func aPostGoesFromDraftToPublishedOneCommitPerStep() async throws {
        let repository = try await CLIRepository()
        #expect(try await repository.press(["submit", "hello", "--comment", "Ready."], as: People.ada).status == 0)
        #expect(try await repository.press(["approve", "hello"], as: People.rita).status == 0)
        let at = PressTestTime.future()
        let schedule = try await repository.press(["schedule", "hello", "--at", at])
        #expect(schedule.status == 0, "\(schedule)")
        #expect(schedule.stdout.hasPrefix("schedule: hello review → scheduled at "))
        #expect(try await repository.press(["publish", "hello"]).status == 0)

        let subjects = try await git(["log", "--format=%s|%an|%ae"], in: repository.path).stdout
        #expect(
            subjects == """
                publish: hello|Eddie Editor|editor@example.com
                schedule: hello|Eddie Editor|editor@example.com
                approve: hello|Rita Reviewer|reviewer@example.com
                submit: hello|Ada Author|ada@example.com
                new: hello|Ada Author|ada@example.com
                init: press content repository|Eddie Editor|editor@example.com

                """)
        let trailers = try await git(["log", "-1", "--skip=3", "--format=%B"], in: repository.path).stdout
        #expect(trailers.contains("Ready.\n\nPress-Transition: submit\nPress-From: draft\nPress-To: review\n"))
        #expect(try await repository.fsck().status == 0)
        #expect(try await repository.status() == "")
        #expect(repository.directory.exists("published/hello.md"))

        let status = try await repository.press(["status", "--json"])
        let posts = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [[String: Any]]
        #expect(posts?.count == 1)
        #expect(posts?.first?["state"] as? String == "published")
        #expect(posts?.first?["path"] as? String == "published/hello.md")
        #expect(posts?.first?["author"] as? String == "Ada Author")
        #expect(posts?.first?["publish_at"] as? String != nil)

        let log = try await repository.press(["log", "hello"])
        #expect(
            log.stdout.split(separator: "\n").map { $0.split(separator: "\t")[2] } == [
                "publish", "schedule", "approve", "submit", "new",
            ])
    }

    @Test func pipedOutputIsPlainWithNoColour() async throws {
        let repository = try await CLIRepository()
        let status = try await repository.press(["status"])
        #expect(status.stdout.hasPrefix("hello\tHello\tdraft\tAda Author\t-\t0\n"))
        #expect(!status.stdout.contains("\u{1B}["))
        let refused = try await repository.press(["publish", "hello"])
        #expect(!refused.stderr.contains("\u{1B}["))
    }

    @Test func showPrintsThePostAndItsNextTransitions() async throws {
        let repository = try await CLIRepository()
        let show = try await repository.press(["show", "hello"])
        #expect(show.status == 0)
        #expect(show.stdout.contains("next         submit\n"))
        let json = try await repository.press(["show", "hello", "--json"])
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect(object?["slug"] as? String == "hello")
        #expect(object?["summary"] as? String == "A first post.")
    }

    @Test func newMakesSlugsFromTitlesWithCurlyApostrophes() async throws {
        let repository = try await CLIRepository(withPost: false)
        let new = try await repository.press(
            ["new", "Who’s Happy in Iraq?", "--tag", "polling", "--category", "world"], as: People.ada)
        #expect(new.status == 0, "\(new)")
        let text = repository.directory.read("drafts/whos-happy-in-iraq.md") ?? ""
        #expect(text.contains("title: Who’s Happy in Iraq?\nslug: whos-happy-in-iraq\n"))
        #expect(text.contains("categories: [world]\ntags: [polling]\n"))
    }

    @Test func initInAnExistingRepositoryKeepsItsHistoryAndIsIdempotent() async throws {
        let directory = TemporaryDirectory()
        #expect(try await git(["init", "-q"], in: directory.path).status == 0)
        try directory.write("README.md", "hello\n")
        #expect(try await git(["add", "README.md"], in: directory.path).status == 0)
        #expect(
            try await git(
                ["commit", "-qm", "first"], in: directory.path,
                environment: People.ada.merging(["GIT_COMMITTER_NAME": "A", "GIT_COMMITTER_EMAIL": "a@example.com"]) {
                    $1
                }
            ).status == 0)
        let first = try await press(["init"], in: directory.path, as: People.eddie)
        #expect(first.status == 0, "\(first)")
        #expect(directory.read("workflows/default.yml")?.contains("editor: [editor@example.com]") == true)
        #expect(
            try await git(["log", "--format=%s"], in: directory.path).stdout
                == "init: press content repository\nfirst\n")
        let second = try await press(["init"], in: directory.path, as: People.eddie)
        #expect(second.stdout.contains("nothing to do"))
        #expect(try await git(["rev-list", "--count", "HEAD"], in: directory.path).stdout == "2\n")
    }
}

enum PressTestTime {
    /// A time a day ahead, as ISO 8601 with an offset.
    static func future(days: Double = 1) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: Date().addingTimeInterval(days * 86_400))
    }
}
