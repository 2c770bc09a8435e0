import Foundation
import Git

/// What `press import` is asked to do.
public struct ImportRequest: Sendable {
    public var actor: Person
    public var committer: Person
    public var now: Date
    /// Work out and report everything; write nothing.
    public var dryRun: Bool
    /// Rewrite posts that are already in the repository (by slug) instead of leaving them.
    public var update: Bool

    public init(actor: Person, committer: Person, now: Date, dryRun: Bool = false, update: Bool = false) {
        self.actor = actor
        self.committer = committer
        self.now = now
        self.dryRun = dryRun
        self.update = update
    }
}

/// What an import did (or, dry, would do).
public struct ImportResult: Sendable {
    public enum Action: String, Sendable { case added, updated, unchanged, kept }
    public struct Written: Sendable {
        public var slug: String
        public var path: String
        public var state: String
        public var action: Action
        public var origin: SourceLocation
    }
    public var source: String
    public var posts: [Written] = []
    /// How the source's terms became press's, a line each.
    public var mapped: [String] = []
    /// What needs a person, each where in the source (or the repository) it is.
    public var needsPerson: [ImportNote] = []
    public var skipped: [ImportNote] = []
    /// Old site path → new site path.
    public var redirects: [(from: String, to: String)] = []
    /// The redirects file written, when there were redirects.
    public var redirectsPath: String?
    /// What the import adds to the workflow (authors, fields, site paths), as YAML lines.
    public var workflowAdditions: [String] = []
    public var assets = 0
    /// Files posts link to that stay on the old site.
    public var externalFiles: [String] = []
    public var counts: [String: Int] = [:]
    public var commit: ObjectID?

    /// Posts by the state they are in after the import (the ones kept as they were included).
    public var byState: [(state: String, count: Int)] {
        var counts: [String: Int] = [:]
        var order: [String] = []
        for post in posts {
            if counts[post.state] == nil { order.append(post.state) }
            counts[post.state, default: 0] += 1
        }
        return order.map { ($0, counts[$0] ?? 0) }
    }
}

extension ContentRepository {
    /// The file `press import` writes its old-URL → new-path map to: Netlify's and Cloudflare
    /// Pages' `_redirects` form (`/old/ /new/ 301`), which `press build` copies to the site.
    public static let redirectsPath = "_redirects"

    /// Makes `blog`'s posts press posts, in the folder and state each had, in one commit by the
    /// person importing (an admin: the import is a new start for `press verify`, as `init` is).
    ///
    /// Posts already in the repository (by slug) are kept as they are unless `request.update`;
    /// nothing is written on a dry run.
    /// - Throws: `ImportError` when the importer may not, or a post cannot be written.
    public func importBlog(_ blog: ImportedBlog, request: ImportRequest) throws -> ImportResult {
        let lock = try git.lock()
        defer { withExtendedLifetime(lock) {} }
        try git.recoverInterruptedCommit()
        try checkNothingInProgress()
        let workflow = try workflow()
        guard workflow.isAdmin(request.actor) else {
            throw ImportError(
                nil,
                "\(request.actor) may not import: an import starts the workflow afresh for the posts it brings, so it is for an admin (\(workflow.admin.joined(separator: ", ")) in \(workflow.path))",
                usage: false)
        }
        var plan = ImportPlan(blog: blog, workflow: workflow, repository: self, request: request)
        try plan.make()
        var result = plan.result
        guard !request.dryRun, !plan.changes.isEmpty else { return result }
        let message = ContentRepository.message(
            subject: "init: import \(blog.posts.count) posts from \(blog.source)", comment: nil,
            trailers: [("Press-Transition", "init"), ("Press-Import", blog.source)])
        result.commit = try git.commit(
            plan.changes, message: message, author: signature(request.actor, request.now, workflow),
            committer: signature(request.committer, request.now, workflow))
        return result
    }
}

/// Works out the files an import writes and the report it gives.
struct ImportPlan {
    let blog: ImportedBlog
    let workflow: Workflow
    let repository: ContentRepository
    let request: ImportRequest
    var result: ImportResult
    var changes: [FileChange] = []

    init(blog: ImportedBlog, workflow: Workflow, repository: ContentRepository, request: ImportRequest) {
        self.blog = blog
        self.workflow = workflow
        self.repository = repository
        self.request = request
        result = ImportResult(source: blog.source)
        result.skipped = blog.skipped
        result.externalFiles = blog.externalFiles
        result.counts = blog.counts
    }

    /// The workflow state each source state lands in.
    var states: [ImportedState: String] {
        let initial = workflow.initialState
        let published =
            workflow.states.first { workflow.folder(of: $0) == Workflow.publishedFolder } ?? workflow.states.last
            ?? initial
        let review =
            workflow.transitions.first {
                $0.from.contains(initial) && $0.to != initial && workflow.folder(of: $0.to) != Workflow.publishedFolder
            }?.to ?? initial
        let scheduled =
            workflow.transitions.first { $0.at != .none && workflow.folder(of: $0.to) != Workflow.publishedFolder }?.to
            ?? review
        return [.draft: initial, .review: review, .scheduled: scheduled, .published: published]
    }

    mutating func make() throws {
        let states = self.states
        // A new repository takes the blog's time zone, so its posts keep their days (and the
        // URLs made of them); one with posts keeps its own, and the report says what moves.
        var additions = WorkflowAdditions(workflow: workflow)
        var zone = workflow.timeZone
        if let blogZone = blog.timeZone, blogZone.identifier != zone.identifier {
            if repository.postPaths().isEmpty {
                additions.timeZone = blogZone.identifier
                zone = blogZone
            } else {
                result.needsPerson.append(
                    ImportNote(
                        SourceLocation(path: workflow.path),
                        "the blog's dates are in \(blogZone.identifier), this workflow's in \(zone.identifier): posts near midnight fall on another day, and URLs made of the day change (redirected)"
                    ))
            }
        }

        // Slugs: the source's, made valid, unique among the posts imported and against the
        // repository's other posts. A post already here with the same slug and title is this one
        // (imported before): kept, or rewritten with --update.
        var slugs: [String] = []
        var existing: [String?] = []
        var taken: [String: String] = [:]
        for post in blog.posts {
            let wanted = ImportPlan.slug(post.slug, title: post.title)
            var slug = wanted
            var number = 1
            var here: String?
            while true {
                here = PostFile.paths(of: slug).first(where: repository.isFile)
                let other = here.flatMap { try? repository.readPost(at: $0, checkingShape: false) }
                if taken[slug] == nil, here == nil || other?.title == post.title { break }
                number += 1
                slug = "\(wanted)-\(number)"
            }
            if slug != wanted {
                let holder = taken[wanted] ?? PostFile.paths(of: wanted).first(where: repository.isFile) ?? wanted
                result.needsPerson.append(
                    ImportNote(post.origin, "the slug '\(wanted)' is taken (\(holder)); this post is '\(slug)'"))
            }
            taken[slug] = post.origin.description
            slugs.append(slug)
            existing.append(here)
        }

        // Where each post goes (with --update, to the folder of its state now), and the old URLs
        // that lead to it.
        var paths: [String] = []
        var byURL: [String: String] = [:]
        for (index, post) in blog.posts.enumerated() {
            let state = states[post.state] ?? workflow.initialState
            let target =
                "\(workflow.folder(of: state))/\(slugs[index]).\(existing[index].map { PostFile.fileExtension(of: $0) } ?? "md")"
            let path = request.update ? target : existing[index] ?? target
            paths.append(path)
            for url in post.oldURLs { byURL[LinkRewriter.key(url)] = path }
        }

        // What the workflow needs to know: the people posts name, the keys they carry, the site.
        for post in blog.posts {
            for name in post.authors where workflow.authors[name] == nil && Person(parsing: name) == nil {
                additions.author(name, blog.people[name])
            }
            for (key, _) in post.extra { additions.field(key) }
        }
        // Where the posts are on the site: the patterns their own URLs follow (most posts
        // first), then the one the source's configuration gives.
        var blogPatterns = ImportPlan.patterns(of: blog.posts, slugs: slugs, zone: zone)
        for pattern in blog.postPatterns where !blogPatterns.contains(pattern) { blogPatterns.append(pattern) }
        if workflow.sitePosts.isEmpty {
            additions.site(
                posts: blogPatterns, pages: blog.pages,
                texts: blog.site.filter { workflow.siteSettings.texts[$0.key] == nil })
        }
        let sitePatterns = workflow.sitePosts.isEmpty ? blogPatterns : workflow.sitePosts.map(\.text)
        var unnamed = 0
        var copied: Set<String> = []

        let rewriter = LinkRewriter(byURL: byURL)
        var scheduledWithApproval = 0
        var summaries = 0
        var linksRewritten = 0
        for (index, post) in blog.posts.enumerated() {
            let slug = slugs[index]
            let path = paths[index]
            let state = states[post.state] ?? workflow.initialState
            let folder = String(path[..<(path.firstIndex(of: "/") ?? path.endIndex)])
            var body = post.body
            let (rewritten, count) = rewriter.rewrite(body, from: folder)
            body = rewritten
            linksRewritten += count

            var lines = ["---", "title: \(YAMLValue.scalar(post.title))", "slug: \(slug)"]
            let people = post.authors.map { name in Person(parsing: name).map(\.description) ?? name }
            if people.count == 1 {
                lines.append("author: \(YAMLValue.scalar(people[0]))")
            } else if people.count > 1 {
                lines += YAMLValue.list(people.map(YAMLValue.string)).lines(key: "authors")
            } else {
                lines.append("author: \(YAMLValue.scalar(request.actor.description))")
                unnamed += 1
            }
            lines.append("status: \(YAMLValue.scalar(state))")
            if !post.categories.isEmpty {
                lines += YAMLValue.list(post.categories.map(YAMLValue.string)).lines(key: "categories")
            }
            if !post.tags.isEmpty { lines += YAMLValue.list(post.tags.map(YAMLValue.string)).lines(key: "tags") }
            var summary = post.summary.map(ImportPlan.plainText).flatMap { $0.isEmpty ? nil : $0 }
            if summary == nil, post.state != .draft, let first = ImportPlan.firstParagraph(of: body) {
                summary = first
                summaries += 1
            }
            if let summary {
                lines.append(
                    "summary: \(YAMLValue.scalar(ImportPlan.shortened(summary, to: workflow.fields["summary"]?.maxLength)))"
                )
            }
            switch post.state {
            case .published:
                let date = post.date ?? request.now
                if post.date == nil {
                    result.needsPerson.append(
                        ImportNote(post.origin, "no date; 'published_at' is the time of the import"))
                }
                lines.append("published_at: \(PressTime.format(date, zone: zone))")
            case .scheduled:
                if let date = post.date, date > request.now {
                    lines.append("publish_at: \(PressTime.format(date, zone: zone))")
                    // Approved when it was scheduled there (its last change), else now.
                    let approval = Approval(
                        person: request.actor,
                        at: PressTime.format(min(post.modified ?? request.now, request.now), zone: zone))
                    lines += YAMLValue.list([approval.yaml]).lines(key: "approvals")
                    scheduledWithApproval += 1
                }
            case .draft, .review: break
            }
            if let expire = post.expireAt { lines.append("expire_at: \(PressTime.format(expire, zone: zone))") }
            for (key, value) in post.extra { lines += value.lines(key: key) }
            lines += ["---", ""]
            // The body without the blank lines around it (Swift's own scan: Foundation's would
            // copy every body to UTF-16 first).
            let start = body.firstIndex { $0 != "\n" } ?? body.endIndex
            let end = body.lastIndex { $0 != "\n" }.map(body.index(after:)) ?? start
            let text = lines.joined(separator: "\n") + "\n" + body[start..<max(start, end)] + "\n"
            let bytes = Array(text.utf8)

            // What the state needs that the source did not give: a person's to add.
            if let parsed = try? Post(path: path, bytes: bytes) {
                for key in workflow.missingKeys(in: state, of: parsed.frontMatter) {
                    result.needsPerson.append(
                        ImportNote(post.origin, "a post in '\(state)' needs '\(key)'; the source has none"))
                }
            }
            result.needsPerson += post.notes

            let action: ImportResult.Action
            if let current = existing[index] {
                if current == path, readFile(repository.git.absolutePath(path)) == bytes {
                    action = .unchanged
                } else if request.update {
                    action = .updated
                    // A post whose state moved it to the other folder leaves the old file.
                    if current != path { changes.append(.delete(path: current)) }
                    changes.append(.write(path: path, contents: bytes))
                } else {
                    action = .kept
                }
            } else {
                action = .added
                changes.append(.write(path: path, contents: bytes))
            }
            if action == .added || action == .updated {
                for asset in post.assets
                where (!repository.isFile(asset.to) || request.update) && !copied.contains(asset.to) {
                    copied.insert(asset.to)
                    guard let contents = readFile(asset.from, followingLinks: false) else {
                        let reason = errno == ELOOP ? "a symbolic link, not followed" : String(cString: strerror(errno))
                        result.needsPerson.append(ImportNote(post.origin, "cannot read \(asset.from): \(reason)"))
                        continue
                    }
                    changes.append(.write(path: asset.to, contents: contents))
                    result.assets += 1
                }
            }
            result.posts.append(
                .init(slug: slug, path: path, state: state, action: action, origin: post.origin))

            // The redirects: each old URL to where press's site puts the post.
            // Redirects lead to live pages: a post not out yet has none.
            let candidates = sitePatterns.map { ImportPlan.sitePath($0, slug: slug, post: post, zone: zone) }
            if let first = candidates.first, post.state == .published {
                let kept = Set(candidates.map { LinkRewriter.key($0, foldingCase: false) })
                let new =
                    post.oldURLs.first.flatMap { old in
                        candidates.first {
                            LinkRewriter.key($0, foldingCase: false) == LinkRewriter.key(old, foldingCase: false)
                        }
                    } ?? first
                var seen = kept
                for old in post.oldURLs where seen.insert(LinkRewriter.key(old, foldingCase: false)).inserted {
                    result.redirects.append((old, new))
                }
            }
        }

        if unnamed > 0 {
            result.mapped.append("author: you (\(request.actor)), for \(unnamed) posts the source names no author for")
        }
        if summaries > 0 { result.mapped.append("summary: the first paragraph, for \(summaries) posts without one") }
        if scheduledWithApproval > 0 {
            result.mapped.append(
                "approvals: \(scheduledWithApproval) scheduled posts carry your approval (they were scheduled in \(blog.source))"
            )
        }
        if linksRewritten > 0 {
            result.mapped.append("links: \(linksRewritten) links to other imported posts now name their files")
        }

        // What the workflow's own rules say against the blog, for a person to settle: values
        // outside a vocabulary, and the blog's pages when the workflow names its own site.
        for key in ["categories", "tags"] {
            guard let allowed = workflow.fields[key]?.values, !allowed.isEmpty else { continue }
            var outside: [String: Int] = [:]
            for post in blog.posts {
                for value in key == "tags" ? post.tags : post.categories where !allowed.contains(value) {
                    outside[value, default: 0] += 1
                }
            }
            guard !outside.isEmpty else { continue }
            let listed = outside.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.prefix(12).map {
                "\($0.key) (\($0.value))"
            }
            result.needsPerson.append(
                ImportNote(
                    SourceLocation(path: workflow.path),
                    "\(outside.count) \(key) are not in 'fields: \(key): values': \(listed.joined(separator: ", "))\(outside.count > 12 ? ", …" : ""); add them there, or rename them in the posts"
                ))
        }
        if !workflow.sitePosts.isEmpty {
            let undeclared = blog.pages.filter { page in !workflow.sitePages.contains { $0.text == page } }
            if !undeclared.isEmpty {
                result.needsPerson.append(
                    ImportNote(
                        SourceLocation(path: workflow.path),
                        "the blog's other pages are not this site's; links to them are errors until they are under 'site: pages:' (if they stay online): \(undeclared.prefix(12).joined(separator: ", "))\(undeclared.count > 12 ? ", …" : "")"
                    ))
            }
        }

        // The workflow, when the posts need more of it.
        result.workflowAdditions = additions.lines
        result.needsPerson += additions.byHand
        if !additions.lines.isEmpty, !changes.isEmpty {
            let path = workflow.path
            guard let head = try repository.git.headCommitID(),
                let blob = try repository.git.blobID(atPath: path, in: head)
            else { throw WorkflowError.notCommitted(path: path) }
            let text = String(decoding: try repository.git.blob(blob), as: UTF8.self)
            let updated = Array(additions.applied(to: text).utf8)
            // Never a workflow press itself would refuse: checked before anything is written.
            do {
                _ = try Workflow(bytes: updated, path: path)
            } catch let error as PressError {
                throw ImportError(
                    error.location, "the workflow with the import's additions would be refused: \(error.description)",
                    usage: false)
            }
            changes.append(.write(path: path, contents: updated))
        }
        if !result.redirects.isEmpty, !changes.isEmpty {
            var lines =
                (readFile(repository.git.absolutePath(ContentRepository.redirectsPath)).map {
                    String(decoding: $0, as: UTF8.self).split(separator: "\n").map(String.init)
                } ?? [])
            let known = Set(lines.map { $0.split(separator: " ").first.map(String.init) ?? "" })
            for (from, to) in result.redirects where !known.contains(from) { lines.append("\(from) \(to) 301") }
            changes.append(
                .write(
                    path: ContentRepository.redirectsPath, contents: Array((lines.joined(separator: "\n") + "\n").utf8))
            )
            result.redirectsPath = ContentRepository.redirectsPath
        }
    }

    // MARK: - Pieces

    /// A valid slug from the source's (lowercased; made from the title when it cannot be one).
    static func slug(_ source: String, title: String) -> String {
        let lowered = (source.removingPercentEncoding ?? source).lowercased()
        if Slug(lowered) != nil { return lowered }
        return Slug(title: lowered)?.value ?? Slug(title: title)?.value ?? "post"
    }

    /// The press patterns the posts' URLs follow (`/2015/12/21/my-post/` by a post of that day
    /// with that slug: `/{year}/{month}/{day}/{slug}/`), those most posts follow first; at most
    /// four, each followed by at least one post in twenty.
    static func patterns(of posts: [ImportedPost], slugs: [String], zone: TimeZone) -> [String] {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        var counts: [String: Int] = [:]
        var order: [String] = []
        for (post, slug) in zip(posts, slugs) where post.state == .published {
            guard let url = post.oldURLs.first, url.hasPrefix("/") else { continue }
            let parts = post.urlDay ?? post.date.map { calendar.dateComponents([.year, .month, .day], from: $0) }
            // Each placeholder once, in the order URLs have them: year, month, day, slug.
            var wanted: [(String, String)] = [
                ("{year}", parts?.year.map(String.init) ?? ""),
                ("{month}", parts?.month.map { String(format: "%02d", $0) } ?? ""),
                ("{day}", parts?.day.map { String(format: "%02d", $0) } ?? ""),
            ].filter { !$0.1.isEmpty }
            var sawSlug = false
            let segments = url.split(separator: "/", omittingEmptySubsequences: false).map { segment -> String in
                let text = String(segment)
                let stem = (text as NSString).deletingPathExtension
                let ext = text.dropFirst(stem.count)
                if !sawSlug, stem.lowercased() == slug {
                    sawSlug = true
                    return "{slug}" + ext
                }
                if !sawSlug, let first = wanted.first, text == first.1 {
                    wanted.removeFirst()
                    return first.0
                }
                return text
            }
            let pattern = segments.joined(separator: "/")
            // A number left in the path is a date the post's own does not match: no pattern.
            let stray = segments.contains { !$0.isEmpty && $0.allSatisfy(\.isNumber) }
            guard sawSlug, !stray, SitePattern(pattern) != nil else { continue }
            if counts[pattern] == nil { order.append(pattern) }
            counts[pattern, default: 0] += 1
        }
        let floor = max(1, posts.count / 20)
        // Most posts first; equal counts in the order the posts came.
        let ranked = order.enumerated().filter { (counts[$0.element] ?? 0) >= floor }.sorted {
            (counts[$0.element] ?? 0, -$0.offset) > (counts[$1.element] ?? 0, -$1.offset)
        }
        return ranked.prefix(4).map(\.element)
    }

    /// A site path from a press pattern for one post.
    static func sitePath(_ pattern: String, slug: String, post: ImportedPost, zone: TimeZone) -> String {
        var values = URLPattern.day(post.date, known: post.urlDay, zone: zone)
        values["slug"] = { slug }
        values["category"] = { post.categories.first.flatMap { Slug(title: $0)?.value } ?? "uncategorized" }
        return URLPattern.fill(pattern, style: .braces, values)
    }

    /// The first paragraph of a Markdown body as plain text, or nil when it has none.
    static func firstParagraph(of body: String) -> String? {
        var paragraph: [Substring] = []
        var fence = false
        // Line by line from the top, stopping at the paragraph's end (bodies can be long).
        var rest = body[...]
        while !rest.isEmpty {
            let end = rest.firstIndex(of: "\n") ?? rest.endIndex
            let line = rest[..<end]
            rest = end < rest.endIndex ? rest[rest.index(after: end)...] : rest[end...]
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") {
                fence.toggle()
                continue
            }
            if fence { continue }
            if trimmed.isEmpty {
                if !paragraph.isEmpty { break }
                continue
            }
            if paragraph.isEmpty,
                trimmed.hasPrefix("#") || trimmed.hasPrefix("<") || trimmed.hasPrefix("!") || trimmed.hasPrefix("{")
                    || trimmed.hasPrefix("|") || trimmed.hasPrefix(">") || line.hasPrefix("    ")
            {
                continue
            }
            paragraph.append(Substring(trimmed))
        }
        let text = plainText(paragraph.joined(separator: " "))
        return text.isEmpty ? nil : text
    }

    /// Markdown and HTML reduced to their words: links to their text, tags and emphasis gone.
    static func plainText(_ markdown: String) -> String {
        var out = ""
        var index = markdown.startIndex
        var inTag = false
        while index < markdown.endIndex {
            let character = markdown[index]
            switch character {
            case "<" where !inTag: inTag = true
            case ">" where inTag: inTag = false
            case _ where inTag: break
            case "*", "_", "`": break
            case _ where character.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }):
                out.append(" ")
            case "!" where markdown[markdown.index(after: index)...].hasPrefix("["): break
            case "[", "]": break
            case "(" where out.last == nil ? false : markdown[..<index].last == "]":
                // A link's destination: skip to its close.
                if let close = markdown[index...].firstIndex(of: ")") { index = close }
            default: out.append(character)
            }
            index = markdown.index(after: index)
        }
        return HTMLText.decodeEntities(out).split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    /// `text` cut at a word to at most `limit` characters (with an ellipsis when cut).
    static func shortened(_ text: String, to limit: Int?) -> String {
        guard let limit, text.count > limit else { return text }
        let cut = text.prefix(limit - 1)
        let word = cut.lastIndex(of: " ").map { cut[..<$0] } ?? cut
        return word.trimmingCharacters(in: .punctuationCharacters.union(.whitespaces)) + "…"
    }
}

/// Links to imported posts by their old URLs, rewritten to the posts' files.
struct LinkRewriter {
    /// Old site path (as `key` normalises it) → the post's path in the repository.
    let byURL: [String: String]

    /// A site path with its host, `index.html` and trailing slash gone: what two spellings of one
    /// page have in common.
    static func key(_ url: String, foldingCase: Bool = true) -> String {
        var path = Substring(url)
        if let scheme = path.range(of: "://") {
            path = path[scheme.upperBound...]
            path = path.firstIndex(of: "/").map { path[$0...] } ?? "/"
        }
        if let hash = path.firstIndex(of: "#") { path = path[..<hash] }
        if path.hasSuffix("/index.html") { path = path.dropLast("index.html".count) }
        while path.count > 1, path.hasSuffix("/") { path = path.dropLast() }
        let decoded = path.removingPercentEncoding ?? String(path)
        return foldingCase ? decoded.lowercased() : decoded
    }

    /// `path` relative to the folder `folder` (both in the repository).
    static func relative(_ path: String, from folder: String) -> String {
        if path.hasPrefix(folder + "/") { return String(path.dropFirst(folder.count + 1)) }
        return "../" + path
    }

    /// Rewrites Markdown link destinations and `href`/`src` values naming an imported post.
    func rewrite(_ body: String, from folder: String) -> (String, Int) {
        guard !byURL.isEmpty else { return (body, 0) }
        var count = 0
        let text = LinkDestinations.rewrite(body) { destination in
            guard let target = byURL[LinkRewriter.key(destination)] else { return nil }
            count += 1
            let fragment = destination.firstIndex(of: "#").map { String(destination[$0...]) } ?? ""
            return LinkRewriter.relative(target, from: folder) + fragment
        }
        return (text, count)
    }
}

/// The lines an import adds to the workflow: authors the posts name, the keys they carry, and
/// where the site's posts and pages are.
struct WorkflowAdditions {
    let workflow: Workflow
    private var authors: [(String, String)] = []
    private var fields: [String] = []
    private var sitePosts: [String] = []
    private var sitePages: [String] = []
    private var siteTexts: [String: String] = [:]
    /// The time zone the workflow is to have instead of its own.
    var timeZone: String?
    /// What could not be added (a section written in flow style), for the report.
    var byHand: [ImportNote] = []

    init(workflow: Workflow) {
        self.workflow = workflow
    }

    mutating func author(_ name: String, _ person: Person?) {
        // A name with angle brackets cannot be a name alone (it would read as an email).
        let person =
            person
            ?? Person(name: name.filter { $0 != "<" && $0 != ">" }.trimmingCharacters(in: .whitespaces), email: "")
        // Names that differ only in case are one person (press looks a name up as written, then
        // in lower case): the entry is kept in lower case for both.
        if let same = authors.firstIndex(where: { $0.0.lowercased() == name.lowercased() }) {
            if authors[same].0 != name { authors[same].0 = name.lowercased() }
            return
        }
        let value = person.email.isEmpty ? person.name : person.description
        authors.append((name, value))
    }

    mutating func field(_ key: String) {
        guard workflow.fields[key] == nil, !fields.contains(key) else { return }
        fields.append(key)
    }

    mutating func site(posts: [String], pages: [String], texts: [String: String] = [:]) {
        sitePosts = posts
        sitePages = pages
        siteTexts = texts
    }

    /// Each section the import adds to, with its lines.
    var sections: [(key: String, lines: [String])] {
        var sections: [(String, [String])] = []
        if !authors.isEmpty {
            sections.append(("authors", authors.map { "  \(YAMLValue.scalar($0.0)): \(YAMLValue.scalar($0.1))" }))
        }
        if !fields.isEmpty { sections.append(("fields", fields.map { "  \(YAMLValue.scalar($0)): { type: any }" })) }
        if !sitePosts.isEmpty || !siteTexts.isEmpty {
            func list(_ items: [String]) -> String {
                "[" + items.map { YAMLValue.scalar($0, inFlow: true) }.joined(separator: ", ") + "]"
            }
            var site = sitePosts.isEmpty ? [] : ["  posts: \(list(sitePosts))"]
            if !sitePages.isEmpty { site.append("  pages: \(list(sitePages))") }
            for key in ["title", "description", "base_url", "language"] {
                if let text = siteTexts[key] { site.append("  \(key): \(YAMLValue.scalar(text))") }
            }
            sections.append(("site", site))
        }
        return sections
    }

    var lines: [String] {
        (timeZone.map { ["timezone: \($0)"] } ?? []) + sections.flatMap { ["\($0.key):"] + $0.lines }
    }

    /// `text` with each section's lines added: under an existing block section, or as a new
    /// section at the end.
    mutating func applied(to text: String) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        if let timeZone {
            let line = "timezone: \(YAMLValue.scalar(timeZone))"
            if let at = lines.firstIndex(where: { $0.hasPrefix("timezone:") }) {
                let comment = lines[at].range(of: " #").map { String(lines[at][$0.lowerBound...]) } ?? ""
                lines[at] =
                    comment.isEmpty
                    ? line : line + String(repeating: " ", count: max(2, 33 - line.count)) + comment.dropFirst()
            } else {
                lines.insert(line, at: 0)
            }
        }
        for (key, added) in sections {
            guard let start = lines.firstIndex(where: { $0.hasPrefix("\(key):") }) else {
                lines.append("\(key):")
                lines += added
                continue
            }
            let rest = lines[start].dropFirst(key.count + 1).trimmingCharacters(in: .whitespaces)
            guard rest.isEmpty || rest.hasPrefix("#") else {
                byHand.append(
                    ImportNote(
                        SourceLocation(path: workflow.path, line: start + 1),
                        "'\(key):' is written on one line; add by hand: \(added.map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: "; "))"
                    ))
                continue
            }
            var end = start + 1
            while end < lines.count, lines[end].hasPrefix(" ") || lines[end].isEmpty { end += 1 }
            while end > start + 1, lines[end - 1].isEmpty { end -= 1 }
            lines.insert(contentsOf: added, at: end)
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
