/// The default theme's pages made directly: byte for byte what its Mustache templates
/// (`Theme.defaults`) make of the same values, for the pages whose templates the repository
/// leaves as they are. swift-mustache finds each `{{name}}` by walking its context and casting
/// `Any` values to its protocols, which was a fifth of a whole build's CPU time on a 10,000-post
/// site; here each page is a few appends of escaped texts. `DefaultThemeTests` builds sites both
/// ways, from values that exercise each section and escape, and compares every file.
struct DefaultPages: Sendable {
    private let title: String
    private let language: String
    /// What every page has after its description, and its end: the same for the whole site.
    private let header: String
    private let foot: String

    /// The pages these make: the names of the templates each uses (a page whose templates
    /// include one of the repository's own is made with Mustache).
    static let templates: [Kind: Set<String>] = [
        .post: ["post", "head", "foot"], .item: ["item"], .list: ["list", "head", "foot"],
        .notFound: ["notfound", "head", "foot"],
    ]

    enum Kind: Sendable { case post, item, list, notFound }

    init(settings: SiteSettings) {
        title = HTMLEscape.attribute(settings.title)
        language = HTMLEscape.attribute(settings.language)
        let description = settings.description.isEmpty ? nil : HTMLEscape.attribute(settings.description)
        header =
            "\n<link rel=\"alternate\" type=\"application/atom+xml\" title=\"\(title)\" href=\"/feed.xml\">\n<style>\n"
            + Theme.style
            + "</style>\n</head>\n<body>\n<a class=\"skip\" href=\"#content\">Skip to the content</a>\n"
            + "<header class=\"site\"><a href=\"/\">\(title)</a></header>\n<main id=\"content\">\n"
        foot =
            "</main>\n<footer class=\"site\"><p>\(title)\(description.map { " — \($0)" } ?? "")"
            + " · <a href=\"/feed.xml\">Feed</a></p></footer>\n</body>\n</html>\n"
    }

    /// The kinds of page made here when the repository has its own templates of `own`.
    static func kinds(withOwn own: Set<String>) -> Set<Kind> {
        Set(templates.filter { $0.value.isDisjoint(with: own) }.keys)
    }

    /// A post's page (`post`): `html` is its rendered body, put in as it is.
    func post(_ post: PostValues, html: String, pageTitle: String, description: String?) -> String {
        var page = head(pageTitle: pageTitle, description: description)
        page += "<article>\n<h1>"
        page += HTMLEscape.attribute(post.title)
        page += "</h1>\n<p class=\"meta\">"
        for (index, name) in post.authors.enumerated() {
            page += "<span class=\"author\">"
            page += HTMLEscape.attribute(name)
            page += index == post.authors.count - 1 ? "</span>" : "</span>, "
        }
        page += time(post)
        for category in post.categories {
            page += " · "
            page += HTMLEscape.attribute(category)
        }
        page += "</p>\n"
        page += html
        page += "\n</article>\n"
        page += foot
        return page
    }

    /// A post as an entry of a list (`item`).
    func item(_ post: PostValues) -> String {
        var item = "<li><article><h2><a href=\""
        item += HTMLEscape.attribute(post.path)
        item += "\">"
        item += HTMLEscape.attribute(post.title)
        item += "</a></h2>\n<p class=\"meta\">"
        for (index, name) in post.authors.enumerated() {
            item += HTMLEscape.attribute(name)
            if index < post.authors.count - 1 { item += ", " }
        }
        item += time(post)
        item += "</p>\n"
        if !post.summary.isEmpty {
            item += "<p>"
            item += HTMLEscape.attribute(post.summary)
            item += "</p>"
        }
        item += "</article></li>\n"
        return item
    }

    /// A page of a list (`list`): `items` are its entries' HTML, put in as they are.
    func list(
        items: [String], pageTitle: String, heading: String?, description: String?, newer: String?, older: String?
    ) -> String {
        var page = head(pageTitle: pageTitle, description: description)
        if let heading {
            page += "<h1>"
            page += HTMLEscape.attribute(heading)
        } else {
            page += "<h1 class=\"skip\">"
            page += title
        }
        page += "</h1>\n<ol class=\"posts\">\n"
        for item in items { page += item }
        page += "</ol>\n<nav class=\"pages\" aria-label=\"Pages\">"
        if let newer {
            page += "<a href=\"\(HTMLEscape.attribute(newer))\" rel=\"prev\">Newer</a>"
        }
        page += "<span></span>"
        if let older {
            page += "<a href=\"\(HTMLEscape.attribute(older))\" rel=\"next\">Older</a>"
        }
        page += "</nav>\n"
        page += foot
        return page
    }

    /// The 404 page (`notfound`).
    func notFound(pageTitle: String) -> String {
        head(pageTitle: pageTitle, description: nil)
            + "<h1>Not found</h1>\n<p>There is no page here. The <a href=\"/\">front page</a> lists every post.</p>\n"
            + foot
    }

    /// The post's date in a list entry or its page's meta line (`{{#date}}…{{/date}}`).
    private func time(_ post: PostValues) -> String {
        guard let date = post.date, let datetime = post.datetime else { return "" }
        return " · <time datetime=\"\(HTMLEscape.attribute(datetime))\">\(HTMLEscape.attribute(date))</time>"
    }

    private func head(pageTitle: String, description: String?) -> String {
        var head = "<!doctype html>\n<html lang=\""
        head += language
        head += "\">\n<head>\n<meta charset=\"utf-8\">\n"
        head += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>"
        head += HTMLEscape.attribute(pageTitle)
        head += "</title>\n<link rel=\"icon\" href=\"data:,\">\n"
        if let description {
            head += "<meta name=\"description\" content=\"\(HTMLEscape.attribute(description))\">"
        }
        head += header
        return head
    }
}
