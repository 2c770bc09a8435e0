import Foundation
import PressKit
import TestSupport
import Testing

/// Issue 11, items 2–4: where a link is reported, which anchors a heading offers, and what is
/// not a link at all.
@Suite struct LinkPositionTests {
    /// Every link is reported where it begins, columns counted in characters, whatever its kind
    /// and however cmark counted it (reference definitions, text over two lines, indented and
    /// lazy continuation lines, a tab).
    @Test func everyKindOfLinkIsPlacedWhereItBegins() {
        let body = """
            Café — naïve [x][r] and [y](#i) and ![z][r]
            Some text here [landed on
            the branch][r]. Then [after](#j) and [w
            w](#k) [k](#l)
            [x][r] is explained under #nope-later.
              Indented [ind](#m) and	[tab](#n)
            - item [i](#o)
            lazy [l](#p)
            > quote [q][r]
            lazyq [s](#q)

            [r]: #nope
            Use [u][r] here, www.example.com/x and <https://example.com/y>.
            """
        let found = Markdown.scan(Array(body.utf8), firstLine: 5).links.map {
            "\($0.destination) \($0.line):\($0.column)"
        }
        #expect(
            found == [
                "#nope 5:14", "#i 5:25", "#nope 5:37",
                "#nope 6:16", "#j 7:22", "#k 7:38", "#l 8:8",
                "#nope 9:1",
                "#m 10:12", "#n 10:26",
                "#o 11:8", "#p 12:6",
                "#nope 13:9", "#q 14:7",
                "#nope 17:5", "http://www.example.com/x 17:18", "https://example.com/y 17:41",
            ])
    }

    @Test func findingsCarryTheSamePositions() async throws {
        let fixture = try ValidationFixture()
        try fixture.post(
            "refs",
            body:
                "Café — naïve [x][r]\n\nSome text here [landed on\nthe branch][r].\n\n[x][r] is explained under #nope-later.\n\n[r]: #nope\n"
        )
        #expect(
            try await fixture.findings() == [
                "drafts/refs.md:11:14 link-anchor", "drafts/refs.md:13:16 link-anchor",
                "drafts/refs.md:16:1 link-anchor",
            ])
    }

    /// GitHub keeps marks in heading ids: U+FE0F, the variation selector after an emoji, stays.
    @Test func headingIdsKeepMarksAsGitHubDoes() async throws {
        #expect(Anchor.githubID("Builds 🛠️") == "builds-\u{FE0F}")
        #expect(Anchor.githubID("Ünïcode ½ x²") == "ünïcode--x")
        let fixture = try ValidationFixture()
        try fixture.post("emoji", body: "## Builds 🛠️\n\n[a](#builds-%EF%B8%8F) [b](#builds-)\n")
        #expect(try await fixture.findings() == ["drafts/emoji.md:13:24 link-anchor"])
    }

    /// A protocol-relative URL is external; a footnote is not a link; nothing in an HTML comment
    /// is checked; a destination in `<…>` may hold spaces.
    @Test func whatIsNotALinkIsNotCheckedAsOne() async throws {
        let fixture = try ValidationFixture()
        try fixture.directory.write("drafts/my file.png", "png")
        try fixture.post(
            "notlinks",
            body: """
                [s](//www.example.com/x) and a note[^1] and [f](<my file.png>).

                [^1]: Citation. See [g](<gone file.png>).

                <!-- <a href="gone.png"> -->
                Text <!-- <img src="gone-too.png"> --> <img src="here.png">

                """)
        let report = try await fixture.validate()
        #expect(
            report.sorted.map { "\($0.line):\($0.column) \($0.rule) \($0.message)" } == [
                "13:21 link-asset 'gone file.png' points to drafts/gone file.png, which does not exist",
                "16:50 link-asset 'here.png' points to drafts/here.png, which does not exist",
            ])
        #expect(report.externalLinks == 1)
    }
}
