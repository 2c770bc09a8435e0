import Foundation

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
    let records: [String: [PostRecord]]
    let repository: ContentRepository
    /// Anchors of posts that are link targets, read when first needed.
    var anchorCache: [String: Set<String>] = [:]

    init(root: String, workflow: Workflow, records: [String: [PostRecord]], repository: ContentRepository) {
        self.root = root
        self.workflow = workflow
        self.records = records
        self.repository = repository
    }

    mutating func check(_ link: Link, in post: Post, anchors: Set<String>) -> Outcome {
        let destination = link.destination
        if destination.isEmpty { return .finding(.error, "link-syntax", "the link has no destination") }
        if destination.contains(where: { $0 == " " || $0 == "\t" }) {
            return .finding(.error, "link-syntax", "the link '\(destination)' contains spaces; write them as %20")
        }
        if let scheme = LinkCheck.scheme(of: destination) {
            switch scheme {
            case "http", "https":
                guard let components = URLComponents(string: destination), let host = components.host, !host.isEmpty else {
                    return .finding(.error, "link-syntax", "'\(destination)' is not a well-formed URL")
                }
                return .external(destination)
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
        guard let path = pathPart.removingPercentEncoding else {
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
        // A path in the repository, relative to the post, or to the root when it starts with '/'.
        let base = path.hasPrefix("/") ? "" : post.folder
        guard let relative = LinkCheck.normalise(base.isEmpty ? String(path.dropFirst()) : "\(base)/\(path)") else {
            return .finding(.error, "link-outside", "'\(destination)' points outside the repository")
        }
        let parts = relative.split(separator: "/")
        if parts.count == 2, ContentRepository.postFolders.contains(String(parts[0])), parts[1].hasSuffix(".md") {
            return checkPost(path: relative, fragment: fragment, from: post, written: destination)
        }
        return checkAsset(relative, written: destination)
    }

    // MARK: - Posts

    private mutating func checkPost(path: String, fragment: String?, from post: Post, written: String) -> Outcome {
        let slug = String((path as NSString).lastPathComponent.dropLast(3))
        guard let target = records[slug]?.first(where: { $0.path == path }) else {
            if let elsewhere = records[slug]?.first {
                let state = elsewhere.state.map { " (state \($0))" } ?? ""
                return .finding(.error, "link-post", "no post at \(path): '\(slug)' is in \(elsewhere.path)\(state)")
            }
            return .finding(.error, "link-post", "no post at \(path)")
        }
        return checkOrder(target, fragment: fragment, from: post)
    }

    private mutating func checkPost(slug: String, fragment: String?, from post: Post, written: String) -> Outcome {
        guard let target = records[slug]?.first else {
            return .finding(.error, "link-post", "'\(written)' names the post '\(slug)', which does not exist")
        }
        return checkOrder(target, fragment: fragment, from: post)
    }

    /// A post that is out (or scheduled for T) must not link to one that will not be out by then.
    private mutating func checkOrder(_ target: PostRecord, fragment: String?, from post: Post) -> Outcome {
        let source = records[post.fileSlug]?.first { $0.path == post.path }
        if let source, source.isPublished || source.time != nil {
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
                let targetWhen = target.time.map { "scheduled for \(PressTime.format($0, zone: workflow.timeZone))" }
                    ?? "in state '\(target.state ?? "?")'"
                return .finding(.error, "link-order", "\(post.path) is out \(source.isPublished ? "since" : "at") \(when) but links to \(target.path), which is \(targetWhen) and will not be published by then")
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

    private mutating func anchorsOf(_ path: String) -> Set<String> {
        if let cached = anchorCache[path] { return cached }
        let anchors = (try? repository.readPost(at: path)).map {
            Markdown.scan($0.frontMatter.bodyBytes, firstLine: $0.frontMatter.bodyStartLine).anchors
        } ?? []
        anchorCache[path] = anchors
        return anchors
    }

    private func sitePathSlug(_ path: String) -> String? {
        guard let pattern = workflow.postPathPattern, let range = pattern.range(of: "{slug}") else { return nil }
        let prefix = String(pattern[..<range.lowerBound])
        let suffix = String(pattern[range.upperBound...])
        let trimmedSuffix = suffix.hasSuffix("/") ? String(suffix.dropLast()) : suffix
        guard path.hasPrefix(prefix) else { return nil }
        var rest = String(path.dropFirst(prefix.count))
        if rest.hasSuffix(suffix) {
            rest = String(rest.dropLast(suffix.count))
        } else if !trimmedSuffix.isEmpty || suffix.isEmpty, rest.hasSuffix(trimmedSuffix) {
            rest = String(rest.dropLast(trimmedSuffix.count))
        } else if !suffix.isEmpty && suffix != "/" {
            return nil
        } else if suffix == "/" && rest.hasSuffix("/") {
            rest = String(rest.dropLast())
        }
        return rest.isEmpty || rest.contains("/") ? nil : rest
    }

    // MARK: - Assets

    private func checkAsset(_ relative: String, written: String) -> Outcome {
        let absolute = root + "/" + relative
        var info = stat()
        guard lstat(absolute, &info) == 0, LinkCheck.existsWithExactCase(relative, root: root) else {
            return .finding(.error, "link-asset", "'\(written)' points to \(relative), which does not exist")
        }
        if (info.st_mode & S_IFMT) == S_IFLNK {
            let target = URL(fileURLWithPath: absolute).resolvingSymlinksInPath().path
            let realRoot = URL(fileURLWithPath: root).resolvingSymlinksInPath().path
            guard target.hasPrefix(realRoot + "/") else {
                return .finding(.error, "link-outside", "'\(written)' is a symbolic link to \(target), outside the repository")
            }
            guard FileManager.default.fileExists(atPath: target) else {
                return .finding(.error, "link-asset", "'\(written)' is a symbolic link to \(target), which does not exist")
            }
        }
        return .fine
    }

    /// Each component must be in its folder's listing with exactly this case (a case-insensitive
    /// file system would find `Photo.JPG` for `photo.jpg`; the site's server will not).
    static func existsWithExactCase(_ relative: String, root: String) -> Bool {
        var folder = root
        for part in relative.split(separator: "/") {
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder), names.contains(String(part)) else {
                return false
            }
            folder += "/" + part
        }
        return true
    }

    // MARK: - Syntax

    static func scheme(of destination: String) -> String? {
        guard let colon = destination.firstIndex(of: ":") else { return nil }
        let scheme = destination[..<colon]
        guard let first = scheme.first, first.isASCII, first.isLetter,
            scheme.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+.-".contains($0)) })
        else { return nil }
        return scheme.lowercased()
    }

    static func split(_ destination: String) -> (String, String?) {
        var path = destination
        var fragment: String?
        if let hash = path.firstIndex(of: "#") {
            fragment = String(path[path.index(after: hash)...])
            path = String(path[..<hash])
        }
        if let query = path.firstIndex(of: "?") { path = String(path[..<query]) }
        return (path, fragment.map { $0.removingPercentEncoding ?? $0 })
    }

    /// Resolves `.` and `..`; nil when the path climbs above the root.
    static func normalise(_ path: String) -> String? {
        var parts: [Substring] = []
        for part in path.split(separator: "/") {
            if part == "." { continue }
            if part == ".." {
                guard !parts.isEmpty else { return nil }
                parts.removeLast()
            } else {
                parts.append(part)
            }
        }
        return parts.joined(separator: "/")
    }
}
