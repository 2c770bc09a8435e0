import Foundation
import Yams

/// A post file split into its parts: an optional BOM, the front matter lines, and the body.
///
/// Rewriting replaces only the lines of the keys press sets; every other byte, including
/// unknown keys, their order, comments, line endings and the whole body, stays as it was.
public struct FrontMatter: Sendable {
    /// The file's path relative to the repository, for diagnostics.
    public let path: String
    private var hasBOM: Bool
    private var opening: Line
    /// The lines between the delimiters, each with its own line ending: slices of the file as
    /// read, until an edit replaces one.
    private var lines: [Line]
    private var closing: Line
    private var body: Line
    /// "\r\n" when the file uses CRLF line endings, else "\n".
    private let newline: String

    /// The top-level keys, in file order, with their values and positions.
    public private(set) var entries: [Entry]
    /// Each key's index in `entries`, so a lookup costs the same for 5 keys or 50,000.
    private var positions: [String: Int]

    /// A line of the file with its line ending.
    typealias Line = ArraySlice<UInt8>

    public struct Entry: Equatable, Sendable {
        public var key: String
        public var value: YAMLNode
        public var location: SourceLocation
    }

    /// Splits and parses `bytes`, the contents of the file at `path`.
    /// - Throws: `FrontMatterError` naming the line and column of the problem.
    public init(bytes: [UInt8], path: String) throws {
        self.path = path
        hasBOM = bytes.starts(with: [0xEF, 0xBB, 0xBF])
        let content = hasBOM ? bytes[3...] : bytes[...]
        // Plain ASCII (most posts) is valid UTF-8 without building a String to find out.
        if !FrontMatter.isASCII(content), String(validating: content, as: UTF8.self) == nil {
            try FrontMatter.checkUTF8(FrontMatter.splitLines(Array(content)), path: path, bomWidth: hasBOM ? 3 : 0)
        }
        // Split lines only as far as the closing delimiter; the body stays one slice of bytes.
        var head: [Line] = []
        var start = content.startIndex
        var closingIndex: Int?
        while start < content.endIndex {
            let end = content[start...].firstIndex(of: 0x0A).map { $0 + 1 } ?? content.endIndex
            let line = content[start..<end]
            start = end
            if head.isEmpty {
                guard FrontMatter.isDelimiter(line, closing: false) else { break }
            } else if FrontMatter.isDelimiter(line, closing: true) {
                closingIndex = head.count
                head.append(line)
                break
            }
            head.append(line)
        }
        guard let first = head.first, FrontMatter.isDelimiter(first, closing: false) else {
            throw FrontMatterError.noFrontMatter(SourceLocation(path: path))
        }
        guard let end = closingIndex else { throw FrontMatterError.unterminated(SourceLocation(path: path)) }
        opening = first
        lines = Array(head[1..<end])
        closing = head[end]
        body = content[start...]
        newline = first.last == 0x0A && first.dropLast().last == 0x0D ? "\r\n" : "\n"
        entries = []
        positions = [:]
        entries = try parse()
        positions = FrontMatter.positions(of: entries)
    }

    private static func positions(of entries: [Entry]) -> [String: Int] {
        Dictionary(entries.enumerated().map { ($1.key, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The file's bytes as they are now.
    static func isASCII(_ bytes: ArraySlice<UInt8>) -> Bool {
        bytes.withUnsafeBytes { buffer in
            var index = 0
            var accumulated: UInt64 = 0
            while index + 8 <= buffer.count {
                accumulated |= buffer.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                index += 8
            }
            while index < buffer.count {
                accumulated |= UInt64(buffer[index])
                index += 1
            }
            return accumulated & 0x8080_8080_8080_8080 == 0
        }
    }

    public var bytes: [UInt8] {
        var out: [UInt8] = hasBOM ? [0xEF, 0xBB, 0xBF] : []
        out += opening
        for line in lines { out += line }
        out += closing
        out += body
        return out
    }

    /// The digest of the file's bytes as read (`ContentDigest`), piece by piece as they were
    /// split: the same bytes give the same pieces, and the same digest.
    var digest: UInt64 {
        var digest = ContentDigest()
        digest.add(hasBOM ? [1] : [0])
        digest.add(opening)
        for line in lines { digest.add(line) }
        digest.add(closing)
        digest.add(body)
        return digest.value
    }

    /// The body after the front matter, byte for byte.
    public var bodyBytes: [UInt8] { Array(body) }

    /// The body as a slice of the bytes read, without a copy.
    var bodySlice: ArraySlice<UInt8> { body }

    /// The 1-based line in the file where the body starts.
    public var bodyStartLine: Int { lines.count + 3 }

    public func entry(_ key: String) -> Entry? { positions[key].map { entries[$0] } }

    // MARK: - Editing

    /// Sets a top-level key, replacing its lines or appending it at the end of the front matter.
    /// - Throws: `FrontMatterError.unsafeEdit` when the result would read differently for any other key.
    public mutating func set(_ key: String, to value: YAMLValue) throws {
        let newLines = value.lines(key: key).map { Line(($0 + newline).utf8) }
        if let span = span(of: key) {
            lines.replaceSubrange(span, with: newLines)
        } else {
            var insertAt = lines.count
            while insertAt > 0, FrontMatter.isBlank(lines[insertAt - 1]) { insertAt -= 1 }
            if insertAt > 0, let last = lines[insertAt - 1].last, last != 0x0A {
                lines[insertAt - 1] += Array(newline.utf8)
            }
            lines.insert(contentsOf: newLines, at: insertAt)
        }
        try reparse(changing: key)
    }

    /// Removes a top-level key and its lines; does nothing when it is absent.
    public mutating func remove(_ key: String) throws {
        guard let span = span(of: key) else { return }
        lines.removeSubrange(span)
        try reparse(changing: key)
    }

    private mutating func reparse(changing key: String) throws {
        let before = entries
        let after = try parse()
        let others = { (list: [Entry]) in
            list.filter { $0.key != key }.map { YAMLNode.Pair(key: $0.key, value: $0.value) }
        }
        guard others(before) == others(after) else {
            throw FrontMatterError.unsafeEdit(entry(key)?.location ?? SourceLocation(path: path, line: 2), key: key)
        }
        entries = after
        positions = FrontMatter.positions(of: after)
    }

    /// The indices in `lines` of a key's line and its continuation lines.
    private func span(of key: String) -> Range<Int>? {
        guard let entry = entry(key) else { return nil }
        let start = entry.location.line - 2
        guard lines.indices.contains(start) else { return nil }
        let sequenceAtColumnZero = entry.value.items != nil
        var end = start + 1
        var index = start + 1
        while index < lines.count {
            let line = lines[index]
            if FrontMatter.isBlank(line) {
                index += 1
                continue
            }
            guard let first = line.first else { break }
            let continues = first == 0x20 || first == 0x09 || (sequenceAtColumnZero && first == UInt8(ascii: "-"))
            guard continues else { break }
            index += 1
            end = index
        }
        return start..<end
    }

    // MARK: - Parsing

    private func parse() throws -> [Entry] {
        if let simple = SimpleYAML.entries(lines, path: path) { return simple }
        return try FrontMatter.yamlEntries(lines, path: path)
    }

    /// The entries as the YAML parser reads them: the reference `SimpleYAML` must agree with.
    static func yamlEntries(_ lines: [Line], path: String) throws -> [Entry] {
        let text = String(decoding: lines.joined(), as: UTF8.self)
        if text.utf8.contains(where: { $0 == UInt8(ascii: "&") || $0 == UInt8(ascii: "*") }),
            let (line, column) = firstAnchorOrAlias(in: text)
        {
            throw FrontMatterError.alias(SourceLocation(path: path, line: line + 2, column: column + 1))
        }
        let node: Node?
        do {
            // Front matter is read as text: the basic resolver types every scalar as a string,
            // which also spares a regular expression per scalar.
            node = try Yams.compose(yaml: text, .basic, .default, .utf8)
        } catch let error as YamlError {
            throw translate(error, path: path)
        }
        guard let node else { return [] }
        guard let mapping = node.mapping else {
            throw FrontMatterError.notAMapping(location(of: node, path: path))
        }
        return try mapping.map { key, value in
            guard let name = key.string else {
                throw FrontMatterError.wrongType(location(of: key, path: path), key: "?", expected: "a plain key")
            }
            return Entry(key: name, value: YAMLNode(value), location: location(of: key, path: path))
        }
    }

    /// A node's position in the file: YAML's line is counted from the line after the opening '---'.
    static func location(of node: Node, path: String) -> SourceLocation {
        guard let mark = node.mark else { return SourceLocation(path: path, line: 2) }
        return SourceLocation(path: path, line: mark.line + 1, column: mark.column)
    }

    private static func translate(_ error: YamlError, path: String) -> FrontMatterError {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
            .composer(_, let problem, let mark, _):
            return .malformedYAML(
                SourceLocation(path: path, line: mark.line + 1, column: mark.column), problem: problem)
        case .duplicatedKeysInMapping(let duplicates, let context):
            return .duplicateKey(
                SourceLocation(path: path, line: context.mark.line + 1, column: context.mark.column),
                key: duplicates.first ?? "?")
        default:
            return .malformedYAML(SourceLocation(path: path, line: 2), problem: "\(error)")
        }
    }

    // MARK: - Bytes

    static func splitLines(_ bytes: [UInt8]) -> [Line] {
        var result: [Line] = []
        var start = 0
        for (index, byte) in bytes.enumerated() where byte == 0x0A {
            result.append(bytes[start...index])
            start = index + 1
        }
        if start < bytes.count { result.append(bytes[start...]) }
        return result
    }

    private static func checkUTF8(_ lines: [Line], path: String, bomWidth: Int) throws {
        for (number, line) in lines.enumerated() {
            var iterator = line.makeIterator()
            var decoder = UTF8()
            var offset = 0
            loop: while true {
                switch decoder.decode(&iterator) {
                case .scalarValue(let scalar):
                    offset += UTF8.width(scalar)
                case .emptyInput:
                    break loop
                case .error:
                    let column = offset + 1 + (number == 0 ? bomWidth : 0)
                    throw FrontMatterError.notUTF8(SourceLocation(path: path, line: number + 1, column: column))
                }
            }
        }
    }

    private static func trimmed(_ line: Line) -> Line {
        var slice = line
        while let last = slice.last, last == 0x0A || last == 0x0D || last == 0x20 || last == 0x09 {
            slice = slice.dropLast()
        }
        return slice
    }

    private static func isDelimiter(_ line: Line, closing: Bool) -> Bool {
        let content = trimmed(line)
        return content.elementsEqual("---".utf8) || (closing && content.elementsEqual("...".utf8))
    }

    private static func isBlank(_ line: Line) -> Bool { trimmed(line).isEmpty }
}
