import Foundation
import PressKit
import Git
import TestSupport
import Testing

/// `press preview`'s site in memory: what it answers for a path, the banners and the board,
/// and the wake-up a page waits for.
@Suite struct PreviewSiteTests {
    func site() throws -> (Fixture, PreviewSite) {
        let fixture = try Fixture()
        try fixture.perform("submit", adaPerson)
        try fixture.perform("approve", ritaPerson)
        let site = PreviewSite(repository: fixture.repository, at: nil)
        #expect(site.refresh(now: now))
        return (fixture, site)
    }

    @Test func aPostInReviewHasItsBannerAndTheBoardListsIt() throws {
        let (fixture, site) = try site()
        defer { withExtendedLifetime(fixture) {} }
        let page = site.response(for: "/posts/hello/")
        #expect(page.status == 200 && page.contentType == "text/html; charset=utf-8")
        let html = String(decoding: page.body, as: UTF8.self)
        #expect(html.contains("class=\"press-banner\""), "\(html)")
        #expect(html.contains("<strong>Review</strong> · by Ada Author · approved by Rita Reviewer"), "\(html)")
        #expect(html.contains("next: approve (reviewer, editor); request-changes"), "\(html)")
        #expect(html.contains("var t=\"\(site.token)\""))
        let board = String(decoding: site.response(for: "/_press/").body, as: UTF8.self)
        #expect(
            board.contains("<h2>Review (1)</h2>") && board.contains("<a href=\"/posts/hello/\">Hello</a>"), "\(board)")
        #expect(site.response(for: "/_press").location == "/_press/")
        #expect(site.path(of: "hello") == "/posts/hello/")
    }

    @Test func pathsOutsideTheSiteAreRefusedAndNothingIsReadFromDisk() throws {
        let (fixture, site) = try site()
        try fixture.directory.write("secret.txt", "not for the web")
        for path in ["/../secret.txt", "/%2e%2e/secret.txt", "/posts/../../secret.txt", "/a/./b", "/x%00y"] {
            #expect(site.response(for: path).status == 400, "\(path)")
        }
        #expect(site.response(for: "/secret.txt").status == 404)
        #expect(site.response(for: "/workflows/default.yml").status == 404)
        #expect(site.response(for: "/posts/hello").location == "/posts/hello/")
        #expect(site.response(for: "/feed.xml").contentType == "application/atom+xml")
    }

    @Test func aWaitingPageIsWokenWhenAPostChangesAndNotBefore() throws {
        let (fixture, site) = try site()
        let token = site.token
        let woken = Locked<[String]>([])
        site.whenChanged(from: token) { new in woken.withLock { $0.append(new) } }
        #expect(!site.refresh(now: now))
        #expect(woken.withLock { $0 }.isEmpty)
        let text = fixture.directory.read("drafts/hello.md") ?? ""
        try fixture.directory.write("drafts/hello.md", text + "\nA new paragraph.\n")
        #expect(site.refresh(now: now))
        #expect(woken.withLock { $0 } == [site.token])
        #expect(site.token != token)
        #expect(String(decoding: site.response(for: "/posts/hello/").body, as: UTF8.self).contains("A new paragraph."))
        // A page built before the change is answered at once.
        let late = Locked<String?>(nil)
        site.whenChanged(from: token) { new in late.withLock { $0 = new } }
        #expect(late.withLock { $0 } == site.token)
    }

    @Test func aChangeRemakesOnlyWhatItTouchesAndAPostGoneIsGone() throws {
        let (fixture, site) = try site()
        defer { withExtendedLifetime(fixture) {} }
        try fixture.repository.create(
            NewPostRequest(title: "Other", summary: "A second post.", actor: adaPerson, now: now))
        #expect(site.refresh(now: now))
        func page(_ path: String) -> String { String(decoding: site.response(for: path).body, as: UTF8.self) }
        let other = page("/posts/other/")
        #expect(other.contains("class=\"press-banner\"") && other.contains("var t=\"\(site.token)\""), "\(other)")

        // One post edited: its page and the lists change; the other post's page is the one
        // made before (banner and all), with the reload script of the new build.
        let text = fixture.directory.read("drafts/hello.md") ?? ""
        try fixture.directory.write("drafts/hello.md", text + "\nA new paragraph.\n")
        #expect(site.refresh(now: now))
        #expect(page("/posts/hello/").contains("A new paragraph."))
        let again = page("/posts/other/")
        #expect(again.contains("var t=\"\(site.token)\"") && again.components(separatedBy: "<script>").count == 2)
        let old = other.components(separatedBy: "<script>")[0]
        #expect(again.hasPrefix(old), "\(again)")

        // A post deleted: its page is gone and no list shows it.
        try FileManager.default.removeItem(atPath: fixture.directory.path + "/drafts/hello.md")
        #expect(site.refresh(now: now))
        #expect(site.response(for: "/posts/hello/").status == 404)
        #expect(!page("/").contains("/posts/hello/"))
        #expect(page("/").contains("/posts/other/"))
        #expect(site.path(of: "hello") == nil)
    }

    /// The preview follows the workflow as committed, as the build does: an edit of the site's
    /// title shows once it is committed, though the file itself did not change then (the
    /// preview looked only at the files, and kept the old title until a post changed).
    @Test func aWorkflowEditShowsOnceCommitted() async throws {
        let (fixture, site) = try site()
        func front() -> String { String(decoding: site.response(for: "/").body, as: UTF8.self) }
        let workflow = fixture.directory.read("workflows/default.yml") ?? ""
        try fixture.directory.write("workflows/default.yml", workflow + "site:\n  title: The Renamed Times\n")
        site.refresh(now: now)
        #expect(!front().contains("The Renamed Times"))
        let committed = try await git(
            ["-c", "user.name=Eddie Editor", "-c", "user.email=editor@example.com", "commit", "-q", "-am", "rename"],
            in: fixture.directory.path)
        #expect(committed.status == 0, "\(committed)")
        #expect(site.refresh(now: now))
        #expect(front().contains("The Renamed Times"), "\(front())")
    }

    /// A draft links to an image not added yet; adding it remakes the page with the copy's path,
    /// though no post, template or workflow changed.
    @Test func anImageAddedLaterIsShownAtOnce() throws {
        let (fixture, site) = try site()
        let text = fixture.directory.read("drafts/hello.md") ?? ""
        try fixture.directory.write("drafts/hello.md", text + "\n![A chart](../assets/chart.png)\n")
        #expect(site.refresh(now: now))
        func page() -> String { String(decoding: site.response(for: "/posts/hello/").body, as: UTF8.self) }
        #expect(page().contains("src=\"../assets/chart.png\""), "\(page())")
        #expect(!site.refresh(now: now))
        try fixture.directory.write("assets/chart.png", [0x89, 0x50, 0x4E, 0x47])
        #expect(site.refresh(now: now))
        #expect(page().contains("src=\"/assets/chart.png\""), "\(page())")
        #expect(site.response(for: "/assets/chart.png").status == 200)
    }

    /// The preview makes again only what changed, in memory; after each of a seeded sequence of
    /// what people do (posts written, edited, submitted, approved, published and deleted, an
    /// item template and an image added and removed) its files are those of a preview built
    /// whole.
    @Test(arguments: [1, 2, 3] as [UInt64])
    func aPreviewMadeStepByStepIsOneMadeWhole(seed: UInt64) throws {
        let (fixture, site) = try site()
        var random = SeededGenerator(seed: seed)
        var made = 0
        func posts() -> [String] {
            ["drafts", "published"].flatMap { folder in
                ((try? FileManager.default.contentsOfDirectory(atPath: fixture.directory.path + "/" + folder)) ?? [])
                    .filter { $0.hasSuffix(".md") }.map { "\(folder)/\($0)" }
            }.sorted()
        }
        func slugs() -> [String] { posts().map { String($0.split(separator: "/")[1].dropLast(3)) } }
        for step in 0..<30 {
            let done: String
            switch Int.random(in: 0..<9, using: &random) {
            case 0:
                made += 1
                try fixture.repository.create(
                    NewPostRequest(title: "Story \(made)", summary: "Story \(made).", actor: adaPerson, now: now))
                done = "wrote story-\(made)"
            case 1, 2:
                let path = posts().randomElement(using: &random) ?? "drafts/hello.md"
                let other = slugs().randomElement(using: &random) ?? "hello"
                let text = fixture.directory.read(path) ?? ""
                try fixture.directory.write(
                    path, text + "\nStep \(step): see [\(other)](\(other).md) and ![](../assets/a.png).\n")
                done = "edited \(path)"
            case 3:
                let slug = slugs().randomElement(using: &random) ?? "hello"
                let steps: [(String, Person)] = [
                    ("submit", adaPerson), ("approve", ritaPerson), ("publish", eddiePerson),
                ]
                let (name, person) = steps.randomElement(using: &random)!
                done =
                    (try? fixture.perform(name, person, slug: slug)) == nil
                    ? "could not \(name) \(slug)" : "\(name) \(slug)"
            case 4 where posts().count > 1:
                let path = posts().randomElement(using: &random)!
                try FileManager.default.removeItem(atPath: fixture.directory.path + "/" + path)
                done = "deleted \(path)"
            case 5:
                if fixture.directory.exists("templates/item.mustache") {
                    try FileManager.default.removeItem(atPath: fixture.directory.path + "/templates/item.mustache")
                } else {
                    try fixture.directory.write("templates/item.mustache", "<li>{{title}} · {{date}}</li>\n")
                }
                done = "toggled templates/item.mustache"
            case 6:
                if fixture.directory.exists("assets/a.png") {
                    try FileManager.default.removeItem(atPath: fixture.directory.path + "/assets/a.png")
                } else {
                    try fixture.directory.write("assets/a.png", [0x89, 0x50, UInt8(step)])
                }
                done = "toggled assets/a.png"
            default:
                done = "nothing"
            }
            site.refresh(now: now)
            let whole = PreviewSite(repository: fixture.repository, at: nil)
            whole.refresh(now: now)
            let mine = site.builtFiles
            let theirs = whole.builtFiles
            let differing = Set(mine.keys).union(theirs.keys).filter { mine[$0] != theirs[$0] }.sorted()
            #expect(differing == [], "seed \(seed), step \(step) (\(done))")
            guard differing.isEmpty else { break }
        }
    }

    @Test func aBrokenTemplateShowsItsErrorAndReloadsWhenMended() throws {
        let (fixture, site) = try site()
        try fixture.directory.write("templates/post.mustache", "{{#post}}never closed")
        #expect(site.refresh(now: now))
        let page = String(decoding: site.response(for: "/").body, as: UTF8.self)
        #expect(page.contains("The site cannot be built") && page.contains("templates/post.mustache:1:"), "\(page)")
        try fixture.directory.write("templates/post.mustache", "{{post.title}}")
        #expect(site.refresh(now: now))
        #expect(String(decoding: site.response(for: "/posts/hello/").body, as: UTF8.self).contains("Hello"))
    }
}
