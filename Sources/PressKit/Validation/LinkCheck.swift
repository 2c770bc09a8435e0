import Foundation
import Git

/// The rules for one link: other posts (existence and publication order), assets, anchors,
/// and which links are external.
struct LinkCheck {
    enum Outcome {
        case fine
        case external(String)
        case finding(Diagnostic.Severity, String, String)
    }

    let root: String
    let workflow: Workflow
    /// Posts by slug: every post when the whole repository is checked; otherwise the checked
    /// ones, and others read when a link names them (`loadsMissing`).
    var records: [String: [PostRecord]]
    let loadsMissing: Bool
    let content: ContentSource
    var repository: ContentRepository { content.repository }
    /// For a gate: the post's paths and the folder it will be in once it is out; its relative
    /// links are resolved from there.
    var moving: (paths: [String], folder: String)?
    /// For a gate: the commit whose tree the files a post links to must be in.
    var committed: ObjectID?
    /// Anchors of posts that are link targets, read when first needed.
    var anchorCache: [String: Set<String>] = [:]
    /// Folder listings (relative path → names), for the exact-case check of assets.
    var listings: [String: Set<String>] = [:]
    /// What `lstat` found at each linked file's path (nil: nothing), looked at once: a site's
    /// posts link to the same few images.
    var linkedFiles: [String: mode_t?] = [:]
    /// The record of the post whose links are being checked, looked up once per post.
    var source: (path: String, record: PostRecord?)?
    /// The workflow's site path of a post, split around `{slug}`.
    let sitePosts: [SitePattern]
    let sitePages: [SitePattern]

    /// - Parameter anchors: the anchors of posts already scanned, by path; others are read when
    ///   a link needs them.
    init(
        root: String, workflow: Workflow, records: [String: [PostRecord]], loadsMissing: Bool = false,
        source: ContentSource, anchors: [String: Set<String>] = [:]
    ) {
        self.root = root
        self.workflow = workflow
        self.records = records
        self.loadsMissing = loadsMissing
        content = source
        anchorCache = anchors
        sitePosts = workflow.sitePosts
        sitePages = workflow.sitePages
    }

    mutating func check(_ link: Link, in post: Post, anchors: Set<String>) -> Outcome {
        let destination = link.destination
        if destination.isEmpty { return .finding(.error, "link-syntax", "the link has no destination") }
        // Markdown writes a destination with spaces in `<…>`, a valid form; HTML has no such form.
        if link.kind == .html, destination.utf8.contains(where: { $0 == 0x20 || $0 == 0x09 }) {
            return .finding(.error, "link-syntax", "the link '\(destination)' contains spaces; write them as %20")
        }
        // A protocol-relative link (`//host/path`) is external, reached as the site is: by https.
        if destination.utf8.starts(with: "//".utf8) {
            return check(external: "https:" + destination, written: destination)
        }
        if let scheme = LinkCheck.scheme(of: destination) {
            switch scheme {
            case "http", "https":
                return check(external: destination, written: destination)
            case "mailto":
                let address = String(destination.dropFirst(7).prefix { $0 != "?" })
                return MetadataCheck.isEmail(address.removingPercentEncoding ?? address)
                    ? .fine : .finding(.error, "link-syntax", "'\(destination)' is not a valid mailto: link")
            case "tel":
                let number = destination.dropFirst(4)
                return !number.isEmpty && number.allSatisfy({ $0.isNumber || "+-(). ".contains($0) })
                    ? .fine : .finding(.error, "link-syntax", "'\(destination)' is not a valid tel: link")
            default:
                return .finding(.warning, "link-scheme", "'\(scheme):' links are not checked")
            }
        }
        let (pathPart, fragment) = LinkCheck.split(destination)
        guard let path = pathPart.utf8.contains(UInt8(ascii: "%")) ? pathPart.removingPercentEncoding : pathPart else {
            return .finding(.error, "link-syntax", "'\(destination)' has a malformed %-escape")
        }
        if path.isEmpty {
            guard let fragment else { return .fine }
            return anchors.contains(fragment) || fragment.isEmpty || fragment == "top"
                ? .fine : .finding(.error, "link-anchor", "no heading or id '#\(fragment)' in this post")
        }
        if let slug = sitePathSlug(path) {
            return checkPost(slug: slug, fragment: fragment, from: post, written: destination)
        }
        // A page of the site outside the posts, as the workflow declares them.
        if path.hasPrefix("/"), sitePages.contains(where: { $0.match(path) != nil }) { return .fine }
        // A path in the repository, relative to the post (in the folder it is moving to, for a
        // gate), or to the root when it starts with '/'.
        let folder = moving.flatMap { $0.paths.contains(post.path) ? $0.folder : nil } ?? post.folder
        let base = path.hasPrefix("/") ? "" : folder
        guard let relative = LinkCheck.normalise(base.isEmpty ? String(path.dropFirst()) : "\(base)/\(path)") else {
            return .finding(.error, "link-outside", "'\(destination)' points outside the repository")
        }
        if let slug = PostFile.slug(ofPath: relative) {
            // A post beside this one is where this one goes once it is out too: the order decides.
            if folder != post.folder, !path.hasPrefix("/"), let here = LinkCheck.normalise("\(post.folder)/\(path)"),
                here != relative, !posts(slug).contains(where: { $0.path == relative })
            {
                return checkPost(path: here, fragment: fragment, from: post, written: destination)
            }
            return checkPost(path: relative, fragment: fragment, from: post, written: destination)
        }
        let outcome = checkAsset(relative, written: destination)
        guard folder != post.folder, !path.hasPrefix("/"), case .finding(_, "link-asset", let message) = outcome,
            let here = LinkCheck.normalise("\(post.folder)/\(path)"),
            case .fine = checkAsset(here, written: destination)
        else { return outcome }
        // Fine where the post is, broken where it is going.
        let name = here.split(separator: "/").last.map(String.init) ?? here
        return .finding(
            .error, "link-asset",
            "\(message) once the post is in \(folder)/ (it is \(here) from \(post.folder)/); write a path that works from both folders, such as /\(here), or keep assets outside \(post.folder)/ and \(folder)/ (/assets/\(name))"
        )
    }

    /// An http(s) URL to check on the network, if it is well formed.
    private func check(external url: String, written: String) -> Outcome {
        if LinkCheck.isPlainURL(url) { return .external(url) }
        guard let request = LinkCheck.requestURL(url) else {
            return .finding(.error, "link-syntax", "'\(written)' is not a well-formed URL")
        }
        return .external(request)
    }

    // MARK: - Posts

    private mutating func checkPost(path: String, fragment: String?, from post: Post, written: String) -> Outcome {
        let slug = PostFile.slug(ofPath: path) ?? path
        let candidates = posts(slug)
        guard let target = candidates.first(where: { $0.path == path }) else {
            if let elsewhere = candidates.first {
                let state = elsewhere.state.map { " (state \($0))" } ?? ""
                return .finding(.error, "link-post", "no post at \(path): '\(slug)' is in \(elsewhere.path)\(state)")
            }
            return .finding(.error, "link-post", "no post at \(path)")
        }
        return checkOrder(target, fragment: fragment, from: post)
    }

    private mutating func checkPost(slug: String, fragment: String?, from post: Post, written: String) -> Outcome {
        guard let target = posts(slug).first else {
            return .finding(.error, "link-post", "'\(written)' names the post '\(slug)', which does not exist")
        }
        return checkOrder(target, fragment: fragment, from: post)
    }

    /// A post that is out (or scheduled for T) must not link to one that will not be out by then.
    private mutating func checkOrder(_ target: PostRecord, fragment: String?, from post: Post) -> Outcome {
        if self.source?.path != post.path {
            self.source = (post.path, posts(post.fileSlug).first { $0.path == post.path })
        }
        if let source = self.source?.record, source.isPublished || source.time != nil {
            let sourceTime = source.time
            let ready: Bool
            if target.isPublished {
                ready = true
            } else if let targetTime = target.time, let sourceTime {
                ready = targetTime <= sourceTime
            } else {
                ready = false
            }
            if !ready {
                let when = sourceTime.map { PressTime.format($0, zone: workflow.timeZone) } ?? "now"
                let targetWhen =
                    target.time.map { "scheduled for \(PressTime.format($0, zone: workflow.timeZone))" }
                    ?? "in state '\(target.state ?? "?")'"
                return .finding(
                    .error, "link-order",
                    "\(post.path) is out \(source.isPublished ? "since" : "at") \(when) but links to \(target.path), which is \(targetWhen) and will not be published by then"
                )
            }
        }
        if let fragment, !fragment.isEmpty {
            let anchors = anchorsOf(target.path)
            if !anchors.contains(fragment) {
                return .finding(.error, "link-anchor", "no heading or id '#\(fragment)' in \(target.path)")
            }
        }
        return .fine
    }

    /// The posts with `slug`, reading them from drafts/ and published/ when they are not known yet.
    mutating func posts(_ slug: String) -> [PostRecord] {
        if let known = records[slug] { return known }
        guard loadsMissing else { return [] }
        let found = PostFile.paths(of: slug).compactMap { path -> PostRecord? in
            guard content.isFile(path), let post = try? content.readPost(at: path) else { return nil }
            return PostRecord(post: post, workflow: workflow)
        }
        records[slug] = found
        return found
    }

    private mutating func anchorsOf(_ path: String) -> Set<String> {
        if let cached = anchorCache[path] { return cached }
        let anchors =
            (try? content.readPost(at: path)).map {
                Markdown.scan($0.frontMatter.bodySlice, firstLine: $0.frontMatter.bodyStartLine).anchors
            } ?? []
        anchorCache[path] = anchors
        return anchors
    }

    /// The slug in a site path that one of the workflow's post patterns matches
    /// (`/posts/{slug}/`, `/{year}/{month}/{day}/{slug}.html`; the trailing slash optional).
    private func sitePathSlug(_ path: String) -> String? {
        for pattern in sitePosts {
            if let slug = pattern.match(path)?["slug"], !slug.isEmpty { return slug }
        }
        return nil
    }

    // MARK: - Assets

    private mutating func checkAsset(_ relative: String, written: String) -> Outcome {
        if let staged = content.staged {
            guard staged[relative] != nil else {
                let present = FileManager.default.fileExists(atPath: root + "/" + relative)
                return .finding(
                    .error, "link-asset",
                    present
                        ? "'\(written)' points to \(relative), which is not staged: the commit would not hold it (git add \(relative))"
                        : "'\(written)' points to \(relative), which does not exist")
            }
            return .fine
        }
        let absolute = root + "/" + relative
        let mode: mode_t?
        if let known = linkedFiles[relative] {
            mode = known
        } else {
            var info = stat()
            mode = lstat(absolute, &info) == 0 ? info.st_mode : nil
            linkedFiles[relative] = mode
        }
        guard let mode, existsWithExactCase(relative) else {
            return .finding(.error, "link-asset", "'\(written)' points to \(relative), which does not exist")
        }
        if (mode & S_IFMT) == S_IFLNK {
            let target = URL(fileURLWithPath: absolute).resolvingSymlinksInPath().path
            let realRoot = URL(fileURLWithPath: root).resolvingSymlinksInPath().path
            guard target.hasPrefix(realRoot + "/") else {
                return .finding(
                    .error, "link-outside", "'\(written)' is a symbolic link to \(target), outside the repository")
            }
            guard FileManager.default.fileExists(atPath: target) else {
                return .finding(
                    .error, "link-asset", "'\(written)' is a symbolic link to \(target), which does not exist")
            }
        }
        if let committed, !content.isCommitted(relative, in: committed) {
            return .finding(
                .error, "link-uncommitted",
                "'\(written)' points to \(relative), which is not committed: the transition's commit would go out without it; commit it first (git add \(relative) && git commit)"
            )
        }
        return .fine
    }

    /// Each component must be in its folder's listing with exactly this case (a case-insensitive
    /// file system would find `Photo.JPG` for `photo.jpg`; the site's server will not).
    /// Listings are read once per folder.
    private mutating func existsWithExactCase(_ relative: String) -> Bool {
        var folder = ""
        for part in relative.split(separator: "/") {
            let names: Set<String>
            if let cached = listings[folder] {
                names = cached
            } else {
                names = Set((try? FileManager.default.contentsOfDirectory(atPath: root + "/" + folder)) ?? [])
                listings[folder] = names
            }
            guard names.contains(String(part)) else { return false }
            folder += folder.isEmpty ? String(part) : "/" + part
        }
        return true
    }

    // MARK: - Syntax

    static func scheme(of destination: String) -> String? {
        let bytes = destination.utf8
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")) else { return nil }
        let scheme = bytes[..<colon]
        guard let first = scheme.first, isLetter(first),
            scheme.allSatisfy({
                isLetter($0) || (0x30...0x39).contains($0) || $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: ".")
                    || $0 == UInt8(ascii: "-")
            })
        else { return nil }
        return String(decoding: scheme, as: UTF8.self).lowercased()
    }

    /// The URL as it is requested, by Foundation's parser: an internationalised host in its
    /// ASCII form (IDNA, UTS #46 mapping: `Bücher.example` → `xn--bcher-kva.example`), other
    /// characters percent-encoded; nil when it is not a URL with a host.
    static func requestURL(_ url: String) -> String? {
        guard let parsed = URL(string: url), let host = parsed.host, !host.isEmpty else { return nil }
        return parsed.absoluteString
    }

    /// A well-formed http(s) URL without the parts that need a real parser: printable ASCII
    /// that URLs allow, `scheme://host[/...]` with a host of letters, digits, dots and hyphens.
    /// Anything else (userinfo, ports, IPv6, IDN, odd characters) goes to `URLComponents`.
    static func isPlainURL(_ destination: String) -> Bool {
        let bytes = destination.utf8
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")) else { return false }
        var rest = bytes[bytes.index(after: colon)...]
        guard rest.starts(with: "//".utf8) else { return false }
        rest = rest.dropFirst(2)
        let hostEnd =
            rest.firstIndex { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") }
            ?? rest.endIndex
        let host = rest[..<hostEnd]
        guard !host.isEmpty, host.first != UInt8(ascii: "."), host.first != UInt8(ascii: "-"),
            host.allSatisfy({
                isLetter($0) || (0x30...0x39).contains($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-")
            })
        else { return false }
        return rest[hostEnd...].allSatisfy { byte in
            byte > 0x20 && byte < 0x7F && !"<>\"{}|\\^`%[]".utf8.contains(byte)
        }
    }

    private static func isLetter(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
    }

    /// Whether a path has no empty, `.` or `..` component, so that `normalise` would return it as is.
    static func isNormal(_ path: String) -> Bool {
        var componentStart = true
        var dots = 0
        for byte in path.utf8 {
            if byte == UInt8(ascii: "/") {
                if componentStart || dots > 0 { return false }
                componentStart = true
            } else if byte == UInt8(ascii: "."), componentStart || dots > 0 {
                componentStart = false
                dots += 1
                if dots > 2 { dots = 0 }
            } else {
                componentStart = false
                dots = 0
            }
        }
        return !componentStart && dots == 0
    }

    static func split(_ destination: String) -> (String, String?) {
        let bytes = destination.utf8
        var end = bytes.endIndex
        var fragment: String?
        if let hash = bytes.firstIndex(of: UInt8(ascii: "#")) {
            let text = String(decoding: bytes[bytes.index(after: hash)...], as: UTF8.self)
            fragment = text.utf8.contains(UInt8(ascii: "%")) ? (text.removingPercentEncoding ?? text) : text
            end = hash
        }
        if let query = bytes[..<end].firstIndex(of: UInt8(ascii: "?")) { end = query }
        return (String(decoding: bytes[..<end], as: UTF8.self), fragment)
    }

    /// Resolves `.` and `..`; nil when the path climbs above the root.
    static func normalise(_ path: String) -> String? {
        if isNormal(path) { return path }
        var parts: [Substring.UTF8View.SubSequence] = []
        for part in path.utf8.split(separator: UInt8(ascii: "/")) {
            if part.elementsEqual(".".utf8) { continue }
            if part.elementsEqual("..".utf8) {
                guard !parts.isEmpty else { return nil }
                parts.removeLast()
            } else {
                parts.append(part)
            }
        }
        return parts.map { String(decoding: $0, as: UTF8.self) }.joined(separator: "/")
    }
}
