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

/// Parses Markdown with cmark-gfm (with the autolink extension and footnotes) and source positions.
///
/// A link is placed where it begins in the file: the `[` of a link (inline, reference, collapsed
/// or shortcut), the `!` of an image, the first character of an autolink's URL (`<…>` or bare),
/// the value of an `href` or `src` in raw HTML. Lines are the file's lines; columns count
/// characters (Unicode scalars; a tab is one).
///
/// cmark's positions for inline nodes drift: a link whose text spans lines is placed on its last
/// line, a continuation line's indentation is not counted, a lazy line is counted as if it had
/// its block's indentation, and the autolink extension gives none. So a link or image is placed
/// from cmark's position corrected for those and checked against the bytes (a `[` or `!` must be
/// there); autolinks and HTML values are found by their text in the block, in document order.
public enum Markdown {
    /// cmark-gfm's extensions press uses, with autolink made safe to use from many threads at once.
    ///
    /// cmark-gfm keeps the characters that start an inline (its "special" characters) in one
    /// process-wide table: a parser adds its extensions' characters (`:` and `w` for autolink,
    /// `~` for strikethrough, `|` for tables) when it starts on inlines and removes them when it
    /// is done, so a thread finishing a post took them away from a thread still parsing one,
    /// and bare URLs went missing at random. Autolink's characters are added once, for good,
    /// and the extension is left with none to add or remove; its matcher still runs for every
    /// special character, and picks its own. (Strikethrough cannot be treated so: it finds
    /// itself again by its characters when it closes a `~~` run; see `PostHTML`.) What is kept
    /// is only whether that was done: each parse looks the extensions up in cmark's registry, so
    /// no C pointer is shared between threads from Swift.
    static let extensionNames = ["autolink", "strikethrough", "table", "tasklist"]
    private static let extensionsPrepared: Bool = {
        cmark_gfm_core_extensions_ensure_registered()
        guard extensionNames.allSatisfy({ cmark_find_syntax_extension($0) != nil }),
            let autolink = cmark_find_syntax_extension("autolink"), let parser = cmark_parser_new(CMARK_OPT_DEFAULT)
        else { return false }
        defer { cmark_parser_free(parser) }
        cmark_parser_attach_syntax_extension(parser, autolink)
        cmark_manage_extensions_special_characters(parser, 1)
        cmark_syntax_extension_set_special_inline_chars(autolink, nil)
        return true
    }()

    /// The extension `name` (one of `extensionNames`), prepared as above; nil when cmark-gfm
    /// has none.
    static func syntaxExtension(_ name: String) -> OpaquePointer? {
        extensionsPrepared ? cmark_find_syntax_extension(name) : nil
    }

    /// The autolink extension, prepared as above.
    private static var autolink: OpaquePointer? { syntaxExtension("autolink") }

    /// The version of cmark-gfm press parses with, such as `0.29.0.gfm.6`.
    /// The words of a node and everything under it (text and code spans), as heading ids are
    /// made of them.
    static func plainText(of node: OpaquePointer) -> String { Walker.text(of: node) }

    public static var cmarkVersion: String { String(cString: cmark_version_string()) }

    /// Scans `body`, whose first line is line `firstLine` of the file.
    public static func scan(_ body: [UInt8], firstLine: Int) -> MarkdownScan {
        scan(body[...], firstLine: firstLine)
    }

    /// Scans a body held as a slice of a larger buffer (the file as read).
    public static func scan(_ body: ArraySlice<UInt8>, firstLine: Int) -> MarkdownScan {
        // Footnotes on, so that `[^1]: Citation.` is a footnote, not a link to `Citation.`.
        guard let parser = cmark_parser_new(CMARK_OPT_SOURCEPOS | CMARK_OPT_FOOTNOTES) else { return MarkdownScan() }
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
        var headingIDs = HeadingIDs()
        /// Where the next search in the current block starts: (line index, byte offset).
        var cursor = (line: 0, offset: 0)
        var currentBlock: OpaquePointer?
        /// How many lines cmark's count is short in the current block, as the last link placed found.
        var blockShift = 0
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
            Walker.forEach(in: document) { visit($0) }
        }

        /// Hands `body` a node and every node under it, in document order.
        static func forEach(in node: OpaquePointer, _ body: (OpaquePointer) -> Void) {
            guard let iterator = cmark_iter_new(node) else { return }
            defer { cmark_iter_free(iterator) }
            while true {
                let event = cmark_iter_next(iterator)
                if event == CMARK_EVENT_DONE { break }
                if event == CMARK_EVENT_ENTER, let child = cmark_iter_get_node(iterator) { body(child) }
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
                let kind: Link.Kind =
                    cmark_node_get_type(node) == CMARK_NODE_IMAGE ? .image : (isAutolink(node, url) ? .autolink : .link)
                if kind == .autolink {
                    add(kind, url, at: place(Walker.text(of: node), fallback: node))
                } else {
                    add(kind, url, at: start(of: node, marker: UInt8(ascii: kind == .image ? "!" : "[")))
                }
            case CMARK_NODE_HTML_INLINE:
                addHTML(node)
            default:
                break
            }
        }

        mutating func enterBlock(_ node: OpaquePointer) {
            currentBlock = node
            blockShift = 0
            let start = Int(cmark_node_get_start_line(node)) - 1
            cursor = (max(0, start), 0)
        }

        mutating func add(_ kind: Link.Kind, _ destination: String, at position: (line: Int, column: Int)) {
            scan.links.append(Link(kind: kind, destination: destination, line: position.line, column: position.column))
        }

        mutating func addHeading(_ text: String) {
            scan.anchors.insert(headingIDs.next(text))
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

        /// Where a link or image begins: cmark's position, corrected, at a byte that is `marker`.
        ///
        /// cmark counts the line breaks inside the link into its start line, so the lines above
        /// are tried too (up to the block's first). On a line after the block's first, cmark's
        /// column leaves out the line's indentation (an indented continuation line) or counts the
        /// block's indentation that a lazy line does not have: each reading is tried, then the
        /// nearest `marker` on the line. Moves the cursor past the place found.
        mutating func start(of node: OpaquePointer, marker: UInt8) -> (line: Int, column: Int) {
            let lineCount = lineStarts.count
            let reported = Int(cmark_node_get_start_line(node)) - 1
            let column = Int(cmark_node_get_start_column(node))
            let blockLine = currentBlock.map { max(0, Int(cmark_node_get_start_line($0)) - 1) } ?? 0
            let blockColumn = currentBlock.map { max(1, Int(cmark_node_get_start_column($0))) } ?? 1
            guard reported >= 0, reported < lineCount, column >= 1 else { return place("", fallback: node) }
            let counted = reported - Walker.lineBreaks(in: node)
            let estimate = min(max(blockLine, counted + blockShift), lineCount - 1)
            // The estimate, the few lines above it, then those below it in the block (reference
            // definitions at the start of a paragraph are left out of cmark's count of its lines).
            let blockEnd = min(
                lineCount - 1, currentBlock.map { Int(cmark_node_get_end_line($0)) - 1 } ?? lineCount - 1,
                estimate + 200)
            let above = stride(from: estimate, through: max(blockLine, estimate - 8), by: -1)
            let below = stride(from: estimate + 1, through: blockEnd, by: 1)
            for candidates in [above, below] as [StrideThrough<Int>] {
                for candidate in candidates {
                    if let offset = offset(
                        onLine: candidate, column: column, blockLine: blockLine, blockColumn: blockColumn,
                        marker: marker)
                    {
                        blockShift = candidate - counted
                        return located(at: offset, line: candidate)
                    }
                }
            }
            let line = estimate
            let lineStart = lineStarts[line]
            let lineEnd = line + 1 < lineCount ? lineStarts[line + 1] : body.count
            let guess = min(max(lineStart, lineStart + column - 1), lineEnd)
            // The nearest marker on the line, else cmark's column as it stands.
            var best: Int?
            for index in lineStart..<lineEnd where body[index] == marker {
                if best.map({ abs($0 - guess) > abs(index - guess) }) ?? true { best = index }
            }
            return located(at: best ?? min(guess, max(lineStart, lineEnd - 1)), line: line)
        }

        /// The byte offset of `marker` on `line` by one of cmark's ways of counting `column`.
        func offset(onLine line: Int, column: Int, blockLine: Int, blockColumn: Int, marker: UInt8) -> Int? {
            let lineStart = lineStarts[line]
            let lineEnd = line + 1 < lineStarts.count ? lineStarts[line + 1] : body.count
            func indentation(from start: Int) -> Int {
                var index = start
                while index < lineEnd, body[index] == 0x20 || body[index] == 0x09 { index += 1 }
                return index - start
            }
            let readings =
                line > blockLine
                ? [
                    column, column + indentation(from: min(lineStart + blockColumn - 1, lineEnd)),
                    column - (blockColumn - 1), column - (blockColumn - 1) + indentation(from: lineStart),
                ] : [column]
            for reading in readings where reading >= 1 {
                let offset = lineStart + reading - 1
                if offset < lineEnd, body[offset] == marker { return offset }
            }
            return nil
        }

        /// The file position of byte `offset` on `line` (0-based), moving the cursor past it.
        mutating func located(at offset: Int, line: Int) -> (line: Int, column: Int) {
            let lineStart = lineStarts[line]
            if line > cursor.line || (line == cursor.line && offset + 1 - lineStart > cursor.offset) {
                cursor = (line, offset + 1 - lineStart)
            }
            return (firstLine + line, column(of: offset, onLineStarting: lineStart))
        }

        /// The column of byte `offset` counted in characters (Unicode scalars: every byte but
        /// UTF-8 continuation bytes), from the last column worked out when it is on this line.
        mutating func column(of offset: Int, onLineStarting lineStart: Int) -> Int {
            let from = lastColumn.offset >= lineStart && lastColumn.offset <= offset ? lastColumn : (lineStart, 1)
            let column = body[from.0..<offset].reduce(from.1) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) }
            lastColumn = (offset, column)
            return column
        }

        /// The soft and hard line breaks in a node's text.
        static func lineBreaks(in node: OpaquePointer) -> Int {
            var count = 0
            forEach(in: node) { child in
                let type = cmark_node_get_type(child)
                if type == CMARK_NODE_SOFTBREAK || type == CMARK_NODE_LINEBREAK { count += 1 }
            }
            return count
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
                    return (firstLine + line, column(of: found, onLineStarting: lineStarts[line]))
                }
            }
            let line = Int(cmark_node_get_start_line(node))
            let column = Int(cmark_node_get_start_column(node))
            if line > 0 { return (firstLine + line - 1, max(1, column)) }
            return (firstLine + cursor.line, 1)
        }

        /// The first place of `needle` in `haystack[from..<to]`.
        static func find(_ needle: [UInt8], in haystack: UnsafeBufferPointer<UInt8>, from start: Int, to limit: Int)
            -> Int?
        {
            guard !needle.isEmpty, start >= 0, limit <= haystack.count, needle.count <= limit - start else {
                return nil
            }
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
            forEach(in: node) { child in
                let type = cmark_node_get_type(child)
                if type == CMARK_NODE_TEXT || type == CMARK_NODE_CODE, let literal = cmark_node_get_literal(child) {
                    out += String(cString: literal)
                }
            }
            return out
        }
    }
}
