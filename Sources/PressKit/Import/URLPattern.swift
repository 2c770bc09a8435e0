import Foundation

/// URL patterns: Jekyll's and Hugo's permalinks (`/:year/:month/:title/`) and press's site
/// patterns (`/{year}/{month}/{slug}/`), filled in for one post.
enum URLPattern {
    enum Style {
        /// `:name`, as Jekyll and Hugo write them.
        case colon
        /// `{name}`, as press's `site.posts` does.
        case braces

        func token(_ name: String) -> String { self == .colon ? ":" + name : "{" + name + "}" }
    }

    /// `pattern` with each token replaced by its value; a value is worked out only when its
    /// token is there (a slug from a title is a transliteration), longer names first.
    static func fill(_ pattern: String, style: Style, _ values: [String: () -> String]) -> String {
        if style == .braces { return fillBraces(pattern, values) }
        var out = pattern
        for name in values.keys.sorted(by: { ($0.count, $0) > ($1.count, $1) }) {
            let token = style.token(name)
            guard out.contains(token), let value = values[name] else { continue }
            out = out.replacingOccurrences(of: token, with: value())
        }
        return out
    }

    /// `{name}` tokens, in one pass (a site build fills one for every post).
    private static func fillBraces(_ pattern: String, _ values: [String: () -> String]) -> String {
        var out = ""
        var rest = pattern[...]
        while let open = rest.firstIndex(of: "{") {
            out += rest[..<open]
            guard let close = rest[open...].firstIndex(of: "}"),
                let value = values[String(rest[rest.index(after: open)..<close])]
            else {
                out.append("{")
                rest = rest[rest.index(after: open)...]
                continue
            }
            out += value()
            rest = rest[rest.index(after: close)...]
        }
        return out + rest
    }

    /// `year`, `month` and `day` of a post as URLs write them (`2013`, `05`, `06`): the day it
    /// names (`known`), else its date's day in `zone`.
    static func day(_ date: Date?, known: DateComponents? = nil, zone: TimeZone) -> [String: () -> String] {
        // Worked out when a token asks (most patterns have no date in them).
        func parts() -> DateComponents? {
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = zone
            return known ?? date.map { calendar.dateComponents([.year, .month, .day], from: $0) }
        }
        func two(_ value: Int?) -> String { value.map { String(format: "%02d", $0) } ?? "" }
        return [
            "year": { parts()?.year.map(String.init) ?? "" }, "month": { two(parts()?.month) },
            "day": { two(parts()?.day) },
        ]
    }
}
