/// Why a post's file could not be read as Markdown with YAML front matter.
public enum FrontMatterError: PressError, Equatable {
    case unreadable(SourceLocation, reason: String)
    case notUTF8(SourceLocation)
    case noFrontMatter(SourceLocation)
    case unterminated(SourceLocation)
    case malformedYAML(SourceLocation, problem: String)
    case notAMapping(SourceLocation)
    case duplicateKey(SourceLocation, key: String)
    case wrongType(SourceLocation, key: String, expected: String)
    case symbolicLink(SourceLocation, outside: Bool)
    /// A FIFO, directory, device or socket where a post should be: never opened.
    case notARegularFile(SourceLocation, kind: String)
    /// YAML anchors and aliases (`&name`, `*name`): refused, so no post can expand into gigabytes.
    case alias(SourceLocation)
    /// A rewrite would have changed a key press does not own; nothing was written.
    case unsafeEdit(SourceLocation, key: String)

    public var location: SourceLocation? {
        switch self {
        case .unreadable(let location, _), .notUTF8(let location), .noFrontMatter(let location),
            .unterminated(let location), .malformedYAML(let location, _), .notAMapping(let location),
            .duplicateKey(let location, _), .wrongType(let location, _, _), .symbolicLink(let location, _),
            .unsafeEdit(let location, _), .notARegularFile(let location, _), .alias(let location):
            return location
        }
    }

    public var isConfigurationError: Bool { false }

    public var description: String {
        switch self {
        case .unreadable(_, let reason): return "the post cannot be read: \(reason)"
        case .notUTF8: return "the post is not valid UTF-8 from this column on"
        case .noFrontMatter: return "the post has no front matter: its first line must be '---'"
        case .unterminated: return "the front matter that starts here has no closing '---' line"
        case .malformedYAML(_, let problem): return "malformed YAML in the front matter: \(problem)"
        case .notAMapping: return "the front matter must be a mapping of keys to values"
        case .duplicateKey(_, let key): return "the key '\(key)' appears more than once in the front matter"
        case .wrongType(_, let key, let expected): return "'\(key)' must be \(expected)"
        case .symbolicLink(_, let outside):
            return outside
                ? "the post is a symbolic link to a file outside the repository; press refuses to follow it"
                : "the post is a symbolic link; press keeps posts as regular files"
        case .notARegularFile(_, let kind): return "the post is \(kind), not a regular file; press does not open it"
        case .alias:
            return "YAML anchors and aliases ('&name', '*name') are not accepted in front matter; write the value out"
        case .unsafeEdit(_, let key):
            return "rewriting '\(key)' would have changed other front matter; the file was left alone"
        }
    }
}
