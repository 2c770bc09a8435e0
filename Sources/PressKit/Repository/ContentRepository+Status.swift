import Foundation
import Git

/// One post as `press status` and `press show` report it.
public struct PostSummary: Codable, Equatable, Sendable {
    public var slug: String
    public var title: String
    public var state: String
    public var path: String
    public var author: String
    public var authorEmail: String
    public var publishAt: String?
    public var publishedAt: String?
    public var approvals: [String]
    public var categories: [String]
    public var tags: [String]
    public var summary: String?

    enum CodingKeys: String, CodingKey {
        case slug, title, state, path, author, approvals, categories, tags, summary
        case authorEmail = "author_email"
        case publishAt = "publish_at"
        case publishedAt = "published_at"
    }

    /// Every key, an absent one as `null`: readers of `--json` can rely on the same fields.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(slug, forKey: .slug)
        try container.encode(title, forKey: .title)
        try container.encode(state, forKey: .state)
        try container.encode(path, forKey: .path)
        try container.encode(author, forKey: .author)
        try container.encode(authorEmail, forKey: .authorEmail)
        try container.encode(publishAt, forKey: .publishAt)
        try container.encode(publishedAt, forKey: .publishedAt)
        try container.encode(approvals, forKey: .approvals)
        try container.encode(categories, forKey: .categories)
        try container.encode(tags, forKey: .tags)
        try container.encode(summary, forKey: .summary)
    }

    /// The post's summary; `workflow` names an author the post gives by name alone.
    public init(_ post: Post, workflow: Workflow? = nil) {
        slug = post.slug ?? post.fileSlug
        title = post.title ?? ""
        state = post.status ?? ""
        path = post.path
        let people = workflow?.authors(of: post) ?? post.author.map { [$0] } ?? []
        let person = people.first
        author = people.isEmpty ? post.string("author") ?? "" : people.map(\.name).joined(separator: ", ")
        authorEmail = person?.email ?? ""
        publishAt = post.publishAt
        publishedAt = post.publishedAt
        approvals = post.approvals.map(\.person.email)
        categories = post.categories
        tags = post.tags
        summary = post.summary
    }
}

/// One step of a post's history, read from git.
public struct LogEntry: Codable, Equatable, Sendable {
    public var commit: String
    public var author: String
    public var email: String
    public var date: String
    public var transition: String
    public var from: String?
    public var to: String?
    public var comment: String?
}

extension ContentRepository {
    /// Every post that could be read, sorted by state (in workflow order) and slug, and the errors
    /// of those that could not.
    /// - Throws: `WorkflowError` when the default workflow is missing or wrong.
    public func summaries() throws -> (posts: [PostSummary], errors: [Error]) {
        let workflow = try workflow()
        let states = workflow.states
        var posts: [PostSummary] = []
        var errors: [Error] = []
        for (_, result) in readAll({ PostSummary($0, workflow: workflow) }) {
            switch result {
            case .success(let post): posts.append(post)
            case .failure(let error): errors.append(error)
            }
        }
        let order = Dictionary(states.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        let keys = posts.map { (order[$0.state] ?? Int.max, $0.slug) }
        let sorted = keys.indices.sorted { keys[$0] < keys[$1] }
        return (sorted.map { posts[$0] }, errors)
    }

    /// The history of the post `slug`, newest first: every commit that changed its file in
    /// drafts/ or published/.
    public func log(_ slug: String) throws -> [LogEntry] {
        let paths = PostFile.paths(of: slug)
        let zone = try workflow().timeZone
        let commits = try git.history(touching: paths)
        guard !commits.isEmpty || exists(slug) else {
            throw RepositoryError.unknownSlug(slug, suggestion: closestSlug(to: slug))
        }
        return commits.map { commit in
            let comment = ContentRepository.comment(of: commit) ?? ""
            return LogEntry(
                commit: commit.id.description, author: commit.author.name, email: commit.author.email,
                date: PressTime.format(commit.author.time, zone: zone),
                transition: commit.trailer("Press-Transition") ?? "edit",
                from: commit.trailer("Press-From"), to: commit.trailer("Press-To"),
                comment: comment.isEmpty ? nil : comment)
        }
    }
}

extension ContentRepository {
    /// The comment a transition's commit carries: its message after the subject, without the
    /// `Press-` trailers; nil when there is none.
    public static func comment(of commit: CommitInfo) -> String? {
        let body = commit.message.components(separatedBy: "\n\n").dropFirst()
        let comment = body.filter { paragraph in
            !paragraph.split(separator: "\n").allSatisfy { $0.hasPrefix("Press-") }
        }.joined(separator: "\n\n").trimmingCharacters(in: .whitespacesAndNewlines)
        return comment.isEmpty ? nil : comment
    }
}
