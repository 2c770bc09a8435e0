import Foundation
import TOMLKit
import Yams

/// A Hugo site read for `press import hugo DIR`: the posts under `content/SECTION/` (files and
/// page bundles), front matter in YAML, TOML or JSON, and the config's permalinks.
public enum HugoSource {
    public static func read(_ directory: String, section: String?, zone: TimeZone, now: Date) throws -> ImportedBlog {
        let root = URL(fileURLWithPath: directory).standardizedFileURL.path
        var blog = ImportedBlog(source: "hugo")
        let content = "\(root)/content"
        let manager = FileManager.default
        let sections = ((try? manager.contentsOfDirectory(atPath: content)) ?? []).filter { name in
            var isFolder: ObjCBool = false
            return !name.hasPrefix(".") && manager.fileExists(atPath: "\(content)/\(name)", isDirectory: &isFolder)
                && isFolder.boolValue
        }.sorted()
        guard let section = section ?? ["posts", "post", "blog", "news"].first(where: sections.contains) else {
            throw ImportError(
                SourceLocation(path: "content"),
                "no posts section under content/ (looked for posts, post, blog, news; it has \(sections.isEmpty ? "none" : sections.joined(separator: ", "))); name one with --section"
            )
        }
        guard sections.contains(section) else {
            throw ImportError(SourceLocation(path: "content/\(section)"), "there is no content/\(section)/")
        }
        let config = HugoConfig(root: root)
        blog.site = config.site
        let permalink = config.permalinks[section] ?? "/\(section)/:slug/"

        // Posts: content/SECTION/x.md, and bundles content/SECTION/x/index.md with their files.
        struct Found {
            var file: SourceFile
            var name: String
            var bundle: String?
            /// The file's path under the section's folder.
            var relativePath: String
        }
        var found: [Found] = []
        let base = "\(content)/\(section)"
        for path in (manager.subpaths(atPath: base) ?? []).sorted() {
            let parts = path.split(separator: "/").map(String.init)
            guard !parts.contains(where: { $0.hasPrefix(".") }) else { continue }
            let name = parts.last ?? path
            let ext = (name as NSString).pathExtension.lowercased()
            var stem = (name as NSString).deletingPathExtension
            guard ["md", "markdown"].contains(ext) else {
                if ["html", "htm", "adoc", "org", "rst"].contains(ext) {
                    blog.skipped.append(
                        ImportNote(
                            SourceLocation(path: "content/\(section)/\(path)"), "not Markdown (.\(ext)); not imported"))
                }
                continue
            }
            if stem == "_index" { continue }
            let shown = "content/\(section)/\(path)"
            let bundle: String? = stem == "index" && parts.count >= 2 ? parts.dropLast().joined(separator: "/") : nil
            // Hugo reads a date at the start of a file name (`2015-12-21-name.md`) as the date.
            if stem.count > 11, stem.dropFirst(10).first == "-",
                SourceFile.date(String(stem.prefix(10)), zone: zone) != nil
            {
                stem = String(stem.dropFirst(11))
            }
            let slugName = bundle.map { ($0 as NSString).lastPathComponent } ?? stem
            do {
                found.append(
                    Found(
                        file: try SourceFile(path: "\(base)/\(path)", shown: shown), name: slugName, bundle: bundle,
                        relativePath: path))
            } catch let error as ImportError {
                blog.skipped.append(ImportNote(error.location ?? SourceLocation(path: shown), error.message))
            }
        }

        var posts: [ImportedPost] = []
        var urlByFile: [String: String] = [:]
        for item in found {
            let file = item.file
            let date = file.string("date").flatMap { SourceFile.date($0, zone: zone) }
            let publish =
                file.string("publishDate").flatMap { SourceFile.date($0, zone: zone) }
                ?? file.string("publishdate").flatMap { SourceFile.date($0, zone: zone) }
            // The slug: its own, else the last part of the URL it gives (with the part before
            // when the last is a number: `/gdc2019/1/` → `gdc2019-1`), else the file's name.
            let urlName = file.string("url").flatMap { url -> String? in
                let parts = url.split(separator: "/").map { ($0 as NSString).deletingPathExtension }
                guard let last = parts.last else { return nil }
                if last.allSatisfy(\.isNumber), parts.count > 1, !parts[parts.count - 2].allSatisfy(\.isNumber) {
                    return "\(parts[parts.count - 2])-\(last)"
                }
                return last
            }
            let slug = file.string("slug") ?? urlName ?? item.name
            var state: ImportedState = .published
            if file.string("draft") == "true" { state = .draft }
            let when = publish ?? date
            if state == .published, let when, when > now { state = .scheduled }
            var post = ImportedPost(
                origin: SourceLocation(path: file.path), slug: slug, state: state,
                title: file.string("title") ?? item.name.replacingOccurrences(of: "-", with: " ").capitalized,
                body: file.body)
            post.date = when
            post.modified = file.string("lastmod").flatMap { SourceFile.date($0, zone: zone) }
            post.expireAt = (file.string("expiryDate") ?? file.string("expirydate")).flatMap {
                SourceFile.date($0, zone: zone)
            }
            if let expire = post.expireAt, expire <= now, state == .published {
                post.notes.append(
                    ImportNote(post.origin, "expired already; imported as published with its expire_at"))
            }
            post.categories = file.strings("categories")
            post.tags = file.strings("tags")
            post.authors = file.strings("authors") + file.strings("author")
            if post.authors.isEmpty, let author = config.author { post.authors = [author.name] }
            if let author = config.author { blog.people[author.name] = author }
            post.summary = file.string("summary") ?? file.string("description")
            let owned: Set<String> = [
                "title", "date", "publishDate", "publishdate", "expiryDate", "expirydate", "draft", "slug", "url",
                "aliases", "categories", "tags", "authors", "author", "summary", "description", "layout", "type",
                "lastmod",
            ]
            post.extra = file.keys.filter { !owned.contains($0.0) }
            let url =
                file.string("url")
                ?? HugoConfig.url(permalink, slug: slug, title: post.title, section: section, date: when, zone: zone)
            post.oldURLs = [url] + file.strings("aliases")
            urlByFile[item.bundle ?? (file.path as NSString).deletingPathExtension] = url
            urlByFile[item.name] = url

            // A bundle's files go to assets/SLUG/, and the body's links to them follow.
            if let bundle = item.bundle {
                let folder = "\(base)/\(bundle)"
                let target = "assets/\(ImportPlan.slug(slug, title: post.title))"
                for name in ((try? manager.contentsOfDirectory(atPath: folder)) ?? []).sorted()
                where !name.hasPrefix(".") && name != "index.md" && name != "index.markdown" {
                    var info = stat()
                    guard lstat("\(folder)/\(name)", &info) == 0, info.st_mode & S_IFMT == S_IFREG else { continue }
                    post.assets.append(ImportedAsset(from: "\(folder)/\(name)", to: "\(target)/\(name)"))
                    for prefix in ["](", "](./", "src=\"", "src=\"./", "href=\"", "href=\"./"] {
                        let opener = prefix.hasSuffix("./") ? String(prefix.dropLast(2)) : prefix
                        post.body = post.body.replacingOccurrences(
                            of: prefix + name, with: opener + "../\(target)/\(name)")
                    }
                }
            }
            // With canonifyURLs, a relative link is the site root's: `images/x.png` is `/images/x.png`.
            post.body = HugoSource.rootRelative(
                post.body, staticFolder: "\(root)/static",
                sourceFolder: (base + "/" + item.relativePath).parentFolder,
                canonify: config.canonifyURLs)
            post.assets += JekyllSource.rootAssets(in: post.body, root: root, staticFolder: "static")
            posts.append(post)
        }

        // Shortcodes: ref and relref to other posts become links; the rest are kept and noted.
        for index in posts.indices {
            posts[index].body = HugoSource.shortcodes(
                in: posts[index].body, file: found[index].file, urls: urlByFile, notes: &posts[index].notes)
        }
        blog.posts = posts
        if let press = HugoConfig.pressPattern(permalink, section: section) { blog.postPatterns = [press] }
        // Other sections and top-level pages are pages of the site.
        for other in sections where other != section { blog.pages.append("/\(other)/**") }
        for name in ((try? manager.contentsOfDirectory(atPath: content)) ?? []).sorted()
        where name.hasSuffix(".md") && !name.hasPrefix("_") {
            blog.pages.append("/\((name as NSString).deletingPathExtension)/")
        }
        for taxonomy in ["tags", "categories"] where !blog.pages.contains("/\(taxonomy)/**") {
            blog.pages.append("/\(taxonomy)/**")
        }
        return blog
    }

    /// Relative link destinations that name a file in the static folder, made site paths: with
    /// canonifyURLs, `images/x.png` (the site root's); always, `../../../static/images/x.png`
    /// (the file beside the post in the source folder, as an editor previews it).
    static func rootRelative(_ body: String, staticFolder: String, sourceFolder: String, canonify: Bool) -> String {
        LinkDestinations.rewrite(body) { path in
            guard !path.isEmpty, !path.hasPrefix("/"), !path.hasPrefix("#"), !path.contains(":") else { return nil }
            let plain = String(path.prefix { $0 != "#" && $0 != "?" })
            let decoded = plain.removingPercentEncoding ?? plain
            var info = stat()
            let local = URL(fileURLWithPath: "\(sourceFolder)/\(decoded)").standardizedFileURL.path
            if local.hasPrefix(staticFolder + "/"), lstat(local, &info) == 0 {
                return String(local.dropFirst(staticFolder.count)) + path.dropFirst(plain.count)
            }
            if canonify, !path.hasPrefix("."), lstat("\(staticFolder)/\(decoded)", &info) == 0 { return "/" + path }
            return nil
        }
    }

    /// `{{< ref "x" >}}` and `{{< relref "x" >}}` (and the `%` forms) to the post's old URL.
    static func shortcodes(in body: String, file: SourceFile, urls: [String: String], notes: inout [ImportNote])
        -> String
    {
        var out = ""
        var rest = Substring(body)
        while let open = rest.range(of: "{{") {
            out += rest[..<open.lowerBound]
            let after = rest[open.upperBound...]
            guard after.hasPrefix("<") || after.hasPrefix("%"),
                let close = after.range(of: after.hasPrefix("<") ? ">}}" : "%}}")
            else {
                out += "{{"
                rest = after
                continue
            }
            let inner = after[after.index(after: after.startIndex)..<close.lowerBound].trimmingCharacters(
                in: .whitespaces)
            let words = inner.split(separator: " ", maxSplits: 1).map(String.init)
            let line = file.bodyLine + body[..<open.lowerBound].filter { $0 == "\n" }.count
            if ["ref", "relref"].contains(words.first), words.count == 2 {
                let target = words[1].trimmingCharacters(in: CharacterSet(charactersIn: "\"' "))
                let key = ((target.split(separator: "/").last.map(String.init) ?? target) as NSString)
                    .deletingPathExtension
                let anchor = target.firstIndex(of: "#").map { String(target[$0...]) } ?? ""
                if let url = urls[
                    key == "index"
                        ? (target.parentFolder as NSString).lastPathComponent : key]
                {
                    out += url + anchor
                } else {
                    out += rest[open.lowerBound..<close.upperBound]
                    notes.append(
                        ImportNote(
                            SourceLocation(path: file.path, line: line),
                            "\(words[0]) names '\(target)', which is not among the posts"))
                }
            } else {
                out += rest[open.lowerBound..<close.upperBound]
                if let name = words.first, !name.hasPrefix("/") {
                    notes.append(
                        ImportNote(
                            SourceLocation(path: file.path, line: line),
                            "the shortcode '\(name)' is kept as text; press does not run Hugo's shortcodes"))
                }
            }
            rest = after[close.upperBound...]
        }
        out += rest
        return out
    }
}

/// What a Hugo site's config (`hugo.toml`, `config.toml`, `.yaml`, `.json`) says that an import needs.
struct HugoConfig {
    var permalinks: [String: String] = [:]
    /// `title`, `baseURL`, `languageCode` and `params.description`, as `site:` names them.
    var site: [String: String] = [:]
    var author: Person?
    var canonifyURLs = false

    init(root: String) {
        for name in [
            "hugo.toml", "config.toml", "hugo.yaml", "config.yaml", "hugo.yml", "config.yml", "hugo.json",
            "config.json",
        ] {
            guard let bytes = readFile("\(root)/\(name)") else { continue }
            let text = String(decoding: bytes, as: UTF8.self)
            let wrapped: String
            switch (name as NSString).pathExtension {
            case "toml": wrapped = "+++\n\(text)\n+++\n"
            case "json": wrapped = text
            default: wrapped = "---\n\(text)\n---\n"
            }
            guard let file = try? SourceFile(text: wrapped, shown: name) else { continue }
            // Hugo's configuration keys are not case-sensitive (`canonifyurls`, `Author`).
            func value(_ key: String, in pairs: [(String, YAMLValue)]) -> YAMLValue? {
                pairs.first { $0.0.lowercased() == key.lowercased() }?.1
            }
            if case .map(let pairs) = value("permalinks", in: file.keys) {
                for (key, value) in pairs { if case .string(let text) = value { permalinks[key] = text } }
            }
            if case .string(let flag) = value("canonifyURLs", in: file.keys) { canonifyURLs = flag == "true" }
            for (key, name) in [("title", "title"), ("baseURL", "base_url"), ("languageCode", "language")] {
                if case .string(let text) = value(key, in: file.keys), !text.isEmpty { site[name] = text }
            }
            if case .map(let pairs) = value("params", in: file.keys),
                case .string(let text) = value("description", in: pairs), !text.isEmpty
            {
                site["description"] = text
            }
            if case .map(let pairs) = value("params", in: file.keys), let author = value("author", in: pairs) {
                switch author {
                case .string(let name): self.author = Person(name: name, email: "")
                case .map(let fields):
                    let name = fields.first { $0.0 == "name" }.flatMap {
                        if case .string(let s) = $0.1 { s } else { nil }
                    }
                    let email = fields.first { $0.0 == "email" }.flatMap {
                        if case .string(let s) = $0.1 { s } else { nil }
                    }
                    if let name { self.author = Person(name: name, email: email ?? "") }
                default: break
                }
            }
            break
        }
    }

    /// A post's URL by Hugo's permalink tokens.
    static func url(_ pattern: String, slug: String, title: String, section: String, date: Date?, zone: TimeZone)
        -> String
    {
        var values = URLPattern.day(date, zone: zone)
        values["slug"] = { slug }
        values["filename"] = { slug }
        values["title"] = { Slug(title: title)?.value ?? slug }
        values["section"] = { section }
        let url = URLPattern.fill(pattern, style: .colon, values)
        return url.hasPrefix("/") ? url : "/" + url
    }

    static func pressPattern(_ pattern: String, section: String) -> String? {
        let values: [String: () -> String] = [
            "year": { "{year}" }, "month": { "{month}" }, "day": { "{day}" }, "slug": { "{slug}" },
            "filename": { "{slug}" }, "section": { section },
        ]
        let press = URLPattern.fill(pattern, style: .colon, values)
        guard !press.contains(":"), SitePattern(press.hasPrefix("/") ? press : "/" + press) != nil else { return nil }
        return press.hasPrefix("/") ? press : "/" + press
    }
}
