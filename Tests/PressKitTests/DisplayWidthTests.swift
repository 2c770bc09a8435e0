import PressKit
import Testing

/// Issue 12: tables are aligned by the columns text takes on a terminal, not by characters.
@Suite struct DisplayWidthTests {
    @Test(arguments: [
        ("hello", 5), ("Café", 4), ("e\u{301}te\u{301}", 3), ("日本語", 6), ("한국어 뉴스", 11), ("🛠️ fix", 6),
        ("👍", 2), ("ＡＢ", 4), ("x\u{200B}y", 2),
    ])
    func columns(text: String, width: Int) {
        #expect(DisplayWidth.of(text) == width)
    }

    @Test func truncatingAndPaddingCountColumns() {
        #expect(DisplayWidth.truncate("日本語のニュース", to: 7) == "日本語…")
        #expect(DisplayWidth.of(DisplayWidth.truncate("日本語のニュース", to: 7)) == 7)
        #expect(DisplayWidth.pad("日本", to: 6) == "日本  ")
        #expect(DisplayWidth.truncate("short", to: 10) == "short")
    }
}
