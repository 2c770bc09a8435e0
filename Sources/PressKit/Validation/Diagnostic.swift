/// One finding of `press validate`, at a file, line and column.
public struct Diagnostic: Codable, Equatable, Hashable, Sendable {
    public enum Severity: String, Codable, Sendable {
        case error, warning
    }

    public var path: String
    public var line: Int
    public var column: Int
    public var severity: Severity
    /// A short name of the rule, e.g. `required`, `link-post`, `link-external`.
    public var rule: String
    public var message: String

    public init(_ location: SourceLocation, _ severity: Severity, _ rule: String, _ message: String) {
        path = location.path
        line = location.line
        column = location.column
        self.severity = severity
        self.rule = rule
        self.message = message
    }

    public var location: SourceLocation { SourceLocation(path: path, line: line, column: column) }
}

/// What a validation run found.
public struct ValidationReport: Sendable {
    public var diagnostics: [Diagnostic]
    public var posts: Int
    public var links: Int
    public var externalLinks: Int

    public var errors: Int { diagnostics.filter { $0.severity == .error }.count }
    public var warnings: Int { diagnostics.filter { $0.severity == .warning }.count }

    /// Sorted by file, then line and column.
    public var sorted: [Diagnostic] {
        diagnostics.sorted { ($0.path, $0.line, $0.column, $0.rule) < ($1.path, $1.line, $1.column, $1.rule) }
    }

    public var summary: String {
        "\(posts) post\(posts == 1 ? "" : "s"), \(links) link\(links == 1 ? "" : "s") (\(externalLinks) external), "
            + "\(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")"
    }
}
