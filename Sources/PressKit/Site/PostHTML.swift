import CCmark
import Foundation

/// A post's Markdown as HTML, with cmark-gfm and its extensions (tables, strikethrough,
/// autolinks, task lists, footnotes). Headings carry the ids `press validate` checks anchors
/// against; each link and image destination goes through `resolve` (a post's file to its site
/// path, a file in the repository to where the site has it).
enum PostHTML {
    private static let inlines = NSLock()

    /// - Parameters:
    ///   - title: the post's title: a first heading that repeats it is left out (the page's
    ///     template shows the title), its anchor kept.
    ///   - resolve: a destination's new value, or nil to keep it.
    static func render(_ body: ArraySlice<UInt8>, title: String? = nil, resolve: (String) -> String?) -> String {
        // Raw HTML is kept: posts are reviewed before they are out, and imported ones carry it.
        let options = CMARK_OPT_UNSAFE | CMARK_OPT_FOOTNOTES | CMARK_OPT_GITHUB_PRE_LANG
        guard let parser = cmark_parser_new(options) else { return "" }
        defer { cmark_parser_free(parser) }
        // Prepared for many threads at once (see `Markdown.syntaxExtension`).
        for name in Markdown.extensionNames {
            if let syntax = Markdown.syntaxExtension(name) { cmark_parser_attach_syntax_extension(parser, syntax) }
        }
        body.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { cmark_parser_feed(parser, $0.baseAddress, $0.count) }
        }
        // The inlines are parsed (in finish) one post at a time: strikethrough's and tables'
        // characters go in and out of cmark's process-wide table around each parse, and a
        // parse running beside another lost them (`~~` and bare URLs missing at random, or a
        // crash). Reading the blocks and writing the HTML still run on both cores.
        PostHTML.inlines.lock()
        let finished = cmark_parser_finish(parser)
        PostHTML.inlines.unlock()
        guard let document = finished else { return "" }
        defer { cmark_node_free(document) }

        // Collected first, changed after: the iterator must not see the tree change under it.
        var headings: [OpaquePointer] = []
        var links: [OpaquePointer] = []
        guard let iterator = cmark_iter_new(document) else { return "" }
        while true {
            let event = cmark_iter_next(iterator)
            if event == CMARK_EVENT_DONE { break }
            guard event == CMARK_EVENT_ENTER, let node = cmark_iter_get_node(iterator) else { continue }
            switch cmark_node_get_type(node) {
            case CMARK_NODE_HEADING: headings.append(node)
            case CMARK_NODE_LINK, CMARK_NODE_IMAGE: links.append(node)
            default: break
            }
        }
        cmark_iter_free(iterator)

        var ids = HeadingIDs()
        let first = cmark_node_first_child(document)
        for heading in headings {
            let text = Markdown.plainText(of: heading)
            let id = HTMLEscape.attribute(ids.next(text))
            if heading == first, cmark_node_get_heading_level(heading) == 1,
                let title, text.trimmedWhitespace == title.trimmedWhitespace,
                let anchor = cmark_node_new(CMARK_NODE_CUSTOM_BLOCK)
            {
                cmark_node_set_on_enter(anchor, "<span id=\"\(id)\"></span>\n")
                cmark_node_set_on_exit(anchor, "")
                cmark_node_insert_before(heading, anchor)
                cmark_node_unlink(heading)
                cmark_node_free(heading)
                continue
            }
            guard let anchor = cmark_node_new(CMARK_NODE_CUSTOM_INLINE) else { continue }
            cmark_node_set_on_enter(
                anchor, "<a class=\"anchor\" id=\"\(id)\" href=\"#\(id)\" aria-hidden=\"true\"></a>")
            cmark_node_set_on_exit(anchor, "")
            cmark_node_prepend_child(heading, anchor)
        }
        for link in links {
            guard let url = cmark_node_get_url(link).map({ String(cString: $0) }), let new = resolve(url) else {
                continue
            }
            cmark_node_set_url(link, new)
        }
        guard let html = cmark_render_html(document, options, cmark_parser_get_syntax_extensions(parser)) else {
            return ""
        }
        defer { free(html) }
        return String(cString: html)
    }
}

/// Text made safe for HTML and XML.
enum HTMLEscape {
    /// For text and double-quoted attribute values alike.
    static func attribute(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x27 }) else {
            return text
        }
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
