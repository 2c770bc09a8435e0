import Foundation

/// WordPress's post HTML as Markdown: paragraphs (WordPress's own, from blank lines, or `<p>`),
/// headings, emphasis, links, images, lists, quotes, code and simple tables become Markdown;
/// what Markdown cannot say (an iframe, a table with merged cells, `<sup>`) stays as HTML.
struct HTMLToMarkdown {
    /// Classic content: WordPress turns blank lines into paragraphs and single newlines into
    /// line breaks when it shows it (block-editor content has its `<p>`s written out).
    let classic: Bool

    init(classic: Bool) {
        self.classic = classic
    }

    func convert(_ html: String) -> String {
        let nodes = HTMLParser(html).parse()
        let blocks = self.blocks(nodes)
        return blocks.joined(separator: "\n\n")
    }

    // MARK: - Blocks

    static let blockNames: Set<String> = [
        "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "blockquote", "pre", "table", "figure", "hr",
        "section", "article", "header", "footer", "aside", "main", "nav", "dl", "address", "center", "figcaption",
        "iframe", "video", "audio", "object", "embed", "script", "style", "form", "details", "noscript",
    ]

    func blocks(_ nodes: [HTMLNode]) -> [String] {
        var out: [String] = []
        var run: [HTMLNode] = []
        func flush() {
            defer { run = [] }
            guard !run.isEmpty else { return }
            if classic {
                // Blank lines part paragraphs: split the run's text at them.
                var paragraph: [HTMLNode] = []
                for node in run {
                    guard case .text(let text) = node, text.firstRange(of: "\n\n") != nil else {
                        paragraph.append(node)
                        continue
                    }
                    let pieces = text.split(separator: "\n\n", omittingEmptySubsequences: false).map(String.init)
                    for (index, piece) in pieces.enumerated() {
                        if index > 0 {
                            out += paragraphBlock(paragraph)
                            paragraph = []
                        }
                        paragraph.append(.text(piece))
                    }
                }
                out += paragraphBlock(paragraph)
            } else {
                out += paragraphBlock(run)
            }
        }
        for node in nodes {
            switch node {
            case .element(let element) where HTMLToMarkdown.blockNames.contains(element.name):
                flush()
                out += block(element)
            case .comment: continue
            default: run.append(node)
            }
        }
        flush()
        return out.filter { !$0.trimmedWhitespace.isEmpty }
    }

    private func paragraphBlock(_ nodes: [HTMLNode]) -> [String] {
        let text = HTMLToMarkdown.trimmingBreaks(inline(nodes))
        return text.isEmpty ? [] : [HTMLToMarkdown.guardLineStarts(text)]
    }

    /// A paragraph's edges are not line breaks, however many newlines a run starts or ends with.
    static func trimmingBreaks(_ inline: String) -> String {
        var text = inline
        while true {
            let trimmed = text.trimmedWhitespace
            if trimmed.hasPrefix("\\\n") || trimmed == "\\" {
                text = String(trimmed.dropFirst(trimmed == "\\" ? 1 : 2))
            } else if trimmed.hasSuffix("\\") && !trimmed.hasSuffix("\\\\") {
                text = String(trimmed.dropLast())
            } else {
                return trimmed
            }
        }
    }

    /// A paragraph's lines that would start a heading, quote, list or rule, escaped.
    static func guardLineStarts(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            let body = line.drop { $0 == " " }
            let indent = line.prefix(line.count - body.count)
            if let first = body.first,
                "#>".contains(first) || ("-+*".contains(first) && (body.count == 1 || body.dropFirst().first == " "))
            {
                return indent + "\\" + body
            }
            let digits = body.prefix { $0.isNumber }
            if !digits.isEmpty, digits.count < 10, let mark = body.dropFirst(digits.count).first,
                mark == "." || mark == ")",
                body.count == digits.count + 1 || body.dropFirst(digits.count + 1).first == " "
            {
                return indent + digits + "\\" + body.dropFirst(digits.count)
            }
            return String(line)
        }.joined(separator: "\n")
    }

    private func block(_ element: HTMLElementNode) -> [String] {
        switch element.name {
        case "p", "address", "center":
            // Alignment or colour (style, class) Markdown cannot keep: the paragraph's words are kept.
            return paragraphBlock(element.children)
        case "h1", "h2", "h3", "h4", "h5", "h6":
            let level = Int(element.name.dropFirst()) ?? 1
            let text = inline(element.children).replacingOccurrences(of: "\\\n", with: " ")
                .trimmedWhitespace
            return text.isEmpty ? [] : [String(repeating: "#", count: level) + " " + text]
        case "ul", "ol":
            return [list(element)]
        case "blockquote":
            let inner = blocks(element.children).joined(separator: "\n\n")
            return [
                inner.split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? ">" : "> " + $0 }
                    .joined(separator: "\n")
            ]
        case "pre":
            return [code(element)]
        case "hr":
            return ["---"]
        case "table":
            return [table(element) ?? element.source]
        case "figure":
            var out = blocks(
                element.children.filter {
                    if case .element(let child) = $0 { child.name != "figcaption" } else { true }
                })
            if let caption = element.children.compactMap({ node -> HTMLElementNode? in
                if case .element(let child) = node, child.name == "figcaption" { child } else { nil }
            }).first {
                let text = HTMLToMarkdown.trimmingBreaks(inline(caption.children))
                if !text.isEmpty { out.append("*\(text)*") }
            }
            return out
        case "div", "section", "article", "header", "footer", "aside", "main", "nav", "figcaption", "noscript":
            return blocks(element.children)
        default:
            // iframe, video, audio, embeds, forms, definition lists: kept as written.
            return [element.source]
        }
    }

    private func list(_ element: HTMLElementNode, depth: Int = 0) -> String {
        var lines: [String] = []
        var number = Int(element.attributes["start"] ?? "") ?? 1
        for node in element.children {
            guard case .element(let item) = node, item.name == "li" else { continue }
            let marker = element.name == "ol" ? "\(number). " : "- "
            number += 1
            let content = blocks(item.children)
            // An item with <p>s is a loose one (blank lines between its blocks); without, tight.
            let loose = item.children.contains { if case .element(let child) = $0 { child.name == "p" } else { false } }
            let text = content.joined(separator: loose ? "\n\n" : "\n")
            let indent = String(repeating: " ", count: marker.count)
            let itemLines = text.split(separator: "\n", omittingEmptySubsequences: false)
            for (index, line) in itemLines.enumerated() {
                if index == 0 {
                    lines.append(marker + line)
                } else {
                    lines.append(line.isEmpty ? "" : indent + line)
                }
            }
            if itemLines.isEmpty { lines.append(marker.trimmedSpaces) }
        }
        return lines.joined(separator: "\n")
    }

    private func code(_ element: HTMLElementNode) -> String {
        let text = element.textContent.trimmingCharacters(in: .newlines)
        var language = ""
        let classes = [element.attributes["class"], element.firstElement(named: "code")?.attributes["class"]]
            .compactMap { $0 }.joined(separator: " ")
        for word in classes.split(whereSeparator: { $0 == " " || $0 == ";" }) {
            for prefix in ["language-", "lang-", "lang:", "brush:"] where word.hasPrefix(prefix) {
                language = String(word.dropFirst(prefix.count))
            }
        }
        if language.isEmpty, let brush = classes.range(of: "brush: ") {
            language = String(classes[brush.upperBound...].prefix { $0.isLetter || $0.isNumber })
        }
        var fence = "```"
        while text.contains(fence) { fence += "`" }
        return "\(fence)\(language)\n\(text)\n\(fence)"
    }

    /// A GFM table, when every cell holds inline content only and none spans.
    private func table(_ element: HTMLElementNode) -> String? {
        var rows: [HTMLElementNode] = []
        func collect(_ node: HTMLElementNode) {
            for child in node.children {
                guard case .element(let inner) = child else { continue }
                if inner.name == "tr" {
                    rows.append(inner)
                } else if ["thead", "tbody", "tfoot"].contains(inner.name) {
                    collect(inner)
                }
            }
        }
        collect(element)
        guard !rows.isEmpty else { return nil }
        var cells: [[String]] = []
        for row in rows {
            var line: [String] = []
            for child in row.children {
                guard case .element(let cell) = child, cell.name == "td" || cell.name == "th" else { continue }
                if cell.attributes["colspan"] != nil || cell.attributes["rowspan"] != nil { return nil }
                if cell.containsBlock { return nil }
                line.append(
                    inline(cell.children).replacingOccurrences(of: "\\\n", with: " ").replacingOccurrences(
                        of: "\n", with: " "
                    )
                    .replacingOccurrences(of: "|", with: "\\|").trimmedSpaces)
            }
            cells.append(line)
        }
        let width = cells.map(\.count).max() ?? 0
        guard width > 0 else { return nil }
        cells = cells.map { $0 + Array(repeating: "", count: width - $0.count) }
        var lines = [
            "| " + cells[0].joined(separator: " | ") + " |", "|" + Array(repeating: " --- |", count: width).joined(),
        ]
        lines += cells.dropFirst().map { "| " + $0.joined(separator: " | ") + " |" }
        return lines.joined(separator: "\n")
    }

    // MARK: - Inline

    func inline(_ nodes: [HTMLNode]) -> String {
        var out = ""
        for node in nodes {
            switch node {
            case .text(let text): out += inlineText(text)
            case .comment: continue
            case .element(let element): out += inline(element)
            }
        }
        return out
    }

    private func inlineText(_ raw: String) -> String {
        let text = HTMLText.decodeEntities(raw)
        // Classic content's single newlines are line breaks; elsewhere whitespace is a space.
        let lines = classic ? text.split(separator: "\n", omittingEmptySubsequences: false) : [text[...]]
        return lines.map { line in
            // Runs of whitespace (not a no-break space) as one space, scalar by scalar.
            var out = String.UnicodeScalarView()
            var lastSpace = false
            for scalar in line.unicodeScalars {
                let space =
                    scalar.isASCII
                    ? scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r" || scalar.value == 0x0B
                        || scalar.value == 0x0C
                    : scalar.value != 0xA0 && scalar.properties.isWhitespace
                if space {
                    if !lastSpace { out.append(" ") }
                    lastSpace = true
                } else {
                    lastSpace = false
                    out.append(scalar)
                }
            }
            return HTMLToMarkdown.escape(String(out))
        }.joined(separator: "\\\n")
    }

    private func inline(_ element: HTMLElementNode) -> String {
        let inner = { inline(element.children) }
        switch element.name {
        case "strong", "b": return wrap(inner(), "**")
        case "em", "i": return wrap(inner(), "*")
        case "del", "s", "strike": return wrap(inner(), "~~")
        case "code", "kbd", "tt":
            let text = HTMLText.decodeEntities(element.textContent)
            var fence = "`"
            while text.contains(fence) { fence += "`" }
            let pad = text.hasPrefix("`") || text.hasSuffix("`") ? " " : ""
            return text.isEmpty ? "" : fence + pad + text + pad + fence
        case "br": return "\\\n"
        case "a":
            let text = inner().trimmedSpaces
            guard let href = element.attributes["href"], !href.isEmpty else { return text }
            let title =
                element.attributes["title"].map { " \"\($0.replacingOccurrences(of: "\"", with: "\\\""))\"" } ?? ""
            return "[\(text.isEmpty ? HTMLToMarkdown.escape(href) : text)](\(HTMLToMarkdown.destination(href))\(title))"
        case "img":
            guard let src = element.attributes["src"], !src.isEmpty else { return "" }
            let alt = HTMLToMarkdown.escape(element.attributes["alt"] ?? "")
            let title =
                element.attributes["title"].map { " \"\($0.replacingOccurrences(of: "\"", with: "\\\""))\"" } ?? ""
            return "![\(alt)](\(HTMLToMarkdown.destination(src))\(title))"
        case "span", "font", "label", "time", "bdi", "wbr", "nobr":
            return inner()
        default:
            if HTMLToMarkdown.blockNames.contains(element.name) && element.name != "iframe" && element.name != "script"
            {
                return blocks(element.children).joined(separator: " ")
            }
            // <u>, <sup>, <sub>, <mark>, <abbr>, <iframe> …: as written.
            return element.source
        }
    }

    private func wrap(_ text: String, _ mark: String) -> String {
        let trimmed = text.trimmedSpaces
        guard !trimmed.isEmpty else { return text }
        let leading = text.prefix { $0 == " " }
        let trailing = String(text.reversed().prefix { $0 == " " })
        return leading + mark + trimmed + mark + trailing
    }

    /// A link destination as Markdown takes it: in angle brackets when it has spaces or parentheses.
    static func destination(_ url: String) -> String {
        let decoded = HTMLText.decodeEntities(url).trimmedSpaces
        if decoded.contains(" ") || decoded.contains("(") || decoded.contains(")") {
            return "<\(decoded.replacingOccurrences(of: ">", with: "%3E"))>"
        }
        return decoded
    }

    /// Characters Markdown would read as markup, escaped; URLs left whole for autolinks.
    static func escape(_ text: String) -> String {
        var out = ""
        for (index, word) in text.split(separator: " ", omittingEmptySubsequences: false).enumerated() {
            if index > 0 { out += " " }
            if word.hasPrefix("http://") || word.hasPrefix("https://") || word.hasPrefix("www.") {
                out += word
                continue
            }
            for scalar in word.unicodeScalars {
                switch scalar {
                case "\\", "*", "_", "`", "[", "]", "<":
                    out.unicodeScalars.append("\\")
                    out.unicodeScalars.append(scalar)
                default: out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }
}

// MARK: - Parsing

enum HTMLNode {
    case text(String)
    case comment(String)
    case element(HTMLElementNode)
}

final class HTMLElementNode {
    let name: String
    let attributes: [String: String]
    var children: [HTMLNode] = []
    /// The element as written, start tag to end tag.
    var source = ""

    init(name: String, attributes: [String: String]) {
        self.name = name
        self.attributes = attributes
    }

    /// All the text inside, tags left out.
    var textContent: String {
        children.map { node -> String in
            switch node {
            case .text(let text): return HTMLText.decodeEntities(text)
            case .comment: return ""
            case .element(let element): return element.name == "br" ? "\n" : element.textContent
            }
        }.joined()
    }

    var containsBlock: Bool {
        children.contains { node in
            guard case .element(let element) = node else { return false }
            return HTMLToMarkdown.blockNames.contains(element.name) || element.containsBlock
        }
    }

    func firstElement(named name: String) -> HTMLElementNode? {
        for node in children {
            guard case .element(let element) = node else { continue }
            if element.name == name { return element }
            if let found = element.firstElement(named: name) { return found }
        }
        return nil
    }
}

/// A forgiving HTML reader: tags, text and comments into a tree, closing what HTML leaves
/// open (`<p>`, `<li>`, cells) and never failing.
struct HTMLParser {
    let html: String
    static let void: Set<String> = [
        "br", "img", "hr", "input", "meta", "link", "source", "embed", "col", "area", "base", "param", "track", "wbr",
    ]
    /// What a start tag of each name closes when it is open.
    static let closes: [String: Set<String>] = [
        "li": ["li"], "td": ["td", "th"], "th": ["td", "th"], "tr": ["tr", "td", "th"], "dt": ["dt", "dd"],
        "dd": ["dt", "dd"], "option": ["option"],
    ]

    init(_ html: String) {
        self.html = html
    }

    func parse() -> [HTMLNode] {
        let root = HTMLElementNode(name: "#root", attributes: [:])
        var stack: [(element: HTMLElementNode, start: String.Index)] = [(root, html.startIndex)]
        var index = html.startIndex
        var textStart = index

        func flushText(upTo end: String.Index) {
            if textStart < end { stack[stack.count - 1].element.children.append(.text(String(html[textStart..<end]))) }
        }
        func close(_ depth: Int, at end: String.Index) {
            while stack.count > depth {
                let (element, start) = stack.removeLast()
                element.source = String(html[start..<end])
                stack[stack.count - 1].element.children.append(.element(element))
            }
        }

        while let open = html[index...].firstIndex(of: "<") {
            let after = html.index(after: open)
            guard after < html.endIndex else { break }
            if html[after...].hasPrefix("!--") {
                flushText(upTo: open)
                let end = html[after...].firstRange(of: "-->")?.upperBound ?? html.endIndex
                stack[stack.count - 1].element.children.append(.comment(String(html[open..<end])))
                index = end
                textStart = end
                continue
            }
            let closing = html[after] == "/"
            let nameStart = closing ? html.index(after: after) : after
            let name = String(html[nameStart...].prefix { $0.isLetter || $0.isNumber || $0 == "-" || $0 == ":" })
                .lowercased()
            guard let first = name.first, first.isLetter, let end = HTMLParser.tagEnd(html, from: nameStart) else {
                index = after
                continue
            }
            flushText(upTo: open)
            let tagEnd = html.index(after: end)
            if closing {
                if let depth = stack.lastIndex(where: { $0.element.name == name }), depth > 0 {
                    close(depth, at: tagEnd)
                }
                index = tagEnd
                textStart = tagEnd
                continue
            }
            let attributes = HTMLParser.attributes(html[html.index(nameStart, offsetBy: name.count)..<end])
            // A start tag closes what HTML leaves open before it.
            if let closed = HTMLParser.closes[name],
                let depth = stack.lastIndex(where: { closed.contains($0.element.name) }),
                !stack[depth...].contains(where: {
                    ["ul", "ol", "table"].contains($0.element.name) && $0.element.name != stack[depth].element.name
                })
            {
                close(depth, at: open)
            }
            if HTMLToMarkdown.blockNames.contains(name), let depth = stack.lastIndex(where: { $0.element.name == "p" })
            {
                close(depth, at: open)
            }
            let element = HTMLElementNode(name: name, attributes: attributes)
            let selfClosing = html[..<end].hasSuffix("/")
            if HTMLParser.void.contains(name) || selfClosing {
                element.source = String(html[open..<tagEnd])
                stack[stack.count - 1].element.children.append(.element(element))
                index = tagEnd
                textStart = tagEnd
            } else if ["script", "style", "textarea"].contains(name) {
                let closeTag = HTMLParser.closingTag(of: name, in: html[tagEnd...])
                let bodyEnd = closeTag?.lowerBound ?? html.endIndex
                let finish =
                    closeTag.flatMap { html[$0.upperBound...].firstIndex(of: ">") }.map { html.index(after: $0) }
                    ?? html.endIndex
                element.children = [.text(String(html[tagEnd..<bodyEnd]))]
                element.source = String(html[open..<finish])
                stack[stack.count - 1].element.children.append(.element(element))
                index = finish
                textStart = finish
            } else {
                stack.append((element, open))
                index = tagEnd
                textStart = tagEnd
            }
        }
        flushText(upTo: html.endIndex)
        close(1, at: html.endIndex)
        return root.children
    }

    /// Where `</name` is in `text`, in any case.
    static func closingTag(of name: String, in text: Substring) -> Range<String.Index>? {
        var rest = text
        while let open = rest.firstRange(of: "</") {
            let after = rest[open.upperBound...]
            if after.prefix(name.count).lowercased() == name {
                return open.lowerBound..<after.index(after.startIndex, offsetBy: name.count)
            }
            rest = after
        }
        return nil
    }

    /// The index of the '>' that ends the tag whose name starts at `from` (quotes respected).
    static func tagEnd(_ html: String, from: String.Index) -> String.Index? {
        var quote: Character?
        var index = from
        while index < html.endIndex {
            let character = html[index]
            if let open = quote {
                if character == open { quote = nil }
            } else if character == "\"" || character == "'" {
                quote = character
            } else if character == ">" {
                return index
            } else if character == "<" {
                return nil
            }
            index = html.index(after: index)
        }
        return nil
    }

    static func attributes(_ text: Substring) -> [String: String] {
        var attributes: [String: String] = [:]
        var rest = text
        while true {
            rest = rest.drop { $0.isWhitespace || $0 == "/" }
            let name = rest.prefix { !$0.isWhitespace && $0 != "=" && $0 != ">" && $0 != "/" }
            guard !name.isEmpty else { break }
            rest = rest.dropFirst(name.count).drop(while: \.isWhitespace)
            var value = ""
            if rest.first == "=" {
                rest = rest.dropFirst().drop(while: \.isWhitespace)
                if let quote = rest.first, quote == "\"" || quote == "'" {
                    let inner = rest.dropFirst()
                    let end = inner.firstIndex(of: quote) ?? inner.endIndex
                    value = String(inner[..<end])
                    rest = end < inner.endIndex ? inner[inner.index(after: end)...] : inner[end...]
                } else {
                    let raw = rest.prefix { !$0.isWhitespace && $0 != ">" }
                    value = String(raw)
                    rest = rest.dropFirst(raw.count)
                }
            }
            attributes[name.lowercased()] = HTMLText.decodeEntities(value)
        }
        return attributes
    }
}
