/// The names post files have: `SLUG.md` or `SLUG.markdown`, directly in `drafts/` or `published/`.
///
/// A post keeps its file's extension through every transition (a blog brought in from Jekyll
/// keeps its `.markdown` files, and the history of each file stays one line); new posts are `.md`.
public enum PostFile {
    /// The extensions press reads posts from, the one new posts get first.
    public static let extensions = ["md", "markdown"]

    /// The slug of a file name (`x.md`, `x.markdown` → `x`); nil for any other name.
    public static func slug<Name: StringProtocol>(ofName name: Name) -> String? {
        // (On the name's UTF-8: a build asks this of every link of 10,000 posts.)
        let bytes = name.utf8
        var last: Name.UTF8View.Index?
        for index in bytes.indices where bytes[index] == UInt8(ascii: ".") { last = index }
        guard bytes.first != UInt8(ascii: "."), let dot = last else { return nil }
        let stem = bytes[..<dot]
        let suffix = bytes[bytes.index(after: dot)...]
        guard !stem.isEmpty, extensions.contains(where: { $0.utf8.elementsEqual(suffix) }) else { return nil }
        return String(decoding: stem, as: UTF8.self)
    }

    /// The slug of a post's path (`drafts/x.md`, `published/x.markdown`); nil for anything else,
    /// a file in a subfolder included.
    public static func slug(ofPath path: some StringProtocol) -> String? {
        let bytes = path.utf8
        guard let slash = bytes.firstIndex(of: UInt8(ascii: "/")),
            ContentRepository.postFolders.contains(where: { $0.utf8.elementsEqual(bytes[..<slash]) })
        else { return nil }
        let name = bytes[bytes.index(after: slash)...]
        guard !name.contains(UInt8(ascii: "/")) else { return nil }
        return slug(ofName: String(decoding: name, as: UTF8.self))
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
