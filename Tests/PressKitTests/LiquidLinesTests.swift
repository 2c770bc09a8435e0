import Testing

@testable import PressKit

/// The Liquid an import writes out: loops over lists and values through a few filters, each line
/// keeping the number of the line it came from.
@Suite struct LiquidLinesTests {
    let liquid = LiquidLines(
        site: ["repository": "https://github.com/example/site"],
        page: [("filters", .list([.string("Where Exp"), .string("find")])), ("version", .string("4.1.0"))])

    func lines(_ text: String) -> [(String, Int)] {
        text.split(separator: "\n", omittingEmptySubsequences: false).enumerated().map { (String($1), $0 + 1) }
    }

    @Test func aLoopOverAPageListWithFiltersIsWrittenOut() {
        let out = liquid.expand(
            lines(
                """
                Version {{ page.version }}.
                {% for filter in page.filters %}
                {% assign slug = filter | slugify %}
                [{{ slug }}]: {{ slug | prepend: '/docs/filters/#' | relative_url }}
                {% endfor %}
                {% include x.html %} and {{ page.missing }}
                """))
        #expect(
            out.map(\.0) == [
                "Version 4.1.0.", "[where-exp]: /docs/filters/#where-exp", "[find]: /docs/filters/#find",
                "{% include x.html %} and {{ page.missing }}",
            ])
        #expect(out.map(\.1) == [1, 4, 4, 6])
    }

    @Test func aLoopOverASplitLiteralAndSiteValues() {
        let out = liquid.expand(
            lines(
                "{% assign ids = \"1|2\" | split: \"|\" %}\n{% for id in ids %}\n[#{{ id }}]: {{ site.repository }}/issues/{{ id }}\n{% endfor %}"
            ))
        #expect(
            out.map(\.0) == [
                "[#1]: https://github.com/example/site/issues/1", "[#2]: https://github.com/example/site/issues/2",
            ])
        // A loop over something unknown is left as written.
        let kept = liquid.expand(lines("{% for x in site.posts %}\n{{ x }}\n{% endfor %}"))
        #expect(kept.map(\.0) == ["{% for x in site.posts %}", "{{ x }}", "{% endfor %}"])
    }
}
