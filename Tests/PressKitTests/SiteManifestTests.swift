import Foundation
import Testing

@testable import PressKit

@Suite struct SiteManifestTests {
    @Test func aManifestReadsBackAsItWasWrittenWhateverTheTitlesHoldIn() throws {
        var manifest = SiteManifest(output: "/srv/site", theme: "ab12", started: 1_796_000_000_000_000_000)
        let awkward = SitePost(
            path: "published/a.md", stamp: 0x9f, content: 0xfedc_ba98_7654_3210, fileSlug: "a", slug: "a",
            title: "Tabs\tand\nlines \\ slashes",
            state: "published", publishedAt: Date(timeIntervalSince1970: 1_796_000_000.25), publishAt: nil,
            expireAt: Date(timeIntervalSince1970: -86_400.5), summary: "", categories: ["News", "Ünïcode"],
            tags: [], authors: ["Ada", "b@example.com"], sitePath: "/posts/a/")
        manifest.records[awkward.path] = awkward
        manifest.outputs["posts/a/index.html"] = SiteManifest.Output(key: 0x1f, links: ["b", "c"], assets: ["x.png"])
        manifest.outputs["index.html"] = SiteManifest.Output(key: 0x2e)
        let read = try #require(SiteManifest(bytes: manifest.bytes))
        #expect(read.records == manifest.records)
        #expect(read.outputs == manifest.outputs)
        #expect((read.output, read.theme, read.started) == (manifest.output, manifest.theme, manifest.started))
    }

    @Test func aNumberAddedToAKeyAloneOrInAListMakesTheSameKey() {
        var alone = InputKey()
        alone.add(word: 0x0123_4567_89ab_cdef)
        var listed = InputKey()
        listed.add([0x0123_4567_89ab_cdef] as [UInt64])
        var other = InputKey()
        other.add(word: 0x0123_4567_89ab_cdee)
        #expect(alone.value == listed.value)
        #expect(alone.value != other.value)
    }

    @Test func theDigestOfBytesTellsEveryOneWordChangeAndLengthApart() {
        func digest(_ bytes: [UInt8]) -> UInt64 {
            var digest = ContentDigest()
            digest.add(bytes[...])
            return digest.value
        }
        let text = Array("---\ntitle: A\n---\nThe body, long enough for a few words and a tail.\n".utf8)
        var seen: Set<UInt64> = [digest(text)]
        #expect(digest(text) == digest(Array(text)))
        for index in text.indices {
            var changed = text
            changed[index] ^= 0x01
            #expect(seen.insert(digest(changed)).inserted, "byte \(index)")
        }
        for count in 0..<text.count { #expect(seen.insert(digest(Array(text[..<count]))).inserted, "\(count) bytes") }
        #expect(digest([0]) != digest([0, 0]))
    }

    @Test func aDamagedOrOtherManifestIsNotUsed() {
        #expect(SiteManifest(bytes: Array("press-build 0\n/x\tk\t1\n".utf8)) == nil)
        // One of the press before (no digest of the post files' bytes): a whole build follows.
        #expect(SiteManifest(bytes: Array("press-build 2\n/x\tk\t1\nS\t12\n".utf8)) == nil)
        #expect(SiteManifest(bytes: Array("press-build 3\n/x\tk\t1\nP\tonly\tthree\n".utf8)) == nil)
        #expect(SiteManifest(bytes: []) == nil)
        // A last line without its line break: an append a crash cut short.
        #expect(SiteManifest(bytes: Array("press-build 3\n/x\tk\t1\nS\t12".utf8)) == nil)
        #expect(SiteManifest(bytes: Array("press-build 3\n/x\tk\t1\nS\t12\n".utf8))?.started == 12)
        // A number that is not one.
        #expect(SiteManifest(bytes: Array("press-build 3\n/x\tk\t1\nO\tindex.html\tzz\t\t\n".utf8)) == nil)
    }

    @Test func aJournalAppendedToTheFileReadsAsTheNewManifest() throws {
        func post(_ name: String, _ title: String) -> SitePost {
            SitePost(
                path: "published/\(name).md", stamp: UInt64(title.utf8.count), content: 7, fileSlug: name, slug: name,
                title: title,
                state: "published", publishedAt: nil, publishAt: nil, expireAt: nil, summary: "", categories: [],
                tags: [], authors: [])
        }
        var old = SiteManifest(output: "/srv/site", theme: "t", started: 1)
        for name in ["a", "b", "c"] {
            old.records["published/\(name).md"] = post(name, name)
            old.outputs["posts/\(name)/index.html"] = SiteManifest.Output(
                key: UInt64(name.unicodeScalars.first?.value ?? 0))
        }
        let base = old.bytes
        let read = try #require(SiteManifest(bytes: base))
        var new = read
        new.started = 2
        new.records["published/b.md"] = post("b", "B, edited")
        new.records["published/c.md"] = nil
        new.outputs["posts/c/index.html"] = nil
        new.records["published/d.md"] = post("d", "d")
        new.outputs["posts/d/index.html"] = SiteManifest.Output(key: 0xd, links: ["a"])
        let journal = try #require(
            new.journal(
                since: read, records: ["published/b.md", "published/c.md", "published/d.md"],
                outputs: ["posts/d/index.html"],
                removedOutputs: ["posts/c/index.html"]))
        #expect(String(decoding: journal, as: UTF8.self).split(separator: "\n").count == 6)
        let again = try #require(SiteManifest(bytes: base + journal))
        #expect(again.records == new.records)
        #expect(again.outputs == new.outputs)
        #expect(again.started == 2)
        // An append cut short is a damaged manifest: the next build is a whole one.
        #expect(SiteManifest(bytes: base + journal.dropLast(3)) == nil)
        // A journal that would make the file twice what it describes is not written.
        var long = again
        long.lineCount = 1_000
        #expect(new.journal(since: long, records: [], outputs: [], removedOutputs: []) == nil)
    }
}
