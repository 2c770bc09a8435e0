/// A place in a file: a path relative to the repository, a 1-based line and column.
public struct SourceLocation: Equatable, Hashable, Sendable, CustomStringConvertible {
    public var path: String
    public var line: Int
    public var column: Int

    public init(path: String, line: Int = 1, column: Int = 1) {
        self.path = path
        self.line = line
        self.column = column
    }

    public var description: String { "\(path):\(line):\(column)" }
}

/// What every press error tells the CLI: where it is, and whether it is a refusal (exit 1) or a
/// usage or configuration error (exit 2).
public protocol PressError: Error, CustomStringConvertible {
    /// The file, line and column the error is about, when a file is involved.
    var location: SourceLocation? { get }
    /// True for usage and configuration errors (exit 2); false for refusals and findings (exit 1).
    var isConfigurationError: Bool { get }
}
