import Foundation
import Git

/// What `press new` is asked to create.
public struct NewPostRequest: Sendable {
    public var title: String
    public var slug: String?
    public var categories: [String]
    public var tags: [String]
    public var summary: String?
    public var actor: Person
    public var committer: Person
    public var now: Date

    public init(
        title: String, slug: String? = nil, categories: [String] = [], tags: [String] = [], summary: String? = nil,
        actor: Person, committer: Person? = nil, now: Date
    ) {
        self.title = title
        self.slug = slug
        self.categories = categories
        self.tags = tags
        self.summary = summary
        self.actor = actor
        self.committer = committer ?? actor
        self.now = now
    }
}

extension ContentRepository {
    /// Creates `drafts/<slug>.md` in the workflow's first state and commits it.
    ///
    /// A slug given with `--slug` must be free; one made from the title gets `-2`, `-3`, …
    /// when it is taken.
    @discardableResult
    public func create(_ request: NewPostRequest) throws -> TransitionResult {
        if let slug = request.slug, let problem = Slug.problem(with: slug) {
            throw RepositoryError.invalidSlug(slug, problem: problem)
        }
        let lock = try git.lock()
        defer { withExtendedLifetime(lock) {} }
        try git.recoverInterruptedCommit()
        try checkNothingInProgress()
        let workflow = try workflow()

        let slug = try freeSlug(for: request)
        let state = workflow.initialState
        let path = "\(workflow.folder(of: state))/\(slug).md"
        var lines = ["---", "title: \(YAMLValue.scalar(request.title))", "slug: \(slug)"]
        lines += request.actor.yaml.lines(key: "author")
        lines.append("status: \(YAMLValue.scalar(state))")
        lines.append("created: \(PressTime.format(request.now, zone: workflow.timeZone))")
        if !request.categories.isEmpty {
            lines += YAMLValue.list(request.categories.map(YAMLValue.string)).lines(key: "categories")
        }
        if !request.tags.isEmpty { lines += YAMLValue.list(request.tags.map(YAMLValue.string)).lines(key: "tags") }
        if let summary = request.summary { lines.append("summary: \(YAMLValue.scalar(summary))") }
        lines += ["---", ""]
        let bytes = Array((lines.joined(separator: "\n") + "\n").utf8)

        let post = try Post(path: path, bytes: bytes)
        let missing = workflow.missingKeys(in: state, of: post.frontMatter)
        guard missing.isEmpty else {
            throw TransitionError.missingKeys(SourceLocation(path: path), state: state, keys: missing)
        }
        // The rules a gate would apply to it later (lengths, vocabularies, values): a new post
        // that breaks them is refused now, not committed.
        let findings = MetadataCheck(workflow: workflow).check(post).filter { $0.severity == .error }
        guard findings.isEmpty else {
            throw GateError(
                transition: "new", report: ValidationReport(diagnostics: findings, posts: 1, links: 0, externalLinks: 0)
            )
        }

        let message = ContentRepository.message(
            subject: "new: \(slug)", comment: nil, trailers: [("Press-Transition", "new"), ("Press-To", state)])
        let commit = try git.commit(
            [.write(path: path, contents: bytes)], message: message,
            author: signature(request.actor, request.now, workflow),
            committer: signature(request.committer, request.now, workflow))
        return TransitionResult(
            slug: slug, transition: "new", from: "", to: state, path: path, commit: commit, publishAt: nil)
    }

    private func freeSlug(for request: NewPostRequest) throws -> String {
        if let slug = request.slug {
            if let taken = PostFile.paths(of: slug).first(where: {
                FileManager.default.fileExists(atPath: git.absolutePath($0))
            }) {
                throw RepositoryError.slugTaken(slug, path: taken)
            }
            return slug
        }
        guard let base = Slug(title: request.title)?.value else { throw RepositoryError.noSlugFromTitle(request.title) }
        var candidate = base
        var number = 2
        while exists(candidate) {
            candidate = "\(base)-\(number)"
            number += 1
        }
        return candidate
    }
}
