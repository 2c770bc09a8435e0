/// A reader for the plain front matter press itself writes and most people type: `key: value`,
/// flow lists of plain words, and one level of block mapping or list (of scalars or of small
/// mappings). It gives exactly what the YAML parser would, or nil for anything else (quotes with
/// escapes, comments after values, anchors, block scalars, deeper nesting, duplicate keys), which
/// then goes to Yams. It exists because `press status` reads every post, and Yams costs most of
/// that time. It works on bytes: every character that matters here is ASCII.
enum SimpleYAML {
    typealias Bytes = ArraySlice<UInt8>

    static func entries(_ lines: [Bytes], path: String) -> [FrontMatter.Entry]? {
        var entries: [FrontMatter.Entry] = []
        var seen: Set<String> = []
        var index = 0
        while index < lines.count {
            let line = content(lines[index])
            index += 1
            if line.isEmpty || line.first == hash { continue }
            guard let first = line.first, first != space, first != dash, first != tab else { return nil }
            guard let (key, rest) = splitKey(line), seen.insert(key).inserted else { return nil }
            let location = SourceLocation(path: path, line: index + 1, column: 1)
            if !rest.isEmpty {
                guard let value = inlineValue(rest) else { return nil }
                entries.append(FrontMatter.Entry(key: key, value: value, location: location))
                continue
            }
            var block: [Bytes] = []
            while index < lines.count {
                let next = content(lines[index])
                guard next.isEmpty || next.first == space || next.first == dash else { break }
                block.append(next)
                index += 1
            }
            guard let value = blockValue(block.filter { !$0.isEmpty }) else { return nil }
            entries.append(FrontMatter.Entry(key: key, value: value, location: location))
        }
        return entries
    }

    private static let space = UInt8(ascii: " "), tab = UInt8(ascii: "\t"), dash = UInt8(ascii: "-")
    private static let hash = UInt8(ascii: "#"), colon = UInt8(ascii: ":"), comma = UInt8(ascii: ",")
    private static let quote = UInt8(ascii: "\""), apostrophe = UInt8(ascii: "'"), backslash = UInt8(ascii: "\\")
    private static let open = UInt8(ascii: "["), close = UInt8(ascii: "]")

    /// A line without its line ending.
    private static func content(_ bytes: Bytes) -> Bytes {
        var slice = bytes
        while let last = slice.last, last == 0x0A || last == 0x0D { slice = slice.dropLast() }
        return slice
    }

    private static func string(_ bytes: Bytes) -> String { String(decoding: bytes, as: UTF8.self) }

    private static func trimmed(_ bytes: Bytes) -> Bytes {
        var slice = bytes
        while slice.first == space { slice = slice.dropFirst() }
        while slice.last == space { slice = slice.dropLast() }
        return slice
    }

    private static func indentation(_ bytes: Bytes) -> Int { bytes.prefix { $0 == space }.count }

    private static func contains(_ bytes: Bytes, _ a: UInt8, followedBy b: UInt8) -> Bool {
        var previous: UInt8 = 0
        for byte in bytes {
            if previous == a && byte == b { return true }
            previous = byte
        }
        return false
    }

    /// `key: rest` with a simple key; nil when the line is not of that form.
    private static func splitKey(_ line: Bytes) -> (String, Bytes)? {
        guard let colonIndex = line.firstIndex(of: colon) else { return nil }
        let key = line[..<colonIndex]
        guard !key.isEmpty, key.allSatisfy(isKeyByte) else { return nil }
        let after = line[(colonIndex + 1)...]
        if after.isEmpty { return (string(key), after) }
        guard after.first == space else { return nil }
        let rest = after.drop { $0 == space }
        if rest.last == space || rest.last == tab { return nil }
        return (string(key), rest)
    }

    private static func isKeyByte(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "_") || byte == dash
    }

    /// A value on the key's own line: a scalar or a flow list of scalars.
    private static func inlineValue(_ text: Bytes) -> YAMLNode? {
        guard text.first == open else { return scalar(text, inFlow: false) }
        guard text.last == close else { return nil }
        let inner = trimmed(text.dropFirst().dropLast())
        if inner.isEmpty { return .sequence([]) }
        var items: [YAMLNode] = []
        for part in inner.split(separator: comma, omittingEmptySubsequences: false) {
            let item = trimmed(part)
            guard !item.isEmpty, !item.contains(open), !item.contains(close), let value = scalar(item, inFlow: true)
            else {
                return nil
            }
            items.append(value)
        }
        return .sequence(items)
    }

    /// A plain, single-quoted or escape-free double-quoted scalar.
    private static func scalar(_ text: Bytes, inFlow: Bool) -> YAMLNode? {
        guard let first = text.first, let last = text.last else { return nil }
        if first == quote || first == apostrophe {
            let inner = text.dropFirst().dropLast()
            guard text.count >= 2, last == first, !inner.contains(first), !inner.contains(backslash) else { return nil }
            return .scalar(string(inner), plain: false)
        }
        guard !indicators.contains(first), last != colon else { return nil }
        if contains(text, colon, followedBy: space) || contains(text, space, followedBy: hash) { return nil }
        if inFlow && (text.contains(UInt8(ascii: "{")) || text.contains(UInt8(ascii: "}"))) { return nil }
        if text.contains(where: { $0 < 0x20 || $0 == 0x7F }) { return nil }
        let value = string(text)
        if value.unicodeScalars.contains("\u{FEFF}") { return nil }
        return .scalar(value, plain: true)
    }

    private static let indicators: Set<UInt8> = Set("-?:,[]{}#&*!|>'\"%@` ".utf8)

    /// An indented block: a list (`- x`, or `- key: value` with more `key: value` lines under it),
    /// or a mapping of `key: value` lines, all at one indentation.
    private static func blockValue(_ body: [Bytes]) -> YAMLNode? {
        guard let first = body.first else { return .scalar("", plain: true) }
        let indent = indentation(first)
        guard body.allSatisfy({ trimmed($0).first != hash }) else { return nil }
        if first.dropFirst(indent).first == dash { return list(body, indent: indent) }
        var pairs: [YAMLNode.Pair] = []
        for line in body {
            guard indentation(line) == indent, let pair = pair(line.dropFirst(indent)),
                !pairs.contains(where: { $0.key == pair.key })
            else { return nil }
            pairs.append(pair)
        }
        return .mapping(pairs)
    }

    private static func list(_ lines: [Bytes], indent: Int) -> YAMLNode? {
        var items: [YAMLNode] = []
        var current: [YAMLNode.Pair]?
        for line in lines {
            let spaces = indentation(line)
            let content = line.dropFirst(spaces)
            if spaces == indent {
                guard content.first == dash, content.dropFirst().first == space,
                    content.dropFirst(2).first != space
                else { return nil }
                if let pairs = current { items.append(.mapping(pairs)) }
                current = nil
                let item = content.dropFirst(2)
                if let pair = pair(item) {
                    current = [pair]
                } else if !item.contains(colon), let value = scalar(item, inFlow: false) {
                    items.append(value)
                } else {
                    return nil
                }
            } else if spaces == indent + 2, let pairs = current, let pair = pair(content),
                !pairs.contains(where: { $0.key == pair.key })
            {
                current?.append(pair)
            } else {
                return nil
            }
        }
        if let pairs = current { items.append(.mapping(pairs)) }
        return .sequence(items)
    }

    /// `key: scalar` inside a block.
    private static func pair(_ text: Bytes) -> YAMLNode.Pair? {
        guard let (key, rest) = splitKey(text), !rest.isEmpty, rest.first != open,
            let value = scalar(rest, inFlow: false)
        else { return nil }
        return YAMLNode.Pair(key: key, value: value)
    }
}
