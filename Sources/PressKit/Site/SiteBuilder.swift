import Foundation
import Git
import Mustache

/// What `press build` is asked for.
public struct BuildRequest: Sendable {
    /// The folder the site is written to (never left half-written).
    public var output: String
    /// The site as it will be at this time (posts scheduled by then are in it); nil: now, as published.
    public var at: Date?
    /// Drafts and posts in review too (a preview; never for readers).
    public var drafts: Bool
    /// Refuse to write anything when a post going out has validation errors (else: warnings).
    public var strict: Bool
    /// Every page made again, whatever the last build's manifest says.
    public var full: Bool
    public var now: Date

    public init(
        output: String, at: Date? = nil, drafts: Bool = false, strict: Bool = false, full: Bool = false, now: Date
    ) {
        self.output = output
        self.at = at
        self.drafts = drafts
        self.strict = strict
        self.full = full
        self.now = now
    }

    /// Only the site as readers see it now is kept up to date file by file (its manifest
    /// kept); a look at another time or at drafts is made whole.
    var keepsManifest: Bool { at == nil && !drafts }
    var isIncremental: Bool { keepsManifest && !full }
}

/// What a build wrote.
public struct BuildResult: Sendable {
    public var posts = 0
    public var files = 0
    public var output: String
    /// Whether only what changed since the last build was made (else the folder was replaced).
    public var incremental = false
    /// The files written (every file, for a whole build) and removed, relative to `output`.
    public var written: [String] = []
    public var removed: [String] = []
    /// Every file the site has now, relative to `output`.
    public var all: [String] = []
    /// Validation errors in the posts that were built: warnings (with `strict`, the refusal).
    public var warnings: [Diagnostic] = []
    /// With `strict`: posts going out had errors (`warnings`), and nothing was written.
    public var refused = false
}

/// Why a build wrote nothing: a template that cannot be read (exit 2), or a folder that cannot
/// be written.
public struct BuildError: PressError {
    public var location: SourceLocation?
    public var message: String
    /// A folder the build or a deploy may not replace (exit 2, as a template's error is).
    var isUsage = false
    public var isConfigurationError: Bool { location != nil || isUsage }
    public var description: String { message }
}

/// A post page in the site: the post, the date it is shown with, its site path and file.
struct SitePage: Sendable {
    var post: SitePost
    var date: Date?
    var path: String
    var file: String
    /// The post file's bytes (their digest), its path and date: what its page is made from.
    var key: UInt64
    /// What lists show of it (its path, date, title, summary, authors and categories): an edit
    /// of the body alone remakes the post's page, not the lists it is on.
    var shown: UInt64
}

/// The site rendered in memory: the bytes of each output that changed since the last build
/// (every output when there was none), and the manifest of this one.
struct SiteRender: Sendable {
    var changed: [String: [UInt8]] = [:]
    var manifest: SiteManifest
    var pages: [SitePage] = []
    /// Posts whose page was made this time (their validation errors are reported).
    var rendered: [String] = []
    /// Files in the repository copied into the site.
    var assets: Set<String> = []
    /// Posts read this time (the others were as the manifest recorded them), and records gone
    /// (the file is, or it could not be read).
    var read: [String] = []
    var gone: [String] = []
    /// The posts read this time, as they were read: the validation of those going out checks
    /// these (the bytes that were rendered) instead of reading the files again.
    var posts: [String: Post] = [:]
}

/// A list page to make: which posts (indexes into the site's pages), its heading and neighbours.
private struct ListPage: Sendable {
    var path: String
    var posts: [Int]
    var heading: String?
    var newer: String?
    var older: String?
}

/// The pages of each category (or tag, or author), in the site's order: one lookup for each
/// name on each page, the name's group found by its slug the first time it is met (names that
/// differ only in case share a slug, and a group).
private struct SiteGroups {
    private var found: [(name: String, slug: String, pages: [Int])] = []
    private var groupOfName: [String: Int] = [:]
    private var groupOfSlug: [String: Int] = [:]

    mutating func add(_ name: String, page: Int) {
        if let group = groupOfName[name] {
            found[group].pages.append(page)
            return
        }
        let slug = Slug(title: name)?.value ?? name.lowercased()
        let group = groupOfSlug[slug] ?? found.count
        if group == found.count { found.append((name, slug, [])) }
        groupOfSlug[slug] = group
        groupOfName[name] = group
        found[group].pages.append(page)
    }

    /// By slug.
    var sorted: [(name: String, slug: String, pages: [Int])] { found.sorted { $0.slug < $1.slug } }
}

/// The `item` partial as lists see it: the HTML the post's `item` template made.
private let itemHTML: MustacheTemplate = {
    do { return try MustacheTemplate(string: "{{{_item}}}") } catch { preconditionFailure("\(error)") }
}()

extension ContentRepository {
    /// Where the manifest of the last build into `output` is kept: `.press/build/manifest` for
    /// `site/`, one of its own for each other folder (a build elsewhere leaves site/'s alone).
    func manifestPath(for output: String) -> String {
        let standard = URL(fileURLWithPath: output).standardizedFileURL.path
        if standard == URL(fileURLWithPath: root + "/site").standardizedFileURL.path {
            return git.absolutePath(".press/build/manifest")
        }
        var key = InputKey()
        key.add(standard)
        return git.absolutePath(".press/build/manifest-\(key.hex)")
    }

    /// Renders the site: a page per post at the workflow's `site.posts` path, the front page and
    /// a page for each category, tag and author (newest first, `site.per_page` to a page), an
    /// Atom feed for the site and one per category, `sitemap.xml` and `404.html`, with the
    /// default theme or the repository's `templates/`. Files the posts link to are copied to
    /// the same paths.
    ///
    /// The first build (or one with `full`, or after the theme, the workflow or press changed)
    /// writes a new folder beside the old one and swaps the two. After that
    /// `.press/build/manifest` says what each file was made from, and only files whose inputs
    /// changed are made again, each written to a temporary name and renamed over the old one;
    /// pages whose post is gone are removed. A web server serving the folder never sees a
    /// half-written file.
    public func buildSite(_ request: BuildRequest) async throws -> BuildResult {
        // One build of the kept site at a time (a scheduler's deploy and an editor's build):
        // the manifest must describe the files beside it.
        let lock = request.keepsManifest ? try buildLock() : nil
        defer { withExtendedLifetime(lock) {} }
        return try await buildSiteLocked(request)
    }

    /// The lock a build of the kept site holds (`.press/build/lock`), waiting up to a minute.
    func buildLock() throws -> FileLock {
        try FileLock(path: git.absolutePath(".press/build/lock"), timeout: 60)
    }

    /// `buildSite` with the build lock already held (or not needed).
    func buildSiteLocked(_ request: BuildRequest) async throws -> BuildResult {
        let manifestFile = manifestPath(for: request.output)
        // Before anything else, and for an incremental build too: one that finds the theme
        // changed replaces the folder whole.
        try refuseForeignOutput(request.output, manifest: manifestFile)
        // The post files looked at while the last build's manifest is read.
        async let stamps = postStamps()
        var isDirectory: ObjCBool = false
        let previous =
            request.isIncremental
                && FileManager.default.fileExists(atPath: request.output, isDirectory: &isDirectory)
                && isDirectory.boolValue
            ? cachedManifest(manifestFile) : nil
        // With no site to build on, the build is whole: its new folder's folders are made while
        // the pages are rendered.
        ContentRepository.removeLeftovers(beside: request.output)
        let early = previous == nil ? try NewSiteFolder(beside: request.output) : nil
        let render: SiteRender
        do {
            render = try renderSite(request, previous: previous, stamps: await stamps) { files in
                early?.start(foldersOf: files)
            }
        } catch {
            early?.remove()
            throw error
        }
        defer { Leftovers.free((previous, render)) }
        let incremental = previous.map { $0.theme == render.manifest.theme && $0.output == request.output } ?? false

        // Validation errors in what goes out: warnings, or with --strict the reason for writing
        // nothing. A whole site is written into its new folder meanwhile (validation and the
        // file system's work overlap), and that folder is put in place only if it may be.
        async let checked = renderedWarnings(render, now: request.now)
        // A whole build's manifest is written whole: its bytes are made meanwhile too.
        let encodesEarly = request.keepsManifest && !incremental
        async let encoded = encodesEarly ? render.manifest.bytes : []
        var fresh: String?
        if !incremental {
            let folder = try early ?? NewSiteFolder(beside: request.output)
            try ContentRepository.writeFolder(folder, render.changed)
            fresh = folder.path
        }
        let warnings: [Diagnostic]
        do {
            warnings = try await checked
        } catch {
            if let fresh { try? FileManager.default.removeItem(atPath: fresh) }
            throw error
        }
        var result = BuildResult(
            posts: render.pages.count, files: render.manifest.outputs.count, output: request.output,
            incremental: incremental, warnings: warnings)
        if request.strict, !warnings.isEmpty {
            if let fresh { try? FileManager.default.removeItem(atPath: fresh) }
            result.refused = true
            return result
        }
        if let fresh {
            Crashpoint.here("site-written")
            if request.keepsManifest { try forgetGoneFolders(keeping: request.output) }
            try recordBuiltFolder(request.output)
            try ContentRepository.putFolder(fresh, in: request.output)
        } else if let previous {
            try ContentRepository.replaceFiles(render.changed, in: request.output)
            // Outputs gone: as many as the counts say (no pass over 10,000 paths when none is).
            let added = render.changed.keys.count { previous.outputs[$0] == nil }
            if previous.outputs.count + added != render.manifest.outputs.count {
                for path in previous.outputs.keys.sorted() where render.manifest.outputs[path] == nil {
                    ContentRepository.removeOutput(path, from: request.output)
                    result.removed.append(path)
                }
            }
        }
        result.written = render.changed.keys.sorted()
        result.all = Array(render.manifest.outputs.keys)
        if request.keepsManifest,
            !incremental || !render.changed.isEmpty || !result.removed.isEmpty || !render.read.isEmpty
                || !render.gone.isEmpty
        {
            try FileManager.default.createDirectory(
                atPath: manifestFile.parentFolder, withIntermediateDirectories: true)
            var manifest = render.manifest
            if incremental, let previous,
                let journal = manifest.journal(
                    since: previous, records: render.read + render.gone, outputs: Array(render.changed.keys),
                    removedOutputs: result.removed),
                ContentRepository.append(journal, to: manifestFile)
            {
                manifest.lineCount = previous.lineCount + journal.count { $0 == 0x0A }
            } else {
                try ContentRepository.writeReplacing(manifestFile, encodesEarly ? await encoded : manifest.bytes)
                manifest.lineCount = manifest.records.count + manifest.outputs.count
            }
            if let stamp = FileStamp.of(manifestFile)?.stamp {
                let kept = manifest
                manifestCache.withLock { $0 = (stamp, kept) }
            }
        }
        return result
    }

    /// The validation errors of the posts whose pages were made.
    private func renderedWarnings(_ render: SiteRender, now: Date) async throws -> [Diagnostic] {
        guard !render.rendered.isEmpty else { return [] }
        // A check of a few posts reads what they link to as it meets it; of many, it is
        // quicker to read every post once (and check only those).
        let many = render.rendered.count > render.manifest.records.count / 4
        let rendered = Set(render.rendered)
        var check = ValidationRequest(paths: many ? nil : render.rendered, now: now)
        check.only = many ? rendered : nil
        check.approvalsAgainstHistory = false
        check.posts = render.posts
        let report = try await Validator(repository: self).validate(check)
        return report.sorted.filter { $0.severity == .error && rendered.contains($0.location.path) }
    }

    /// The manifest at `file`: the one this process wrote last while the file is still that one
    /// (a scheduler's next build after a publish reads no 5 MB), else read.
    private func cachedManifest(_ file: String) -> SiteManifest? {
        let stamp = FileStamp.of(file)?.stamp
        if let stamp, let (cached, manifest) = manifestCache.withLock({ $0 }), cached == stamp { return manifest }
        return readFile(file).flatMap(SiteManifest.init(bytes:))
    }

    /// The site in memory: each output whose inputs differ from `previous`'s record of them
    /// (every output when `previous` is nil or was made with another theme or workflow).
    /// - Parameter planned: told the paths of the files a whole build will write, as they are
    ///   known (before each kind is rendered).
    func renderSite(
        _ request: BuildRequest, previous: SiteManifest?,
        stamps: [(path: String, stamp: UInt64, modified: Int64)]? = nil,
        planned: (@Sendable ([String]) -> Void)? = nil
    ) throws -> SiteRender {
        let started = Int64(Date().timeIntervalSince1970 * 1_000_000_000)
        let workflow = try workflow()
        let (library, theme, own) = try themeLibrary()
        let settings = workflow.siteSettings
        let moment = request.at ?? request.now
        let zone = workflow.timeZone
        var themeKey = InputKey()
        themeKey.add("press-site 2 \(request.drafts) \(request.at.map { "\($0.timeIntervalSince1970)" } ?? "")")
        themeKey.add(theme)
        // The workflows as committed, which are what the build follows: a working copy's
        // uncommitted edit changes nothing here, and its commit changes every page.
        for entry in try committedWorkflowFiles() {
            themeKey.add(entry.name)
            themeKey.add(entry.id.description)
        }
        let themeHex = themeKey.hex
        let trusted = previous.flatMap { $0.theme == themeHex && $0.output == request.output ? $0 : nil }
        var manifest = SiteManifest(output: request.output, theme: themeHex, started: started)

        // Each post's record: the last build's while the file is as it was then, else read now.
        // (The last build's records are taken whole and the few that changed replaced: one
        // copy of the table instead of 10,000 insertions.)
        var toRead: [(path: String, stamp: UInt64)] = []
        let listed = stamps ?? postStamps()
        manifest.records = trusted?.records ?? [:]
        var known = 0
        for (path, stamp, modified) in listed {
            guard let old = manifest.records[path] else {
                toRead.append((path, stamp))
                continue
            }
            known += 1
            if let trusted, old.stamp == stamp, modified + 1_000_000_000 < trusted.started { continue }
            toRead.append((path, stamp))
        }
        // Records of files that are gone.
        var gone: [String] = []
        if manifest.records.count != known {
            let present = Set(listed.map(\.path))
            gone = manifest.records.keys.filter { !present.contains($0) }
            for path in gone { manifest.records[path] = nil }
        }
        var read: [String: Post] = [:]
        let stamps = Dictionary(toRead.map { ($0.path, $0.stamp) }, uniquingKeysWith: { a, _ in a })
        // (Each post's record made on the core that read it.)
        let records = readAll(paths: toRead.map(\.path)) { post in
            (post, self.sitePost(post, stamp: stamps[post.path] ?? 0, workflow: workflow))
        }
        read.reserveCapacity(records.count)
        for (path, result) in records {
            guard case .success(let (post, record)) = result else {
                if manifest.records.removeValue(forKey: path) != nil { gone.append(path) }
                continue
            }
            read[path] = post
            manifest.records[path] = record
        }

        // The posts that are out at `moment` (or every one, for a preview with drafts), on both
        // cores.
        // (The few states that are published, compared with each record's: no hashing.)
        let publishedStates = Array(workflow.folders.filter { $0.value == Workflow.publishedFolder }.keys)
        let keepsPaths = request.keepsManifest
        let outAt = Array(manifest.records.values).parallelMap { record -> (page: SitePage, newPath: Bool)? in
            guard !record.state.isEmpty else { return nil }
            if let expire = record.expireAt, expire <= moment { return nil }
            let published = publishedStates.contains { $0 == record.state }
            let date: Date?
            if published, (record.publishedAt ?? .distantPast) <= moment {
                date = record.publishedAt
            } else if let publishAt = record.publishAt, request.at != nil, publishAt <= moment {
                date = publishAt
            } else if request.drafts {
                date = record.publishedAt ?? record.publishAt
            } else {
                return nil
            }
            // Worked out once for the site as it is now, and kept in the manifest.
            let newPath = !keepsPaths || record.sitePath.isEmpty
            let path =
                newPath
                ? self.sitePath(slug: record.slug, categories: record.categories, date: date, workflow: workflow)
                : record.sitePath
            let time = date.map { UInt64(bitPattern: Int64($0.timeIntervalSince1970 * 1000)) } ?? 0
            var key = InputKey()
            key.add(number: record.content)
            key.add(path)
            key.add(number: time)
            var shown = InputKey()
            shown.add(path)
            shown.add(number: time)
            shown.add(record.title)
            shown.add(record.summary)
            shown.add(number: UInt64(record.authors.count))
            for name in record.authors { shown.add(name) }
            shown.add(number: UInt64(record.categories.count))
            for name in record.categories { shown.add(name) }
            return (
                SitePage(
                    post: record, date: date, path: path, file: ContentRepository.file(for: path), key: key.value,
                    shown: shown.value),
                newPath
            )
        }
        var found: [SitePage] = []
        found.reserveCapacity(outAt.count)
        for case let (page, newPath)? in outAt {
            if keepsPaths, newPath { manifest.records[page.post.path] = page.post.with(sitePath: page.path) }
            found.append(page)
        }
        // Newest first (sorted by index: a page is a large value to move).
        // (The dates as numbers beside the indexes: a comparison then copies no page.)
        let dates = found.map { $0.date?.timeIntervalSince1970 ?? -.infinity }
        let pages = found.indices.sorted { left, right in
            dates[left] != dates[right] ? dates[left] > dates[right] : found[left].path < found[right].path
        }.map { found[$0] }
        let pathBySlug = Dictionary(pages.map { ($0.post.fileSlug, $0.path) }, uniquingKeysWith: { a, _ in a })
        var render = SiteRender(manifest: manifest)
        render.manifest.outputs.reserveCapacity(trusted?.outputs.count ?? pages.count * 2)
        render.pages = pages
        render.read = Array(read.keys)
        render.gone = gone
        let values = TemplateValues(
            settings: settings, zone: zone,
            dayFormat: Date.FormatStyle(
                date: .long, time: .omitted, locale: Locale(identifier: settings.language), timeZone: zone))
        let site = values.site
        // The pages whose templates are all press's own are made without Mustache.
        let native = (pages: DefaultPages(settings: settings), kinds: DefaultPages.kinds(withOwn: own))
        @Sendable func pageKey(_ page: SitePage, links: [String]) -> UInt64 {
            var key = InputKey()
            key.add(themeHex)
            key.add(word: page.key)
            for link in links {
                key.add(link)
                key.add(pathBySlug[link] ?? "")
            }
            return key.value
        }

        // The files the last build's pages linked to that are there now: a page linking to one
        // that came or went is made again (its link is the copy's path, or as written).
        var named: Set<String> = []
        for output in trusted?.outputs.values.filter({ !$0.assets.isEmpty }) ?? [] {
            for entry in output.assets { named.insert(entry.hasPrefix("/") ? String(entry.dropFirst()) : entry) }
        }
        let present = named.filter { isCopiedFile($0) }
        let copiedFiles = CopiedFiles(repository: self)

        // A page per post whose inputs changed: its file's bytes, the path of a post it links
        // to, or a file it links to. (A post read again whose bytes are as they were keeps its
        // page.)
        var needed: [Int] = []
        let kept = pages.parallelMap { page -> SiteManifest.Output? in
            guard let old = trusted?.outputs[page.file],
                old.key == pageKey(page, links: old.links),
                old.assets.allSatisfy({ entry in
                    entry.hasPrefix("/") ? !present.contains(String(entry.dropFirst())) : present.contains(entry)
                })
            else { return nil }
            return old
        }
        for (index, old) in kept.enumerated() {
            if let old {
                render.manifest.outputs[pages[index].file] = old
            } else {
                needed.append(index)
            }
        }
        let unread = needed.map { pages[$0].post.path }.filter { read[$0] == nil }
        for (path, result) in readAll(paths: unread, { $0 }) {
            if case .success(let post) = result { read[path] = post }
        }
        let posts = read
        if trusted == nil { planned?(needed.map { pages[$0].file }) }
        // The Markdown and the template on both cores.
        // The post as a list shows it (`item`), made beside its page in a whole build, where
        // every list is made again.
        @Sendable func item(_ post: PostValues) -> (values: PostValues, html: String) {
            if native.kinds.contains(.item) { return (post, native.pages.item(post)) }
            return (post, library.render(post.object(adding: ["site": site]), withTemplate: "item") ?? "")
        }
        let made = needed.parallelMap {
            index -> (bytes: [UInt8], output: SiteManifest.Output, item: (values: PostValues, html: String)?)? in
            let page = pages[index]
            guard let post = posts[page.post.path] else { return nil }
            var assets: Set<String> = []
            var links: Set<String> = []
            let html = PostHTML.render(post.frontMatter.bodySlice, title: page.post.title) { destination in
                self.resolve(
                    destination, from: post, pathBySlug: pathBySlug, files: copiedFiles, assets: &assets,
                    links: &links)
            }
            let pageTitle = "\(page.post.title) — \(settings.title)"
            let description = page.post.summary.isEmpty ? nil : page.post.summary
            let shown = values.post(page)
            let text: String
            if native.kinds.contains(.post) {
                text = native.pages.post(shown, html: html, pageTitle: pageTitle, description: description)
            } else {
                let context = TemplateObject([
                    "site": site, "post": shown.object(adding: ["html": TemplateText(html)]),
                    "page_title": TemplateText(pageTitle), "description": description.map(TemplateText.init),
                ])
                text = library.render(context, withTemplate: "post") ?? ""
            }
            let bytes = Array(text.utf8)
            let sortedLinks = links.sorted()
            return (
                bytes,
                SiteManifest.Output(
                    key: pageKey(page, links: sortedLinks), links: sortedLinks, assets: assets.sorted()),
                trusted == nil ? item(shown) : nil
            )
        }
        // Each post's list entry by the page's index (an array: no hashing, and a lookup copies
        // no post's values).
        var entryHTML = [String?](repeating: nil, count: pages.count)
        var entryValues = [PostValues?](repeating: nil, count: pages.count)
        for (index, made) in zip(needed, made) {
            guard let made else { continue }
            if let item = made.item { (entryValues[index], entryHTML[index]) = (item.values, item.html) }
            render.changed[pages[index].file] = made.bytes
            render.manifest.outputs[pages[index].file] = made.output
            render.rendered.append(pages[index].post.path)
        }
        render.posts = posts

        // Lists of posts, newest first, `site.per_page` to a page: the front page, and one for
        // each category, tag and author. Their pages are numbered from the oldest post, so that
        // `page/3/` shows the same posts for good (a reader's bookmark, a search engine's
        // index) and a post coming out changes the list's first page and its newest numbered
        // one, not every page of it.
        var lists: [ListPage] = []
        func addList(_ chosen: [Int], at base: String, heading: String?) {
            let size = settings.perPage
            let full = chosen.count / size
            func path(_ number: Int) -> String { "\(base)page/\(number)/" }
            // Oldest first: page n holds posts (n-1)·size ..< n·size of that order.
            let oldest = Array(chosen.reversed())
            let beyondFront = chosen.count - size - 1
            lists.append(
                ListPage(
                    path: base, posts: Array(chosen.prefix(size)), heading: heading, newer: nil,
                    older: beyondFront >= 0 ? path(beyondFront / size + 1) : nil))
            guard full > 1 || (full == 1 && chosen.count > size) else { return }
            for number in 1...full {
                lists.append(
                    ListPage(
                        path: path(number), posts: oldest[((number - 1) * size)..<(number * size)].reversed(),
                        heading: heading, newer: number < full ? path(number + 1) : base,
                        older: number > 1 ? path(number - 1) : nil))
            }
        }
        addList(Array(pages.indices), at: "/", heading: nil)
        // The categories', tags' and authors' lists, found in one pass over the pages.
        var categoryGroups = SiteGroups()
        var tagGroups = SiteGroups()
        var authorGroups = SiteGroups()
        for index in pages.indices {
            let post = pages[index].post
            for name in post.categories { categoryGroups.add(name, page: index) }
            for name in post.tags { tagGroups.add(name, page: index) }
            for name in post.authors where !name.isEmpty { authorGroups.add(name, page: index) }
        }
        let categories = categoryGroups.sorted
        for group in categories { addList(group.pages, at: "/categories/\(group.slug)/", heading: group.name) }
        for group in tagGroups.sorted { addList(group.pages, at: "/tags/\(group.slug)/", heading: group.name) }
        for group in authorGroups.sorted { addList(group.pages, at: "/authors/\(group.slug)/", heading: group.name) }
        var changedLists: [(file: String, list: ListPage)] = []
        let listKeys = lists.parallelMap { list -> (file: String, key: UInt64) in
            var key = InputKey()
            key.add(themeHex)
            for text in [list.path, list.heading ?? "", list.newer ?? "", list.older ?? ""] { key.add(text) }
            key.add(list.posts.map { pages[$0].shown })
            return (ContentRepository.file(for: list.path), key.value)
        }
        for (list, (file, key)) in zip(lists, listKeys) {
            if trusted?.outputs[file]?.key != key { changedLists.append((file, list)) }
            render.manifest.outputs[file] = SiteManifest.Output(key: key)
        }
        if trusted == nil { planned?(changedLists.map(\.file)) }
        // Each post on a list made once with the `item` template; in the lists, `{{> item}}` is
        // that HTML (`_item` of each entry of `posts`).
        var missing: Set<Int> = []
        for (_, list) in changedLists {
            for index in list.posts where entryHTML[index] == nil { missing.insert(index) }
        }
        let unmade = missing.sorted()
        for (index, made) in zip(unmade, unmade.parallelMap({ item(values.post(pages[$0])) })) {
            (entryValues[index], entryHTML[index]) = (made.values, made.html)
        }
        let items = (html: entryHTML, values: entryValues)
        let listLibrary = {
            var lists = library
            lists.register(itemHTML, named: "item")
            return lists
        }()
        let listBytes = changedLists.parallelMap { file, list -> [UInt8] in
            let pageTitle = list.heading.map { "\($0) — \(settings.title)" } ?? settings.title
            let description = settings.description.isEmpty || list.heading != nil ? nil : settings.description
            if native.kinds.contains(.list) {
                return Array(
                    native.pages.list(
                        items: list.posts.compactMap { items.html[$0] }, pageTitle: pageTitle, heading: list.heading,
                        description: description, newer: list.newer, older: list.older
                    ).utf8)
            }
            let posts = list.posts.compactMap { index -> ListEntry? in
                guard let html = items.html[index], let values = items.values[index] else { return nil }
                return ListEntry(values: values, item: TemplateText(html))
            }
            let context = TemplateObject([
                "site": site, "posts": posts, "page_title": TemplateText(pageTitle),
                "heading": list.heading.map(TemplateText.init), "description": description.map(TemplateText.init),
                "newer": list.newer.map(TemplateText.init), "older": list.older.map(TemplateText.init),
            ])
            return Array((listLibrary.render(context, withTemplate: "list") ?? "").utf8)
        }
        for ((file, _), bytes) in zip(changedLists, listBytes) { render.changed[file] = bytes }

        // The rest is made every time and written when its bytes differ: the 404 page, the
        // feeds (the site's, and one for each category), the sitemap and an import's redirects.
        var generated: [String: [UInt8]] = [:]
        let notFoundTitle = "Not found — \(settings.title)"
        generated["404.html"] = Array(
            (native.kinds.contains(.notFound)
                ? native.pages.notFound(pageTitle: notFoundTitle)
                : library.render(
                    TemplateObject(["site": site, "page_title": TemplateText(notFoundTitle)]), withTemplate: "notfound")
                    ?? "").utf8)
        let updated = pages.compactMap(\.date).max() ?? Date(timeIntervalSince1970: 0)
        // Atom ids are absolute: the page's address, or without `site.base_url` a URN of its path.
        func id(_ path: String) -> String {
            HTMLEscape.attribute(settings.baseURL.isEmpty ? "urn:press:site:\(path)" : settings.baseURL + path)
        }
        func feed(_ chosen: [Int], at base: String, title: String) {
            let newest = chosen.compactMap { pages[$0].date }.max() ?? updated
            var feed = [
                "<?xml version=\"1.0\" encoding=\"utf-8\"?>", "<feed xmlns=\"http://www.w3.org/2005/Atom\">",
                "<title>\(HTMLEscape.attribute(title))</title>", "<id>\(id(base))</id>",
                "<link href=\"\(HTMLEscape.attribute(settings.baseURL + base))\"/>",
                "<link rel=\"self\" href=\"\(HTMLEscape.attribute(settings.baseURL + base + "feed.xml"))\"/>",
                "<updated>\(PressTime.format(newest, zone: zone))</updated>",
            ]
            for page in chosen.prefix(settings.feedLength).map({ pages[$0] }) {
                let url = HTMLEscape.attribute(settings.baseURL + page.path)
                let date = PressTime.format(page.date ?? newest, zone: zone)
                feed += ["<entry>", "<title>\(HTMLEscape.attribute(page.post.title))</title>"]
                feed += [
                    "<id>\(id(page.path))</id>", "<link href=\"\(url)\"/>", "<published>\(date)</published>",
                    "<updated>\(date)</updated>",
                ]
                feed += (page.post.authors.isEmpty ? [settings.title] : page.post.authors).map {
                    "<author><name>\(HTMLEscape.attribute($0))</name></author>"
                }
                if !page.post.summary.isEmpty {
                    feed.append("<summary>\(HTMLEscape.attribute(page.post.summary))</summary>")
                }
                feed += ["</entry>"]
            }
            feed.append("</feed>")
            generated[String(base.dropFirst()) + "feed.xml"] = Array((feed.joined(separator: "\n") + "\n").utf8)
        }
        feed(Array(pages.indices), at: "/", title: settings.title)
        for group in categories {
            feed(group.pages, at: "/categories/\(group.slug)/", title: "\(group.name) — \(settings.title)")
        }
        // (Bytes appended in place: 16,000 lines of a 10,000-post site, made every build.)
        var sitemap = Array(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n"
                .utf8)
        sitemap.reserveCapacity((lists.count + pages.count) * (settings.baseURL.utf8.count + 64))
        let base = HTMLEscape.attribute(settings.baseURL)
        for path in lists.lazy.map(\.path) + pages.lazy.map(\.path) {
            sitemap.append(contentsOf: "<url><loc>".utf8)
            sitemap.append(contentsOf: base.utf8)
            sitemap.append(contentsOf: HTMLEscape.attribute(path).utf8)
            sitemap.append(contentsOf: "</loc></url>\n".utf8)
        }
        sitemap.append(contentsOf: "</urlset>\n".utf8)
        generated["sitemap.xml"] = sitemap
        // The redirects an import wrote (old URLs to new), where hosts that read them look.
        if let redirects = readFile(git.absolutePath(ContentRepository.redirectsPath), followingLinks: false) {
            generated[ContentRepository.redirectsPath] = redirects
        }
        for (file, bytes) in generated {
            var key = InputKey()
            key.add(bytes)
            if trusted?.outputs[file]?.key != key.value { render.changed[file] = bytes }
            render.manifest.outputs[file] = SiteManifest.Output(key: key.value)
        }

        // Files the posts link to, copied when they changed.
        for output in render.manifest.outputs.values where !output.assets.isEmpty {
            render.assets.formUnion(output.assets.lazy.filter { !$0.hasPrefix("/") })
        }
        for asset in render.assets {
            guard let stamp = FileStamp.of(git.absolutePath(asset))?.stamp else { continue }
            if trusted?.outputs[asset]?.key != stamp {
                if let bytes = readFile(git.absolutePath(asset), followingLinks: false) {
                    render.changed[asset] = bytes
                }
            }
            render.manifest.outputs[asset] = SiteManifest.Output(key: stamp)
        }
        return render
    }

    /// Every post file's path and stamp, in no order: each folder read once and its files
    /// looked up by name in it on both cores (a build looks at 10,000 files each time).
    func postStamps() -> [(path: String, stamp: UInt64, modified: Int64)] {
        ContentRepository.postFolders.flatMap { folder -> [(path: String, stamp: UInt64, modified: Int64)] in
            let path = git.absolutePath(folder)
            let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            guard descriptor >= 0 else { return [] }
            defer { close(descriptor) }
            let names = ContentRepository.names(in: path).filter { PostFile.slug(ofName: $0) != nil }
            return names.parallelMap { name in
                FileStamp.of(name, in: descriptor).map {
                    (path: "\(folder)/\(name)", stamp: $0.stamp, modified: $0.modified)
                }
            }.compactMap { $0 }
        }
    }

    /// What a build keeps of a post.
    private func sitePost(_ post: Post, stamp: UInt64, workflow: Workflow) -> SitePost {
        func time(_ text: String?) -> Date? { text.flatMap { try? PressTime.parse($0, zone: workflow.timeZone) } }
        return SitePost(
            path: post.path, stamp: stamp, content: post.frontMatter.digest, fileSlug: post.fileSlug,
            slug: post.slug ?? post.fileSlug,
            title: post.title ?? post.fileSlug, state: post.status ?? "", publishedAt: time(post.publishedAt),
            publishAt: time(post.publishAt), expireAt: time(post.string("expire_at")), summary: post.summary ?? "",
            categories: post.categories, tags: post.tags,
            authors: workflow.authors(of: post).map { $0.name.isEmpty ? $0.email : $0.name })
    }

    /// The theme: press's templates, each replaced by `templates/NAME.mustache` when the
    /// repository has one; the templates' text, for the manifest's key; and the names of the
    /// repository's own.
    /// - Throws: `BuildError` naming the template file, line and column of a template error.
    func themeLibrary() throws -> (library: MustacheLibrary, text: String, own: Set<String>) {
        Theme.contentType
        var library = MustacheLibrary()
        var text = ""
        var owned: Set<String> = []
        for name in Theme.names {
            let path = "templates/\(name).mustache"
            let own = readFile(git.absolutePath(path)).map { String(decoding: $0, as: UTF8.self) }
            // What is read is the key of every page made with it (so pages made from a
            // repository's template before it was read with the prefix are made again).
            let read = own.map { Theme.ownPrefix + $0 } ?? Theme.defaults[name] ?? ""
            if own != nil { owned.insert(name) }
            text += "\(name)\n\(read)\n"
            do {
                library.register(try MustacheTemplate(string: read), named: name)
            } catch let error as MustacheTemplate.ParserError {
                // A line of the repository's file is one less than the line of what was read.
                throw BuildError(
                    location: SourceLocation(
                        path: own == nil ? "(press's \(name) template)" : path,
                        line: error.context.lineNumber - (own == nil ? 0 : 1), column: error.context.columnNumber + 1),
                    message: "the template cannot be read: \(ContentRepository.words(for: error.error))")
            }
        }
        return (library, text, owned)
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
    func sitePath(slug: String, categories: [String], date: Date?, workflow: Workflow) -> String {
        var values = URLPattern.day(date, zone: workflow.timeZone)
        values["slug"] = { slug }
        values["category"] = { categories.first.flatMap { Slug(title: $0)?.value } ?? "uncategorized" }
        return URLPattern.fill(workflow.postPathPattern ?? "/posts/{slug}/", style: .braces, values)
    }

    /// A link as the site has it: a post's file → its page, a file in the repository → the same
    /// path on the site (copied there), anything else as written. `links` gathers the posts
    /// linked to (out or not: a page changes when one comes out), `assets` the files (and as
    /// "/PATH" those it names that are not there).
    func resolve(
        _ destination: String, from post: Post, pathBySlug: [String: String], files: CopiedFiles,
        assets: inout Set<String>, links: inout Set<String>
    )
        -> String?
    {
        // (On the UTF-8 of the destination: this is asked of every link of every page.)
        let bytes = destination.utf8
        guard let first = bytes.first, first != UInt8(ascii: "#"), !bytes.starts(with: "//".utf8),
            bytes.firstIndex(of: UInt8(ascii: ":")).map({ colon in bytes[..<colon].contains(UInt8(ascii: "/")) })
                ?? true
        else { return nil }
        let cut = bytes.firstIndex { $0 == UInt8(ascii: "#") || $0 == UInt8(ascii: "?") } ?? bytes.endIndex
        let written = String(decoding: bytes[..<cut], as: UTF8.self)
        // (Foundation's decoding goes through CoreFoundation: a tenth of making a page's links.)
        let path = written.utf8.contains(UInt8(ascii: "%")) ? (written.removingPercentEncoding ?? written) : written
        let suffix = String(decoding: bytes[cut...], as: UTF8.self)
        let joined =
            path.utf8.first == UInt8(ascii: "/")
            ? String(decoding: path.utf8.dropFirst(), as: UTF8.self) : "\(post.folder)/\(path)"
        guard let relative = LinkCheck.normalise(joined), !relative.isEmpty else { return nil }
        if let slug = PostFile.slug(ofPath: relative) {
            links.insert(slug)
            return pathBySlug[slug].map { $0 + suffix }
        }
        guard files.contains(relative) else {
            // Named but not there (yet): kept as "/PATH", so that the page is made again when
            // the file comes.
            assets.insert("/" + relative)
            return nil
        }
        assets.insert(relative)
        return "/" + relative + suffix
    }

    /// Whether the repository's file `relative` is one a build copies to the site where a post
    /// links to it: a regular file, outside `.git` and `.press`.
    func isCopiedFile(_ relative: String) -> Bool {
        var info = stat()
        return lstat(git.absolutePath(relative), &info) == 0 && info.st_mode & S_IFMT == S_IFREG
            && !relative.hasPrefix(".git/") && !relative.hasPrefix(".press/")
    }

    /// Which of the repository's files a build copies (`isCopiedFile`), each looked at once in
    /// a build: a site's 10,000 posts link to the same few dozen images.
    final class CopiedFiles: Sendable {
        private let repository: ContentRepository
        private let known = Locked<[String: Bool]>([:])

        init(repository: ContentRepository) { self.repository = repository }

        func contains(_ relative: String) -> Bool {
            if let found = known.withLock({ $0[relative] }) { return found }
            let found = repository.isCopiedFile(relative)
            known.withLock { $0[relative] = found }
            return found
        }
    }

    /// The file a site path is served from: `/a/` → `a/index.html`, `/a.html` → `a.html`.
    static func file(for path: String) -> String {
        let trimmed = path.drop { $0 == "/" }
        return trimmed.isEmpty || trimmed.hasSuffix("/") ? trimmed + "index.html" : String(trimmed)
    }
}
