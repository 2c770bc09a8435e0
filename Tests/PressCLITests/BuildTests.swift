import Foundation
import Git
import TestSupport
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

@testable import PressKit

/// `press build`: the site as readers get it, from the posts that are out.
@Suite struct BuildTests {
    static let site = """
        site:
          posts: /posts/{slug}/
          title: The <Example> Times
          base_url: https://news.example.com/
          per_page: 1

        """

    func repository() async throws -> CLIRepository {
        let repository = try await CLIRepository(
            workflow: testWorkflow.replacingOccurrences(of: "required:", with: BuildTests.site + "required:"),
            withPost: false)
        let head = "author: Ada Author <ada@example.com>\nsummary: A summary.\n"
        try repository.directory.write(
            "published/first.md",
            "---\ntitle: First <script>alert(1)</script>\nslug: first\n\(head)categories: [News]\ntags: [Élections]\nstatus: published\npublished_at: 2026-01-01T09:00:00+00:00\n---\n"
                + "## Part one\n\n## Part one\n\nSee [the second](second.md#table) and ![a chart](../assets/chart.png).\n\n"
                + "| a | b |\n|---|---|\n| 1 | 2 |\n\n~~gone~~ and https://example.org/x\n")
        try repository.directory.write(
            "published/second.md",
            "---\ntitle: Second\nslug: second\n\(head)categories: [News, Sport]\nstatus: published\npublished_at: 2026-02-01T09:00:00+00:00\n---\n"
                + "## Table\n\nBack to [the first](first.md).\n")
        try repository.directory.write(
            "drafts/third.md", "---\ntitle: Third\nslug: third\n\(head)status: draft\n---\nNot out.\n")
        try repository.directory.write("assets/chart.png", [0x89, 0x50, 0x4E, 0x47])
        try repository.directory.write("_redirects", "/2026/01/first.html /posts/first/ 301\n")
        try await repository.commitAll("posts", as: People.eddie)
        return repository
    }

    @Test func postsFrontPagesFeedAndSitemap() async throws {
        let repository = try await repository()
        let built = try await repository.press(["build"])
        #expect(built.status == 0, "\(built)")
        #expect(built.stdout.contains("built 2 posts"), "\(built)")

        let first = repository.directory.read("site/posts/first/index.html") ?? ""
        // Values are escaped: a title with a script tag is text.
        #expect(first.contains("<h1>First &lt;script&gt;alert(1)&lt;/script&gt;</h1>"), "\(first)")
        #expect(!first.contains("<script>"))
        // Heading ids by the rule press validate checks anchors with (a repeat gets -1).
        #expect(first.contains("<h2><a class=\"anchor\" id=\"part-one\" href=\"#part-one\""), "\(first)")
        #expect(first.contains("id=\"part-one-1\""))
        // Links to posts go to their pages; files are copied and named from the site's root.
        #expect(first.contains("<a href=\"/posts/second/#table\">the second</a>"), "\(first)")
        #expect(first.contains("<img src=\"/assets/chart.png\" alt=\"a chart\""), "\(first)")
        #expect(repository.directory.bytes("site/assets/chart.png") == [0x89, 0x50, 0x4E, 0x47])
        #expect(first.contains("<table>") && first.contains("<del>gone</del>"), "\(first)")
        #expect(first.contains("<a href=\"https://example.org/x\">"), "\(first)")
        #expect(
            first.contains("<title>First &lt;script&gt;alert(1)&lt;/script&gt; — The &lt;Example&gt; Times</title>"))
        // The second's anchor is where the first's link says it is.
        #expect(repository.directory.read("site/posts/second/index.html")?.contains("id=\"table\"") == true)
        #expect(!repository.directory.exists("site/posts/third"))

        // One post a page, newest first; numbered pages counted from the oldest post.
        let front = repository.directory.read("site/index.html") ?? ""
        #expect(front.contains("href=\"/posts/second/\"") && !front.contains("href=\"/posts/first/\""), "\(front)")
        #expect(front.contains("href=\"/page/1/\" rel=\"next\""), "\(front)")
        let oldest = repository.directory.read("site/page/1/index.html") ?? ""
        #expect(oldest.contains("href=\"/posts/first/\"") && oldest.contains("href=\"/page/2/\" rel=\"prev\""))
        #expect(repository.directory.read("site/page/2/index.html")?.contains("href=\"/posts/second/\"") == true)
        #expect(repository.directory.exists("site/404.html"))
        #expect(repository.directory.read("site/_redirects") == "/2026/01/first.html /posts/first/ 301\n")

        // The feed and the sitemap, read back by an XML reader.
        let feed = try XMLElement.parse(repository.directory.bytes("site/feed.xml") ?? [], path: "feed.xml")
        let entries = feed["feed"]?.all("entry") ?? []
        #expect(entries.map { $0.value("title") } == ["Second", "First <script>alert(1)</script>"])
        #expect(entries.first?["link"]?.attributes["href"] == "https://news.example.com/posts/second/")
        #expect(entries.first?.value("published") == "2026-02-01T09:00:00+00:00")
        #expect(feed["feed"]?.value("title") == "The <Example> Times")
        let sitemap = try XMLElement.parse(repository.directory.bytes("site/sitemap.xml") ?? [], path: "sitemap.xml")
        let locations = sitemap["urlset"]?.all("url").compactMap { $0.value("loc") } ?? []
        #expect(
            locations == [
                "https://news.example.com/", "https://news.example.com/page/1/", "https://news.example.com/page/2/",
                "https://news.example.com/categories/news/", "https://news.example.com/categories/news/page/1/",
                "https://news.example.com/categories/news/page/2/", "https://news.example.com/categories/sport/",
                "https://news.example.com/tags/elections/", "https://news.example.com/authors/ada-author/",
                "https://news.example.com/authors/ada-author/page/1/",
                "https://news.example.com/authors/ada-author/page/2/",
                "https://news.example.com/posts/second/", "https://news.example.com/posts/first/",
            ], "\(locations)")

        // A page and a feed for each category; a page for each tag and author.
        let news = repository.directory.read("site/categories/news/index.html") ?? ""
        #expect(news.contains("<h1>News</h1>") && news.contains("href=\"/posts/second/\""), "\(news)")
        #expect(repository.directory.read("site/categories/news/page/1/index.html")?.contains("/posts/first/") == true)
        #expect(repository.directory.read("site/tags/elections/index.html")?.contains("<h1>Élections</h1>") == true)
        let newsFeed = try XMLElement.parse(
            repository.directory.bytes("site/categories/news/feed.xml") ?? [], path: "feed.xml")
        #expect(newsFeed["feed"]?.all("entry").count == 2)
        #expect(newsFeed["feed"]?.value("title") == "News — The <Example> Times")
        let sport = try XMLElement.parse(
            repository.directory.bytes("site/categories/sport/feed.xml") ?? [], path: "feed.xml")
        #expect(sport["feed"]?.all("entry").compactMap { $0.value("title") } == ["Second"])
    }

    @Test func draftsAndTheFutureOnlyWhenAskedAndARebuildLeavesNothingBehind() async throws {
        let repository = try await repository()
        #expect(try await repository.press(["build", "--drafts"]).status == 0)
        #expect(repository.directory.exists("site/posts/third/index.html"))
        // The draft is gone from the next build: the folder is replaced, not added to.
        #expect(try await repository.press(["build"]).status == 0)
        #expect(!repository.directory.exists("site/posts/third"))
        // As it was on 15 January: the second post is not out yet.
        #expect(try await repository.press(["build", "--at", "2026-01-15T00:00:00Z", "--out", "then"]).status == 0)
        #expect(repository.directory.exists("then/posts/first/index.html"))
        #expect(!repository.directory.exists("then/posts/second"))
        let names = try FileManager.default.contentsOfDirectory(atPath: repository.path)
        #expect(!names.contains { $0.contains(".press-new-") || $0.contains(".press-old-") }, "\(names)")
    }

    /// A whole build replaces its folder: it refuses one it did not make — the repository, a
    /// folder holding it, its `.git`, a folder of someone's files — and changes nothing there.
    @Test func aBuildReplacesNoFolderThatHoldsFilesItDidNotBuild() async throws {
        let repository = try await repository()
        let parent = (repository.path as NSString).deletingLastPathComponent
        // The folder above the repository is named through a link: were the refusal to go, a
        // build would replace the link, not the system's temporary folder.
        let links = TemporaryDirectory("press-link")
        let link = links.file("to-repository")
        let up = links.file("above-repository")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: repository.path)
        try FileManager.default.createSymbolicLink(atPath: up, withDestinationPath: parent)
        // A link to an empty folder: a build would put its folder in the link's place.
        let toEmpty = links.file("to-empty")
        try FileManager.default.createDirectory(atPath: links.file("empty"), withIntermediateDirectories: false)
        try FileManager.default.createSymbolicLink(atPath: toEmpty, withDestinationPath: links.file("empty"))
        for (out, says) in [
            (".", "is the repository"), (up, "is a folder holding the repository"), (link, "is the repository"),
            (".git/site", "inside the repository's .git/"), ("assets", "holds files press did not build (chart.png)"),
            ("published", "holds files press did not build (.gitkeep, first.md, second.md)"),
            (toEmpty, "is a symbolic link"),
        ] {
            let build = try await repository.press(["build", "--out", out])
            #expect(build.status == 2, "\(out): \(build)")
            #expect(build.stderr.contains(says), "\(out): \(build)")
        }
        // A build into the repository that an earlier press made (its manifest is there) is
        // refused as well: a build that found the theme changed would replace the folder.
        #expect(try await repository.press(["build"]).status == 0)
        let manifest = ContentRepository(git: try Repository.open(at: repository.path)).manifestPath(
            for: repository.path)
        try FileManager.default.copyItem(atPath: repository.path + "/.press/build/manifest", toPath: manifest)
        let again = try await repository.press(["build", "--out", "."])
        #expect(again.status == 2 && again.stderr.contains("is the repository"), "\(again)")
        #expect(try await repository.status() == "")
        #expect(repository.directory.bytes("assets/chart.png") == [0x89, 0x50, 0x4E, 0x47])
        #expect(FileManager.default.fileExists(atPath: parent + "/" + (repository.path as NSString).lastPathComponent))

        // A new or empty folder is the build's from then on, whole builds and looks at drafts
        // alike; one given someone's file after that is still the build's to replace.
        try FileManager.default.createDirectory(atPath: repository.path + "/www", withIntermediateDirectories: false)
        for arguments in [
            ["--out", "www"], ["--full", "--out", "www"], ["--drafts", "--out", "look"], ["--drafts", "--out", "look"],
        ] {
            let build = try await repository.press(["build"] + arguments)
            #expect(build.status == 0, "\(arguments): \(build)")
        }
        #expect(repository.directory.exists("www/posts/first/index.html"))
        #expect(repository.directory.exists("look/posts/third/index.html"))
        withExtendedLifetime(links) {}
    }

    @Test func aTemplateOfTheRepositoryIsUsedAndABrokenOneWritesNothing() async throws {
        let repository = try await repository()
        try repository.directory.write("templates/post.mustache", "<p class=\"mine\">{{post.title}}</p>{{{post.html}}}")
        #expect(try await repository.press(["build"]).status == 0)
        let first = repository.directory.read("site/posts/first/index.html") ?? ""
        #expect(first.hasPrefix("<p class=\"mine\">First &lt;script&gt;"), "\(first)")
        let before = repository.directory.read("site/index.html")

        try repository.directory.write("templates/list.mustache", "<ol>\n{{#posts}}<li>{{title}}</li>\n{{/post}}</ol>")
        let broken = try await repository.press(["build"])
        #expect(broken.status == 2, "\(broken)")
        #expect(broken.stderr.hasPrefix("templates/list.mustache:3:"), "\(broken)")
        #expect(repository.directory.read("site/index.html") == before)
        // A whole build into a new folder, whose folders are made while its pages are
        // rendered, leaves nothing either.
        let whole = try await repository.press(["build", "--out", "whole"])
        #expect(whole.status == 2, "\(whole)")
        let names = try FileManager.default.contentsOfDirectory(atPath: repository.path)
        #expect(!names.contains { $0 == "whole" || $0.contains(".press-new-") }, "\(names)")
    }

    /// A quote followed by a combining mark is one character, and Mustache's own escaping (by
    /// character) let it through: in a repository's template it ended an attribute's value, and
    /// the rest of the title became attributes. Every template escapes by scalar now, the
    /// repository's own and one that names the library's `HTML`; `TEXT` still turns it off.
    @Test func aQuoteWithACombiningMarkCannotLeaveAnAttributeOfARepositorysTemplate() async throws {
        let repository = try await repository()
        let title = "Fact\"\u{301} onmouseover=alert(1) x='\u{301}<\u{338}"
        let text = try #require(repository.directory.read("published/second.md"))
        try repository.directory.write(
            "published/second.md",
            text.replacingOccurrences(
                of: "title: Second", with: "title: \"Fact\\\"\\u0301 onmouseover=alert(1) x='\\u0301<\\u0338\""))
        try repository.directory.write(
            "templates/post.mustache",
            "<a title=\"{{post.title}}\">\n{{% CONTENT_TYPE: HTML}}<b title=\"{{post.title}}\">\n")
        try repository.directory.write("templates/item.mustache", "{{% CONTENT_TYPE: TEXT}}{{title}}")
        #expect(try await repository.press(["build"]).status == 0)
        let escaped = "Fact&quot;\u{301} onmouseover=alert(1) x=&#39;\u{301}&lt;\u{338}"
        let page = repository.directory.read("site/posts/second/index.html") ?? ""
        #expect(page == "<a title=\"\(escaped)\">\n<b title=\"\(escaped)\">\n", "\(page)")
        let front = repository.directory.read("site/index.html") ?? ""
        #expect(front.contains(title), "\(front)")
    }

    /// A template sees a text as Mustache sees a string: the string transforms, a name inside
    /// the text's section looked up around it (the text has no keys of its own), `{{.}}` in a
    /// list of texts, a text true in a section even when a list of them is empty.
    @Test func aTemplateSeesTextsAsMustacheStrings() async throws {
        let repository = try await repository()
        try repository.directory.write(
            "templates/post.mustache",
            "[{{uppercased(post.title)}}][{{#post.date}}{{post.path}}:{{renderText}}:{{count}}{{/post.date}}]"
                + "[{{#post.categories}}<{{.}}>{{/post.categories}}][{{#post.summary}}yes{{/post.summary}}]"
                + "[{{^post.nothing}}none{{/post.nothing}}][{{lowercased(site.title)}}]")
        #expect(try await repository.press(["build"]).status == 0)
        let page = repository.directory.read("site/posts/second/index.html") ?? ""
        #expect(
            page == "[SECOND][/posts/second/::][<News><Sport>][yes][none][the &lt;example&gt; times]", "\(page)")

        // A list's entries: each post's values, its `item` HTML, and the values around the list.
        try repository.directory.write("templates/item.mustache", "<{{title}}>")
        try repository.directory.write(
            "templates/list.mustache",
            "{{#posts}}({{title}}|{{path}}|{{#authors}}{{name}}{{^last}},{{/last}}{{/authors}}|{{summary}}"
                + "|{{datetime}}|{{nothing}}|{{site.title}}|{{> item}}){{/posts}}")
        #expect(try await repository.press(["build"]).status == 0)
        let front = repository.directory.read("site/index.html") ?? ""
        #expect(
            front
                == "(Second|/posts/second/|Ada Author|A summary.|2026-02-01T09:00:00+00:00||The &lt;Example&gt; Times|<Second>)",
            "\(front)")
    }

    /// Every file under `folder`, with its bytes.
    @Test func aSecondBuildMakesOnlyWhatChangedAndTheSameBytesAsAWholeOne() async throws {
        let repository = try await repository()
        let first = try await repository.press(["build"])
        #expect(first.stdout.contains("built 2 posts: "), "\(first)")
        #expect(repository.directory.exists(".press/build/manifest"))
        // Nothing changed: nothing written. (A build trusts its record of a file changed at
        // least a second before it; these were written a moment ago, so they are dated back.)
        for path in ["published/first.md", "published/second.md", "drafts/third.md"] {
            try FileManager.default.setAttributes(
                [.modificationDate: Date(timeIntervalSinceNow: -60)], ofItemAtPath: "\(repository.path)/\(path)")
        }
        _ = try await repository.press(["build"])
        let quiet = try await repository.press(["build", "--verbose"])
        #expect(quiet.stdout.contains("built 2 posts: 0 of "), "\(quiet)")

        // A third post comes out; the second post is edited; the first is taken down.
        try repository.directory.write(
            "published/third.md",
            "---\ntitle: Third\nslug: third\nauthor: Ada Author <ada@example.com>\nsummary: S.\ncategories: [News]\nstatus: published\npublished_at: 2026-03-01T09:00:00+00:00\n---\nOut now; see [the first](first.md).\n"
        )
        try FileManager.default.removeItem(atPath: repository.path + "/drafts/third.md")
        let second = repository.directory.read("published/second.md") ?? ""
        try repository.directory.write(
            "published/second.md", second.replacingOccurrences(of: "Back to", with: "Return to"))
        try FileManager.default.removeItem(atPath: repository.path + "/published/first.md")
        let changed = try await repository.press(["build", "--verbose"])
        #expect(changed.status == 0, "\(changed)")
        #expect(changed.stdout.contains("wrote posts/third/index.html"), "\(changed)")
        #expect(changed.stdout.contains("removed posts/first/index.html"), "\(changed)")
        #expect(!repository.directory.exists("site/posts/first"))
        let whole = try await repository.press(["build", "--full", "--out", "whole"])
        #expect(whole.status == 0, "\(whole)")
        let incremental = siteFiles(repository.path + "/site")
        #expect(incremental.count > 10)
        #expect(incremental == siteFiles(repository.path + "/whole"), "\(incremental.keys.sorted())")
        #expect(
            repository.directory.read("site/posts/second/index.html")?.contains("Return to") == true)
        // No temporary file is left beside the ones renamed into place.
        #expect(!incremental.keys.contains { $0.contains(".press-") })
    }

    /// A post file read again whose bytes are as they were — the build right after a checkout
    /// or a pull (files changed a moment before a build are read again by the next), a save
    /// without change — remakes no page: a deploy after it uploads nothing.
    @Test func aFileReadAgainWithTheSameBytesRemakesNoPage() async throws {
        let repository = try await repository()
        #expect(try await repository.press(["build"]).status == 0)
        let again = try await repository.press(["build"])
        #expect(again.stdout.contains("built 2 posts: 0 of "), "\(again)")
        try FileManager.default.setAttributes(
            [.modificationDate: Date()], ofItemAtPath: repository.path + "/published/second.md")
        let touched = try await repository.press(["build"])
        #expect(touched.stdout.contains("built 2 posts: 0 of "), "\(touched)")
        let second = repository.directory.read("published/second.md") ?? ""
        try repository.directory.write("published/second.md", second.replacingOccurrences(of: "Back", with: "Go back"))
        let changed = try await repository.press(["build", "--verbose"])
        #expect(changed.stdout.contains("wrote posts/second/index.html"), "\(changed)")
        #expect(repository.directory.read("site/posts/second/index.html")?.contains("Go back to") == true)
    }

    /// The build follows the workflow as committed. An edit of the site's settings built before
    /// it is committed changes nothing and says why; once committed, the next build makes every
    /// page with it. (The manifest was keyed on the working copy: the build before the commit
    /// recorded the new settings' key, so the one after found nothing changed and left the old
    /// title on every page.)
    @Test func aWorkflowEditCountsOnceCommittedAndThenOnEveryPage() async throws {
        let repository = try await repository()
        #expect(try await repository.press(["build"]).status == 0)
        let workflow = repository.directory.read("workflows/default.yml") ?? ""
        try repository.directory.write(
            "workflows/default.yml",
            workflow.replacingOccurrences(of: "title: The <Example> Times", with: "title: The Renamed Times"))
        let uncommitted = try await repository.press(["build"])
        #expect(uncommitted.status == 0, "\(uncommitted)")
        #expect(uncommitted.stdout.contains("built 2 posts: 0 of "), "\(uncommitted)")
        #expect(
            uncommitted.stderr.contains("workflows/default.yml has changes that are not committed"),
            "\(uncommitted)")
        #expect(repository.directory.read("site/index.html")?.contains("The Renamed Times") == false)
        // The preview says so too, as it starts (this one ends there: no post 'nothing').
        let preview = try await repository.press(["preview", "nothing", "--port", "0"])
        #expect(preview.status == 2, "\(preview)")
        #expect(preview.stderr.contains("workflows/default.yml has changes that are not committed"), "\(preview)")

        try await repository.commitAll("rename the site", as: People.eddie)
        let committed = try await repository.press(["build"])
        #expect(committed.status == 0, "\(committed)")
        #expect(!committed.stderr.contains("not committed"), "\(committed)")
        let whole = try await repository.press(["build", "--full", "--out", "whole"])
        #expect(whole.status == 0, "\(whole)")
        let site = siteFiles(repository.path + "/site")
        let wholeSite = siteFiles(repository.path + "/whole")
        #expect(site.keys.sorted() == wholeSite.keys.sorted())
        #expect(site.keys.filter { site[$0] != wholeSite[$0] }.sorted() == [])
        #expect(repository.directory.read("site/posts/second/index.html")?.contains("The Renamed Times") == true)
    }

    /// Posts at `/p/{slug}/`: a folder of one letter. Foundation's `deletingLastPathComponent`
    /// traps on a one-character string, and the build asked it for the folder above `p`: a
    /// whole build stopped with SIGILL, and so did an incremental one that removed the last
    /// page in `p/`.
    @Test func postsInAFolderOfOneLetterAreBuiltAndRemoved() async throws {
        let repository = try await repository()
        let workflow = repository.directory.read("workflows/default.yml") ?? ""
        try repository.directory.write(
            "workflows/default.yml",
            workflow.replacingOccurrences(of: "posts: /posts/{slug}/", with: "posts: /p/{slug}/"))
        try await repository.commitAll("posts at /p/", as: People.eddie)
        let whole = try await repository.press(["build"])
        #expect(whole.status == 0, "\(whole)")
        #expect(repository.directory.exists("site/p/first/index.html"))
        for post in ["published/first.md", "published/second.md"] {
            try FileManager.default.removeItem(atPath: "\(repository.path)/\(post)")
        }
        let emptied = try await repository.press(["build", "--verbose"])
        #expect(emptied.status == 0, "\(emptied)")
        #expect(emptied.stdout.contains("removed p/second/index.html"), "\(emptied)")
        #expect(!repository.directory.exists("site/p"))
    }

    /// An edit of a post's body remakes its page and no list it is on (lists show its title,
    /// summary, authors, categories and date); an edit of its title remakes those lists too.
    @Test func anEditOfTheBodyAloneRemakesThePostsPageAndNoList() async throws {
        let repository = try await repository()
        #expect(try await repository.press(["build"]).status == 0)
        let second = repository.directory.read("published/second.md") ?? ""
        try repository.directory.write("published/second.md", second.replacingOccurrences(of: "Back", with: "Go back"))
        let body = try await repository.press(["build", "--verbose"])
        let written = body.stdout.split(separator: "\n").filter { $0.contains("wrote ") }.map(String.init)
        #expect(written == ["wrote posts/second/index.html"], "\(body)")

        let edited = repository.directory.read("published/second.md") ?? ""
        try repository.directory.write(
            "published/second.md", edited.replacingOccurrences(of: "title: Second", with: "title: Second, again"))
        let title = try await repository.press(["build", "--verbose"])
        #expect(title.stdout.contains("wrote index.html"), "\(title)")
        #expect(title.stdout.contains("wrote categories/sport/index.html"), "\(title)")
        #expect(repository.directory.read("site/index.html")?.contains("Second, again") == true)
        #expect(try await repository.press(["build", "--full", "--out", "whole"]).status == 0)
        #expect(siteFiles(repository.path + "/site") == siteFiles(repository.path + "/whole"))
    }

    /// A build killed as by `kill -9` — with its new folder written, just after swapping it
    /// with the old one, with an incremental build's file written but not yet in place — leaves
    /// a whole site (the old one or the new one) and nothing in it that is not the site's; the
    /// next build removes what the killed one left beside it.
    @Test(arguments: [("site-written", "new"), ("site-swapped", "new"), ("site-file-written", "incoming")])
    func aKilledBuildLeavesAWholeSiteAndTheNextTidiesUp(point: String, leftover: String) async throws {
        let repository = try await repository()
        #expect(try await repository.press(["build"]).status == 0)
        let before = siteFiles(repository.path + "/site")
        let second = repository.directory.read("published/second.md") ?? ""
        try repository.directory.write("published/second.md", second + "\nA line more.\n")
        let whole = point != "site-file-written"
        let killed = try await repository.press(
            whole ? ["build", "--full"] : ["build"], environment: ["PRESS_CRASHPOINT": point])
        #expect(killed.status != 0, "\(killed)")
        func besides() -> [String] {
            ContentRepository.names(in: repository.path).filter { $0.hasPrefix("site.press-") }.sorted()
        }
        #expect(besides().count == 1 && besides().allSatisfy { $0.contains(".press-\(leftover)-") }, "\(besides())")
        let site = siteFiles(repository.path + "/site")
        #expect(site == before || point == "site-swapped", "the old site, whole")
        #expect(site.keys.contains("posts/second/index.html") && site.keys.contains("index.html"))
        #expect(!site.keys.contains { $0.contains(".press-") }, "\(site.keys.sorted())")

        let again = try await repository.press(["build"])
        #expect(again.status == 0, "\(again)")
        #expect(besides() == [], "\(besides())")
        #expect(try await repository.press(["build", "--full", "--out", "whole"]).status == 0)
        #expect(siteFiles(repository.path + "/site") == siteFiles(repository.path + "/whole"))
        #expect(repository.directory.read("site/posts/second/index.html")?.contains("A line more.") == true)
    }

    @Test func aDeletedDraftLeavesTheManifestWithTheBuildThatFoundItGone() async throws {
        let repository = try await repository()
        #expect(try await repository.press(["build"]).status == 0)
        func records() throws -> [String] {
            let manifest = try #require(repository.directory.bytes(".press/build/manifest").flatMap(SiteManifest.init))
            return manifest.records.keys.sorted()
        }
        #expect(try records() == ["drafts/third.md", "published/first.md", "published/second.md"])
        // (Files dated back: a build trusts its record of a file changed a second before it.)
        for path in ["published/first.md", "published/second.md", "drafts/third.md"] {
            try FileManager.default.setAttributes(
                [.modificationDate: Date(timeIntervalSinceNow: -60)], ofItemAtPath: "\(repository.path)/\(path)")
        }
        _ = try await repository.press(["build"])
        // Nothing on the site changes; the record of the draft is gone all the same.
        try FileManager.default.removeItem(atPath: repository.path + "/drafts/third.md")
        let built = try await repository.press(["build"])
        #expect(built.stdout.contains("built 2 posts: 0 of "), "\(built)")
        #expect(try records() == ["published/first.md", "published/second.md"])
    }

    @Test func twoBuildsAtOnceTakeTurnsAndLeaveTheSiteWhole() async throws {
        let repository = try await repository()
        #expect(try await repository.press(["build"]).status == 0)
        let second = repository.directory.read("published/second.md") ?? ""
        try repository.directory.write("published/second.md", second + "\nA line more.\n")
        let path = repository.path
        async let one = TestSupport.press(["build"], in: path, as: People.eddie)
        async let two = TestSupport.press(["build"], in: path, as: People.eddie)
        let (first, other) = try await (one, two)
        #expect(first.status == 0 && other.status == 0, "\(first)\n\(other)")
        #expect(try await repository.press(["build", "--full", "--out", "whole"]).status == 0)
        #expect(siteFiles(repository.path + "/site") == siteFiles(repository.path + "/whole"))
        let quiet = try await repository.press(["build"])
        #expect(quiet.stdout.contains(" 0 removed"), "\(quiet)")
    }

    @Test func errorsInPostsGoingOutAreWarningsOrWithStrictARefusal() async throws {
        let repository = try await repository()
        let second = repository.directory.read("published/second.md") ?? ""
        try repository.directory.write(
            "published/second.md", second.replacingOccurrences(of: "(first.md)", with: "(missing.md)"))
        let warned = try await repository.press(["build"])
        #expect(warned.status == 0, "\(warned)")
        #expect(warned.stderr.contains("published/second.md:12:9:"), "\(warned)")
        #expect(warned.stderr.contains("warning:"), "\(warned)")
        #expect(repository.directory.exists("site/posts/second/index.html"))

        let strict = try await repository.press(["build", "--strict", "--full", "--out", "strict"])
        #expect(strict.status == 1, "\(strict)")
        #expect(strict.stderr.contains("published/second.md:12:9:"), "\(strict)")
        #expect(strict.stderr.contains("nothing was written (--strict)"), "\(strict)")
        #expect(!repository.directory.exists("strict"))
        // The whole site was written beside, while the posts were checked, and removed.
        let names = try FileManager.default.contentsOfDirectory(atPath: repository.path)
        #expect(!names.contains { $0.contains(".press-new-") }, "\(names)")
    }

    @Test func aWholeBuildChecksThePostsGoingOutAgainstEveryPost() async throws {
        let repository = try await repository()
        // A draft with a broken link and the slug of a post that is out: the draft is not
        // going out (no warning of its own), but the post that is out shares its slug.
        try repository.directory.write(
            "drafts/first.md",
            "---\ntitle: Fourth\nslug: first\nauthor: Ada Author <ada@example.com>\nstatus: draft\n---\n[x](missing.md)\n"
        )
        let built = try await repository.press(["build", "--full"])
        #expect(built.status == 0, "\(built)")
        #expect(built.stderr.contains("the slug 'first' is also used by drafts/first.md"), "\(built)")
        #expect(built.stderr.contains("published/first.md:3:"), "\(built)")
        #expect(!built.stderr.contains("drafts/first.md:"), "\(built)")
    }

    @Test func namesThatDifferOnlyInCaseShareOneListHeadedByTheNewestPosts() async throws {
        let repository = try await repository()
        try repository.directory.write(
            "published/older.md",
            "---\ntitle: Older\nslug: older\nauthor: Ada Author <ada@example.com>\ncategories: [news]\n"
                + "tags: [ÉLECTIONS]\nstatus: published\npublished_at: 2025-12-01T09:00:00+00:00\n---\nOld.\n")
        #expect(try await repository.press(["build"]).status == 0)
        // Three posts in one category list (one to a page), headed as the newest post names it.
        let news = repository.directory.read("site/categories/news/index.html") ?? ""
        #expect(news.contains("News"), "\(news)")
        #expect(!news.contains(">news<"), "\(news)")
        let oldest = repository.directory.read("site/categories/news/page/1/index.html") ?? ""
        #expect(oldest.contains("Older"), "\(oldest)")
        #expect(repository.directory.read("site/categories/news/page/3/index.html") != nil)
        let tags = repository.directory.read("site/tags/elections/page/1/index.html") ?? ""
        #expect(tags.contains("Older") && tags.contains("Élections"), "\(tags)")
    }

    @Test func aPostInAListIsTheItemTemplateMadeOnceForEveryList() async throws {
        let repository = try await repository()
        try repository.directory.write(
            "templates/item.mustache",
            "<li class=\"mine\">{{title}} in {{site.title}}{{#date}} on {{date}}{{/date}}</li>\n")
        #expect(try await repository.press(["build"]).status == 0)
        let front = repository.directory.read("site/index.html") ?? ""
        #expect(
            front.contains("<li class=\"mine\">Second in The &lt;Example&gt; Times on February 1, 2026</li>"),
            "\(front)")
        let news = repository.directory.read("site/categories/news/page/1/index.html") ?? ""
        #expect(
            news.contains(
                "<li class=\"mine\">First &lt;script&gt;alert(1)&lt;/script&gt; in The &lt;Example&gt; Times on January 1, 2026</li>"
            ), "\(news)")
        // A list of the repository's own that shows the posts' values itself still has them.
        try repository.directory.write(
            "templates/list.mustache", "<ol>{{#posts}}<li>{{path}} {{title}}</li>{{/posts}}</ol>\n")
        #expect(try await repository.press(["build"]).status == 0)
        #expect(repository.directory.read("site/index.html") == "<ol><li>/posts/second/ Second</li></ol>\n")
    }

    /// The whole site of the fixture, every page kind, byte for byte against the files in
    /// `Golden/site` (`PRESS_UPDATE_GOLDEN=1` writes them again, to be read over and committed).
    @Test func theSiteIsTheGoldenOneByteForByte() async throws {
        let repository = try await repository()
        #expect(try await repository.press(["build", "--full"]).status == 0)
        let built = siteFiles(repository.path + "/site")
        let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden/site")
            .path
        if ProcessInfo.processInfo.environment["PRESS_UPDATE_GOLDEN"] != nil {
            try? FileManager.default.removeItem(atPath: golden)
            for (path, bytes) in built {
                let file = golden + "/" + path
                try FileManager.default.createDirectory(
                    atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                #expect(FileManager.default.createFile(atPath: file, contents: Data(bytes)), "\(file)")
            }
        }
        let expected = siteFiles(golden)
        #expect(built.keys.sorted() == expected.keys.sorted())
        for (path, bytes) in built where expected[path] != bytes {
            Issue.record("site/\(path) differs from Golden/site/\(path):\n\(String(decoding: bytes, as: UTF8.self))")
        }
        // Every page kind is there.
        for path in [
            "index.html", "page/1/index.html", "posts/first/index.html", "categories/news/index.html",
            "tags/elections/index.html", "authors/ada-author/index.html", "feed.xml", "categories/news/feed.xml",
            "sitemap.xml", "404.html",
        ] {
            #expect(expected[path] != nil, "\(path)")
        }
    }

    /// The feeds and the sitemap as a real XML parser (libxml2, through Foundation) reads them.
    @Test func feedsAndTheSitemapAreWellFormedXML() async throws {
        let repository = try await repository()
        #expect(try await repository.press(["build"]).status == 0)
        let feed = try XMLDocument(data: Data(repository.directory.bytes("site/feed.xml") ?? []))
        #expect(feed.rootElement()?.name == "feed")
        #expect(feed.rootElement()?.uri == "http://www.w3.org/2005/Atom")
        let entries = feed.rootElement()?.elements(forName: "entry") ?? []
        #expect(entries.count == 2)
        for entry in entries {
            for name in ["title", "id", "updated", "link", "author"] {
                #expect(!entry.elements(forName: name).isEmpty, "an entry without \(name)")
            }
        }
        #expect(entries.first?.elements(forName: "title").first?.stringValue == "Second")
        let sitemap = try XMLDocument(data: Data(repository.directory.bytes("site/sitemap.xml") ?? []))
        #expect(sitemap.rootElement()?.uri == "http://www.sitemaps.org/schemas/sitemap/0.9")
        let locations = (sitemap.rootElement()?.elements(forName: "url") ?? []).compactMap {
            $0.elements(forName: "loc").first?.stringValue
        }
        #expect(locations.contains("https://news.example.com/posts/first/"))
        #expect(locations.allSatisfy { $0.hasPrefix("https://news.example.com/") })
    }
}
