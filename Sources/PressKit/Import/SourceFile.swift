import Foundation
import TOMLKit
import Yams

/// A post file of another tool: front matter (YAML between `---`, TOML between `+++`, or a JSON
/// object) and a body.
struct SourceFile {
    let path: String
    /// The keys in the order the file has them (JSON's and TOML's sorted), values as text.
    var keys: [(String, YAMLValue)]
    var body: String
    /// The file's line the body starts on.
    var bodyLine: Int

    /// Reads the file at `path`; `shown` is how the report names it.
    /// - Throws: `ImportError` at the line of a front matter that cannot be read.
    init(path: String, shown: String) throws {
        // A source is another tool's folder: a symbolic link in it is not followed (it could
        // name any file on this machine, which the import would then commit).
        guard let bytes = readFile(path, followingLinks: false) else {
            let reason = errno == ELOOP ? "a symbolic link; not followed" : String(cString: strerror(errno))
            throw ImportError(SourceLocation(path: shown), "cannot read the file: \(reason)")
        }
        try self.init(text: String(decoding: bytes, as: UTF8.self), shown: shown)
    }

    /// Reads a file's text; `shown` is how the report names it.
    init(text: String, shown: String) throws {
        var text = text
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        if text.utf8.contains(UInt8(ascii: "\r")) {
            // CRLF line ends as LF, on the bytes (a CR elsewhere stays).
            let bytes = Array(text.utf8)
            var kept: [UInt8] = []
            kept.reserveCapacity(bytes.count)
            for (index, byte) in bytes.enumerated()
            where !(byte == UInt8(ascii: "\r") && index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "\n")) {
                kept.append(byte)
            }
            text = String(decoding: kept, as: UTF8.self)
        }
        self.path = shown
        keys = []
        body = text
        bodyLine = 1
        for (fence, format) in [("---", "yaml"), ("+++", "toml")] where text.hasPrefix(fence + "\n") {
            let rest = text.dropFirst(fence.count + 1)
            let close: Range<Substring.Index>?
            if rest.hasPrefix(fence + "\n") || rest == fence {
                close = rest.startIndex..<rest.index(rest.startIndex, offsetBy: fence.count)
            } else {
                let inner =
                    rest.range(of: "\n" + fence + "\n")
                    ?? (rest.hasSuffix("\n" + fence) ? rest.range(of: "\n" + fence, options: .backwards) : nil)
                // The fence itself, without the newline before it.
                close = inner.map {
                    text.index(after: $0.lowerBound)..<text.index($0.lowerBound, offsetBy: fence.count + 1)
                }
            }
            guard let close else {
                throw ImportError(SourceLocation(path: shown), "the front matter opened with '\(fence)' is not closed")
            }
            let matter = String(text[rest.startIndex..<close.lowerBound])
            var start = close.upperBound
            if start < text.endIndex, text[start] == "\n" { start = text.index(after: start) }
            body = String(text[start...])
            bodyLine = text[..<start].utf8.reduce(1) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
            keys = try format == "yaml" ? SourceFile.yaml(matter, shown) : SourceFile.toml(matter, shown)
            return
        }
        if text.hasPrefix("{") {
            // Hugo's JSON front matter: an object, then the body.
            var depth = 0
            var inString = false
            var escaped = false
            var end: String.Index?
            for index in text.indices {
                let character = text[index]
                if inString {
                    if escaped {
                        escaped = false
                    } else if character == "\\" {
                        escaped = true
                    } else if character == "\"" {
                        inString = false
                    }
                    continue
                }
                if character == "\"" { inString = true }
                if character == "{" { depth += 1 }
                if character == "}" {
                    depth -= 1
                    if depth == 0 {
                        end = text.index(after: index)
                        break
                    }
                }
            }
            guard let end else { throw ImportError(SourceLocation(path: shown), "the JSON front matter is not closed") }
            let object = try? JSONSerialization.jsonObject(with: Data(text[..<end].utf8))
            guard let map = object as? [String: Any] else {
                throw ImportError(SourceLocation(path: shown), "the JSON front matter cannot be read")
            }
            keys = map.keys.sorted().compactMap { key in SourceFile.value(map[key] as Any).map { (key, $0) } }
            bodyLine = text[..<end].split(separator: "\n", omittingEmptySubsequences: false).count + 1
            body = String(text[end...].drop { $0 == "\n" })
        }
    }

    subscript(key: String) -> YAMLValue? { keys.first { $0.0 == key }?.1 }

    /// A key's text, when it is a single value.
    func string(_ key: String) -> String? {
        if case .string(let text) = self[key] { return text }
        return nil
    }

    /// A key's values as a list: a list's items, or one value split on `separator` (Jekyll's
    /// `categories: news release`).
    func strings(_ key: String, splitting separator: Character? = nil) -> [String] {
        switch self[key] {
        case .string(let text):
            guard let separator else { return text.isEmpty ? [] : [text] }
            return text.split(separator: separator).map(String.init)
        case .list(let items): return items.compactMap { if case .string(let text) = $0 { text } else { nil } }
        default: return []
        }
    }

    // MARK: - Formats

    private static func yaml(_ text: String, _ shown: String) throws -> [(String, YAMLValue)] {
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw ImportError(SourceLocation(path: shown), "the front matter is not YAML: \(error)")
        }
        guard let node else { return [] }
        guard let mapping = node.mapping else {
            throw ImportError(SourceLocation(path: shown, line: 2), "the front matter is not a mapping of keys")
        }
        return mapping.compactMap { key, value in
            guard let name = key.string else { return nil }
            return yamlValue(value).map { (name, $0) }
        }
    }

    private static func yamlValue(_ node: Node) -> YAMLValue? {
        switch node {
        case .scalar(let scalar):
            if scalar.style == .plain, ["", "~", "null", "Null", "NULL"].contains(scalar.string) { return nil }
            return .string(scalar.string)
        case .sequence(let sequence): return .list(sequence.compactMap(yamlValue))
        case .mapping(let mapping):
            return .map(
                mapping.compactMap { key, value in key.string.flatMap { k in yamlValue(value).map { (k, $0) } } })
        case .alias: return nil
        }
    }

    private static func toml(_ text: String, _ shown: String) throws -> [(String, YAMLValue)] {
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ImportError(
                SourceLocation(path: shown, line: error.source.begin.line + 1, column: error.source.begin.column),
                "the front matter is not TOML: \(error.description)")
        }
        return table.keys.sorted().compactMap { key in table[key].flatMap(tomlValue).map { (key, $0) } }
    }

    private static func tomlValue(_ value: TOMLValueConvertible) -> YAMLValue? {
        switch value.type {
        case .string: return value.string.map(YAMLValue.string)
        case .int: return value.int.map { .string(String($0)) }
        case .double: return value.double.map { .string(String($0)) }
        case .bool: return value.bool.map { .string($0 ? "true" : "false") }
        case .date:
            return value.date.map { .string(String(format: "%04d-%02d-%02d", $0.year, $0.month, $0.day)) }
        case .time: return .string(value.tomlValue.debugDescription)
        case .dateTime:
            guard let stamp = value.dateTime else { return nil }
            let date = stamp.date
            let time = stamp.time
            var text = String(
                format: "%04d-%02d-%02dT%02d:%02d:%02d", date.year, date.month, date.day, time.hour, time.minute,
                time.second)
            if let offset = stamp.offset {
                let minutes = offset.offset
                text +=
                    minutes == 0
                    ? "Z" : String(format: "%@%02d:%02d", minutes < 0 ? "-" : "+", abs(minutes) / 60, abs(minutes) % 60)
            }
            return .string(text)
        case .array: return value.array.map { array in .list(array.compactMap(tomlValue)) }
        case .table:
            return value.table.map { table in
                .map(table.keys.sorted().compactMap { key in table[key].flatMap(tomlValue).map { (key, $0) } })
            }
        }
    }

    private static func value(_ any: Any) -> YAMLValue? {
        switch any {
        case let text as String: return .string(text)
        case let list as [Any]: return .list(list.compactMap(value))
        case let map as [String: Any]:
            return .map(map.keys.sorted().compactMap { key in value(map[key] as Any).map { (key, $0) } })
        case let number as NSNumber:
            if type(of: number) == type(of: NSNumber(value: true)) {
                return .string(number.boolValue ? "true" : "false")
            }
            return .string(number.stringValue)
        default: return nil
        }
    }

    // MARK: - Dates

    /// A date as blogs write them: ISO 8601 with or without `T`, seconds or offset
    /// (`2013-05-06 02:12:52 +0200`), or a day alone (midnight in `zone`).
    static func date(_ text: String, zone: TimeZone) -> Date? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let date = try? PressTime.parse(trimmed, zone: zone) { return date }
        let day = trimmed.prefix(10)
        if day.count == 10, trimmed.count == 10 || trimmed.dropFirst(10).first == " " {
            let rest = trimmed.dropFirst(10).trimmingCharacters(in: .whitespaces)
            if rest.isEmpty { return try? PressTime.parse("\(day)T00:00:00", zone: zone) }
            // `2013-05-06 02:12` (no seconds), with or without an offset.
            let parts = rest.split(separator: " ", maxSplits: 1)
            if parts[0].count == 5,
                let date = try? PressTime.parse(
                    "\(day)T\(parts[0]):00\(parts.count > 1 ? " " + parts[1] : "")", zone: zone)
            {
                return date
            }
        }
        // Fractional seconds (Hugo: 2021-03-04T10:00:00.000+01:00).
        if let dot = trimmed.firstIndex(of: "."), trimmed.count > 19 {
            let after = trimmed[trimmed.index(after: dot)...]
            let rest = after.drop { $0.isNumber }
            if let date = try? PressTime.parse(String(trimmed[..<dot]) + rest, zone: zone) { return date }
        }
        return nil
    }
}
