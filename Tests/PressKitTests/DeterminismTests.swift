import Foundation
@testable import PressKit
import TestSupport
import Testing

/// The same repository gives the same report on every run, whatever the two cores interleave.
@Suite struct DeterminismTests {
    @Test func bareURLsAreFoundOnEveryRunOfTheParallelScan() async throws {
        let fixture = try ValidationFixture()
        // Bare URLs are found by cmark-gfm's autolink extension, whose trigger characters used to
        // be switched on and off in one table shared by every thread that parses.
        let body = (0..<20).map { _ in "See ftp://ftp.example.com/f and www.example.com/x and <https://a.example/>.\n\n"
        }.joined()
        for index in 0..<600 { try fixture.post("post-\(index)", body: body) }
        var counts: Set<[Int]> = []
        var reports: Set<[String]> = []
        for _ in 0..<8 {
            let report = try await fixture.validate()
            counts.insert([report.links, report.externalLinks])
            reports.insert(report.sorted.map { "\($0.path):\($0.line):\($0.column) \($0.rule) \($0.message)" })
        }
        // Three links a line (the ftp one is not an http(s) link to check); the same every run.
        #expect(counts == [[600 * 20 * 3, 600 * 20 * 2]], "\(counts)")
        #expect(reports.count == 1)
    }

    /// A site's pages on both cores, with the parse of one post beside another's: struck-out text
    /// and bare URLs (whose extensions switch characters in cmark-gfm's process-wide table) are
    /// in every page. (Without the lock around parsing inlines some pages lost their `<del>`
    /// and links, and some runs crashed.)
    @Test func everyPageHasItsStruckOutTextAndBareURLsWhateverRunsBesideIt() {
        let body = Array(
            (0..<30).map { "Line with ~~gone~~ text, a | pipe and https://example.org/\($0) here.\n\n" }.joined().utf8)
        let pages = Array(0..<400).parallelMap { _ in PostHTML.render(body[...]) { _ in nil } }
        let expected = PostHTML.render(body[...]) { _ in nil }
        #expect(expected.components(separatedBy: "<del>gone</del>").count == 31)
        #expect(expected.contains("<a href=\"https://example.org/29\">https://example.org/29</a>"))
        #expect(pages.allSatisfy { $0 == expected }, "\(Set(pages).count) different pages")
    }
}
