import Foundation

/// A small XML reader for exports (WordPress's WXR): elements with their attributes, text
/// (CDATA and character references decoded) and the line each starts on. No DTDs, no
/// namespaces beyond the prefix in the name (`wp:status`).
final class XMLElement {
    let name: String
    let attributes: [String: String]
    let line: Int
    var children: [XMLElement] = []
    /// The text directly inside, CDATA included.
    var text = ""

    init(name: String, attributes: [String: String], line: Int) {
        self.name = name
        self.attributes = attributes
        self.line = line
    }

    /// The first child named `name`.
    subscript(name: String) -> XMLElement? { children.first { $0.name == name } }

    /// The text of the first child named `name`.
    func value(_ name: String) -> String? { self[name]?.text }

    func all(_ name: String) -> [XMLElement] { children.filter { $0.name == name } }

    /// Parses a document.
    /// - Throws: `ImportError` at the line where it is not well formed.
    static func parse(_ bytes: [UInt8], path: String) throws -> XMLElement {
        var parser = XMLReader(bytes: bytes, path: path)
        return try parser.document()
    }
}

private struct XMLReader {
    let bytes: [UInt8]
    let path: String
    var index = 0
    var line = 1

    init(bytes: [UInt8], path: String) {
        self.bytes = bytes
        self.path = path
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
    }

    func error(_ message: String) -> ImportError {
        ImportError(SourceLocation(path: path, line: line), "the export is not well-formed XML: \(message)")
    }

    mutating func advance(_ count: Int = 1) {
        for _ in 0..<count where index < bytes.count {
            if bytes[index] == UInt8(ascii: "\n") { line += 1 }
            index += 1
        }
    }

    func starts(with text: String) -> Bool {
        let utf8 = Array(text.utf8)
        return index + utf8.count <= bytes.count && bytes[index..<index + utf8.count].elementsEqual(utf8)
    }

    /// Moves past `end`, returning what came before it.
    mutating func read(until end: String) throws -> [UInt8] {
        let utf8 = Array(end.utf8)
        let start = index
        while index + utf8.count <= bytes.count {
            if bytes[index] == utf8[0], bytes[index..<index + utf8.count].elementsEqual(utf8) {
                let found = Array(bytes[start..<index])
                advance(utf8.count)
                return found
            }
            advance()
        }
        throw error("'\(end)' expected before the end of the file")
    }

    mutating func document() throws -> XMLElement {
        let root = XMLElement(name: "#document", attributes: [:], line: 1)
        var stack = [root]
        var text: [UInt8] = []
        func flush() {
            guard !text.isEmpty else { return }
            stack[stack.count - 1].text += XMLReader.decode(String(decoding: text, as: UTF8.self))
            text = []
        }
        while index < bytes.count {
            let byte = bytes[index]
            guard byte == UInt8(ascii: "<") else {
                text.append(byte)
                advance()
                continue
            }
            if starts(with: "<![CDATA[") {
                advance(9)
                let data = try read(until: "]]>")
                flush()
                stack[stack.count - 1].text += String(decoding: data, as: UTF8.self)
            } else if starts(with: "<!--") {
                advance(4)
                _ = try read(until: "-->")
            } else if starts(with: "<?") {
                advance(2)
                _ = try read(until: "?>")
            } else if starts(with: "<!") {
                advance(2)
                _ = try read(until: ">")
            } else if starts(with: "</") {
                flush()
                advance(2)
                let name = String(decoding: try read(until: ">"), as: UTF8.self).trimmingCharacters(
                    in: .whitespacesAndNewlines)
                guard stack.count > 1, stack[stack.count - 1].name == name else {
                    throw error("'</\(name)>' closes '<\(stack.last?.name ?? "")>'")
                }
                let element = stack.removeLast()
                stack[stack.count - 1].children.append(element)
            } else {
                flush()
                let startLine = line
                advance()
                let tag = try readTag()
                let element = XMLElement(name: tag.name, attributes: tag.attributes, line: startLine)
                if tag.selfClosing {
                    stack[stack.count - 1].children.append(element)
                } else {
                    stack.append(element)
                }
            }
        }
        flush()
        guard stack.count == 1 else { throw error("'<\(stack[stack.count - 1].name)>' is not closed") }
        return root
    }

    /// A start tag's name and attributes, after its '<', through its '>'.
    mutating func readTag() throws -> (name: String, attributes: [String: String], selfClosing: Bool) {
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }
        var name: [UInt8] = []
        while index < bytes.count, !isSpace(bytes[index]), bytes[index] != UInt8(ascii: ">"),
            bytes[index] != UInt8(ascii: "/")
        {
            name.append(bytes[index])
            advance()
        }
        var attributes: [String: String] = [:]
        while index < bytes.count {
            while index < bytes.count, isSpace(bytes[index]) { advance() }
            guard index < bytes.count else { break }
            if bytes[index] == UInt8(ascii: ">") {
                advance()
                return (String(decoding: name, as: UTF8.self), attributes, false)
            }
            if starts(with: "/>") {
                advance(2)
                return (String(decoding: name, as: UTF8.self), attributes, true)
            }
            var key: [UInt8] = []
            while index < bytes.count, bytes[index] != UInt8(ascii: "="), !isSpace(bytes[index]),
                bytes[index] != UInt8(ascii: ">")
            {
                key.append(bytes[index])
                advance()
            }
            while index < bytes.count, isSpace(bytes[index]) { advance() }
            guard index < bytes.count, bytes[index] == UInt8(ascii: "=") else {
                throw error("an attribute without a value in '<\(String(decoding: name, as: UTF8.self))>'")
            }
            advance()
            while index < bytes.count, isSpace(bytes[index]) { advance() }
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "'") else {
                throw error("an attribute value without quotes")
            }
            let quote = String(UnicodeScalar(bytes[index]))
            advance()
            let value = try read(until: quote)
            attributes[String(decoding: key, as: UTF8.self)] = XMLReader.decode(String(decoding: value, as: UTF8.self))
        }
        throw error("a tag is not closed")
    }

    /// XML's five entities and character references.
    static func decode(_ text: String) -> String { HTMLText.decodeEntities(text, named: HTMLText.xml) }
}
