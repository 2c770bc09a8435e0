import Foundation
import Git

/// What to validate.
public struct ValidationRequest: Sendable {
    /// Posts to check (paths relative to the repository); nil checks every post.
    public var paths: [String]?
    /// With no `paths`: of the whole repository read (every slug, state and time known, as for
    /// a check of all), the rules are run over these posts only (a site build's posts going out).
    public var only: Set<String>?
    /// Whether to check external http(s) links.
    public var external: Bool
    public var now: Date
    /// For a transition's gate: the state and publish time the post `slug` is about to have.
    public var pending: PendingState?
    /// Whether to check what the index holds (the commit being made) instead of the working
    /// tree; with no `paths`, the posts staged.
    public var staged: Bool
    /// Whether approvals in front matter are checked against history (a walk of it): a site
    /// build leaves that to the gate and `press verify`.
    public var approvalsAgainstHistory = true
    /// Posts of the working tree already read (a build's), by path: checked as they are instead
    /// of read again. Not used for a check of what is staged.
    var posts: [String: Post] = [:]

    public struct PendingState: Sendable {
        public var slug: String
        public var state: String
        public var time: Date?
        /// The folder the post will be in when it is out (`published` for a post being
        /// published or scheduled): its relative links are checked from there.
        public var folder: String?

        public init(slug: String, state: String, time: Date?, folder: String? = nil) {
            self.slug = slug
            self.state = state
            self.time = time
            self.folder = folder
        }
    }

    public init(
        paths: [String]? = nil, external: Bool = false, now: Date, pending: PendingState? = nil, staged: Bool = false
    ) {
        self.paths = paths
        self.external = external
        self.now = now
        self.pending = pending
        self.staged = staged
    }
}

/// One post as the link rules see it.
struct PostRecord: Sendable {
    var path: String
    var slug: String
    var state: String?
    var folder: String
    /// When it is (or will be) out: `published_at` in published/, `publish_at` when scheduled.
    var time: Date?
    var isPublished: Bool
}

/// Runs the metadata and link rules over a content repository.
public struct Validator {
    public let repository: ContentRepository

    public init(repository: ContentRepository) {
        self.repository = repository
    }

    /// Validates the posts `request` names (all by default), with external links checked by
    /// `checker` when the request asks for them.
    /// - Throws: `WorkflowError` when the workflow is missing or wrong (a configuration error).
    public func validate(_ request: ValidationRequest, checker: ExternalChecking? = nil) async throws
        -> ValidationReport
    {
        let workflow = try repository.workflow()
        let root = repository.root
        let source = try ContentSource(repository: repository, staged: request.staged)
        let requested = try request.paths ?? (request.staged ? repository.stagedPostPaths() : nil)
        let partial = requested != nil
        // Listing 10,000 files is a cost a gate on one post need not pay.
        let allPaths = partial ? [] : repository.postPaths()
        let checked = requested.map(Set.init) ?? request.only ?? Set(allPaths)

        // Read the posts to check (scanning their Markdown), and when the whole repository is
        // checked every other post's front matter too (for slugs, states and times); a check of
        // some posts reads the posts they link to when it meets them, and skips duplicate titles.
        let toRead = partial ? checked.sorted() : allPaths
        let scanned = source.readAll(paths: toRead, known: request.staged ? [:] : request.posts) { post in
            (
                post, PostRecord(post: post, workflow: workflow),
                checked.contains(post.path)
                    ? Markdown.scan(post.frontMatter.bodySlice, firstLine: post.frontMatter.bodyStartLine) : nil
            )
        }
        var diagnostics: [Diagnostic] = []
        var records: [String: [PostRecord]] = [:]
        var posts: [(Post, MarkdownScan)] = []
        var titles: [String: [String]] = [:]
        for (path, result) in scanned {
            switch result {
            case .success(let (post, record, scan)):
                var record = record
                if let pending = request.pending, record.slug == pending.slug {
                    record.state = pending.state
                    record.isPublished = workflow.folder(of: pending.state) == Workflow.publishedFolder
                    record.time = pending.time
                }
                records[record.slug, default: []].append(record)
                if let scan { posts.append((post, scan)) }
                if let title = post.title { titles[title, default: []].append(post.path) }
            case .failure(let error):
                guard checked.contains(path) else { continue }
                let location = (error as? PressError)?.location ?? SourceLocation(path: path)
                diagnostics.append(Diagnostic(location, .error, "front-matter", "\(error)"))
            }
        }

        // Approvals that history does not show (typed into the front matter), one walk for all.
        var forged: [String: [Diagnostic]] = [:]
        if request.approvalsAgainstHistory, posts.contains(where: { $0.0.frontMatter.entry("approvals") != nil }) {
            let history = try repository.transitionHistory()
            var named: [String: Workflow] = [:]
            for (post, _) in posts where post.frontMatter.entry("approvals") != nil {
                let name = post.workflowName ?? Workflow.defaultName
                let rules = named[name] ?? (try? repository.workflow(for: post)) ?? workflow
                named[name] = rules
                for approval in repository.forgedApprovals(of: post, workflow: rules, history: history) {
                    forged[post.path, default: []].append(
                        Diagnostic(
                            post.location(of: "approvals"), .error, "approvals-history",
                            "the approval by \(approval.person) is not in history: no approve commit by them since the post was created or sent back to '\(rules.initialState)'"
                        ))
                }
            }
        }

        // A gate checks that the files a post links to are committed: a transition commits the
        // post, and a file left out of history would be missing wherever the commit goes.
        let committed = request.pending != nil ? try repository.git.headCommitID() : nil

        // The rules for each post, on both cores; each chunk keeps its own cache of anchors.
        let metadata = MetadataCheck(workflow: workflow)
        let anchors = Dictionary(posts.map { ($0.0.path, $0.1.anchors) }, uniquingKeysWith: { a, _ in a })
        let pending = request.pending
        let perPost = posts.parallelMap(state: { [records] () -> LinkCheck in
            var links = LinkCheck(
                root: root, workflow: workflow, records: records, loadsMissing: partial, source: source,
                anchors: anchors)
            if let pending {
                links.moving = pending.folder.map {
                    (PostFile.paths(of: pending.slug), $0)
                }
                links.committed = committed
            }
            return links
        }) { [records, forged, titles] links, item -> PostFindings in
            let (post, scan) = item
            var found = PostFindings()
            found.diagnostics = metadata.check(post) + (forged[post.path] ?? [])
            let slug = post.slug ?? post.fileSlug
            let same =
                partial
                ? PostFile.paths(of: slug).filter { source.isFile($0) }
                : (records[slug] ?? []).map(\.path)
            if same.count > 1 {
                let others = same.filter { $0 != post.path }
                found.diagnostics.append(
                    Diagnostic(
                        post.location(of: "slug"), .error, "slug-unique",
                        "the slug '\(slug)' is also used by \(others.joined(separator: ", "))"))
            }
            if let title = post.title, let same = titles[title], same.count > 1 {
                let others = same.filter { $0 != post.path }
                found.diagnostics.append(
                    Diagnostic(
                        post.location(of: "title"), .warning, "duplicate-title",
                        "the title is also used by \(others.joined(separator: ", "))"))
            }
            for link in scan.links {
                switch links.check(link, in: post, anchors: scan.anchors) {
                case .fine: break
                case .external(let url): found.external.append((url, link))
                case .finding(let severity, let rule, let message):
                    found.diagnostics.append(
                        Diagnostic(
                            SourceLocation(path: post.path, line: link.line, column: link.column), severity, rule,
                            message))
                }
            }
            return found
        }
        var external: [String: [(String, Link)]] = [:]
        var linkCount = 0
        for ((post, scan), found) in zip(posts, perPost) {
            linkCount += scan.links.count
            diagnostics += found.diagnostics
            for (url, link) in found.external { external[url, default: []].append((post.path, link)) }
        }
        let externalCount = external.values.reduce(0) { $0 + $1.count }
        if request.external, let checker, !external.isEmpty {
            let results = await checker.check(Array(external.keys), policy: workflow.links)
            for (url, uses) in external {
                guard let result = results[url], let (severity, message) = result.finding(for: url) else { continue }
                for (path, link) in uses {
                    diagnostics.append(
                        Diagnostic(
                            SourceLocation(path: path, line: link.line, column: link.column), severity, "link-external",
                            message))
                }
            }
        }
        if !partial { diagnostics += repository.uncommittedWorkflows() + repository.skippedPostFiles() }
        // Freeing ten thousand posts takes a tenth of the run: let another thread do it, after
        // the report is out (a CLI that exits first skips it altogether).
        Leftovers.free((scanned, posts, perPost, records, titles, anchors))
        return ValidationReport(
            diagnostics: diagnostics, posts: posts.count, links: linkCount, externalLinks: externalCount)
    }
}

/// What the rules found in one post.
struct PostFindings: Sendable {
    var diagnostics: [Diagnostic] = []
    var external: [(String, Link)] = []
}

extension PostRecord {
    init(post: Post, workflow: Workflow) {
        path = post.path
        slug = post.fileSlug
        state = post.status
        folder = post.folder
        isPublished = post.folder == Workflow.publishedFolder
        time = (isPublished ? post.publishedAt : post.publishAt).flatMap {
            try? PressTime.parse($0, zone: workflow.timeZone)
        }
    }
}
