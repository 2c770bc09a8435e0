import Foundation
import TestSupport
import Testing

/// What real blogs bring that press must take as it is (issue 10's "what press itself must
/// accept"): slugs with dots and underscores, and Markdown files it does not read, named.
@Suite struct RealBlogShapeTests {
    @Test func aPostWhoseSlugHasDotsAndUnderscoresIsListedShownValidAndMoved() async throws {
        let repository = try await CLIRepository(withPost: false)
        for slug in ["v22.1.0", "weekly_update.2015-02-06"] {
            let made = try await repository.press(
                ["new", "Release \(slug)", "--slug", slug, "--summary", "Release notes."], as: People.ada)
            #expect(made.status == 0, "\(made)")
            #expect(repository.directory.exists("drafts/\(slug).md"))
            #expect(try await repository.press(["status"]).stdout.contains(slug))
            let show = try await repository.press(["show", slug])
            #expect(show.status == 0, "\(show)")
            #expect(try await repository.press(["submit", slug], as: People.ada).status == 0)
            #expect(try await repository.press(["log", slug]).stdout.contains("submit"))
        }
        let validate = try await repository.press(["validate"])
        #expect(validate.status == 0, "\(validate)")
        #expect(try await repository.press(["verify"]).status == 0)
    }

    @Test func aMarkdownPostIsReadMovedWithItsExtensionAndLinkedTo() async throws {
        let repository = try await CLIRepository(withPost: false)
        try repository.directory.write(
            "drafts/old-post.markdown",
            "---\ntitle: Old\nslug: old-post\nauthor: Ada <ada@example.com>\nstatus: draft\nsummary: Kept.\n---\n# Part\n"
        )
        try repository.directory.write(
            "drafts/links.md",
            "---\ntitle: Links\nslug: links\nauthor: Ada <ada@example.com>\nstatus: draft\nsummary: To it.\n---\n"
                + "[old](old-post.markdown#part) and [wrong](old-post.md)\n")
        try await repository.commitAll("posts", as: People.eddie)
        let validate = try await repository.press(["validate"])
        #expect(validate.status == 1, "\(validate)")
        #expect(
            validate.stdout.contains(
                "drafts/links.md:8:35: error: no post at drafts/old-post.md: 'old-post' is in drafts/old-post.markdown (state draft) [link-post]"
            ), "\(validate)")
        #expect(!validate.stdout.contains("old-post.markdown#part"), "\(validate)")
        #expect(try await repository.press(["status"]).stdout.contains("old-post"))
        #expect(try await repository.press(["show", "drafts/old-post.markdown"]).status == 0)
        for (step, who) in [("submit", People.ada), ("approve", People.rita), ("publish", People.eddie)] {
            let moved = try await repository.press([step, "old-post"], as: who)
            #expect(moved.status == 0, "\(step): \(moved)")
        }
        #expect(repository.directory.exists("published/old-post.markdown"))
        #expect(!repository.directory.exists("published/old-post.md"))
        let log = try await repository.press(["log", "old-post"])
        #expect(log.stdout.contains("publish") && log.stdout.contains("submit"), "\(log)")
        #expect(try await repository.press(["verify"]).status == 0)
    }

    @Test func markdownFilesPressDoesNotReadAreNamedNotSkippedSilently() async throws {
        let repository = try await CLIRepository()
        try repository.directory.write("drafts/old-post.mkd", "---\ntitle: Old\n---\nText\n")
        try repository.directory.write("published/notes.mdx", "---\ntitle: Notes\n---\nText\n")
        let validate = try await repository.press(["validate"])
        #expect(validate.status == 0, "\(validate)")
        #expect(
            validate.stdout.contains(
                "drafts/old-post.mkd:1:1: warning: not read: press reads posts from .md and .markdown files; rename it to drafts/old-post.md [post-skipped]"
            ), "\(validate)")
        #expect(validate.stdout.contains("published/notes.mdx:1:1: warning: not read"))
        let status = try await repository.press(["status"])
        #expect(status.stderr.contains("drafts/old-post.mkd: warning: not read"), "\(status)")
    }

    static let byName = """
        ---
        title: Jekyll 3.3 is here
        slug: jekyll-3-3-is-here
        author: parkr
        status: draft
        summary: Themes can ship assets.
        ---

        See [the missing page](missing.md).

        """

    @Test func anAuthorByNameAloneIsAFindingAtTheKeyAndTheRestIsStillChecked() async throws {
        let repository = try await CLIRepository(withPost: false)
        try repository.directory.write("drafts/jekyll-3-3-is-here.md", RealBlogShapeTests.byName)
        try await repository.commitAll("import", as: People.eddie)
        let validate = try await repository.press(["validate"])
        #expect(validate.status == 1)
        #expect(
            validate.stdout.contains(
                "drafts/jekyll-3-3-is-here.md:4:1: error: 'author' 'parkr' has no email: write \"Name <email>\", or list 'parkr' under 'authors:' in workflows/default.yml [author-email]"
            ), "\(validate)")
        // The post was read: its link is checked too.
        #expect(validate.stdout.contains("[link-post]"), "\(validate)")
    }

    @Test func aKeyInTheWrongShapeIsAFindingAndTheBodyIsStillChecked() async throws {
        let repository = try await CLIRepository(withPost: false)
        try repository.directory.write(
            "drafts/odd.md",
            "---\ntitle: [One, Two]\nslug: odd\nauthor: Ada Author <ada@example.com>\nstatus: draft\n---\n[gone](gone.md)\n"
        )
        let validate = try await repository.press(["validate"])
        #expect(validate.status == 1)
        let errors = validate.stdout.split(separator: "\n").filter { $0.contains(": error: ") }
        #expect(errors.count == 2, "\(validate)")
        #expect(
            errors.first?.hasPrefix("drafts/odd.md:2:1: error: 'title' must be a single value") == true, "\(validate)")
        #expect(
            errors.last?.hasPrefix("drafts/odd.md:7:1: error:") == true
                && errors.last?.hasSuffix("[link-post]") == true, "\(validate)")
        // A transition still refuses it: a command acts only on posts it can read whole.
        let submit = try await repository.press(["submit", "odd"], as: People.ada)
        #expect(submit.status != 0 && submit.stderr.contains("title"), "\(submit)")
    }

    @Test func theWorkflowsAuthorsNameThePeoplePostsNameByNameAlone() async throws {
        let repository = try await CLIRepository(
            workflow: testWorkflow + "authors:\n  parkr: Parker Moore <parker@example.com>\n", withPost: false)
        try repository.directory.write(
            "drafts/jekyll-3-3-is-here.md",
            RealBlogShapeTests.byName.replacingOccurrences(of: "See [the missing page](missing.md).", with: "Text."))
        try await repository.commitAll("import", as: People.eddie)
        let validate = try await repository.press(["validate"])
        #expect(validate.status == 0, "\(validate)")
        #expect(try await repository.press(["status"]).stdout.contains("Parker Moore"))
        // Parker is the post's author: he may submit it, and may not approve it.
        let parker = ["GIT_AUTHOR_NAME": "Parker Moore", "GIT_AUTHOR_EMAIL": "parker@example.com"]
        let submit = try await repository.press(["submit", "jekyll-3-3-is-here"], as: parker)
        #expect(submit.status == 0, "\(submit)")
        #expect(try await repository.press(["verify"]).status == 0)
    }

    @Test func aPostWithSeveralAuthorsCountsEachAsItsAuthor() async throws {
        let repository = try await CLIRepository(
            workflow: testWorkflow + "authors:\n  parkr: Parker Moore <parker@example.com>\n", withPost: false)
        try repository.directory.write(
            "drafts/together.md",
            """
            ---
            title: Written together
            slug: together
            authors: [parkr, Rita Reviewer <reviewer@example.com>, ghost]
            status: draft
            summary: Two of us.
            ---
            Text.

            """)
        try await repository.commitAll("import", as: People.eddie)
        let validate = try await repository.press(["validate"])
        #expect(validate.status == 1)
        // `authors` stands for the required `author`; the one name nobody lists is the finding.
        let errors = validate.stdout.split(separator: "\n").filter { $0.contains(": error: ") }
        #expect(
            errors == [
                "drafts/together.md:4:1: error: 'authors' 'ghost' has no email: write \"Name <email>\", or list 'ghost' under 'authors:' in workflows/default.yml [author-email]"
            ], "\(validate)")
        try repository.directory.write(
            "drafts/together.md",
            (repository.directory.read("drafts/together.md") ?? "").replacingOccurrences(of: ", ghost]", with: "]"))
        try await repository.commitAll("fix", as: People.eddie)
        #expect(try await repository.press(["validate"]).status == 0)
        #expect(try await repository.press(["status"]).stdout.contains("Parker Moore, Rita Reviewer"))
        // Both are its authors: the first may submit it, and the second, a reviewer, may not approve it.
        let parker = ["GIT_AUTHOR_NAME": "Parker Moore", "GIT_AUTHOR_EMAIL": "parker@example.com"]
        #expect(try await repository.press(["submit", "together"], as: parker).status == 0)
        let approve = try await repository.press(["approve", "together"], as: People.rita)
        #expect(approve.status == 1 && approve.stderr.contains("author"), "\(approve)")
        #expect(try await repository.press(["verify"]).status == 0)
    }

    @Test func siteLinksFollowEveryPostPatternAndDeclaredPagesAreNotErrors() async throws {
        let site = """
            site:
              posts: ['/blog/{category}/{slug}/', '/{year}/{month}/{day}/{slug}.html']
              pages: ['/about/', '/docs/**']

            """
        let repository = try await CLIRepository(
            workflow: testWorkflow.replacingOccurrences(of: "required:", with: site + "required:"))
        try repository.directory.write(
            "drafts/second.md",
            """
            ---
            title: Second
            slug: second
            author: Ada Author <ada@example.com>
            status: draft
            ---

            [one](/blog/news/hello/) [two](/2015/02/06/hello.html) [about](/about/) [docs](/docs/configuration/options/)
            [gone](/blog/news/nope/) [elsewhere](/contact/)

            """)
        let validate = try await repository.press(["validate", "drafts/second.md"])
        #expect(validate.status == 1, "\(validate)")
        let errors = validate.stdout.split(separator: "\n").filter { $0.contains(": error: ") }
        #expect(errors.count == 2, "\(validate)")
        #expect(errors.contains { $0.contains("/blog/news/nope/") && $0.contains("[link-post]") }, "\(validate)")
        #expect(errors.contains { $0.contains("/contact/") }, "\(validate)")
    }
}
