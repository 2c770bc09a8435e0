import Foundation
import PressKit
import Testing

@Suite struct FrontMatterTests {
    let original = """
        ---
        # a comment press must keep
        title: Hello
        layout: wide            # unknown key, kept
        status: draft
        extra:
          nested: [1, 2]
        slug: hello
        ---

        Body with trailing spaces   
        and no final newline
        """

    @Test func settingAnOwnedKeyChangesOnlyItsLine() throws {
        var fm = try FrontMatter(bytes: Array(original.utf8), path: "drafts/hello.md")
        try fm.set("status", to: .string("review"))
        let expected = original.replacingOccurrences(of: "status: draft", with: "status: review")
        #expect(String(decoding: fm.bytes, as: UTF8.self) == expected)
    }

    @Test func addingAndRemovingKeysKeepsEverythingElseByteForByte() throws {
        var fm = try FrontMatter(bytes: Array(original.utf8), path: "drafts/hello.md")
        try fm.set("publish_at", to: .string("2027-01-01T09:00:00+00:00"))
        try fm.remove("publish_at")
        #expect(fm.bytes == Array(original.utf8))
    }

    @Test func aMultiLineValueIsReplacedWhole() throws {
        var fm = try FrontMatter(bytes: Array(original.utf8), path: "drafts/hello.md")
        try fm.set("extra", to: .string("flat"))
        let text = String(decoding: fm.bytes, as: UTF8.self)
        #expect(text.contains("extra: flat\nslug: hello\n"))
        #expect(!text.contains("nested"))
        #expect(text.contains("layout: wide            # unknown key, kept"))
    }

    @Test func crlfFilesStayCRLF() throws {
        let crlf = original.replacingOccurrences(of: "\n", with: "\r\n")
        var fm = try FrontMatter(bytes: Array(crlf.utf8), path: "drafts/hello.md")
        try fm.set("status", to: .string("review"))
        try fm.set("summary", to: .string("A summary: with a colon"))
        let text = String(decoding: fm.bytes, as: UTF8.self)
        #expect(text.contains("status: review\r\n"))
        #expect(text.contains("summary: \"A summary: with a colon\"\r\n---\r\n"))
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
        #expect(text.hasSuffix("\r\nand no final newline"))
    }

    @Test func aByteOrderMarkIsKept() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array(original.utf8)
        var fm = try FrontMatter(bytes: bytes, path: "drafts/hello.md")
        try fm.set("status", to: .string("review"))
        #expect(fm.bytes.starts(with: [0xEF, 0xBB, 0xBF, UInt8(ascii: "-")]))
        #expect(fm.entry("title")?.location.line == 3)
    }

    @Test func approvalsAreWrittenAsABlockListAndReadBack() throws {
        var fm = try FrontMatter(bytes: Array(original.utf8), path: "drafts/hello.md")
        let record = YAMLValue.list([
            .map([
                ("name", .string("Rita")), ("email", .string("rita@example.com")),
                ("at", .string("2027-01-01T09:00:00+00:00")),
            ])
        ])
        try fm.set("approvals", to: record)
        let post = try Post(path: "drafts/hello.md", bytes: fm.bytes)
        #expect(post.approvals.map(\.person.email) == ["rita@example.com"])
        #expect(post.title == "Hello")
    }

    @Test func keyLocationsCountTheOpeningLine() throws {
        let fm = try FrontMatter(bytes: Array(original.utf8), path: "p.md")
        #expect(fm.entry("title")?.location == SourceLocation(path: "p.md", line: 3, column: 1))
        #expect(fm.entry("slug")?.location.line == 8)
    }

    @Test func malformedYAMLIsReportedAtItsLine() {
        let bad = "---\ntitle: ok\nsummary: [unclosed\nslug: x\n---\n"
        #expect {
            try FrontMatter(bytes: Array(bad.utf8), path: "drafts/x.md")
        } throws: { error in
            guard case FrontMatterError.malformedYAML(let location, _) = error else { return false }
            return location.path == "drafts/x.md" && (3...5).contains(location.line)
        }
    }

    @Test func aFileWithoutFrontMatterIsRefused() {
        #expect(throws: FrontMatterError.noFrontMatter(SourceLocation(path: "x.md"))) {
            try FrontMatter(bytes: Array("# Just a heading\n".utf8), path: "x.md")
        }
        #expect(throws: FrontMatterError.unterminated(SourceLocation(path: "x.md"))) {
            try FrontMatter(bytes: Array("---\ntitle: x\n".utf8), path: "x.md")
        }
    }

    @Test func invalidUTF8IsReportedAtItsLineAndColumn() {
        let bytes = Array("---\ntitle: ok\n---\nfine\nbad ".utf8) + [0xFF, 0x0A]
        #expect(throws: FrontMatterError.notUTF8(SourceLocation(path: "x.md", line: 5, column: 5))) {
            try FrontMatter(bytes: bytes, path: "x.md")
        }
    }

    @Test func aListWhereAMappingIsDueIsRefused() {
        #expect(throws: FrontMatterError.notAMapping(SourceLocation(path: "x.md", line: 2, column: 1))) {
            try FrontMatter(bytes: Array("---\n- a\n- b\n---\n".utf8), path: "x.md")
        }
    }

    @Test func wrongShapedOwnedKeysAreRefusedAtTheKey() throws {
        let post = try Post(path: "x.md", bytes: Array("---\ntitle: [a, b]\n---\n".utf8))
        #expect(
            throws: FrontMatterError.wrongType(
                SourceLocation(path: "x.md", line: 2, column: 1), key: "title", expected: "a single value")
        ) {
            try post.checkShape()
        }
    }

    @Test(arguments: ["yes", "123", "2027-01-01", "null", "a: b", "#tag", "- item", "ok 'quoted'", "", " padded"])
    func scalarsThatNeedQuotingReadBackUnchanged(value: String) throws {
        var fm = try FrontMatter(bytes: Array("---\ntitle: x\n---\n".utf8), path: "x.md")
        try fm.set("summary", to: .string(value))
        let post = try Post(path: "x.md", bytes: fm.bytes)
        #expect(post.summary == (value.isEmpty ? "" : value))
    }
}
