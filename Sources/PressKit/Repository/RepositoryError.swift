/// Why press could not find or name a post in the content repository.
public enum RepositoryError: PressError, Equatable {
    case notARepository(path: String)
    case bareRepository(path: String)
    case unknownSlug(String, suggestion: String?)
    case duplicateSlug(String, paths: [String])
    case slugTaken(String, path: String)
    case invalidSlug(String, problem: String)
    case noSlugFromTitle(String)
    /// A merge, rebase or the like is half done: a transition would commit in the middle of it.
    case operationInProgress(String, resolve: String)
    case detachedHead

    public var location: SourceLocation? {
        switch self {
        case .duplicateSlug(_, let paths): return paths.last.map { SourceLocation(path: $0) }
        case .slugTaken(_, let path): return SourceLocation(path: path)
        default: return nil
        }
    }

    public var isConfigurationError: Bool {
        switch self {
        case .notARepository, .bareRepository, .invalidSlug, .noSlugFromTitle: return true
        default: return false
        }
    }

    public var description: String {
        switch self {
        case .notARepository(let path):
            return "\(path) is not in a git repository; run 'press init' there, or pass --repo DIR"
        case .bareRepository(let path):
            return
                "\(path) is a bare repository (history without a working tree); press works in a clone of it: git clone \(path)"
        case .unknownSlug(let slug, let suggestion):
            let hint = suggestion.map { "; did you mean '\($0)'?" } ?? ""
            return "no post with the slug '\(slug)' in drafts/ or published/\(hint)"
        case .duplicateSlug(let slug, let paths):
            return "the slug '\(slug)' is used twice (\(paths.joined(separator: " and "))); remove or rename one"
        case .slugTaken(let slug, _): return "the slug '\(slug)' is already taken by this post"
        case .invalidSlug(let slug, let problem): return "'--slug \(slug)': \(problem)"
        case .noSlugFromTitle(let title): return "cannot make a slug from the title '\(title)'; pass --slug"
        case .operationInProgress(let name, let resolve):
            return
                "\(name) is in progress in this repository; finish or abandon it first (\(resolve)), then run press again"
        case .detachedHead:
            return
                "HEAD is detached (not on a branch): a commit here would belong to no branch; check out a branch first (git switch BRANCH)"
        }
    }
}
