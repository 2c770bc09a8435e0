import Foundation
import Yams

/// A Jekyll site read for `press import jekyll DIR`: `_posts/YYYY-MM-DD-slug.{md,markdown}`
/// (in subfolders too) and `_drafts/`, with `_config.yml`'s permalink, time zone and author.
public enum JekyllSource {
    public static func read(_ directory: String, zone: TimeZone, now: Date) throws -> ImportedBlog {
        let root = URL(fileURLWithPath: directory).standardizedFileURL.path
        var blog = ImportedBlog(source: "jekyll")
        let config = JekyllConfig(root: root)
        for (key, name) in [("title", "title"), ("description", "description"), ("lang", "language")] {
            if let text = config.values[key], !text.isEmpty { blog.site[name] = text }
        }
        if let url = config.values["url"], !url.isEmpty {
            blog.site["base_url"] = url + (config.values["baseurl"] ?? "")
        }
        let zone = config.timeZone ?? zone
        if let author = config.author { blog.people[author.name] = author }
        for (name, person) in config.people { blog.people[name] = person }

        // Every post file, and the URL each had (for post_url and links between them).
        struct Found {
            var file: SourceFile
            var slug: String
            var date: Date?
            var draft: Bool
        }
        var found: [Found] = []
        let manager = FileManager.default
        for (folder, draft) in [("_posts", false), ("_drafts", true)] {
            let base = "\(root)/\(folder)"
            guard let names = manager.subpaths(atPath: base) else { continue }
            for name in names.sorted() where !name.split(separator: "/").contains(where: { $0.hasPrefix(".") }) {
                let file = (name as NSString).lastPathComponent
                let shown = "\(folder)/\(name)"
                var isFolder: ObjCBool = false
                guard manager.fileExists(atPath: "\(base)/\(name)", isDirectory: &isFolder), !isFolder.boolValue else {
                    continue
                }
                let ext = (file as NSString).pathExtension.lowercased()
                guard ["md", "markdown", "mkd", "mkdn", "mdown"].contains(ext) else {
                    blog.skipped.append(
                        ImportNote(SourceLocation(path: shown), "not a Markdown post (.\(ext)); not imported"))
                    continue
                }
                var stem = (file as NSString).deletingPathExtension
                var date: Date?
                if !draft {
                    let prefix = String(stem.prefix(11))
                    guard prefix.count == 11, prefix.last == "-",
                        let day = SourceFile.date(String(prefix.dropLast()), zone: zone)
                    else {
                        blog.skipped.append(
                            ImportNote(
                                SourceLocation(path: shown),
                                "the name is not YYYY-MM-DD-slug, so Jekyll does not publish it; not imported"))
                        continue
                    }
                    date = day
                    stem = String(stem.dropFirst(11))
                }
                do {
                    found.append(
                        Found(
                            file: try SourceFile(path: "\(base)/\(name)", shown: shown), slug: stem, date: date,
                            draft: draft))
                } catch let error as ImportError {
                    blog.skipped.append(ImportNote(error.location ?? SourceLocation(path: shown), error.message))
                }
            }
        }

        var posts: [ImportedPost] = []
        var urlByName: [String: String] = [:]
        for item in found {
            let file = item.file
            var date = item.date
            if let text = file.string("date") {
                if let parsed = SourceFile.date(text, zone: zone) { date = parsed }
            }
            let title = file.string("title") ?? item.slug.replacingOccurrences(of: "-", with: " ").capitalized
            let categories = file.strings("categories", splitting: " ") + file.strings("category")
            let tags = file.strings("tags", splitting: " ") + file.strings("tag")
            var state: ImportedState = item.draft ? .draft : .published
            if file.string("published") == "false" { state = .draft }
            if state == .published, let date, date > now { state = .scheduled }

            var post = ImportedPost(
                origin: SourceLocation(path: file.path), slug: file.string("slug") ?? item.slug, state: state,
                title: title, body: file.body)
            post.date = date
            post.categories = categories
            post.tags = tags
            post.authors = file.strings("author") + file.strings("authors")
            if post.authors.isEmpty, let author = config.author { post.authors = [author.name] }
            post.summary = file.string("excerpt") ?? file.string("description") ?? file.string("summary")
            let owned: Set<String> = [
                "title", "date", "categories", "category", "tags", "tag", "author", "authors", "excerpt",
                "description", "summary", "published", "slug", "permalink", "layout", "redirect_from",
            ]
            post.extra = file.keys.filter { !owned.contains($0.0) }
            if let permalink = file.string("permalink") {
                post.oldURLs = [permalink]
            } else if !item.draft, let pattern = config.postPermalink {
                post.oldURLs = [
                    JekyllConfig.url(pattern, slug: item.slug, categories: categories, date: date, zone: zone)
                ]
            }
            post.oldURLs += file.strings("redirect_from")
            if let url = post.oldURLs.first {
                let name = (file.path as NSString).lastPathComponent
                urlByName[(name as NSString).deletingPathExtension] = url
            }
            posts.append(post)
        }

        // The bodies: Liquid press does not run, turned into Markdown where it has a meaning.
        for index in posts.indices {
            let (body, notes, assets) = JekyllSource.body(
                posts[index].body, in: found[index].file, root: root, urls: urlByName, config: config)
            posts[index].body = body
            posts[index].notes += notes
            posts[index].assets = assets
        }
        blog.posts = posts
        if let pattern = config.postPermalink, let press = JekyllConfig.pressPattern(pattern) {
            blog.postPatterns = [press]
        }
        blog.pages = config.pages
        blog.timeZone = config.timeZone
        return blog
    }

    /// A body with `{% post_url %}`, `{% link %}`, `{{ site.baseurl }}` and `{% highlight %}`
    /// made plain Markdown, loops over literal lists written out (`LiquidLines`); other Liquid tags
    /// kept, each a note at its line.
    static func body(
        _ body: String, in file: SourceFile, root: String, urls: [String: String], config: JekyllConfig
    ) -> (
        String, [ImportNote], [ImportedAsset]
    ) {
        var out: [String] = []
        var notes: [ImportNote] = []
        var inRaw = false
        let lines = body.split(separator: "\n", omittingEmptySubsequences: false).enumerated().map {
            (String($1), $0)
        }
        for (line, offset) in LiquidLines(site: config.values, page: file.keys).expand(lines) {
            let text = line
            var rebuilt = ""
            var rest = Substring(text)
            while let open = rest.range(of: "{%") {
                rebuilt += rest[..<open.lowerBound]
                guard let close = rest[open.upperBound...].range(of: "%}") else {
                    rest = rest[open.lowerBound...]
                    break
                }
                let tag = rest[open.upperBound..<close.lowerBound].trimmingCharacters(
                    in: CharacterSet(charactersIn: "- ").union(.whitespaces))
                let words = tag.split(separator: " ", omittingEmptySubsequences: true)
                let name = words.first.map(String.init) ?? ""
                // The tag as written, and a note at its line when it says why.
                func keep(_ why: String?) {
                    rebuilt += rest[open.lowerBound..<close.upperBound]
                    guard let why else { return }
                    notes.append(ImportNote(SourceLocation(path: file.path, line: file.bodyLine + offset), why))
                }
                switch name {
                case "raw":
                    inRaw = true
                case "endraw":
                    inRaw = false
                case "post_url" where words.count > 1:
                    let target = String(words[1]).split(separator: "/").last.map(String.init) ?? String(words[1])
                    if let url = urls[target] {
                        rebuilt += url
                    } else {
                        keep("post_url names '\(target)', which is not among the posts")
                    }
                case "link" where words.count > 1:
                    let target = String(words[1])
                    let name = ((target as NSString).lastPathComponent as NSString).deletingPathExtension
                    if target.hasPrefix("_posts/"), let url = urls[name] {
                        rebuilt += url
                    } else if let url = config.url(ofFile: target) {
                        rebuilt += url
                    } else {
                        keep("link names '\(target)', which press cannot find")
                    }
                case "highlight":
                    rebuilt += "```" + (words.count > 1 ? words[1] : "")
                case "endhighlight":
                    rebuilt += "```"
                default:
                    keep(inRaw ? nil : "the Liquid tag '{% \(name) %}' is kept as text; press does not run Liquid")
                }
                rest = rest[close.upperBound...]
            }
            rebuilt += rest
            out.append(rebuilt)
        }
        let text = out.joined(separator: "\n")
        return (text, notes, rootAssets(in: text, root: root))
    }

    /// Files a body names by site paths (`/img/logo.png`) that are files in the site folder
    /// (not pages): copied to the same path in the repository, where press resolves such links.
    static func rootAssets(in body: String, root: String, staticFolder: String = "")
        -> [ImportedAsset]
    {
        var assets: [ImportedAsset] = []
        for destination in LinkDestinations.all(in: body) where destination.hasPrefix("/") {
            let path = String(destination.dropFirst().prefix { $0 != "?" && $0 != "#" })
            let ext = (path as NSString).pathExtension.lowercased()
            guard !path.isEmpty, !path.hasPrefix("/"), !path.contains(".."), !ext.isEmpty,
                !["html", "htm", "md", "markdown", "xml"].contains(ext)
            else { continue }
            let decoded = path.removingPercentEncoding ?? path
            let source = "\(root)/\(staticFolder.isEmpty ? "" : staticFolder + "/")\(decoded)"
            var info = stat()
            guard !assets.contains(where: { $0.to == decoded }), lstat(source, &info) == 0,
                info.st_mode & S_IFMT == S_IFREG
            else { continue }
            // The link stays as it is: `/img/x.png` is the root's `img/x.png` to press too.
            assets.append(ImportedAsset(from: source, to: decoded))
        }
        return assets
    }
}

/// What a Jekyll site's `_config.yml` says that an import needs.
struct JekyllConfig {
    var postPermalink: String?
    var timeZone: TimeZone?
    /// The configuration's single values (`site.repository`), for `{{ site.KEY }}`.
    var values: [String: String] = [:]
    var author: Person?
    var people: [String: Person] = [:]
    var pages: [String] = []
    /// Collections written to the site, with their permalinks.
    var collections: [String: String] = [:]
    let root: String

    init(root: String) {
        self.root = root
        let text = readFile("\(root)/_config.yml").map { String(decoding: $0, as: UTF8.self) } ?? ""
        let config = (try? Yams.compose(yaml: text)) ?? nil
        var permalink = config?["permalink"]?.string ?? "date"
        if let posts = config?["collections"]?["posts"]?["permalink"]?.string { permalink = posts }
        switch permalink {
        case "date": permalink = "/:categories/:year/:month/:day/:title:output_ext"
        case "pretty": permalink = "/:categories/:year/:month/:day/:title/"
        case "ordinal": permalink = "/:categories/:year/:y_day/:title:output_ext"
        case "none": permalink = "/:categories/:title:output_ext"
        default: break
        }
        postPermalink = permalink
        for (key, value) in config?.mapping ?? [:] {
            guard let name = key.string, let text = value.scalar?.string else { continue }
            values[name] = text
        }
        timeZone = config?["timezone"]?.string.flatMap(TimeZone.init(identifier:))
        if let author = config?["author"] {
            let name = author.string ?? author["name"]?.string
            if let name { self.author = Person(name: name, email: author["email"]?.string ?? "") }
        }
        // _data/authors.yml: name → { name|display_name, email }.
        for file in ["_data/authors.yml", "_data/authors.yaml"] {
            guard let bytes = readFile("\(root)/\(file)"),
                let node = (try? Yams.compose(yaml: String(decoding: bytes, as: UTF8.self))) ?? nil,
                let mapping = node.mapping
            else { continue }
            for (key, value) in mapping {
                guard let name = key.string else { continue }
                let shown = value["display_name"]?.string ?? value["name"]?.string ?? name
                people[name] = Person(name: shown, email: value["email"]?.string ?? "")
            }
        }
        // Collections written out to the site: their pages are at /NAME/… .
        for (key, value) in config?["collections"]?.mapping ?? [:] {
            guard let name = key.string, name != "posts", value["output"]?.string == "true" else { continue }
            pages.append("/\(name)/**")
            collections[name] = value["permalink"]?.string ?? "/:collection/:path:output_ext"
        }
        // Pages outside the underscore folders.
        let manager = FileManager.default
        for path in (manager.subpaths(atPath: root) ?? []).sorted() {
            let parts = path.split(separator: "/")
            guard !parts.contains(where: { $0.hasPrefix("_") || $0.hasPrefix(".") }), parts.first != "vendor",
                parts.first != "node_modules", ["md", "markdown", "html"].contains((path as NSString).pathExtension)
            else { continue }
            for page in pageURLs(path, root: root) where !pages.contains(page) { pages.append(page) }
        }
    }

    /// The URLs of a page: its `permalink` (else its path with `.html`, `index` as its folder's,
    /// pages deep in a folder as the folder's `/**`) and the old ones it answers (`redirect_from`).
    private func pageURLs(_ path: String, root: String) -> [String] {
        guard let file = try? SourceFile(path: "\(root)/\(path)", shown: path),
            !file.keys.isEmpty || path.hasSuffix(".html")
        else { return [] }
        let redirects = file.strings("redirect_from")
        if let permalink = file.string("permalink") { return [permalink] + redirects }
        let parts = path.split(separator: "/")
        if parts.count > 2 { return ["/\(parts[0])/**"] + redirects }
        let stem = (path as NSString).deletingPathExtension
        if stem == "index" { return ["/"] + redirects }
        if stem.hasSuffix("/index") { return ["/" + stem.dropLast("index".count)] + redirects }
        return ["/\(stem).html"] + redirects
    }

    /// The URLs `{% link %}` has asked for, each file read once however many posts name it.
    private final class Links {
        var known: [String: String?] = [:]
    }
    private let links = Links()

    /// The URL of a page or collection document `{% link %}` names (a path in the site folder).
    func url(ofFile path: String) -> String? {
        if let known = links.known[path] { return known }
        let url = readURL(ofFile: path)
        links.known[path] = url
        return url
    }

    private func readURL(ofFile path: String) -> String? {
        guard FileManager.default.fileExists(atPath: "\(root)/\(path)") else { return nil }
        if let file = try? SourceFile(path: "\(root)/\(path)", shown: path), let permalink = file.string("permalink") {
            return permalink
        }
        let parts = path.split(separator: "/", maxSplits: 1).map(String.init)
        let stem = (path as NSString).deletingPathExtension
        if parts.count == 2, parts[0].hasPrefix("_"), let pattern = collections[String(parts[0].dropFirst())] {
            let inner = (parts[1] as NSString).deletingPathExtension
            return
                pattern
                .replacingOccurrences(of: ":collection", with: String(parts[0].dropFirst()))
                .replacingOccurrences(of: ":path", with: inner)
                .replacingOccurrences(of: ":name", with: (inner as NSString).lastPathComponent)
                .replacingOccurrences(of: ":output_ext", with: ".html")
        }
        return "/\(stem).html"
    }

    /// A post's URL by Jekyll's permalink placeholders.
    static func url(_ pattern: String, slug: String, categories: [String], date: Date?, zone: TimeZone) -> String {
        var values = URLPattern.day(date, zone: zone)
        values["categories"] = {
            categories.map { $0.lowercased().replacingOccurrences(of: " ", with: "-") }.joined(separator: "/")
        }
        values["title"] = { slug }
        values["slug"] = { slug }
        values["output_ext"] = { ".html" }
        var url = URLPattern.fill(pattern, style: .colon, values)
        while url.contains("//") { url = url.replacingOccurrences(of: "//", with: "/") }
        return url
    }

    /// Jekyll's permalink as a press site pattern, when press can say it (one category at most).
    static func pressPattern(_ pattern: String) -> String? {
        let values: [String: () -> String] = [
            "year": { "{year}" }, "month": { "{month}" }, "day": { "{day}" }, "title": { "{slug}" },
            "slug": { "{slug}" }, "output_ext": { ".html" },
        ]
        let press = URLPattern.fill(pattern.replacingOccurrences(of: "/:categories", with: ""), style: .colon, values)
        guard !press.contains(":"), SitePattern(press) != nil else { return nil }
        return press
    }
}

/// The little of Liquid that posts use to write text: `{% assign x = EXPR %}`, `{% for i in EXPR %}`
/// … `{% endfor %}` (each on a line of its own) and `{{ EXPR }}`, where EXPR is a quoted text, a
/// variable, `site.KEY` or `page.KEY`, through the filters `split`, `slugify`, `prepend`,
/// `append`, `downcase`, `upcase`, `relative_url` and `absolute_url` (both as site paths). Each
/// line keeps the number of the line it came from; anything else is left as it is.
struct LiquidLines {
    enum Value {
        case text(String)
        case list([String])
    }

    let site: [String: String]
    let page: [String: Value]

    init(site: [String: String], page: [(String, YAMLValue)]) {
        self.site = site
        var values: [String: Value] = [:]
        for (key, value) in page {
            switch value {
            case .string(let text): values[key] = .text(text)
            case .list(let items):
                values[key] = .list(items.compactMap { if case .string(let s) = $0 { s } else { nil } })
            case .map: break
            }
        }
        self.page = values
    }

    func expand(_ lines: [(String, Int)], scope: [String: Value] = [:]) -> [(String, Int)] {
        var out: [(String, Int)] = []
        var scope = scope
        var index = 0
        while index < lines.count {
            let (line, number) = lines[index]
            let words = LiquidLines.tag(line)
            if words.first == "assign", words.count >= 4, words[2] == "=",
                let value = evaluate(words[3...].joined(separator: " "), scope: scope)
            {
                scope[words[1]] = value
                index += 1
                continue
            }
            if words.first == "for", words.count >= 4, words[2] == "in",
                case .list(let items) = evaluate(words[3...].joined(separator: " "), scope: scope),
                let end = LiquidLines.matchingEnd(lines, from: index)
            {
                let inner = Array(lines[(index + 1)..<end])
                for item in items {
                    var bound = scope
                    bound[words[1]] = .text(item)
                    out += expand(inner, scope: bound)
                }
                index = end + 1
                continue
            }
            out.append((substitute(line, scope: scope), number))
            index += 1
        }
        return out
    }

    /// Each `{{ EXPR }}` whose value is known, written out; the others kept.
    func substitute(_ line: String, scope: [String: Value]) -> String {
        guard line.firstRange(of: "{{") != nil else { return line }
        var out = ""
        var rest = Substring(line)
        while let open = rest.range(of: "{{"), let close = rest[open.upperBound...].range(of: "}}") {
            out += rest[..<open.lowerBound]
            if case .text(let text) = evaluate(String(rest[open.upperBound..<close.lowerBound]), scope: scope) {
                out += text
            } else {
                out += rest[open.lowerBound..<close.upperBound]
            }
            rest = rest[close.upperBound...]
        }
        return out + rest
    }

    /// An expression's value, or nil when any part of it is not one this knows.
    func evaluate(_ expression: String, scope: [String: Value]) -> Value? {
        let parts = LiquidLines.split(expression, on: "|").map { $0.trimmingCharacters(in: .whitespaces) }
        guard let first = parts.first else { return nil }
        var value: Value
        if let literal = LiquidLines.unquoted(first) {
            value = .text(literal)
        } else if first == "site.baseurl" || first == "site.url" {
            value = .text("")
        } else if first.hasPrefix("site.") {
            guard let text = site[String(first.dropFirst(5))] else { return nil }
            value = .text(text)
        } else if first.hasPrefix("page.") {
            guard let known = page[String(first.dropFirst(5))] else { return nil }
            value = known
        } else {
            guard let known = scope[first] else { return nil }
            value = known
        }
        for filter in parts.dropFirst() {
            let pieces = LiquidLines.split(filter, on: ":")
            let name = pieces[0].trimmingCharacters(in: .whitespaces)
            let argument =
                pieces.count > 1
                ? LiquidLines.unquoted(pieces[1...].joined(separator: ":").trimmingCharacters(in: .whitespaces)) : nil
            guard case .text(let text) = value else { return nil }
            switch (name, argument) {
            case ("split", let separator?) where !separator.isEmpty:
                value = .list(text.components(separatedBy: separator))
            case ("slugify", nil): value = .text(Slug(title: text)?.value ?? text.lowercased())
            case ("prepend", let prefix?): value = .text(prefix + text)
            case ("append", let suffix?): value = .text(text + suffix)
            case ("downcase", nil): value = .text(text.lowercased())
            case ("upcase", nil): value = .text(text.uppercased())
            case ("relative_url", nil), ("absolute_url", nil): value = .text(text)
            default: return nil
            }
        }
        return value
    }

    /// `text` split at `separator` outside quotes.
    static func split(_ text: String, on separator: Character) -> [String] {
        var parts: [String] = []
        var current = ""
        var quote: Character?
        for character in text {
            if let open = quote {
                if character == open { quote = nil }
            } else if character == "\"" || character == "'" {
                quote = character
            } else if character == separator {
                parts.append(current)
                current = ""
                continue
            }
            current.append(character)
        }
        parts.append(current)
        return parts
    }

    static func unquoted(_ word: String) -> String? {
        guard word.count >= 2, let first = word.first, first == "\"" || first == "'", word.last == first else {
            return nil
        }
        return String(word.dropFirst().dropLast())
    }

    /// The words of a line that is one tag and nothing else.
    static func tag(_ line: String) -> [String] {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasPrefix("{%"), trimmed.hasSuffix("%}"), trimmed.count > 4 else { return [] }
        let inner = trimmed.dropFirst(2).dropLast(2).trimmingCharacters(in: CharacterSet(charactersIn: "- "))
        return split(inner, on: " ").filter { !$0.isEmpty }
    }

    /// The line of the `endfor` that closes the `for` at `start`.
    static func matchingEnd(_ lines: [(String, Int)], from start: Int) -> Int? {
        var depth = 0
        for index in start..<lines.count {
            switch tag(lines[index].0).first {
            case "for": depth += 1
            case "endfor":
                depth -= 1
                if depth == 0 { return index }
            default: break
            }
        }
        return nil
    }
}
