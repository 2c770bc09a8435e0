import Foundation

/// A site path with placeholders, as the workflow's `site:` gives them: `/posts/{slug}/`,
/// `/blog/{category}/{slug}/`, `/{year}/{month}/{day}/{slug}.html` for posts; `/about/`,
/// `/docs/**` for pages outside the posts (`*` stands for part of one segment, `**` for any
/// number of segments). A trailing slash is optional on either side, as web servers have it.
public struct SitePattern: Equatable, Sendable, CustomStringConvertible {
    enum Token: Equatable, Sendable {
        case literal([UInt8])
        case placeholder(String)
        case star
        case anything
    }

    public let text: String
    let tokens: [Token]

    public static let placeholders = ["slug", "category", "year", "month", "day"]

    /// Nil when a `{name}` is not one of the placeholders.
    public init?(_ text: String) {
        self.text = text
        var tokens: [Token] = []
        var literal: [UInt8] = []
        var rest = Substring(SitePattern.trimmed(text))
        func flush() {
            if !literal.isEmpty { tokens.append(.literal(literal)) }
            literal = []
        }
        while let first = rest.first {
            if first == "{", let close = rest.firstIndex(of: "}") {
                let name = String(rest[rest.index(after: rest.startIndex)..<close])
                guard SitePattern.placeholders.contains(name) else { return nil }
                flush()
                tokens.append(.placeholder(name))
                rest = rest[rest.index(after: close)...]
            } else if rest.hasPrefix("**") {
                flush()
                tokens.append(.anything)
                rest = rest.dropFirst(2)
            } else if first == "*" {
                flush()
                tokens.append(.star)
                rest = rest.dropFirst()
            } else {
                literal.append(contentsOf: String(first).utf8)
                rest = rest.dropFirst()
            }
        }
        flush()
        self.tokens = tokens
    }

    public var description: String { text }

    /// What the placeholders stand for in `path`, or nil when the path does not match.
    public func match(_ path: String) -> [String: String]? {
        let bytes = Array(SitePattern.trimmed(path).utf8)
        // With and without the trailing slash, as web servers take `/docs` and `/docs/` alike.
        for candidate in [bytes, bytes + [UInt8(ascii: "/")]] {
            var captures: [String: String] = [:]
            if SitePattern.match(tokens[...], candidate[...], &captures) { return captures }
        }
        return nil
    }

    /// A path without its trailing slash (but `/` itself).
    static func trimmed(_ path: String) -> String {
        var path = Substring(path)
        while path.count > 1, path.hasSuffix("/") { path = path.dropLast() }
        return String(path)
    }

    private static func match(
        _ tokens: ArraySlice<Token>, _ path: ArraySlice<UInt8>, _ captures: inout [String: String]
    )
        -> Bool
    {
        guard let token = tokens.first else { return path.isEmpty }
        let rest = tokens.dropFirst()
        switch token {
        case .literal(let bytes):
            return path.starts(with: bytes) && match(rest, path.dropFirst(bytes.count), &captures)
        case .placeholder, .star:
            let name: String? = if case .placeholder(let name) = token { name } else { nil }
            let segment = path.prefix { $0 != UInt8(ascii: "/") }
            // Each length the segment may take, longest first (a literal may follow: `{slug}.html`).
            for length in stride(from: segment.count, through: 1, by: -1) {
                let value = path.prefix(length)
                if let name, !fits(name, value) { continue }
                var attempt = captures
                if let name { attempt[name] = String(decoding: value, as: UTF8.self) }
                if match(rest, path.dropFirst(length), &attempt) {
                    captures = attempt
                    return true
                }
            }
            return false
        case .anything:
            for length in stride(from: path.count, through: 0, by: -1)
            where match(rest, path.dropFirst(length), &captures) {
                return true
            }
            return false
        }
    }

    private static func fits(_ name: String, _ value: ArraySlice<UInt8>) -> Bool {
        let digits = value.allSatisfy { (0x30...0x39).contains($0) }
        switch name {
        case "year": return value.count == 4 && digits
        case "month", "day": return (1...2).contains(value.count) && digits
        default: return true
        }
    }
}
