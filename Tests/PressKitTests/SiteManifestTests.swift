import Foundation
import Testing

@testable import PressKit

@Suite struct SiteManifestTests {
    @Test func aManifestReadsBackAsItWasWrittenWhateverTheTitlesHoldIn() throws {
        var manifest = SiteManifest(output: "/srv/site", theme: "ab12", started: 1_796_000_000_000_000_000)
        let awkward = SitePost(
            path: "published/a.md", stamp: "9f", fileSlug: "a", slug: "a", title: "Tabs\tand\nlines \\ slashes",
            state: "published", publishedAt: Date(timeIntervalSince1970: 1_796_000_000.25), publishAt: nil,
            expireAt: Date(timeIntervalSince1970: 1_800_000_000), summary: "", categories: ["News", "Ünïcode"],
            tags: [], authors: ["Ada", "b@example.com"], sitePath: "/posts/a/")
        manifest.records[awkward.path] = awkward
        manifest.outputs["posts/a/index.html"] = SiteManifest.Output(key: "1f", links: ["b", "c"], assets: ["x.png"])
        manifest.outputs["index.html"] = SiteManifest.Output(key: "2e")
        let read = try #require(SiteManifest(bytes: manifest.bytes))
        #expect(read.records == manifest.records)
        #expect(read.outputs == manifest.outputs)
        #expect((read.output, read.theme, read.started) == (manifest.output, manifest.theme, manifest.started))
    }

    @Test func aDamagedOrOtherManifestIsNotUsed() {
        #expect(SiteManifest(bytes: Array("press-build 0\n/x\tk\t1\n".utf8)) == nil)
        #expect(SiteManifest(bytes: Array("press-build 2\n/x\tk\t1\nP\tonly\tthree\n".utf8)) == nil)
        #expect(SiteManifest(bytes: []) == nil)
    }
}
