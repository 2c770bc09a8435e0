import Foundation
import Testing

@testable import PressKit

/// The fast reader must read exactly what the YAML parser reads, or step aside.
@Suite struct SimpleYAMLTests {
    static let documents = [
        "title: Hello\nslug: hello\nstatus: draft\n",
        "title: \"Election Night: What to Watch For\"\nsummary: 'single quoted'\n",
        "author:\n  name: Ada Author\n  email: ada@example.com\ncategories: [politics, city]\ntags: []\n",
        "approvals:\n  - name: Rita\n    email: rita@example.com\n    at: 2027-01-01T09:00:00+00:00\n  - name: Eddie\n    email: e@example.com\n",
        "tags:\n  - one\n  - two words\n# comment\nempty:\nnull_word: ~\n",
        "tags:\n- zero-indented\n- list\n",
        "url: https://example.com/a#b\ntime: 12:30\nodd: a'b\"c\n",
        "title: Crème brûlée — “quoted” ünïcode\n",
        "key: value\r\nother: [a, b]\r\n",
    ]

    static let declined = [
        "title: a # comment\n", "summary: >\n  folded\n", "anchor: &a x\n", "title: \"esc\\\"aped\"\n",
        "deep:\n  a:\n    b: c\n", "dup: 1\ndup: 2\n", "summary: long\n  continued\n", "list: [a, [b]]\n",
        "- top\n- level\n", "key:value\n", "trailing: space \n",
    ]

    func lines(_ text: String) -> [ArraySlice<UInt8>] { FrontMatter.splitLines(Array(text.utf8)) }

    @Test(arguments: documents)
    func readsWhatTheYAMLParserReads(document: String) throws {
        let simple = try #require(SimpleYAML.entries(lines(document), path: "p.md"))
        #expect(simple == (try FrontMatter.yamlEntries(lines(document), path: "p.md")))
    }

    @Test(arguments: declined)
    func stepsAsideForAnythingElse(document: String) {
        #expect(SimpleYAML.entries(lines(document), path: "p.md") == nil)
    }
}
