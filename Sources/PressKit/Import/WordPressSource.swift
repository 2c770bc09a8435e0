import Foundation

/// A WordPress export (WXR 1.1 or 1.2, Tools → Export) read for `press import wordpress`.
public enum WordPressSource {
    /// Reads `export`; with `uploads` (the site's `wp-content/uploads`), the files posts link to
    /// there become assets of the repository.
    public static func read(export: String, uploads: String?, zone: TimeZone, now: Date) throws -> ImportedBlog {
        let shown = (export as NSString).lastPathComponent
        guard let bytes = readFile(export) else {
            throw ImportError(
                SourceLocation(path: export), "cannot read the export: \(String(cString: strerror(errno)))")
        }
        let document = try XMLElement.parse(bytes, path: shown)
        guard let channel = document["rss"]?["channel"] else {
            throw ImportError(SourceLocation(path: shown), "not a WordPress export: no <rss><channel>")
        }
        guard channel["wp:wxr_version"] != nil || channel["wp:base_site_url"] != nil else {
            throw ImportError(
                SourceLocation(path: shown, line: channel.line),
                "not a WordPress export (WXR): the channel has no <wp:wxr_version>; export from Tools → Export")
        }
        var blog = ImportedBlog(source: "wordpress")
        let site = channel.value("wp:base_blog_url") ?? channel.value("link") ?? ""
        for (key, name) in [("title", "title"), ("description", "description"), ("language", "language")] {
            if let text = channel.value(key).map({ HTMLText.decodeEntities($0) }), !text.isEmpty {
                blog.site[name] = text
            }
        }
        if !site.isEmpty { blog.site["base_url"] = site }

        // Authors, by the login posts name them with.
        var logins: [String: String] = [:]
        for author in channel.all("wp:author") {
            guard let login = author.value("wp:author_login") else { continue }
            let name = author.value("wp:author_display_name").map { HTMLText.decodeEntities($0) } ?? login
            logins[login] = name
            blog.people[name] = Person(name: name, email: author.value("wp:author_email") ?? "")
        }

        // Attachments by id (a post's featured image and a gallery name them), first: an export
        // may list them after the posts that use them.
        var attachments = Attachments()
        for item in channel.all("item") where item.value("wp:post_type") == "attachment" {
            guard let id = item.value("wp:post_id"), let url = item.value("wp:attachment_url") else { continue }
            attachments.byID[id] = url
            attachments.byParent[item.value("wp:post_parent") ?? "", default: []].append(
                (Int(item.value("wp:menu_order") ?? "") ?? 0, Int(id) ?? 0, url))
        }
        var skippedTypes: [String: Int] = [:]
        var comments = 0
        var posts: [ImportedPost] = []
        var external: [String] = []
        for item in channel.all("item") {
            let type = item.value("wp:post_type") ?? "post"
            let id = item.value("wp:post_id") ?? ""
            let location = SourceLocation(path: shown, line: item.line)
            if type == "attachment" { continue }
            if type == "page" {
                if let link = item.value("link"), item.value("wp:status") == "publish" {
                    blog.pages.append(WordPressSource.sitePath(link))
                }
                skippedTypes["pages", default: 0] += 1
                continue
            }
            guard type == "post" else {
                skippedTypes[type, default: 0] += 1
                continue
            }
            let status = item.value("wp:status") ?? "draft"
            let title = HTMLText.decodeEntities(item.value("title") ?? "")
            let state: ImportedState
            switch status {
            case "publish": state = .published
            case "future": state = .scheduled
            case "pending": state = .review
            case "draft": state = .draft
            case "private": state = .draft
            case "trash", "auto-draft", "inherit":
                blog.skipped.append(
                    ImportNote(
                        location, "'\(title)' is \(status == "trash" ? "in the trash" : "an \(status)"); not imported"))
                continue
            default:
                blog.skipped.append(ImportNote(location, "'\(title)' has the status '\(status)'; not imported"))
                continue
            }
            comments += item.all("wp:comment").count
            let content = item.value("content:encoded") ?? ""
            var post = ImportedPost(
                origin: location, slug: item.value("wp:post_name") ?? "", state: state, title: title,
                body: "")
            if status == "private" {
                post.notes.append(ImportNote(location, "'\(title)' was private in WordPress; imported as a draft"))
            }
            if post.slug.isEmpty { post.slug = Slug(title: title)?.value ?? "post-\(id)" }
            let gmt = item.value("wp:post_date_gmt") ?? ""
            if !gmt.hasPrefix("0000") {
                post.date = SourceFile.date(gmt, zone: TimeZone.gmt)
            }
            if let modified = item.value("wp:post_modified_gmt"), !modified.hasPrefix("0000") {
                post.modified = SourceFile.date(modified, zone: TimeZone.gmt)
            }
            if let local = item.value("wp:post_date"), !local.hasPrefix("0000") {
                if post.date == nil { post.date = SourceFile.date(local, zone: zone) }
                // The blog's own day, which its URLs are made of.
                let day = local.prefix(10).split(separator: "-").compactMap { Int($0) }
                if day.count == 3 { post.urlDay = DateComponents(year: day[0], month: day[1], day: day[2]) }
            }
            if let creator = item.value("dc:creator") {
                post.authors = [logins[creator] ?? creator]
                if logins[creator] == nil {
                    post.notes.append(ImportNote(location, "the author '\(creator)' is not among the export's authors"))
                }
            }
            for category in item.all("category") {
                let name = HTMLText.decodeEntities(category.text.trimmedSpaces)
                guard !name.isEmpty else { continue }
                switch category.attributes["domain"] {
                case "category": if !post.categories.contains(name) { post.categories.append(name) }
                case "post_tag": if !post.tags.contains(name) { post.tags.append(name) }
                default: break
                }
            }
            if post.categories == ["Uncategorized"] { post.categories = [] }
            if let excerpt = item.value("excerpt:encoded"),
                !excerpt.trimmedWhitespace.isEmpty
            {
                post.summary = ImportPlan.plainText(excerpt)
            }
            // Old URLs: the permalink, and the ?p=ID every WordPress answers.
            if let link = item.value("link"), !link.isEmpty { post.oldURLs.append(WordPressSource.sitePath(link)) }
            if !id.isEmpty { post.oldURLs.append("/?p=\(id)") }
            if let guid = item.value("guid"), guid.contains("?p=") {
                let path = WordPressSource.sitePath(guid)
                if !post.oldURLs.contains(path) { post.oldURLs.append(path) }
            }
            // The body.
            let (html, notes) = WordPressSource.shortcodes(
                content, line: item["content:encoded"]?.line ?? item.line, path: shown, post: id,
                attachments: attachments)
            post.notes += notes
            let classic = content.firstRange(of: "<!-- wp:") == nil
            var body = HTMLToMarkdown(classic: classic).convert(html)
            if let thumbnail = item.all("wp:postmeta").first(where: { $0.value("wp:meta_key") == "_thumbnail_id" })?
                .value("wp:meta_value"), let url = attachments.byID[thumbnail]
            {
                post.extra.append(("image", .string(url)))
            }
            // Uploads: files of the old site, brought along when the folder is given.
            let (rewritten, assets, unresolved) = WordPressSource.uploads(in: body, folder: uploads)
            body = rewritten
            post.assets = assets
            for url in unresolved where !external.contains(url) { external.append(url) }
            if !unresolved.isEmpty, uploads != nil {
                post.notes.append(
                    ImportNote(
                        location,
                        "\(unresolved.count) links into wp-content/uploads name files the uploads folder does not have")
                )
            }
            post.body = body
            posts.append(post)
        }
        blog.posts = posts
        blog.counts = skippedTypes
        if comments > 0 { blog.counts["comments"] = comments }
        blog.externalFiles = external
        if uploads == nil, !external.isEmpty {
            blog.skipped.append(
                ImportNote(
                    SourceLocation(path: shown),
                    "\(external.count) files in \(site.isEmpty ? "" : site)/wp-content/uploads stay on the old site (listed below); give --uploads DIR to bring them"
                ))
        }
        return blog
    }

    /// A URL's path (and query), the site path an old link names.
    static func sitePath(_ url: String) -> String {
        guard let scheme = url.range(of: "://") else { return url }
        let rest = url[scheme.upperBound...]
        var path =
            rest.firstIndex(where: { $0 == "/" || $0 == "?" }).map {
                rest[$0...].hasPrefix("?") ? "/" + rest[$0...] : String(rest[$0...])
            } ?? "/"
        while path.contains("//") { path = path.replacingOccurrences(of: "//", with: "/") }
        return path
    }

    /// The export's attachments: by id, and by the post they were uploaded to.
    struct Attachments {
        var byID: [String: String] = [:]
        /// Post id → (menu order, id, URL) of each file uploaded to it.
        var byParent: [String: [(Int, Int, String)]] = [:]

        /// The files of a gallery: those `ids` names, else those uploaded to the post.
        func gallery(ids: String?, post: String) -> [String] {
            if let ids { return ids.split(separator: ",").compactMap { byID[$0.trimmedSpaces] } }
            return (byParent[post] ?? []).sorted { ($0.0, $0.1) < ($1.0, $1.1) }.map(\.2)
        }
    }

    /// Shortcodes made HTML the converter understands: `[caption]` a figure, `[embed]` a link,
    /// `[code]`/`[sourcecode]` a code block, `[gallery]` its images, `[audio]` and `[video]` the
    /// HTML elements; any other kept as text, each a note at its line.
    static func shortcodes(
        _ content: String, line: Int, path: String, post: String = "", attachments: Attachments = Attachments()
    ) -> (String, [ImportNote]) {
        var out = ""
        var notes: [ImportNote] = []
        var rest = Substring(content)
        while let open = rest.firstIndex(of: "[") {
            out += rest[..<open]
            let after = rest[rest.index(after: open)...]
            let name = String(after.prefix { $0.isLetter || $0 == "_" || $0 == "-" })
            guard !name.isEmpty, let close = after.firstIndex(of: "]"),
                !after[..<close].contains("\n"),
                after[after.index(after.startIndex, offsetBy: name.count)...].first.map({ $0 == " " || $0 == "]" })
                    == true
            else {
                out += "["
                rest = after
                continue
            }
            let attributes = HTMLParser.attributes(after[after.index(after.startIndex, offsetBy: name.count)..<close])
            let body = after[after.index(after: close)...]
            let end = body.firstRange(of: "[/\(name)]")
            let inner = end.map { String(body[..<$0.lowerBound]) }
            let next = end.map { body[$0.upperBound...] } ?? body
            let here = line + content[..<open].filter { $0 == "\n" }.count
            switch name {
            case "caption", "wp_caption":
                guard let inner else { fallthrough }
                // The image (or the link around it), then the caption's words.
                let split =
                    inner.firstRange(of: "</a>")?.upperBound ?? inner.firstRange(of: "/>")?.upperBound
                    ?? inner.firstRange(of: ">")?
                    .upperBound ?? inner.startIndex
                let caption = inner[split...].trimmedWhitespace
                out +=
                    "<figure>\(inner[..<split])<figcaption>\(caption.isEmpty ? attributes["caption"] ?? "" : caption)</figcaption></figure>"
                rest = next
            case "embed":
                guard let inner else { fallthrough }
                let url = inner.trimmedWhitespace
                out += "<p><a href=\"\(url)\">\(url)</a></p>"
                rest = next
            case "code", "sourcecode":
                guard let inner else { fallthrough }
                let language = attributes["language"] ?? attributes["lang"] ?? ""
                let escaped = HTMLText.decodeEntities(inner).replacingOccurrences(of: "&", with: "&amp;")
                    .replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
                out += "<pre><code class=\"language-\(language)\">\(escaped)</code></pre>"
                rest = next
            case "gallery"
            where !attachments.gallery(ids: attributes["ids"] ?? attributes["include"], post: post).isEmpty:
                let images = attachments.gallery(ids: attributes["ids"] ?? attributes["include"], post: post)
                out += "<p>" + images.map { "<img src=\"\($0)\" alt=\"\" />" }.joined(separator: "\n") + "</p>"
                rest = after[after.index(after: close)...]
            case "audio", "video":
                // `src="…"`, a format's own attribute (`mp3="…"`), or WordPress.com's bare URL.
                let bare = after[after.index(after.startIndex, offsetBy: name.count)..<close].trimmedSpaces
                let formats = ["mp3", "m4a", "ogg", "wav", "mp4", "m4v", "webm", "ogv"]
                let source =
                    attributes["src"] ?? formats.lazy.compactMap { attributes[$0] }.first
                    ?? (bare.hasPrefix("http") && !bare.contains("=") && !bare.contains(" ") ? bare : nil)
                guard let source else { fallthrough }
                out += "<\(name) controls src=\"\(source)\"></\(name)>"
                rest = inner != nil ? next : after[after.index(after: close)...]
            default:
                notes.append(
                    ImportNote(
                        SourceLocation(path: path, line: here),
                        "the shortcode [\(name)] is kept as text; press does not run WordPress's shortcodes"))
                out += rest[open...close]
                rest = after[after.index(after: close)...]
            }
        }
        return (out + rest, notes)
    }

    /// Links into `wp-content/uploads/` made links to `../assets/uploads/…` when the file is in
    /// `folder` (the full-size file when the link names a resized one, `-300x200`).
    static func uploads(in body: String, folder: String?) -> (String, [ImportedAsset], [String]) {
        var out = ""
        var assets: [ImportedAsset] = []
        var unresolved: [String] = []
        var rest = Substring(body)
        let marker = "/wp-content/uploads/"
        while let found = rest.firstRange(of: marker) {
            // The whole URL the marker is in.
            let start =
                rest[..<found.lowerBound].lastIndex(where: { "(<\"' \n".contains($0) }).map { rest.index(after: $0) }
                ?? rest.startIndex
            let end = rest[found.upperBound...].firstIndex(where: { ")>\"' \n?#".contains($0) }) ?? rest.endIndex
            out += rest[..<start]
            let url = String(rest[start..<end])
            let relative =
                String(rest[found.upperBound..<end]).removingPercentEncoding ?? String(rest[found.upperBound..<end])
            rest = rest[end...]
            guard let folder, !relative.contains("..") else {
                unresolved.append(url)
                out += url
                continue
            }
            var candidates = [relative]
            let stem = (relative as NSString).deletingPathExtension
            if let dash = stem.lastIndex(of: "-"), stem[stem.index(after: dash)...].split(separator: "x").count == 2,
                stem[stem.index(after: dash)...].allSatisfy({ $0.isNumber || $0 == "x" })
            {
                candidates.append(String(stem[..<dash]) + "." + (relative as NSString).pathExtension)
            }
            guard
                let file = candidates.first(where: { candidate in
                    var info = stat()
                    return lstat("\(folder)/\(candidate)", &info) == 0 && info.st_mode & S_IFMT == S_IFREG
                })
            else {
                unresolved.append(url)
                out += url
                continue
            }
            let target = "assets/uploads/\(file)"
            if !assets.contains(where: { $0.to == target }) {
                assets.append(ImportedAsset(from: "\(folder)/\(file)", to: target))
            }
            out += "../" + target
        }
        return (out + rest, assets, unresolved)
    }
}
