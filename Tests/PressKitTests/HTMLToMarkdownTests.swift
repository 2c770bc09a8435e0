import Testing

@testable import PressKit

/// WordPress's HTML as Markdown: what each element becomes, and what stays HTML.
@Suite struct HTMLToMarkdownTests {
    func markdown(_ html: String, classic: Bool = false) -> String {
        HTMLToMarkdown(classic: classic).convert(html)
    }

    @Test func inlineElementsKeepTheSpacesAroundThem() {
        #expect(
            markdown(
                "<p>The <strong>HTML <code>&lt;blockquote&gt;</code> Element</strong> (or <em>Quote</em>) is <a href=\"https://x.test/\">here</a>.</p>"
            )
                == "The **HTML `<blockquote>` Element** (or *Quote*) is [here](https://x.test/).")
    }

    @Test func classicContentMakesParagraphsOfBlankLinesAndBreaksOfSingleOnes() {
        let html =
            "<strong>Headings</strong>\n<h1>One</h1>\nFirst line\nsecond line\n\nNext paragraph\n<ul>\n<li>a</li>\n<li>b\n<ul>\n<li>c</li>\n</ul>\n</li>\n</ul>\n"
        #expect(
            markdown(html, classic: true)
                == "**Headings**\n\n# One\n\nFirst line\\\nsecond line\n\nNext paragraph\n\n- a\n- b\n  - c")
    }

    @Test func blockCommentsGoAndBlocksStay() {
        let html = """
            <!-- wp:heading --><h2 class="wp-block-heading">Title</h2><!-- /wp:heading -->
            <!-- wp:paragraph --><p>Text with *stars* and _lines_.</p><!-- /wp:paragraph -->
            <!-- wp:quote --><blockquote class="wp-block-quote"><p>Quoted</p><cite>Someone</cite></blockquote><!-- /wp:quote -->
            <!-- wp:code --><pre class="wp-block-code"><code class="language-swift">let a = 1 &lt; 2</code></pre><!-- /wp:code -->
            <!-- wp:html --><iframe src="https://player.test/1"></iframe><!-- /wp:html -->
            """
        #expect(
            markdown(html)
                == "## Title\n\nText with \\*stars\\* and \\_lines\\_.\n\n> Quoted\n>\n> <cite>Someone</cite>\n\n```swift\nlet a = 1 < 2\n```\n\n<iframe src=\"https://player.test/1\"></iframe>"
        )
    }

    @Test func imagesLinksFiguresAndTables() {
        let html = """
            <figure><a href="https://x.test/big.jpg"><img src="https://x.test/small.jpg" alt="A cat" /></a><figcaption>The cat</figcaption></figure>
            <table><thead><tr><th>A</th><th>B</th></tr></thead><tbody><tr><td>1 | 2</td><td><em>3</em></td></tr></tbody></table>
            <table><tr><td colspan="2">merged</td></tr></table>
            <ol start="3"><li>three</li><li>four</li></ol>
            """
        #expect(
            markdown(html)
                == "[![A cat](https://x.test/small.jpg)](https://x.test/big.jpg)\n\n*The cat*\n\n| A | B |\n| --- | --- |\n| 1 \\| 2 | *3* |\n\n<table><tr><td colspan=\"2\">merged</td></tr></table>\n\n3. three\n4. four"
        )
    }
}

extension HTMLToMarkdownTests {
    @Test func textThatWouldBeMarkupStaysText() {
        #expect(markdown("<p><cite>A</cite> - B</p>") == "<cite>A</cite> - B")
        #expect(
            markdown("<p>- not a list</p><p># not a heading</p><p>1. not a list</p>")
                == "\\- not a list\n\n\\# not a heading\n\n1\\. not a list")
        #expect(markdown("<p>see https://x.test/a_b_c and [1]</p>") == "see https://x.test/a_b_c and \\[1\\]")
    }
}
