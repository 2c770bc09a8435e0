import Foundation
import Git
import PressKit
import TestSupport
import Testing

let adaPerson = Person(name: "Ada Author", email: "ada@example.com")
let ritaPerson = Person(name: "Rita Reviewer", email: "reviewer@example.com")
let eddiePerson = Person(name: "Eddie Editor", email: "editor@example.com")
let malloryPerson = Person(name: "Mallory", email: "mallory@example.com")
let now = Date(timeIntervalSince1970: 1_800_000_000)  // 2027-01-15

/// A content repository with the test workflow and one draft by Ada, `hello`, with a summary.
final class Fixture {
    let directory = TemporaryDirectory()
    let repository: ContentRepository

    init(workflow: String = testWorkflow) throws {
        try directory.write("workflows/default.yml", workflow)
        repository = try ContentRepository.initialize(at: directory.path, actor: eddiePerson, now: now).0
        try repository.create(NewPostRequest(title: "Hello", summary: "A first post.", actor: adaPerson, now: now))
    }

    @discardableResult
    func perform(
        _ name: String, _ person: Person, slug: String = "hello", comment: String? = nil, at: String? = nil,
        time: Date = now
    ) throws -> TransitionResult {
        try repository.perform(
            TransitionRequest(name: name, slug: slug, actor: person, comment: comment, at: at, now: time))
    }

    func post(_ slug: String = "hello") throws -> Post { try repository.post(slug) }

    func head() throws -> ObjectID? { try repository.git.headCommitID() }
}

@Suite struct TransitionTests {
    @Test func theWholeLifecycleMovesThePostAndRecordsEachStep() async throws {
        let fixture = try Fixture()
        try fixture.perform("submit", adaPerson)
        try fixture.perform("approve", ritaPerson)
        let scheduled = try fixture.perform("schedule", eddiePerson, at: "2027-02-01 09:00")
        #expect(scheduled.publishAt == "2027-02-01T09:00:00+00:00")
        let published = try fixture.perform("publish", eddiePerson, time: now.addingTimeInterval(60))
        #expect(published.path == "published/hello.md")
        let post = try fixture.post()
        #expect(post.path == "published/hello.md")
        #expect(post.status == "published")
        #expect(post.publishedAt == "2027-01-15T08:01:00+00:00")
        #expect(post.approvals.map(\.person.email) == ["reviewer@example.com"])
        #expect(!fixture.directory.exists("drafts/hello.md"))
        let log = try fixture.repository.log("hello")
        #expect(log.map(\.transition) == ["publish", "schedule", "approve", "submit", "new"])
        #expect(
            log.map(\.email) == [
                "editor@example.com", "editor@example.com", "reviewer@example.com", "ada@example.com",
                "ada@example.com",
            ])
    }

    @Test func someoneWithoutARoleMayNotSubmit() async throws {
        let fixture = try Fixture()
        let head = try fixture.head()
        #expect(
            throws: TransitionError.notPermitted(
                transition: "submit", person: malloryPerson.description, roles: ["author", "editor"])
        ) {
            try fixture.perform("submit", malloryPerson)
        }
        #expect(try fixture.head() == head)
    }

    @Test func anEditorMayNotApproveTheirOwnPost() async throws {
        let fixture = try Fixture()
        try fixture.repository.create(NewPostRequest(title: "Mine", summary: "s", actor: eddiePerson, now: now))
        try fixture.perform("submit", eddiePerson, slug: "mine")
        #expect(throws: TransitionError.authorMayNot(transition: "approve")) {
            try fixture.perform("approve", eddiePerson, slug: "mine")
        }
    }

    @Test func publishingADraftIsRefusedNamingTheAllowedStates() async throws {
        let fixture = try Fixture()
        #expect {
            try fixture.perform("publish", eddiePerson)
        } throws: { error in
            guard case TransitionError.wrongState(let location, "publish", "draft", ["review", "scheduled"]) = error
            else { return false }
            return location.path == "drafts/hello.md" && location.line == 7
        }
    }

    @Test func schedulingNeedsAnApprovalAndAFutureTime() async throws {
        let fixture = try Fixture()
        try fixture.perform("submit", adaPerson)
        #expect(throws: TransitionError.approvalsNeeded(transition: "schedule", needed: 1, have: 0)) {
            try fixture.perform("schedule", eddiePerson, at: "2027-02-01 09:00")
        }
        try fixture.perform("approve", ritaPerson)
        #expect(throws: TransitionError.timeRequired(transition: "schedule")) {
            try fixture.perform("schedule", eddiePerson)
        }
        #expect(throws: TimeError.inPast("2027-01-01 09:00", now: "2027-01-15T08:00:00+00:00")) {
            try fixture.perform("schedule", eddiePerson, at: "2027-01-01 09:00")
        }
        #expect(throws: TimeError.nonexistent("2027-03-28 01:30", zone: "Europe/London")) {
            try fixture.perform("schedule", eddiePerson, at: "2027-03-28 01:30")
        }
        #expect(try fixture.post().status == "review")
    }

    @Test func aSecondApprovalBySamePersonIsRefusedAndRequestChangesClearsThem() async throws {
        let fixture = try Fixture()
        try fixture.perform("submit", adaPerson)
        try fixture.perform("approve", ritaPerson)
        let head = try fixture.head()
        #expect(
            throws: TransitionError.alreadyApproved(
                transition: "approve", person: "Rita Reviewer <reviewer@example.com>")
        ) {
            try fixture.perform("approve", ritaPerson, comment: "Still good.")
        }
        #expect(try fixture.head() == head)
        #expect(try fixture.post().approvals.count == 1)
        try fixture.perform("approve", eddiePerson)
        #expect(try fixture.post().approvals.count == 2)
        #expect(throws: TransitionError.commentRequired(transition: "request-changes")) {
            try fixture.perform("request-changes", ritaPerson)
        }
        try fixture.perform("request-changes", ritaPerson, comment: "Check the second quote.")
        let post = try fixture.post()
        #expect(post.status == "draft")
        #expect(post.approvals.isEmpty)
        #expect(try fixture.repository.log("hello").first?.comment == "Check the second quote.")
    }

    @Test func submittingWithoutASummaryNamesTheMissingKey() async throws {
        let fixture = try Fixture()
        try fixture.repository.create(NewPostRequest(title: "Bare", actor: adaPerson, now: now))
        #expect(
            throws: TransitionError.missingKeys(
                SourceLocation(path: "drafts/bare.md"), state: "review", keys: ["summary"])
        ) {
            try fixture.perform("submit", adaPerson, slug: "bare")
        }
    }

    @Test func submitCommitsTheAuthorsEditsToThePostAndNothingElse() async throws {
        let fixture = try Fixture()
        let path = fixture.directory.file("drafts/hello.md")
        let edited = (fixture.directory.read("drafts/hello.md") ?? "") + "A new paragraph.\n"
        try fixture.directory.write("drafts/hello.md", edited)
        try fixture.directory.write("notes.txt", "scratch\n")
        try fixture.perform("submit", adaPerson)
        #expect(
            fixture.directory.read("drafts/hello.md")
                == edited.replacingOccurrences(of: "status: draft", with: "status: review"))
        let files = try await git(["show", "--name-only", "--format=", "HEAD"], in: fixture.directory.path).stdout
        #expect(files == "drafts/hello.md\n")
        #expect(try await git(["status", "--porcelain"], in: fixture.directory.path).stdout == "?? notes.txt\n")
        #expect(FileManager.default.fileExists(atPath: path))
    }

    @Test func unpublishMovesThePostBackAndClearsPublicationKeys() async throws {
        let fixture = try Fixture()
        try fixture.perform("submit", adaPerson)
        try fixture.perform("approve", ritaPerson)
        try fixture.perform("publish", eddiePerson)
        try fixture.perform("unpublish", eddiePerson, comment: "Legal asked us to take it down.")
        let post = try fixture.post()
        #expect(post.path == "drafts/hello.md")
        #expect(post.status == "draft")
        #expect(post.publishedAt == nil)
        #expect(post.approvals.isEmpty)
    }

    @Test func aWorkflowWithAnExtraStateWorksWithNoCodeChange() async throws {
        let legal =
            testWorkflow
            .replacingOccurrences(
                of: "states: [draft, review, scheduled, published]",
                with: "states: [draft, review, legal, scheduled, published]"
            )
            .replacingOccurrences(
                of: "  schedule:        { from: [review]",
                with: """
                      send-to-legal:   { from: [review], to: legal, by: [editor], approvals: 1 }
                      clear-legal:     { from: [legal], to: review, by: [lawyer], comment: required, approve: true }
                      schedule:        { from: [legal]
                    """
            )
            .replacingOccurrences(
                of: "  reviewer: [reviewer@example.com]",
                with: "  reviewer: [reviewer@example.com]\n  lawyer: [lawyer@example.com]")
        let fixture = try Fixture(workflow: legal)
        let lawyer = Person(name: "Lou Lawyer", email: "lawyer@example.com")
        try fixture.perform("submit", adaPerson)
        try fixture.perform("approve", ritaPerson)
        try fixture.perform("send-to-legal", eddiePerson)
        #expect(try fixture.post().status == "legal")
        #expect(
            throws: TransitionError.notPermitted(
                transition: "clear-legal", person: eddiePerson.description, roles: ["lawyer"])
        ) {
            try fixture.perform("clear-legal", eddiePerson, comment: "fine")
        }
        try fixture.perform("clear-legal", lawyer, comment: "No libel risk.")
        #expect(try fixture.post().approvals.count == 2)
        #expect(
            throws: TransitionError.wrongState(
                try fixture.post().location(of: "status"), transition: "schedule", state: "review", allowed: ["legal"])
        ) {
            try fixture.perform("schedule", eddiePerson, at: "2027-02-01 09:00")
        }
    }

    @Test func anUnknownSlugSuggestsTheClosestOne() async throws {
        let fixture = try Fixture()
        #expect(throws: RepositoryError.unknownSlug("helo", suggestion: "hello")) {
            try fixture.perform("submit", adaPerson, slug: "helo")
        }
    }

    @Test func theSameSlugInBothFoldersIsRefused() async throws {
        let fixture = try Fixture()
        try fixture.directory.write("published/hello.md", fixture.directory.read("drafts/hello.md") ?? "")
        #expect(throws: RepositoryError.duplicateSlug("hello", paths: ["drafts/hello.md", "published/hello.md"])) {
            try fixture.perform("submit", adaPerson)
        }
    }

    @Test func aPostThatIsASymlinkOutsideTheRepositoryIsRefused() async throws {
        let fixture = try Fixture()
        let outside = TemporaryDirectory()
        try outside.write("secret.md", "---\ntitle: x\n---\n")
        try FileManager.default.createSymbolicLink(
            atPath: fixture.directory.file("drafts/evil.md"), withDestinationPath: outside.file("secret.md"))
        #expect(throws: FrontMatterError.symbolicLink(SourceLocation(path: "drafts/evil.md"), outside: true)) {
            try fixture.perform("submit", adaPerson, slug: "evil")
        }
    }

    @Test func newPostsGetFreeSlugsFromTheirTitles() async throws {
        let fixture = try Fixture()
        let second = try fixture.repository.create(NewPostRequest(title: "Hello!", actor: adaPerson, now: now))
        #expect(second.slug == "hello-2")
        #expect(throws: RepositoryError.slugTaken("hello", path: "drafts/hello.md")) {
            try fixture.repository.create(NewPostRequest(title: "x", slug: "hello", actor: adaPerson, now: now))
        }
    }
}
