import Foundation

/// A blog read from another tool (a WordPress export, a Jekyll or Hugo site), in press's terms
/// but not yet written: what `press import` plans, reports and commits.
public struct ImportedBlog: Sendable {
    /// The tool it came from: `wordpress`, `jekyll`, `hugo`.
    public var source: String
    public var posts: [ImportedPost] = []
    /// People the source names, by the name posts use: their display name and email when known.
    public var people: [String: Person] = [:]
    /// Where the blog's posts were on its site, as press patterns (`/{year}/{month}/{day}/{slug}/`).
    public var postPatterns: [String] = []
    /// Site paths the blog has outside its posts (`/about/`, `/docs/**`).
    public var pages: [String] = []
    /// Items left out, each with where and why (trash, auto-drafts, attachments, …).
    public var skipped: [ImportNote] = []
    /// Counts the report gives that are not posts (`comments`: 12).
    public var counts: [String: Int] = [:]
    /// Files posts link to that stay on the old site (WordPress uploads without `--uploads`).
    public var externalFiles: [String] = []
    /// The time zone the blog's dates and URLs are in, when it names one.
    public var timeZone: TimeZone?
    /// The blog's own `title`, `description`, `base_url` and `language`, for the workflow's `site:`.
    public var site: [String: String] = [:]

    public init(source: String) {
        self.source = source
    }
}

/// The state a post had in its old home, in press's four kinds.
public enum ImportedState: String, Sendable, CaseIterable {
    case draft, review, scheduled, published
}

/// One post read from the source.
public struct ImportedPost: Sendable {
    /// Where it was read: a file, and the line its front matter or item starts on.
    public var origin: SourceLocation
    /// The slug the source gives (the file name, `post_name`, `slug:`), as found.
    public var slug: String
    public var state: ImportedState
    public var title: String
    /// When it was published (published), or is to be (scheduled).
    public var date: Date?
    /// The day its old URL was made of (`/2019/03/01/…`), when the source keeps it apart from
    /// `date` (WordPress: the blog's local day, where `date` is UTC).
    public var urlDay: DateComponents?
    /// When it was last changed in the source (WordPress's `post_modified_gmt`, Hugo's `lastmod`).
    public var modified: Date?
    /// When it is to be taken down (Hugo's `expiryDate`).
    public var expireAt: Date?
    /// Its authors by the names the source uses (resolved through `ImportedBlog.people`).
    public var authors: [String] = []
    public var categories: [String] = []
    public var tags: [String] = []
    public var summary: String?
    /// Keys press does not own, kept as the source had them.
    public var extra: [(String, YAMLValue)] = []
    /// The Markdown body.
    public var body: String
    /// The URLs it had on the old site (its permalink, aliases), site paths starting with `/`.
    public var oldURLs: [String] = []
    /// Files that go with it: where they are now, and where they go in the repository.
    public var assets: [ImportedAsset] = []
    /// What needs a person's eye, with where in the source.
    public var notes: [ImportNote] = []

    public init(origin: SourceLocation, slug: String, state: ImportedState, title: String, body: String) {
        self.origin = origin
        self.slug = slug
        self.state = state
        self.title = title
        self.body = body
    }
}

public struct ImportedAsset: Sendable, Equatable {
    /// The file on disk, absolute.
    public var from: String
    /// Its path in the repository (the body's links already name it).
    public var to: String

    public init(from: String, to: String) {
        self.from = from
        self.to = to
    }
}

/// Something the report tells a person: where, and what.
public struct ImportNote: Sendable, Equatable, CustomStringConvertible {
    public var location: SourceLocation
    public var message: String

    public init(_ location: SourceLocation, _ message: String) {
        self.location = location
        self.message = message
    }

    public var description: String { "\(location): \(message)" }
}

/// Why an import could not be read or made.
public struct ImportError: PressError {
    public var location: SourceLocation?
    public var message: String
    public var isConfigurationError: Bool

    public init(_ location: SourceLocation?, _ message: String, usage: Bool = true) {
        self.location = location
        self.message = message
        isConfigurationError = usage
    }

    public var description: String { message }
}
