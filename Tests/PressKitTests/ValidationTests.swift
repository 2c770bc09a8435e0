import Foundation
import PressKit
import TestSupport
import Testing

/// A repository for validation tests: the test workflow with fields and a site path, and posts
/// written directly.
final class ValidationFixture {
    let directory = TemporaryDirectory("press-validate")
    let repository: ContentRepository

    static let workflow =
        testWorkflow + """
            fields:
              categories: { type: list, values: [news, culture] }
              hero: { type: url }
              contact: { type: email }
            site:
              posts: /posts/{slug}/

            """

    init(workflow: String = ValidationFixture.workflow) throws {
        try directory.write("workflows/default.yml", workflow)
        repository = try ContentRepository.initialize(at: directory.path, actor: eddiePerson, now: now).0
    }

    /// Writes `folder/slug.md` with front matter for `state` (plus `extra` lines) and `body`.
    func post(_ slug: String, state: String = "draft", extra: String = "", body: String = "Text.\n") throws {
        let folder = state == "published" ? "published" : "drafts"
        var lines = [
            "---", "title: Title of \(slug)", "slug: \(slug)", "author:", "  name: Ada", "  email: ada@example.com",
            "status: \(state)", "summary: About \(slug).",
        ]
        if state == "published" { lines.append("published_at: 2027-01-10T09:00:00+00:00") }
        if !extra.isEmpty { lines.append(extra) }
        lines += ["---", ""]
        try directory.write("\(folder)/\(slug).md", lines.joined(separator: "\n") + "\n" + body)
    }

    func validate(_ paths: [String]? = nil, checker: ExternalChecking? = nil, external: Bool = false) async throws
        -> ValidationReport
    {
        try await Validator(repository: repository).validate(
            ValidationRequest(paths: paths, external: external, now: now), checker: checker)
    }

    /// The diagnostics as "path:line:col rule" strings.
    func findings(_ paths: [String]? = nil) async throws -> [String] {
        try await validate(paths).sorted.map { "\($0.path):\($0.line):\($0.column) \($0.rule)" }
    }
}

@Suite struct MetadataValidationTests {
    @Test func aCleanPostHasNoFindings() async throws {
        let fixture = try ValidationFixture()
        try fixture.post(
            "clean", extra: "categories: [news]\nhero: https://example.com/a.jpg\ncontact: desk@example.com")
        #expect(try await fixture.findings() == [])
    }

    @Test func requiredKeysOfTheStateAreNamed() async throws {
        let fixture = try ValidationFixture()
        try fixture.directory.write("drafts/bare.md", "---\ntitle: Bare\nslug: bare\nstatus: review\n---\n")
        let report = try await fixture.validate()
        #expect(
            report.sorted.filter { $0.rule == "required" }.map(\.message) == [
                "a post in 'review' needs 'author'", "a post in 'review' needs 'summary'",
            ])
    }

    @Test func typesValuesAndLengthsAreCheckedAtTheKey() async throws {
        let fixture = try ValidationFixture()
        let long = String(repeating: "x", count: 121)
        try fixture.directory.write(
            "drafts/typed.md",
            """
            ---
            title: \(long)
            slug: typed
            author: {name: Ada, email: not-an-email}
            status: draft
            categories: [news, gossip]
            hero: ftp://example.com/x
            publish_at: 2027-02-01 09:00
            ---

            """)
        #expect(
            try await fixture.findings() == [
                "drafts/typed.md:2:1 max-length", "drafts/typed.md:4:1 type", "drafts/typed.md:6:1 values",
                "drafts/typed.md:7:1 type", "drafts/typed.md:8:1 type",
            ])
    }

    @Test func aDateWithoutAnOffsetIsNamed() async throws {
        let fixture = try ValidationFixture()
        try fixture.post("dated", extra: "publish_at: 2027-02-01T09:00:00")
        let report = try await fixture.validate()
        #expect(
            report.diagnostics.map(\.message) == [
                "'publish_at' has no offset: '2027-02-01T09:00:00' (write it as 2027-01-01T09:00:00+00:00)"
            ])
    }

    @Test func slugsMustBeWellFormedMatchTheFileAndBeUnique() async throws {
        let fixture = try ValidationFixture()
        try fixture.directory.write(
            "drafts/one.md", "---\ntitle: One\nslug: One Two\nauthor: Ada <ada@example.com>\nstatus: draft\n---\n")
        try fixture.directory.write(
            "drafts/two.md", "---\ntitle: Two\nslug: three\nauthor: Ada <ada@example.com>\nstatus: draft\n---\n")
        try fixture.post("twin")
        try fixture.post("twin", state: "published")
        #expect(
            try await fixture.findings()
                == [
                    "drafts/one.md:3:1 slug-format", "drafts/twin.md:3:1 slug-unique",
                    "drafts/two.md:3:1 slug-filename",
                    "drafts/twin.md:2:1 duplicate-title", "published/twin.md:3:1 slug-unique",
                    "published/twin.md:2:1 duplicate-title",
                ].sorted { a, b in
                    let (pa, la) = (a.split(separator: ":")[0], Int(a.split(separator: ":")[1]) ?? 0)
                    let (pb, lb) = (b.split(separator: ":")[0], Int(b.split(separator: ":")[1]) ?? 0)
                    return (pa, la) < (pb, lb)
                })
    }

    @Test func statusMustAgreeWithTheFolderAndPublishedPostsNeedPublishedAt() async throws {
        let fixture = try ValidationFixture()
        try fixture.directory.write(
            "published/early.md",
            "---\ntitle: Early\nslug: early\nauthor: Ada <ada@example.com>\nstatus: review\nsummary: s\n---\n")
        try fixture.directory.write(
            "drafts/odd.md", "---\ntitle: Odd\nslug: odd\nauthor: Ada <ada@example.com>\nstatus: limbo\n---\n")
        try fixture.directory.write(
            "published/undated.md",
            "---\ntitle: Undated\nslug: undated\nauthor: Ada <ada@example.com>\nstatus: published\nsummary: s\n---\n")
        #expect(
            try await fixture.findings() == [
                "drafts/odd.md:5:1 status", "published/early.md:5:1 status-folder",
                "published/undated.md:5:1 published-at",
            ])
    }

    @Test func unknownKeysAreWarningsAndDeclaredOnesAreNot() async throws {
        let fixture = try ValidationFixture()
        try fixture.post("keys", extra: "layout: wide\nhero: https://example.com/h.jpg")
        let report = try await fixture.validate()
        #expect(report.diagnostics.map(\.rule) == ["unknown-key"])
        #expect(report.warnings == 1 && report.errors == 0)
    }

    @Test func frontMatterOfTheWrongShapeIsAFindingNotACrash() async throws {
        let fixture = try ValidationFixture()
        try fixture.directory.write("drafts/list.md", "---\n- a\n- b\n---\n")
        try fixture.directory.write("drafts/binary.md", [0x00, 0xFF, 0xFE, 0x01, 0x02])
        #expect(
            try await fixture.findings() == ["drafts/binary.md:1:2 front-matter", "drafts/list.md:2:1 front-matter"])
    }
}
