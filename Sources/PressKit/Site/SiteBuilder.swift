import Foundation
import Git
import Mustache

/// What `press build` is asked for.
public struct BuildRequest: Sendable {
    /// The folder the site is written to (replaced whole, never left half-written).
    public var output: String
    /// The site as it will be at this time (posts scheduled by then are in it); nil: now, as published.
    public var at: Date?
    /// Drafts and posts in review too (a preview; never for readers).
    public var drafts: Bool
    public var now: Date

    public init(output: String, at: Date? = nil, drafts: Bool = false, now: Date) {
        self.output = output
        self.at = at
        self.drafts = drafts
        self.now = now
    }
}

/// What a build wrote.
public struct BuildResult: Sendable {
    public var posts = 0
    public var pages = 0
    public var files = 0
    public var output: String
}

/// Why a build wrote nothing: a template that cannot be read (exit 2).
public struct BuildError: PressError {
    public var location: SourceLocation?
    public var message: String
    public var isConfigurationError: Bool { true }
    public var description: String { message }
}

extension ContentRepository {
    /// Renders the site: a page per post at the workflow's `site.posts` path, the front page and
    /// a page for each category, tag and author (newest first, `site.per_page` to a page), an
    /// Atom feed for the site and one per category, `sitemap.xml` and `404.html`,
    /// with the default theme or the repository's `templates/`. Files the posts link to are
    /// copied to the same paths. The output folder is built beside the old one and put in its
    /// place by renames: a web server serving it never sees a half-written site.
    public func buildSite(_ request: BuildRequest) throws -> BuildResult {
        let workflow = try workflow()
        let library = try themeLibrary()
        let settings = workflow.siteSettings
        let moment = request.at ?? request.now
        let zone = workflow.timeZone

        // The posts that are out at `moment` (or every one, for a preview with drafts).
        struct Page {
            var post: Post
            var date: Date?
            var path: String
        }
        var pages: [Page] = []
        for (_, result) in readAll({ $0 }) {
            guard case .success(let post) = result, let state = post.status else { continue }
            let published = workflow.folder(of: state) == Workflow.publishedFolder
            let publishedAt = post.publishedAt.flatMap { try? PressTime.parse($0, zone: zone) }
            let publishAt = post.publishAt.flatMap { try? PressTime.parse($0, zone: zone) }
            if let expire = post.string("expire_at").flatMap({ try? PressTime.parse($0, zone: zone) }), expire <= moment
            {
                continue
            }
            let date: Date?
            if published, (publishedAt ?? .distantPast) <= moment {
                date = publishedAt
            } else if let publishAt, request.at != nil, publishAt <= moment {
                date = publishAt
            } else if request.drafts {
                date = publishedAt ?? publishAt
            } else {
                continue
            }
            let slug = post.slug ?? post.fileSlug
            pages.append(
                Page(post: post, date: date, path: sitePath(of: post, slug: slug, date: date, workflow: workflow)))
        }
        pages.sort { ($0.date ?? .distantPast, $1.path) > ($1.date ?? .distantPast, $0.path) }
        let pathBySlug = Dictionary(pages.map { ($0.post.fileSlug, $0.path) }, uniquingKeysWith: { a, _ in a })

        var files: [String: [UInt8]] = [:]
        var assets: Set<String> = []
        // (An empty text is true to Mustache: a key with no value is left out.)
        var site: [String: Any] = ["title": settings.title, "language": settings.language, "root": "/"]
        if !settings.description.isEmpty { site["description"] = settings.description }
        let dayFormat = Date.FormatStyle(date: .long, time: .omitted, timeZone: zone)
        func summary(_ page: Page) -> [String: Any] {
            let authors = workflow.authors(of: page.post)
            var item: [String: Any] = [
                "title": page.post.title ?? page.post.fileSlug, "path": page.path,
                "authors": authors.enumerated().map { ["name": $1.name, "last": $0 == authors.count - 1] },
                "categories": page.post.categories,
            ]
            if let summary = page.post.summary, !summary.isEmpty { item["summary"] = summary }
            if let date = page.date {
                item["date"] = date.formatted(dayFormat)
                item["datetime"] = PressTime.format(date, zone: zone)
            }
            return item
        }

        // A page per post: the Markdown rendered on both cores, the templates after.
        let bodies = pages.parallelMap { page -> (html: String, assets: Set<String>) in
            var found: Set<String> = []
            let html = PostHTML.render(page.post.frontMatter.bodySlice) { destination in
                self.resolve(destination, from: page.post, pathBySlug: pathBySlug, assets: &found)
            }
            return (html, found)
        }
        for (page, (html, found)) in zip(pages, bodies) {
            assets.formUnion(found)
            var post = summary(page)
            post["html"] = html
            var context: [String: Any] = [
                "site": site, "post": post,
                "page_title": "\(page.post.title ?? page.post.fileSlug) — \(settings.title)",
            ]
            if let summary = page.post.summary, !summary.isEmpty { context["description"] = summary }
            files[ContentRepository.file(for: page.path)] = Array(
                (library.render(context, withTemplate: "post") ?? "").utf8)
        }

        // Lists of posts, newest first, `site.per_page` to a page: the front page, and one for
        // each category, tag and author, each with its own pages after the first.
        var listed: [String] = []
        func writeList(_ chosen: [Page], at base: String, heading: String?) {
            let chunks = stride(from: 0, to: max(chosen.count, 1), by: settings.perPage).map {
                Array(chosen[$0..<min($0 + settings.perPage, chosen.count)])
            }
            func path(_ number: Int) -> String { number == 1 ? base : "\(base)page/\(number)/" }
            for (index, chunk) in chunks.enumerated() {
                let number = index + 1
                var context: [String: Any] = [
                    "site": site, "posts": chunk.map(summary),
                    "page_title": heading.map { "\($0) — \(settings.title)" } ?? settings.title,
                ]
                if let heading { context["heading"] = heading }
                if !settings.description.isEmpty, heading == nil { context["description"] = settings.description }
                if number > 1 { context["newer"] = path(number - 1) }
                if number < chunks.count { context["older"] = path(number + 1) }
                files[ContentRepository.file(for: path(number))] = Array(
                    (library.render(context, withTemplate: "list") ?? "").utf8)
                listed.append(path(number))
            }
        }
        writeList(pages, at: "/", heading: nil)
        func groups(_ names: (Page) -> [String]) -> [(name: String, slug: String, pages: [Page])] {
            var found: [String: (String, [Page])] = [:]
            for page in pages {
                for name in names(page) {
                    let slug = Slug(title: name)?.value ?? name.lowercased()
                    found[slug, default: (name, [])].1.append(page)
                }
            }
            return found.keys.sorted().compactMap { slug in found[slug].map { (name: $0.0, slug: slug, pages: $0.1) } }
        }
        let categories = groups { $0.post.categories }
        for group in categories { writeList(group.pages, at: "/categories/\(group.slug)/", heading: group.name) }
        for group in groups(\.post.tags) { writeList(group.pages, at: "/tags/\(group.slug)/", heading: group.name) }
        for group in groups({ workflow.authors(of: $0.post).map(\.name).filter { !$0.isEmpty } }) {
            writeList(group.pages, at: "/authors/\(group.slug)/", heading: group.name)
        }
        files["404.html"] = Array(
            (library.render(["site": site, "page_title": "Not found — \(settings.title)"], withTemplate: "notfound")
                ?? "")
                .utf8)

        // The feeds: the site's, and one for each category.
        let updated = pages.compactMap(\.date).max() ?? Date(timeIntervalSince1970: 0)
        // Atom ids are absolute: the page's address, or without `site.base_url` a URN of its path.
        func id(_ path: String) -> String {
            HTMLEscape.attribute(settings.baseURL.isEmpty ? "urn:press:site:\(path)" : settings.baseURL + path)
        }
        func writeFeed(_ chosen: [Page], at base: String, title: String) {
            let newest = chosen.compactMap(\.date).max() ?? updated
            var feed = [
                "<?xml version=\"1.0\" encoding=\"utf-8\"?>", "<feed xmlns=\"http://www.w3.org/2005/Atom\">",
                "<title>\(HTMLEscape.attribute(title))</title>", "<id>\(id(base))</id>",
                "<link href=\"\(HTMLEscape.attribute(settings.baseURL + base))\"/>",
                "<link rel=\"self\" href=\"\(HTMLEscape.attribute(settings.baseURL + base + "feed.xml"))\"/>",
                "<updated>\(PressTime.format(newest, zone: zone))</updated>",
            ]
            for page in chosen.prefix(settings.feedLength) {
                let url = HTMLEscape.attribute(settings.baseURL + page.path)
                let date = PressTime.format(page.date ?? newest, zone: zone)
                feed += ["<entry>", "<title>\(HTMLEscape.attribute(page.post.title ?? page.post.fileSlug))</title>"]
                feed += [
                    "<id>\(id(page.path))</id>", "<link href=\"\(url)\"/>", "<published>\(date)</published>",
                    "<updated>\(date)</updated>",
                ]
                let authors = workflow.authors(of: page.post)
                feed += (authors.isEmpty ? [Person(name: settings.title, email: "")] : authors).map {
                    "<author><name>\(HTMLEscape.attribute($0.name.isEmpty ? $0.email : $0.name))</name></author>"
                }
                if let summary = page.post.summary {
                    feed.append("<summary>\(HTMLEscape.attribute(summary))</summary>")
                }
                feed += ["</entry>"]
            }
            feed.append("</feed>")
            files[String(base.dropFirst()) + "feed.xml"] = Array((feed.joined(separator: "\n") + "\n").utf8)
        }
        writeFeed(pages, at: "/", title: settings.title)
        for group in categories {
            writeFeed(group.pages, at: "/categories/\(group.slug)/", title: "\(group.name) — \(settings.title)")
        }

        var sitemap = [
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>",
            "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">",
        ]
        for path in listed + pages.map(\.path) {
            sitemap.append("<url><loc>\(HTMLEscape.attribute(settings.baseURL + path))</loc></url>")
        }
        sitemap.append("</urlset>")
        files["sitemap.xml"] = Array((sitemap.joined(separator: "\n") + "\n").utf8)
        // The redirects an import wrote (old URLs to new), where hosts that read them look.
        if let redirects = readFile(git.absolutePath(ContentRepository.redirectsPath), followingLinks: false) {
            files[ContentRepository.redirectsPath] = redirects
        }
        for asset in assets {
            if let bytes = readFile(git.absolutePath(asset), followingLinks: false) { files[asset] = bytes }
        }

        try ContentRepository.replaceFolder(request.output, with: files)
        return BuildResult(
            posts: pages.count, pages: files.count - assets.count, files: files.count, output: request.output)
    }

    /// The theme: press's templates, each replaced by `templates/NAME.mustache` when the
    /// repository has one.
    /// - Throws: `BuildError` naming the template file, line and column of a template error.
    func themeLibrary() throws -> MustacheLibrary {
        var library = MustacheLibrary()
        for name in Theme.names {
            let path = "templates/\(name).mustache"
            let own = readFile(git.absolutePath(path)).map { String(decoding: $0, as: UTF8.self) }
            do {
                library.register(try MustacheTemplate(string: own ?? Theme.defaults[name] ?? ""), named: name)
            } catch let error as MustacheTemplate.ParserError {
                throw BuildError(
                    location: SourceLocation(
                        path: own == nil ? "(press's \(name) template)" : path, line: error.context.lineNumber,
                        column: error.context.columnNumber + 1),
                    message: "the template cannot be read: \(ContentRepository.words(for: error.error))")
            }
        }
        return library
    }

    /// A Mustache parse error in words.
    static func words(for error: Error) -> String {
        switch error as? MustacheTemplate.Error {
        case .sectionCloseNameIncorrect?:
            return "a section is closed ({{/…}}) with a name other than the one it opened with"
        case .unfinishedName?: return "a tag is not closed with }}"
        case .expectedSectionEnd?: return "a section ({{#…}} or {{^…}}) is not closed"
        case .invalidSetDelimiter?: return "a delimiter change ({{=… …=}}) cannot be read"
        default: return "\(error)"
        }
    }

    /// The site path of a post, by the workflow's first `site.posts` pattern (`/posts/{slug}/`
    /// when it has none).
    func sitePath(of post: Post, slug: String, date: Date?, workflow: Workflow) -> String {
        var values = URLPattern.day(date, zone: workflow.timeZone)
        values["slug"] = { slug }
        values["category"] = { post.categories.first.flatMap { Slug(title: $0)?.value } ?? "uncategorized" }
        return URLPattern.fill(workflow.postPathPattern ?? "/posts/{slug}/", style: .braces, values)
    }

    /// A link as the site has it: a post's file → its page, a file in the repository → the same
    /// path on the site (copied there), anything else as written.
    private func resolve(
        _ destination: String, from post: Post, pathBySlug: [String: String], assets: inout Set<String>
    )
        -> String?
    {
        guard !destination.isEmpty, !destination.hasPrefix("#"), !destination.hasPrefix("//"),
            destination.firstIndex(of: ":").map({ colon in destination[..<colon].contains("/") }) ?? true
        else { return nil }
        let cut = destination.firstIndex { $0 == "#" || $0 == "?" } ?? destination.endIndex
        let path = String(destination[..<cut]).removingPercentEncoding ?? String(destination[..<cut])
        let suffix = String(destination[cut...])
        let joined = path.hasPrefix("/") ? String(path.dropFirst()) : "\(post.folder)/\(path)"
        guard let relative = LinkCheck.normalise(joined), !relative.isEmpty else { return nil }
        if let slug = PostFile.slug(ofPath: relative) {
            return pathBySlug[slug].map { $0 + suffix }
        }
        var info = stat()
        guard lstat(git.absolutePath(relative), &info) == 0, info.st_mode & S_IFMT == S_IFREG,
            !relative.hasPrefix(".git/"), !relative.hasPrefix(".press/")
        else { return nil }
        assets.insert(relative)
        return "/" + relative + suffix
    }

    /// The file a site path is served from: `/a/` → `a/index.html`, `/a.html` → `a.html`.
    static func file(for path: String) -> String {
        let trimmed = path.drop { $0 == "/" }
        return trimmed.isEmpty || trimmed.hasSuffix("/") ? trimmed + "index.html" : String(trimmed)
    }

    /// Creates `path` (which must not exist) holding `bytes`.
    private static func writeNew(_ path: String, _ bytes: [UInt8]) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard descriptor >= 0 else {
            throw BuildError(location: nil, message: "cannot write \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { buffer in
                write(descriptor, buffer.baseAddress.map { $0 + written }, buffer.count - written)
            }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else {
                throw BuildError(location: nil, message: "cannot write \(path): \(String(cString: strerror(errno)))")
            }
            written += count
        }
    }

    /// Writes `files` into a new folder beside `folder`, then puts it in `folder`'s place.
    static func replaceFolder(_ folder: String, with files: [String: [UInt8]]) throws {
        let manager = FileManager.default
        let target = URL(fileURLWithPath: folder).standardizedFileURL.path
        let parent = (target as NSString).deletingLastPathComponent
        try manager.createDirectory(atPath: parent, withIntermediateDirectories: true)
        let fresh = "\(target).press-new-\(getpid())"
        let old = "\(target).press-old-\(getpid())"
        try? manager.removeItem(atPath: fresh)
        do {
            // Each file written once, in place: the folder is new, and it is the folder's rename
            // that readers see (a temporary file per file would double the work).
            var folders: Set<String> = []
            for (path, bytes) in files.sorted(by: { $0.key < $1.key }) {
                let file = "\(fresh)/\(path)"
                let folder = (file as NSString).deletingLastPathComponent
                if folders.insert(folder).inserted {
                    try manager.createDirectory(atPath: folder, withIntermediateDirectories: true)
                }
                try writeNew(file, bytes)
            }
            if manager.fileExists(atPath: target) {
                guard rename(target, old) == 0 else {
                    throw BuildError(
                        location: nil, message: "cannot replace \(target): \(String(cString: strerror(errno)))")
                }
            }
            guard rename(fresh, target) == 0 else {
                let reason = String(cString: strerror(errno))
                _ = rename(old, target)
                throw BuildError(location: nil, message: "cannot put the site in \(target): \(reason)")
            }
        } catch {
            try? manager.removeItem(atPath: fresh)
            throw error
        }
        try? manager.removeItem(atPath: old)
    }
}
