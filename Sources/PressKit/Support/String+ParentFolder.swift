extension String {
    /// The path without its last component, as `NSString.deletingLastPathComponent` gives it
    /// ("a/b/c" → "a/b", "/a" → "/", "a" → "", "a//b/" → "a"), in Swift alone: Foundation's on
    /// Linux traps on a string of one character ("p", the folder of a site whose posts are at
    /// `/p/{slug}/`), which stopped such a build with SIGILL.
    public var parentFolder: String {
        var path = Substring(self)
        while path.count > 1, path.hasSuffix("/") { path.removeLast() }
        guard let slash = path.lastIndex(of: "/") else { return "" }
        if slash == path.startIndex { return "/" }
        var parent = path[..<slash]
        while parent.count > 1, parent.hasSuffix("/") { parent.removeLast() }
        return String(parent)
    }
}
