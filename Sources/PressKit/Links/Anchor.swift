/// Heading ids as GitHub makes them.
public enum Anchor {
    /// Lowercase; letters, marks, decimal digits, connector punctuation (`_`), spaces and hyphens
    /// kept, everything else dropped; each space becomes a hyphen. ("What's New?" → "whats-new";
    /// "Builds 🛠️" → "builds-" followed by U+FE0F, the emoji's variation selector, a mark.)
    public static func githubID(_ heading: String) -> String {
        if heading.utf8.allSatisfy({ $0 < 0x80 }) { return asciiID(heading) }
        var out = String.UnicodeScalarView()
        for scalar in heading.lowercased().unicodeScalars {
            if scalar == " " {
                out.append("-")
            } else if scalar == "-" || isWord(scalar) {
                out.append(scalar)
            }
        }
        return String(out)
    }

    /// A letter, a mark, a decimal digit or connector punctuation: what GitHub's `\p{Word}` keeps.
    private static func isWord(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
            .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber, .connectorPunctuation:
            return true
        default:
            return false
        }
    }

    /// The same rules over ASCII bytes, without Unicode property lookups.
    private static func asciiID(_ heading: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(heading.utf8.count)
        for byte in heading.utf8 {
            switch byte {
            case UInt8(ascii: " "): out.append(UInt8(ascii: "-"))
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): out.append(byte + 32)
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"),
                UInt8(ascii: "_"):
                out.append(byte)
            default: break
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// Attributes in a fragment of raw HTML, as (lowercased name, value) pairs in order.
enum HTMLAttributes {
    static func scan(_ html: String) -> [(String, String)] {
        var result: [(String, String)] = []
        let scalars = Array(html.unicodeScalars)
        var index = 0
        var inTag = false
        func isNameCharacter(_ scalar: Unicode.Scalar) -> Bool {
            scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "-" || scalar == "_"
                || scalar == ":"
        }
        while index < scalars.count {
            let scalar = scalars[index]
            if !inTag {
                // A comment holds no links: skip to its end (`-->`), or to the end of the text.
                if scalar == "<", index + 3 < scalars.count, scalars[index + 1] == "!", scalars[index + 2] == "-",
                    scalars[index + 3] == "-"
                {
                    index += 4
                    while index < scalars.count,
                        !(scalars[index] == ">" && index >= 2 && scalars[index - 1] == "-" && scalars[index - 2] == "-")
                    { index += 1 }
                    index += 1
                    continue
                }
                if scalar == "<" {
                    inTag = true
                    index += 1
                    while index < scalars.count, isNameCharacter(scalars[index]) || scalars[index] == "/" { index += 1 }
                } else {
                    index += 1
                }
                continue
            }
            if scalar == ">" {
                inTag = false
                index += 1
                continue
            }
            guard isNameCharacter(scalar) else {
                index += 1
                continue
            }
            let nameStart = index
            while index < scalars.count, isNameCharacter(scalars[index]) { index += 1 }
            let name = String(String.UnicodeScalarView(scalars[nameStart..<index])).lowercased()
            while index < scalars.count, scalars[index] == " " { index += 1 }
            guard index < scalars.count, scalars[index] == "=" else { continue }
            index += 1
            while index < scalars.count, scalars[index] == " " { index += 1 }
            guard index < scalars.count else { break }
            var value: [Unicode.Scalar] = []
            if scalars[index] == "\"" || scalars[index] == "'" {
                let quote = scalars[index]
                index += 1
                while index < scalars.count, scalars[index] != quote {
                    value.append(scalars[index])
                    index += 1
                }
                index += 1
            } else {
                while index < scalars.count, scalars[index] != " ", scalars[index] != ">" {
                    value.append(scalars[index])
                    index += 1
                }
            }
            result.append((name, String(String.UnicodeScalarView(value))))
        }
        return result
    }
}

/// The ids a page's headings get, in order: GitHub's rule, with `-1`, `-2`, … for a repeat.
/// The validator checks anchors against these, and `press build` writes them.
struct HeadingIDs {
    private var counts: [String: Int] = [:]

    mutating func next(_ heading: String) -> String {
        let base = Anchor.githubID(heading)
        let count = counts[base, default: 0]
        counts[base] = count + 1
        return count == 0 ? base : "\(base)-\(count)"
    }
}
