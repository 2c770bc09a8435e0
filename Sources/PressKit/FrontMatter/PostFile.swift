/// The names post files have: `SLUG.md` or `SLUG.markdown`, directly in `drafts/` or `published/`.
///
/// A post keeps its file's extension through every transition (a blog brought in from Jekyll
/// keeps its `.markdown` files, and the history of each file stays one line); new posts are `.md`.
public enum PostFile {
    /// The extensions press reads posts from, the one new posts get first.
    public static let extensions = ["md", "markdown"]

    /// The slug of a file name (`x.md`, `x.markdown` → `x`); nil for any other name.
    public static func slug(ofName name: some StringProtocol) -> String? {
        guard !name.hasPrefix("."), let dot = name.lastIndex(of: ".") else { return nil }
        let stem = name[..<dot]
        guard !stem.isEmpty, extensions.contains(String(name[name.index(after: dot)...])) else { return nil }
        return String(stem)
    }

    /// The slug of a post's path (`drafts/x.md`, `published/x.markdown`); nil for anything else,
    /// a file in a subfolder included.
    public static func slug(ofPath path: some StringProtocol) -> String? {
        guard let slash = path.firstIndex(of: "/"),
            ContentRepository.postFolders.contains(String(path[..<slash]))
        else { return nil }
        let name = path[path.index(after: slash)...]
        guard !name.contains("/") else { return nil }
        return slug(ofName: name)
    }

    /// Every path a post with `slug` may have, in `folders` (both post folders unless named).
    public static func paths(of slug: String, in folders: [String] = ContentRepository.postFolders) -> [String] {
        folders.flatMap { folder in extensions.map { "\(folder)/\(slug).\($0)" } }
    }

    /// The extension of `path` (`md` or `markdown`), `md` for any other.
    public static func fileExtension(of path: some StringProtocol) -> String {
        guard let dot = path.lastIndex(of: "."),
            let ext = extensions.first(where: { $0 == path[path.index(after: dot)...] })
        else { return extensions[0] }
        return ext
    }
}
