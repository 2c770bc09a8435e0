import Foundation
import PressKit
import Testing

@Suite struct SitePatternTests {
    @Test(arguments: [
        ("/posts/{slug}/", "/posts/hello/", "hello"),
        ("/posts/{slug}/", "/posts/hello", "hello"),
        ("/blog/{category}/{slug}/", "/blog/news/v1.2.0/", "v1.2.0"),
        ("/{year}/{month}/{day}/{slug}.html", "/2015/02/06/weekly-update.html", "weekly-update"),
        ("/{year}/{month}/{day}/{slug}.html", "/2015/2/6/a.b.html", "a.b"),
    ])
    func postPathsGiveTheirSlug(pattern: String, path: String, slug: String) throws {
        let site = try #require(SitePattern(pattern))
        #expect(site.match(path)?["slug"] == slug)
    }

    @Test(arguments: [
        ("/posts/{slug}/", "/posts/a/b/"), ("/posts/{slug}/", "/post/hello/"),
        ("/{year}/{month}/{day}/{slug}.html", "/15/02/06/x.html"),
        ("/{year}/{month}/{day}/{slug}.html", "/2015/02/06/x.htm"), ("/about/", "/about/team/"),
        ("/docs/*", "/docs/a/b"),
    ])
    func otherPathsDoNotMatch(pattern: String, path: String) throws {
        #expect(try #require(SitePattern(pattern)).match(path) == nil)
    }

    @Test func pagesMatchWithStars() throws {
        #expect(try #require(SitePattern("/docs/**")).match("/docs/configuration/front-matter/") != nil)
        #expect(try #require(SitePattern("/docs/**")).match("/docs") != nil)
        #expect(try #require(SitePattern("/feed.*")).match("/feed.xml") != nil)
        #expect(try #require(SitePattern("/")).match("/") != nil)
    }

    @Test func anUnknownPlaceholderIsRefused() {
        #expect(SitePattern("/posts/{title}/") == nil)
    }
}
