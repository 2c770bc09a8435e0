import CCmark
import Foundation

/// A link in a post, where it is written.
public struct Link: Equatable, Hashable, Sendable {
    public enum Kind: String, Sendable {
        case link, image, autolink, html
    }

    public var kind: Kind
    /// The destination as Markdown gives it: a URL, a path, or `#anchor`.
    public var destination: String
    /// The 1-based line and column in the post's file (front matter lines counted).
    public var line: Int
    public var column: Int
}

/// What press reads out of a post's body: its links and the anchors it offers.
public struct MarkdownScan: Sendable {
    public var links: [Link] = []
    /// Heading ids by GitHub's rules, and ids and names given in raw HTML.
    public var anchors: Set<String> = []
}

/// Parses Markdown with cmark-gfm (with the autolink extension) and source positions.
///
/// cmark's positions for inline nodes drift (an indented continuation line, an autolink), so a
/// link is placed by finding its destination in the lines of the block that holds it, in
/// document order; cmark's own position is the fallback.
public enum Markdown {
    /// cmark-gfm's autolink extension, made safe to use from many threads at once.
    ///
    /// cmark-gfm keeps the characters that start an inline (its "special" characters) in one
    /// process-wide table: a parser adds its extensions' characters (`:` and `w` for autolink)
    /// when it starts on inlines and removes them when it is done, so a thread finishing a post
    /// took them away from a thread still parsing one, and bare URLs went missing at random.
    /// Here the characters are added once, for good, and the extension is left with none to add
    /// or remove; its matcher still runs for every special character, and picks its own.
    private static let autolink: OpaquePointer? = {
        cmark_gfm_core_extensions_ensure_registered()
        guard let autolink = cmark_find_syntax_extension("autolink"), let parser = cmark_parser_new(CMARK_OPT_DEFAULT) else { return nil }
        defer { cmark_parser_free(parser) }
        cmark_parser_attach_syntax_extension(parser, autolink)
        cmark_manage_extensions_special_characters(parser, 1)
        cmark_syntax_extension_set_special_inline_chars(autolink, nil)
        return autolink
    }()

    /// Scans `body`, whose first line is line `firstLine` of the file.
    public static func scan(_ body: [UInt8], firstLine: Int) -> MarkdownScan {
        scan(body[...], firstLine: firstLine)
    }

    /// Scans a body held as a slice of a larger buffer (the file as read).
    public static func scan(_ body: ArraySlice<UInt8>, firstLine: Int) -> MarkdownScan {
        guard let parser = cmark_parser_new(CMARK_OPT_SOURCEPOS) else { return MarkdownScan() }
        defer { cmark_parser_free(parser) }
        if let autolink { cmark_parser_attach_syntax_extension(parser, autolink) }
        return body.withUnsafeBufferPointer { buffer in
            buffer.baseAddress?.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                cmark_parser_feed(parser, $0, buffer.count)
            }
            guard let document = cmark_parser_finish(parser) else { return MarkdownScan() }
            defer { cmark_node_free(document) }
            var walker = Walker(body: buffer, firstLine: firstLine)
            walker.walk(document)
            return walker.scan
        }
    }

    /// Walks the tree once, collecting links and anchors.
    private struct Walker {
        /// The body's bytes, valid while `scan` runs.
        let body: UnsafeBufferPointer<UInt8>
        /// The offset in `body` where each line starts.
        let lineStarts: [Int]
        let firstLine: Int
        var scan = MarkdownScan()
        var headingCounts: [String: Int] = [:]
        /// Where the next search in the current block starts: (line index, byte offset).
        var cursor = (line: 0, offset: 0)
        var currentBlock: OpaquePointer?
        /// The last column worked out: (byte offset in `body`, its column), so that many links on
        /// one long line are counted from the last one, not each from the line's start.
        var lastColumn = (offset: -1, column: 1)

        init(body: UnsafeBufferPointer<UInt8>, firstLine: Int) {
            self.body = body
            var starts = [0]
            for index in 0..<body.count where body[index] == 0x0A && index + 1 < body.count { starts.append(index + 1) }
            lineStarts = starts
            self.firstLine = firstLine
        }

        mutating func walk(_ document: OpaquePointer) {
            guard let iterator = cmark_iter_new(document) else { return }
            defer { cmark_iter_free(iterator) }
            while true {
                let event = cmark_iter_next(iterator)
                if event == CMARK_EVENT_DONE { break }
                guard event == CMARK_EVENT_ENTER, let node = cmark_iter_get_node(iterator) else { continue }
                visit(node)
            }
        }

        mutating func visit(_ node: OpaquePointer) {
            switch cmark_node_get_type(node) {
            case CMARK_NODE_HEADING:
                enterBlock(node)
                addHeading(Walker.text(of: node))
            case CMARK_NODE_PARAGRAPH, CMARK_NODE_HTML_BLOCK, CMARK_NODE_CODE_BLOCK:
                enterBlock(node)
                if cmark_node_get_type(node) == CMARK_NODE_HTML_BLOCK { addHTML(node) }
            case CMARK_NODE_LINK, CMARK_NODE_IMAGE:
                guard let url = cmark_node_get_url(node).map({ String(cString: $0) }) else { return }
                let kind: Link.Kind = cmark_node_get_type(node) == CMARK_NODE_IMAGE ? .image : (isAutolink(node, url) ? .autolink : .link)
                let needle = kind == .autolink ? Walker.text(of: node) : url
                add(kind, url, at: place(needle, fallback: node))
            case CMARK_NODE_HTML_INLINE:
                addHTML(node)
            default:
                break
            }
        }

        mutating func enterBlock(_ node: OpaquePointer) {
            currentBlock = node
            let start = Int(cmark_node_get_start_line(node)) - 1
            cursor = (max(0, start), 0)
        }

        mutating func add(_ kind: Link.Kind, _ destination: String, at position: (line: Int, column: Int)) {
            scan.links.append(Link(kind: kind, destination: destination, line: position.line, column: position.column))
        }

        mutating func addHeading(_ text: String) {
            let base = Anchor.githubID(text)
            let count = headingCounts[base, default: 0]
            headingCounts[base] = count + 1
            scan.anchors.insert(count == 0 ? base : "\(base)-\(count)")
        }

        /// `href` and `src` as links, `id` and `name` as anchors, from raw HTML.
        mutating func addHTML(_ node: OpaquePointer) {
            guard let literal = cmark_node_get_literal(node).map({ String(cString: $0) }) else { return }
            for (name, value) in HTMLAttributes.scan(literal) {
                switch name {
                case "href", "src": add(.html, value, at: place(value, fallback: node))
                case "id", "name": scan.anchors.insert(value)
                default: break
                }
            }
        }

        func isAutolink(_ node: OpaquePointer, _ url: String) -> Bool {
            // Every autolink has a scheme (`www.` ones get `http://`): a relative link is none.
            guard LinkCheck.scheme(of: url) != nil else { return false }
            let text = Walker.text(of: node)
            return text == url || "http://" + text == url || "mailto:" + text == url
        }

        /// The file position of `needle` at or after the cursor within the current block, moving
        /// the cursor past it; else cmark's position of `fallback`.
        mutating func place(_ needle: String, fallback node: OpaquePointer) -> (line: Int, column: Int) {
            let bytes = Array(needle.utf8)
            let lineCount = lineStarts.count
            let end = min(currentBlock.map { Int(cmark_node_get_end_line($0)) } ?? lineCount, lineCount)
            if !bytes.isEmpty, cursor.line < end {
                let from = lineStarts[cursor.line] + cursor.offset
                let limit = end < lineCount ? lineStarts[end] : body.count
                if let found = Walker.find(bytes, in: body, from: from, to: limit) {
                    var line = cursor.line
                    while line + 1 < lineCount && lineStarts[line + 1] <= found { line += 1 }
                    cursor = (line, found + bytes.count - lineStarts[line])
                    // Columns count characters (Unicode scalars): every byte but UTF-8 continuation bytes.
                    let from = lastColumn.offset >= lineStarts[line] && lastColumn.offset <= found ? lastColumn : (lineStarts[line], 1)
                    let column = body[from.0..<found].reduce(from.1) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) }
                    lastColumn = (found, column)
                    return (firstLine + line, column)
                }
            }
            let line = Int(cmark_node_get_start_line(node))
            let column = Int(cmark_node_get_start_column(node))
            if line > 0 { return (firstLine + line - 1, max(1, column)) }
            return (firstLine + cursor.line, 1)
        }

        /// The first place of `needle` in `haystack[from..<to]`.
        static func find(_ needle: [UInt8], in haystack: UnsafeBufferPointer<UInt8>, from start: Int, to limit: Int) -> Int? {
            guard !needle.isEmpty, start >= 0, limit <= haystack.count, needle.count <= limit - start else { return nil }
            let hay = UnsafeRawBufferPointer(haystack)
            return needle.withUnsafeBytes { pin -> Int? in
                guard let base = hay.baseAddress, let pattern = pin.baseAddress else { return nil }
                let first = Int32(pin[0])
                var index = start
                let last = limit - pin.count
                while index <= last {
                    guard let hit = memchr(base + index, first, last - index + 1) else { return nil }
                    index = base.distance(to: UnsafeRawPointer(hit))
                    if memcmp(base + index, pattern, pin.count) == 0 { return index }
                    index += 1
                }
                return nil
            }
        }

        /// The plain text inside a node: its text and code descendants.
        static func text(of node: OpaquePointer) -> String {
            var out = ""
            guard let iterator = cmark_iter_new(node) else { return out }
            defer { cmark_iter_free(iterator) }
            while true {
                let event = cmark_iter_next(iterator)
                if event == CMARK_EVENT_DONE { break }
                guard event == CMARK_EVENT_ENTER, let child = cmark_iter_get_node(iterator) else { continue }
                let type = cmark_node_get_type(child)
                if type == CMARK_NODE_TEXT || type == CMARK_NODE_CODE, let literal = cmark_node_get_literal(child) {
                    out += String(cString: literal)
                }
            }
            return out
        }
    }
}
