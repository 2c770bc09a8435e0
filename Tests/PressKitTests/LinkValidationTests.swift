import Foundation
import PressKit
import TestSupport
import Testing

@Suite struct LinkValidationTests {
    @Test func linksAreFoundAtTheirExactLineAndColumn() throws {
        let body = """
            # Heading

            Text with [a link](other.md) and ![an image](../img/a.png "t").
              Indented [second](http://example.com/x) and <https://auto.example/y>.

            <a href="raw.md" id="here">raw</a>

            [ref]: ref-target.md
            Use [the reference][ref] here.
            """
        let scan = Markdown.scan(Array(body.utf8), firstLine: 10)
        let found = scan.links.map { "\($0.kind.rawValue) \($0.destination) \($0.line):\($0.column)" }
        #expect(
            found == [
                "link other.md 12:11", "image ../img/a.png 12:34", "link http://example.com/x 13:12",
                "autolink https://auto.example/y 13:48", "html raw.md 15:10", "link ref-target.md 18:5",
            ])
        #expect(scan.anchors == ["heading", "here"])
    }

    @Test func headingIdsFollowGitHub() {
        #expect(Anchor.githubID("What’s New in 2027?") == "whats-new-in-2027")
        #expect(Anchor.githubID("Crème Brûlée & Co.") == "crème-brûlée--co")
        let scan = Markdown.scan(Array("# Notes\n\n## Notes\n\n### `code` here\n".utf8), firstLine: 1)
        #expect(scan.anchors == ["notes", "notes-1", "code-here"])
    }

    @Test func linksToPostsMustPointAtThem() async throws {
        let fixture = try ValidationFixture()
        try fixture.post("target", state: "published", body: "## Section One\n")
        try fixture.post(
            "source",
            body: """
                [ok](../published/target.md) [anchor](../published/target.md#section-one) [site](/posts/target/)
                [missing](../published/nothing.md) [wrong folder](target.md) [bad anchor](../published/target.md#nope)
                [site missing](/posts/nothing/) [self](#nowhere)
                """)
        #expect(
            try await fixture.findings(["drafts/source.md"]) == [
                "drafts/source.md:12:1 link-post", "drafts/source.md:12:36 link-post",
                "drafts/source.md:12:62 link-anchor",
                "drafts/source.md:13:1 link-post", "drafts/source.md:13:33 link-anchor",
            ])
        let report = try await fixture.validate(["drafts/source.md"])
        #expect(
            report.diagnostics.contains {
                $0.message == "no post at drafts/target.md: 'target' is in published/target.md (state published)"
            })
    }

    @Test func aPublishedPostMustNotLinkToOneThatIsNotOut() async throws {
        let fixture = try ValidationFixture()
        try fixture.post("draft-target")
        try fixture.post("out", state: "published", body: "[soon](../drafts/draft-target.md)\n")
        let report = try await fixture.validate(["published/out.md"])
        #expect(report.diagnostics.map(\.rule) == ["link-order"])
        #expect(
            report.diagnostics.first?.message.contains("links to drafts/draft-target.md, which is in state 'draft'")
                == true)
    }

    @Test func aScheduledPostMayLinkOnlyToPostsOutByItsTime() async throws {
        let fixture = try ValidationFixture()
        try fixture.post("earlier", state: "scheduled", extra: "publish_at: 2027-02-01T09:00:00+00:00")
        try fixture.post("later", state: "scheduled", extra: "publish_at: 2027-03-01T09:00:00+00:00")
        try fixture.post(
            "middle", state: "scheduled", extra: "publish_at: 2027-02-15T09:00:00+00:00",
            body: "[a](earlier.md) [b](later.md)\n")
        let report = try await fixture.validate(["drafts/middle.md"])
        #expect(report.diagnostics.map { "\($0.rule) \($0.column)" } == ["link-order 17"])
        #expect(
            report.diagnostics.first?.message.contains(
                "drafts/middle.md is out at 2027-02-15T09:00:00+00:00 but links to drafts/later.md, which is scheduled for 2027-03-01T09:00:00+00:00"
            ) == true)
    }

    @Test func assetsMustExistWithTheirExactCaseInsideTheRepository() async throws {
        let fixture = try ValidationFixture()
        try fixture.directory.write("images/photo.jpg", "jpeg")
        let outside = TemporaryDirectory()
        try outside.write("secret.jpg", "x")
        try FileManager.default.createSymbolicLink(
            atPath: fixture.directory.file("images/escape.jpg"), withDestinationPath: outside.file("secret.jpg"))
        try fixture.post(
            "pictures",
            body: """
                ![ok](../images/photo.jpg) ![case](../images/Photo.jpg) ![gone](../images/none.jpg)
                ![up](../../../etc/passwd) ![link](../images/escape.jpg) ![root](/images/photo.jpg)
                """)
        #expect(
            try await fixture.findings() == [
                "drafts/pictures.md:11:28 link-asset", "drafts/pictures.md:11:57 link-asset",
                "drafts/pictures.md:12:1 link-outside", "drafts/pictures.md:12:28 link-outside",
            ])
    }

    @Test func schemesAreSortedOut() async throws {
        let fixture = try ValidationFixture()
        try fixture.post(
            "schemes",
            body: """
                [mail](mailto:desk@example.com) [bad mail](mailto:nobody) [phone](tel:+44-20-7946-0000) [bad phone](tel:call-me)
                [ftp](ftp://example.com/file) [web](https://example.com/)
                <a href="has space.md">spaces</a>
                """)
        let report = try await fixture.validate()
        #expect(
            report.sorted.map { "\($0.severity.rawValue) \($0.rule)" } == [
                "error link-syntax", "error link-syntax", "warning link-scheme", "error link-syntax",
            ])
        #expect(report.externalLinks == 1)
    }

    // A guard against work that grows with the square of a post's links, not a benchmark; under
    // AddressSanitizer with full stacks on every allocation (`make test-asan`) time says nothing.
    @Test(
        .disabled(
            if: ProcessInfo.processInfo.environment["ASAN_OPTIONS"] != nil, "timed; meaningless under AddressSanitizer")
    )
    func aHugePostWithManyLinksIsCheckedQuickly() async throws {
        let fixture = try ValidationFixture()
        try fixture.directory.write("images/a.png", "png")
        let lines = (0..<100_000).map { "[l\($0)](../images/a.png) " + ($0 % 10 == 0 ? "\n" : "") }.joined()
        try fixture.post("huge", body: lines)
        let started = Date()
        let report = try await fixture.validate()
        #expect(report.links == 100_000)
        #expect(report.errors == 0)
        #expect(Date().timeIntervalSince(started) < 60)
    }

    @Test func aTenMegabytePostIsReadWithoutTrouble() async throws {
        let fixture = try ValidationFixture()
        let paragraph = String(repeating: "All work and no play. ", count: 40) + "\n\n"
        try fixture.post("long", body: String(repeating: paragraph, count: 10 * 1024 * 1024 / paragraph.utf8.count))
        let report = try await fixture.validate()
        #expect(report.errors == 0)
        #expect(report.posts == 1)
    }
}
