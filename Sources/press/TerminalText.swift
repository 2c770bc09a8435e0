/// Text from a repository made safe to print: a post's title, an author's name, a commit's
/// subject or a file's name can hold control characters, and an escape sequence printed as it is
/// is obeyed by the reader's terminal (a title could set the window's title, clear the screen or
/// colour what follows). Every C0 and C1 control character and DEL is written as a visible escape
/// (`\n`, `\t`, `\r`, `\x1B`); `keepingLineBreaks` lets a line break and a tab through, for a
/// message of several lines. So is every bidirectional embedding, override or isolate (`\u{202E}`): an
/// override or isolate in a title reorders what the reader sees after it on the line, so that
/// `press status` could show another post's slug or state beside it ("Trojan Source").
enum TerminalText {
    static func visible(_ text: String, keepingLineBreaks: Bool = false) -> String {
        func isControl(_ scalar: Unicode.Scalar) -> Bool {
            scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || isBidiControl(scalar)
        }
        func kept(_ scalar: Unicode.Scalar) -> Bool { keepingLineBreaks && (scalar == "\n" || scalar == "\t") }
        guard text.unicodeScalars.contains(where: { isControl($0) && !kept($0) }) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            guard isControl(scalar), !kept(scalar) else {
                out.unicodeScalars.append(scalar)
                continue
            }
            switch scalar {
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case _ where isBidiControl(scalar): out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            default:
                let hex = String(scalar.value, radix: 16, uppercase: true)
                out += "\\x" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return out
    }

    /// The embeddings and overrides (U+202A–U+202E) and the isolates (U+2066–U+2069), which
    /// reorder a span of text. The marks (LRM, RLM, ALM) only place the characters beside them, and
    /// titles in Arabic or Hebrew hold them, so they are printed as they are.
    private static func isBidiControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }
}

/// A GitHub Actions workflow command's values (`::error file=…,title=…::message`): `%`, CR and
/// LF percent-encoded (by scalar: a line break followed by a combining mark is still one), in a
/// property `:` and `,` too, so that a message or a file's name cannot end the command or add a
/// property; any other control character as `TerminalText` writes it.
enum WorkflowCommand {
    static func message(_ text: String) -> String { encoded(text, also: []) }

    static func property(_ text: String) -> String { encoded(text, also: [":", ","]) }

    private static func encoded(_ text: String, also: Set<Unicode.Scalar>) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "%": out += "%25"
            case "\r": out += "%0D"
            case "\n": out += "%0A"
            case ":" where also.contains(scalar): out += "%3A"
            case "," where also.contains(scalar): out += "%2C"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return TerminalText.visible(out)
    }
}
