import Foundation
import PressKit
import Synchronization
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
        let woken = Mutex<[String]>([])
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
        let late = Mutex<String?>(nil)
        site.whenChanged(from: token) { new in late.withLock { $0 = new } }
        #expect(late.withLock { $0 } == site.token)
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
