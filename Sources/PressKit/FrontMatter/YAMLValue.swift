import Foundation

/// A small YAML value that press writes into front matter, emitted in block style so that a
/// transition's diff is a few readable lines.
public indirect enum YAMLValue: Equatable, Sendable {
    case string(String)
    case list([YAMLValue])
    case map([(String, YAMLValue)])

    public static func == (lhs: YAMLValue, rhs: YAMLValue) -> Bool {
        switch (lhs, rhs) {
        case (.string(let a), .string(let b)): return a == b
        case (.list(let a), .list(let b)): return a == b
        case (.map(let a), .map(let b)): return a.map(\.0) == b.map(\.0) && a.map(\.1) == b.map(\.1)
        default: return false
        }
    }

    /// The lines of `key: value` at the top level of a document, without line endings.
    func lines(key: String) -> [String] {
        switch self {
        case .string(let value):
            return ["\(key): \(YAMLValue.scalar(value))"]
        case .list(let items) where items.allSatisfy({ if case .string = $0 { true } else { false } }):
            let scalars = items.map { item -> String in
                if case .string(let value) = item { return YAMLValue.scalar(value, inFlow: true) }
                return ""
            }
            return ["\(key): [\(scalars.joined(separator: ", "))]"]
        case .list, .map:
            return ["\(key):"] + nested(indent: "  ")
        }
    }

    private func nested(indent: String) -> [String] {
        switch self {
        case .string(let value):
            return [indent + YAMLValue.scalar(value)]
        case .list(let items):
            return items.flatMap { item -> [String] in
                switch item {
                case .string(let value): return ["\(indent)- \(YAMLValue.scalar(value))"]
                case .map(let pairs):
                    var lines = YAMLValue.map(pairs).nested(indent: indent + "  ")
                    if let first = lines.first { lines[0] = indent + "- " + first.dropFirst(indent.count + 2) }
                    return lines
                case .list: return ["\(indent)-"] + item.nested(indent: indent + "  ")
                }
            }
        case .map(let pairs):
            return pairs.flatMap { key, value -> [String] in
                if case .string(let scalar) = value { return ["\(indent)\(key): \(YAMLValue.scalar(scalar))"] }
                return ["\(indent)\(key):"] + value.nested(indent: indent + "  ")
            }
        }
    }

    /// A string as a YAML scalar: plain where that reads back as the same string, else double-quoted.
    static func scalar(_ value: String, inFlow: Bool = false) -> String {
        if isPlainSafe(value, inFlow: inFlow) { return value }
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += String(format: "\\x%02X", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    private static func isPlainSafe(_ value: String, inFlow: Bool) -> Bool {
        guard let first = value.unicodeScalars.first, let last = value.unicodeScalars.last else { return false }
        if " \t".unicodeScalars.contains(first) || " \t".unicodeScalars.contains(last) { return false }
        if "-?:,[]{}#&*!|>'\"%@`".unicodeScalars.contains(first) { return false }
        if value.contains(": ") || value.contains(" #") || value.hasSuffix(":") { return false }
        if inFlow && value.unicodeScalars.contains(where: { ",[]{}".unicodeScalars.contains($0) }) { return false }
        if value.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) { return false }
        // It must read back as a string, not a number, boolean, null or date.
        return !looksTyped(value)
    }

    /// Whether YAML 1.1 would read a plain scalar as something other than a string: a boolean,
    /// null, a number, a merge key. Errs towards quoting; timestamps with a time stay plain, since
    /// press reads them as text and site generators as dates.
    private static func looksTyped(_ value: String) -> Bool {
        if typedWords.contains(value) { return true }
        guard let first = value.unicodeScalars.first, "0123456789+-.".unicodeScalars.contains(first) else {
            return false
        }
        return value.unicodeScalars.allSatisfy { "0123456789abcdefABCDEFxXoOiInN_.:+-".unicodeScalars.contains($0) }
    }

    private static let typedWords: Set<String> = [
        "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "true", "True", "TRUE", "false", "False", "FALSE",
        "on", "On", "ON", "off", "Off", "OFF", "~", "null", "Null", "NULL", "<<", "=",
    ]
}
