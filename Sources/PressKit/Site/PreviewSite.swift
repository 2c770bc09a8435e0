import Foundation
import Git
import Synchronization

/// The site as `press preview` serves it: built in memory with drafts and posts in review, each
/// post page marked with a banner (its state, authors, approvals and the transitions that come
/// next), every page reloading itself when the repository changes, and the editorial board at
/// `/_press/`. Nothing is read from disk to answer a request: a path is looked up among the
/// files of the last build, so no request reaches outside the site.
public final class PreviewSite: Sendable {
    /// A page or file to send.
    public struct Response: Sendable {
        public var status: Int
        public var contentType: String
        public var body: [UInt8]
        public var location: String?
    }

    private struct Snapshot {
        /// The site's files, each post page with its banner (the reload script is added to a
        /// page as it is sent: the files stay as they were built until their inputs change).
        var files: [String: [UInt8]] = [:]
        /// What the files were made from: the next build makes only what changed since.
        var manifest: SiteManifest?
        /// The post pages by slug, for `press preview SLUG`.
        var paths: [String: String] = [:]
        /// Changes with every rebuild; pages ask for it to know when to reload.
        var token = ""
        /// The posts', templates' and workflows' stamps before the build, and the stamps of the
        /// files it copied, after.
        var sources: UInt64 = 0
        var assets: UInt64 = 0
    }

    public let repository: ContentRepository
    /// The site as it will be at this time (no drafts); nil: everything, drafts included.
    public let at: Date?
    private let snapshot = Locked(Snapshot())
    private let waiters = Locked<[Int: @Sendable (String) -> Void]>([:])
    private let waiterNumbers = Atomic<Int>(0)
    private let boot = String(UInt32.random(in: 0...UInt32.max), radix: 36)
    private let counter = Atomic<Int>(0)

    public init(repository: ContentRepository, at: Date?) {
        self.repository = repository
        self.at = at
    }

    /// The token of the site as last built: a page that was built with another reloads.
    public var token: String { snapshot.withLock { $0.token } }

    /// How many pages are waiting for the next build.
    public var waiting: Int { waiters.withLock { $0.count } }

    /// The site's files as last built, without the reload script (for tests).
    package var builtFiles: [String: [UInt8]] { snapshot.withLock { $0.files } }

    /// The site path of the post `slug`, when it is in the site.
    public func path(of slug: String) -> String? { snapshot.withLock { $0.paths[slug] } }

    /// Builds the site again if a post, template, asset or the workflow changed since the last
    /// build (or there was none); then wakes the pages waiting for a change.
    /// - Returns: whether it was built again.
    @discardableResult
    public func refresh(now: Date = Date()) -> Bool {
        let sources = sourcesKey()
        let (old, assets) = snapshot.withLock { ($0, PreviewSite.watched($0)) }
        guard old.token.isEmpty || old.sources != sources || old.assets != assetsKey(assets) else { return false }
        let token = "\(boot)-\(counter.add(1, ordering: .relaxed).newValue)"
        var next = Snapshot(token: token, sources: sources)
        do {
            // Only what changed is made again (a post edited in a site of 10,000 is one page
            // and its lists, not the whole site); files whose output is gone are left out.
            let render = try repository.renderSite(
                BuildRequest(output: "(preview)", at: at, drafts: at == nil, now: now), previous: old.manifest)
            var files = old.manifest == nil ? [:] : old.files
            for (file, bytes) in try withBanners(render) { files[file] = bytes }
            if files.count != render.manifest.outputs.count {
                files = files.filter { render.manifest.outputs[$0.key] != nil }
            }
            next.files = files
            next.manifest = render.manifest
            for page in render.pages { next.paths[page.post.fileSlug] = page.path }
        } catch {
            let place = (error as? PressError)?.location.map { "\($0): " } ?? ""
            next.files["index.html"] = PreviewSite.errorPage(place + "\(error)")
        }
        next.assets = assetsKey(PreviewSite.watched(next))
        let ready = next
        snapshot.withLock { $0 = ready }
        let woken = waiters.withLock { waiting in
            defer { waiting = [:] }
            return waiting
        }
        for wake in woken.values { wake(token) }
        return true
    }

    /// Calls `wake` with the new token once the site is built again (at once when `token` is
    /// already old).
    /// - Returns: the number `stopWaiting` takes when the page gives up waiting (nil: woken already).
    @discardableResult
    public func whenChanged(from token: String, _ wake: @escaping @Sendable (String) -> Void) -> Int? {
        let current = snapshot.withLock { $0.token }
        if current != token {
            wake(current)
            return nil
        }
        let number = waiterNumbers.add(1, ordering: .relaxed).newValue
        waiters.withLock { $0[number] = wake }
        // A build that finished between the look at the token and the line above woke the
        // others but not this one: whichever takes it from the list wakes it, once.
        let now = snapshot.withLock { $0.token }
        if now != token, let wake = waiters.withLock({ $0.removeValue(forKey: number) }) {
            wake(now)
            return nil
        }
        return number
    }

    /// Forgets the page waiting as `number` (its request was answered another way).
    public func stopWaiting(_ number: Int) {
        _ = waiters.withLock { $0.removeValue(forKey: number) }
    }

    /// What to send for a request's path (percent-encoded, with any query).
    public func response(for target: String) -> Response {
        let rawPath = String(target.prefix { $0 != "?" && $0 != "#" })
        guard let path = rawPath.removingPercentEncoding, path.hasPrefix("/"), !path.contains("\0"),
            !path.split(separator: "/").contains(where: { $0 == ".." || $0 == "." })
        else { return Response(status: 400, contentType: "text/plain; charset=utf-8", body: Array("bad path\n".utf8)) }
        if path == "/_press" { return Response(status: 301, contentType: "text/plain", body: [], location: "/_press/") }
        if path == "/_press/" || path == "/_press/index.html" {
            return Response(status: 200, contentType: "text/html; charset=utf-8", body: board())
        }
        let (files, token) = snapshot.withLock { ($0.files, $0.token) }
        let file = ContentRepository.file(for: path)
        if let body = files[file] {
            return Response(
                status: 200, contentType: PreviewSite.contentType(of: file),
                body: file.hasSuffix(".html")
                    ? PreviewSite.appending(PreviewSite.reloadScript(token), beforeBodyEndIn: body) : body)
        }
        if !path.hasSuffix("/"), files[file + "/index.html"] != nil {
            return Response(status: 301, contentType: "text/plain", body: [], location: path + "/")
        }
        return Response(
            status: 404, contentType: "text/html; charset=utf-8",
            body: PreviewSite.appending(
                PreviewSite.reloadScript(token), beforeBodyEndIn: files["404.html"] ?? Array("not found\n".utf8)))
    }

    // MARK: The editorial board

    /// `/_press/`: every post grouped by state (in the workflow's order), the calendar of what is
    /// scheduled and what expires, each linked to its preview.
    func board(now: Date = Date()) -> [UInt8] {
        let workflow = try? repository.workflow()
        let zone = workflow?.timeZone ?? .current
        let (paths, token) = snapshot.withLock { ($0.paths, $0.token) }
        struct Item {
            var slug, title, state, authors: String
            var approvals: Int
            var publishAt, publishedAt, expireAt: Date?
        }
        let items = repository.readAll { post -> Item in
            func time(_ text: String?) -> Date? { text.flatMap { try? PressTime.parse($0, zone: zone) } }
            return Item(
                slug: post.fileSlug, title: post.title ?? post.fileSlug, state: post.status ?? "(no status)",
                authors: (workflow?.authors(of: post) ?? []).map { $0.name.isEmpty ? $0.email : $0.name }.joined(
                    separator: ", "),
                approvals: post.approvals.count, publishAt: time(post.publishAt), publishedAt: time(post.publishedAt),
                expireAt: time(post.string("expire_at")))
        }.compactMap { try? $0.post.get() }
        let day = Date.FormatStyle(date: .complete, time: .omitted, timeZone: zone)
        let clock = Date.FormatStyle(date: .omitted, time: .shortened, timeZone: zone)
        let stamp = Date.FormatStyle(date: .abbreviated, time: .shortened, timeZone: zone)
        func link(_ item: Item) -> String {
            let title = HTMLEscape.attribute(item.title)
            guard let path = paths[item.slug] else { return title }
            return "<a href=\"\(HTMLEscape.attribute(path))\">\(title)</a>"
        }
        var states = workflow?.states ?? []
        for item in items where !states.contains(item.state) { states.append(item.state) }
        var html = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <link rel="icon" href="data:,">
            <title>Editorial board — \(HTMLEscape.attribute(workflow?.siteSettings.title ?? "press"))</title>
            <style>
            :root { color-scheme: light dark; --text: #1b1b1b; --muted: #5a5a5a; --back: #fdfdfb; --card: #f1f1ec; --accent: #0b5cad; }
            @media (prefers-color-scheme: dark) { :root { --text: #ececea; --muted: #b0b0ac; --back: #161615; --card: #242422; --accent: #8cc4ff; } }
            * { box-sizing: border-box; }
            body { margin: 0 auto; max-width: 72rem; padding: 1rem 1.25rem; background: var(--back); color: var(--text); font: 1rem/1.5 system-ui, sans-serif; }
            a { color: var(--accent); }
            h1 { font-size: 1.6rem; margin: .5rem 0 1rem; }
            .columns { display: grid; grid-template-columns: repeat(auto-fit, minmax(15rem, 1fr)); gap: 1rem; }
            section { background: var(--card); border-radius: 6px; padding: .75rem 1rem; min-width: 0; }
            h2 { font-size: 1.1rem; margin: 0 0 .5rem; }
            ul { list-style: none; margin: 0; padding: 0; }
            li { margin: 0 0 .6rem; overflow-wrap: anywhere; }
            .meta { color: var(--muted); font-size: .85rem; }
            </style></head>
            <body><header><p><a href="/">Site preview</a></p><h1>Editorial board</h1></header><main>
            <div class="columns">

            """
        for state in states {
            let chosen = items.filter { $0.state == state }.sorted {
                ($0.publishedAt ?? $0.publishAt ?? .distantPast, $1.slug) > (
                    $1.publishedAt ?? $1.publishAt ?? .distantPast, $0.slug
                )
            }
            html +=
                "<section aria-label=\"\(HTMLEscape.attribute(state))\"><h2>\(HTMLEscape.attribute(state.capitalized)) (\(chosen.count))</h2><ul>\n"
            for item in chosen.prefix(200) {
                var meta = [item.authors.isEmpty ? "no author" : HTMLEscape.attribute(item.authors)]
                if item.approvals > 0 { meta.append("\(item.approvals) approval\(item.approvals == 1 ? "" : "s")") }
                if let at = item.publishedAt {
                    meta.append("out \(at.formatted(stamp))")
                } else if let at = item.publishAt {
                    meta.append("for \(at.formatted(stamp))")
                }
                html += "<li>\(link(item))<br><span class=\"meta\">\(meta.joined(separator: " · "))</span></li>\n"
            }
            if chosen.count > 200 { html += "<li class=\"meta\">and \(chosen.count - 200) more</li>\n" }
            html += "</ul></section>\n"
        }
        html += "</div>\n<h2 style=\"margin-top:1.5rem\">Calendar</h2>\n"
        let published = { (state: String) in workflow?.folder(of: state) == Workflow.publishedFolder }
        let upcoming =
            (items.filter { !published($0.state) }.compactMap { item in item.publishAt.map { ($0, "publishes", item) } }
            + items.filter { published($0.state) }.compactMap { item in item.expireAt.map { ($0, "expires", item) } })
            .filter { $0.0 >= now }.sorted { ($0.0, $0.2.slug) < ($1.0, $1.2.slug) }
        if upcoming.isEmpty { html += "<p class=\"meta\">Nothing is scheduled.</p>\n" }
        var lastDay = ""
        for (time, what, item) in upcoming.prefix(500) {
            let name = time.formatted(day)
            if name != lastDay {
                if !lastDay.isEmpty { html += "</ul>\n" }
                html += "<h3>\(HTMLEscape.attribute(name))</h3><ul>\n"
                lastDay = name
            }
            html +=
                "<li><time datetime=\"\(PressTime.format(time, zone: zone))\">\(time.formatted(clock))</time> \(what): \(link(item)) <span class=\"meta\">(\(HTMLEscape.attribute(item.state)))</span></li>\n"
        }
        if !lastDay.isEmpty { html += "</ul>\n" }
        html += "</main>\n" + PreviewSite.reloadScript(token) + "</body></html>\n"
        return Array(html.utf8)
    }

    // MARK: Building

    /// The stamps of each post's file, the templates and the workflows, and the workflows as
    /// committed (the build follows those: committing an edit changes the site).
    private func sourcesKey() -> UInt64 {
        var key = InputKey()
        let root = repository.root
        for entry in (try? repository.committedWorkflowFiles()) ?? [] {
            key.add(entry.name)
            key.add(entry.id.description)
        }
        for folder in ["templates", "workflows"] {
            for name in ContentRepository.names(in: root + "/" + folder).sorted() {
                key.add(folder + "/" + name)
                key.add(number: FileStamp.of(root + "/" + folder + "/" + name)?.stamp ?? 0)
            }
        }
        for path in repository.postPaths() {
            key.add(path)
            key.add(number: FileStamp.of(root + "/" + path)?.stamp ?? 0)
        }
        return key.value
    }

    /// The files the site copied (images and the like), and as "/PATH" the files its pages link
    /// to that are not there: a page is made again when one of those comes.
    private static func watched(_ snapshot: Snapshot) -> [String] {
        var paths = Set(snapshot.files.keys.filter { !$0.hasSuffix(".html") })
        for output in snapshot.manifest?.outputs.values.filter({ !$0.assets.isEmpty }) ?? [] {
            paths.formUnion(output.assets.lazy.filter { $0.hasPrefix("/") })
        }
        return Array(paths)
    }

    /// The stamps of the files the site copied, and of those it would copy were they there.
    private func assetsKey(_ paths: [String]) -> UInt64 {
        var key = InputKey()
        for path in paths.sorted() {
            key.add(path)
            key.add(number: FileStamp.of(repository.root + "/" + path)?.stamp ?? 0)
        }
        return key.value
    }

    /// The files made this time, each post page with its banner.
    private func withBanners(_ render: SiteRender) throws -> [String: [UInt8]] {
        let workflow = try repository.workflow()
        var files = render.changed
        let zone = workflow.timeZone
        for page in render.pages {
            guard let bytes = files[page.file] else { continue }
            let post = page.post
            let approvals = (try? repository.readPost(at: post.path))?.approvals.map {
                $0.person.name.isEmpty ? $0.person.email : $0.person.name
            }
            let next = workflow.transitions.filter { $0.from.contains(post.state) }
            var facts = ["<strong>\(HTMLEscape.attribute(post.state.capitalized))</strong>"]
            if !post.authors.isEmpty {
                facts.append("by " + HTMLEscape.attribute(post.authors.joined(separator: ", ")))
            }
            if let time = post.publishAt, workflow.folder(of: post.state) != Workflow.publishedFolder {
                facts.append("to be published \(HTMLEscape.attribute(PressTime.format(time, zone: zone)))")
            }
            if let time = post.expireAt {
                facts.append("expires \(HTMLEscape.attribute(PressTime.format(time, zone: zone)))")
            }
            let approved = approvals ?? []
            facts.append(
                approved.isEmpty
                    ? "no approvals yet" : "approved by " + HTMLEscape.attribute(approved.joined(separator: ", ")))
            if !next.isEmpty {
                facts.append(
                    "next: "
                        + next.map {
                            "\(HTMLEscape.attribute($0.name)) (\(HTMLEscape.attribute($0.by.joined(separator: ", "))))"
                        }.joined(separator: "; "))
            }
            let banner =
                "<div class=\"press-banner\" role=\"note\" aria-label=\"Preview\" style=\"box-sizing:border-box;margin:0;padding:.6rem 1.25rem;background:\(PreviewSite.colour(of: post.state, workflow));color:#111;font:600 .9rem/1.45 system-ui,sans-serif;overflow-wrap:anywhere\">Preview · "
                + facts.joined(separator: " · ")
                + " · <a style=\"color:#111\" href=\"/_press/\">Editorial board</a></div>"
            files[page.file] = PreviewSite.inserting(banner, afterBodyIn: bytes)
        }
        return files
    }

    private static func colour(of state: String, _ workflow: Workflow) -> String {
        if workflow.folder(of: state) == Workflow.publishedFolder { return "#bfe3c4" }
        switch state {
        case "draft": return "#ffe49c"
        case "scheduled": return "#c6dcff"
        default: return "#ffd3b0"
        }
    }

    /// Asks the server, again and again, whether the site was built again; reloads when it was.
    static func reloadScript(_ token: String) -> String {
        """
        <script>(function(){var t="\(token)";function poll(){fetch("/_press/changes?since="+t,{cache:"no-store"}).then(function(r){return r.text()}).then(function(n){if(n&&n!==t){location.reload()}else{poll()}}).catch(function(){setTimeout(poll,2000)})}poll()})();</script>

        """
    }

    static func inserting(_ html: String, afterBodyIn bytes: [UInt8]) -> [UInt8] {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let body = text.firstRange(of: "<body"), let close = text[body.upperBound...].firstIndex(of: ">") else {
            return Array((html + text).utf8)
        }
        let at = text.index(after: close)
        return Array((text[..<at] + html + text[at...]).utf8)
    }

    static func appending(_ html: String, beforeBodyEndIn bytes: [UInt8]) -> [UInt8] {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let end = text.ranges(of: "</body>").last else { return Array((text + html).utf8) }
        return Array((text[..<end.lowerBound] + html + text[end.lowerBound...]).utf8)
    }

    static func errorPage(_ message: String) -> [UInt8] {
        Array(
            """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,"><title>The site cannot be built</title></head>
            <body style="font:1rem/1.5 system-ui,sans-serif;max-width:42rem;margin:2rem auto;padding:0 1rem">
            <h1>The site cannot be built</h1><pre style="white-space:pre-wrap">\(HTMLEscape.attribute(message))</pre>
            <p>This page reloads when it is mended.</p>
            </body></html>

            """.utf8)
    }

    static func contentType(of file: String) -> String {
        let types = [
            "html": "text/html; charset=utf-8", "xml": "application/xml", "css": "text/css", "js": "text/javascript",
            "json": "application/json", "txt": "text/plain; charset=utf-8", "png": "image/png", "jpg": "image/jpeg",
            "jpeg": "image/jpeg", "gif": "image/gif", "svg": "image/svg+xml", "webp": "image/webp",
            "ico": "image/x-icon", "pdf": "application/pdf", "mp3": "audio/mpeg", "mp4": "video/mp4",
            "woff2": "font/woff2",
        ]
        if file.hasSuffix("feed.xml") { return "application/atom+xml" }
        let name = file.split(separator: "/").last ?? ""
        guard let dot = name.lastIndex(of: ".") else { return "application/octet-stream" }
        return types[name[name.index(after: dot)...].lowercased()] ?? "application/octet-stream"
    }
}
