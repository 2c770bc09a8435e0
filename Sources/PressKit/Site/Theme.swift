import Mustache

/// HTML escaping of the five characters swift-mustache's own `HTML` escapes, with the same
/// entities, by `HTMLEscape`, one Unicode scalar at a time. The library's looks each character
/// (grapheme) up in a dictionary: a `"` followed by a combining mark is one character that is not
/// `"`, and went out as it was, ending an attribute's value in the browser (a title could add an
/// `onmouseover` to a repository's own template). Every template press renders is escaped by this
/// one: the default theme's name it (`{{% CONTENT_TYPE: PRESS_HTML}}`), a repository's own are
/// read with that line put before theirs, and it is registered as `HTML` too, for a template that
/// names the library's. It is also faster: a text without any of the five is returned as it is.
struct PressHTML: MustacheContentType {
    func escapeText(_ text: String) -> String { HTMLEscape.attribute(text) }
}

/// The default theme, compiled in: Mustache templates a repository overrides one by one with
/// `templates/NAME.mustache`. Every `{{value}}` is HTML-escaped; only `{{{html}}}` (a post's
/// rendered body) is not. No request to any other host: the style is inline.
///
/// `item` is a post in a list. It is made once per post, with the post's values and `site`, and
/// the same HTML goes into every list the post is on (a post is on five or six: the front page,
/// its categories, tags and authors): a `{{> item}}` in `list` is that HTML.
enum Theme {
    static let names = ["head", "foot", "post", "list", "item", "notfound"]

    /// Registers `PRESS_HTML`, which every template names, and the same as `HTML`, before any
    /// template is read.
    static let contentType: Void = {
        MustacheContentTypes.register(PressHTML(), named: "PRESS_HTML")
        MustacheContentTypes.register(PressHTML(), named: "HTML")
    }()

    /// Put before a repository's own template, on a line of its own (a standalone tag: it leaves
    /// nothing in the output). Its escaping applies until the template names another.
    static let ownPrefix = "{{% CONTENT_TYPE: PRESS_HTML}}\n"

    /// The theme's style sheet, in the page (no request to another host): the `head` template
    /// and `DefaultPages` put the same text in every page.
    static let style = """
        :root { color-scheme: light dark; --text: #1b1b1b; --muted: #5a5a5a; --back: #fdfdfb; --accent: #0b5cad; --rule: #d9d9d4; }
        @media (prefers-color-scheme: dark) { :root { --text: #ececea; --muted: #b0b0ac; --back: #161615; --accent: #8cc4ff; --rule: #3a3a37; } }
        * { box-sizing: border-box; }
        html { -webkit-text-size-adjust: 100%; }
        body { margin: 0; background: var(--back); color: var(--text); font: 1.125rem/1.6 Georgia, "Times New Roman", serif; }
        a { color: var(--accent); }
        a:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
        .skip { position: absolute; left: -999px; }
        .skip:focus { left: 1rem; top: 1rem; background: var(--back); padding: .5rem; }
        header.site, footer.site, main { max-width: 42rem; margin: 0 auto; padding: 1rem 1.25rem; overflow-wrap: anywhere; }
        header.site { border-bottom: 1px solid var(--rule); font: 600 1.25rem/1.3 system-ui, sans-serif; }
        header.site a { color: var(--text); text-decoration: none; }
        footer.site { border-top: 1px solid var(--rule); color: var(--muted); font: .875rem/1.5 system-ui, sans-serif; }
        h1, h2, h3, h4 { font-family: system-ui, sans-serif; line-height: 1.25; }
        h1 { font-size: 2rem; margin: 1.5rem 0 .5rem; }
        .meta { color: var(--muted); font: .9rem/1.5 system-ui, sans-serif; }
        img, video, iframe { max-width: 100%; height: auto; }
        pre { overflow-wrap: normal; overflow-x: auto; padding: .75rem; border: 1px solid var(--rule); border-radius: 4px; font-size: .9rem; }
        code { font-family: ui-monospace, "DejaVu Sans Mono", monospace; }
        table { border-collapse: collapse; display: block; overflow-x: auto; }
        th, td { border: 1px solid var(--rule); padding: .3rem .6rem; }
        blockquote { margin: 1rem 0; padding-left: 1rem; border-left: 3px solid var(--rule); color: var(--muted); }
        h2, h3, h4 { position: relative; }
        .anchor { position: absolute; left: -1em; width: 1em; text-decoration: none; }
        .anchor::before { content: "#"; visibility: hidden; }
        h2:hover .anchor::before, h3:hover .anchor::before { visibility: visible; }
        ol.posts { list-style: none; padding: 0; }
        ol.posts li { margin: 0 0 1.5rem; }
        ol.posts h2 { margin: 0; font-size: 1.3rem; }
        nav.pages { display: flex; justify-content: space-between; font-family: system-ui, sans-serif; }

        """

    static let defaults: [String: String] = [
        "head": """
        {{% CONTENT_TYPE: PRESS_HTML}}
        <!doctype html>
        <html lang="{{site.language}}">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{page_title}}</title>
        <link rel="icon" href="data:,">
        {{#description}}<meta name="description" content="{{description}}">{{/description}}
        <link rel="alternate" type="application/atom+xml" title="{{site.title}}" href="{{site.root}}feed.xml">
        <style>
        \(style)</style>
        </head>
        <body>
        <a class="skip" href="#content">Skip to the content</a>
        <header class="site"><a href="{{site.root}}">{{site.title}}</a></header>
        <main id="content">

        """,
        "foot": """
        {{% CONTENT_TYPE: PRESS_HTML}}
        </main>
        <footer class="site"><p>{{site.title}}{{#site.description}} — {{site.description}}{{/site.description}} · <a href="{{site.root}}feed.xml">Feed</a></p></footer>
        </body>
        </html>

        """,
        "post": """
        {{% CONTENT_TYPE: PRESS_HTML}}
        {{> head}}
        <article>
        <h1>{{post.title}}</h1>
        <p class="meta">{{#post.authors}}<span class="author">{{name}}</span>{{^last}}, {{/last}}{{/post.authors}}{{#post.date}} · <time datetime="{{post.datetime}}">{{post.date}}</time>{{/post.date}}{{#post.categories}} · {{.}}{{/post.categories}}</p>
        {{{post.html}}}
        </article>
        {{> foot}}
        """,
        "list": """
        {{% CONTENT_TYPE: PRESS_HTML}}
        {{> head}}
        <h1{{^heading}} class="skip"{{/heading}}>{{#heading}}{{heading}}{{/heading}}{{^heading}}{{site.title}}{{/heading}}</h1>
        <ol class="posts">
        {{#posts}}
        {{> item}}
        {{/posts}}
        </ol>
        <nav class="pages" aria-label="Pages">{{#newer}}<a href="{{newer}}" rel="prev">Newer</a>{{/newer}}<span></span>{{#older}}<a href="{{older}}" rel="next">Older</a>{{/older}}</nav>
        {{> foot}}
        """,
        "item": """
        {{% CONTENT_TYPE: PRESS_HTML}}
        <li><article><h2><a href="{{path}}">{{title}}</a></h2>
        <p class="meta">{{#authors}}{{name}}{{^last}}, {{/last}}{{/authors}}{{#date}} · <time datetime="{{datetime}}">{{date}}</time>{{/date}}</p>
        {{#summary}}<p>{{summary}}</p>{{/summary}}</article></li>

        """,
        "notfound": """
        {{% CONTENT_TYPE: PRESS_HTML}}
        {{> head}}
        <h1>Not found</h1>
        <p>There is no page here. The <a href="{{site.root}}">front page</a> lists every post.</p>
        {{> foot}}
        """,
    ]
}
