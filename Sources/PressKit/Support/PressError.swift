/// What every press error tells the CLI: where it is, and whether it is a refusal (exit 1) or a
/// usage or configuration error (exit 2).
public protocol PressError: Error, CustomStringConvertible {
    /// The file, line and column the error is about, when a file is involved.
    var location: SourceLocation? { get }
    /// True for usage and configuration errors (exit 2); false for refusals and findings (exit 1).
    var isConfigurationError: Bool { get }
}
