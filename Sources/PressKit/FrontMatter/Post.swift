import Foundation

/// One approval in a post's record.
public struct Approval: Equatable, Sendable {
    public var person: Person
    public var at: String

    var yaml: YAMLValue {
        .map([("name", .string(person.name)), ("email", .string(person.email)), ("at", .string(at))])
    }
}

/// A post: one Markdown file with front matter, in `drafts/` or `published/`.
public struct Post: Sendable {
    /// The path relative to the repository, e.g. `drafts/hello.md`.
    public let path: String
    public var frontMatter: FrontMatter

    /// The folder the file is in: `drafts` or `published`.
    public let folder: String
    /// The slug the file name gives: `drafts/hello.md` → `hello`.
    public let fileSlug: String

    public init(path: String, bytes: [UInt8]) throws {
        self.path = path
        frontMatter = try FrontMatter(bytes: bytes, path: path)
        let slash = path.lastIndex(of: "/")
        folder = slash.map { String(path[..<$0]) } ?? ""
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        fileSlug = PostFile.slug(ofName: name) ?? name
    }

    // MARK: - Keys press owns

    public var title: String? { string("title") }
    public var slug: String? { string("slug") }
    public var status: String? { string("status") }
    public var summary: String? { string("summary") }
    public var publishAt: String? { string("publish_at") }
    public var publishedAt: String? { string("published_at") }
    public var created: String? { string("created") }
    public var workflowName: String? { string("workflow") }
    public var categories: [String] { strings("categories") }
    public var tags: [String] { strings("tags") }

    /// The author: a mapping with `name` and `email`, or a string "Name <email>".
    public var author: Person? {
        guard let node = frontMatter.entry("author")?.value else { return nil }
        return Post.person(node)
    }

    /// The approvals record, one entry per person.
    public var approvals: [Approval] {
        guard let items = frontMatter.entry("approvals")?.value.items else { return [] }
        return items.compactMap { item in
            guard let person = Post.person(item) else { return nil }
            return Approval(person: person, at: item["at"]?.string ?? "")
        }
    }

    /// The location of a key in the file, or of the front matter's first line when it is absent.
    public func location(of key: String) -> SourceLocation {
        frontMatter.entry(key)?.location ?? SourceLocation(path: path, line: 1)
    }

    /// A key's value as text, when it is a scalar.
    public func string(_ key: String) -> String? {
        guard let node = frontMatter.entry(key)?.value, !node.isNull else { return nil }
        return node.string
    }

    /// A key's value as a list of strings (a single scalar counts as a list of one).
    public func strings(_ key: String) -> [String] {
        guard let node = frontMatter.entry(key)?.value else { return [] }
        if let items = node.items { return items.compactMap(\.string) }
        return string(key).map { [$0] } ?? []
    }

    /// Checks that every key press reads has the shape press expects.
    /// - Throws: `FrontMatterError.wrongType` at the first key that does not.
    public func checkShape() throws {
        for entry in frontMatter.entries {
            let expected: String?
            switch entry.key {
            case "title", "slug", "status", "summary", "publish_at", "published_at", "created", "workflow":
                expected = !entry.value.isScalar ? "a single value" : nil
            case "categories", "tags", "authors":
                expected = entry.value.pairs != nil ? "a list of strings" : nil
            case "author":
                // A name alone (or a mapping without an email) loads: the workflow's authors:
                // may know it, and validation says so at the key when it does not.
                let named = entry.value.isScalar || entry.value["name"]?.string != nil
                expected =
                    Post.person(entry.value) == nil && !named
                    ? "a mapping with 'name' and 'email', or \"Name <email>\"" : nil
            case "approvals":
                expected = entry.value.items == nil && !entry.value.isNull ? "a list of approvals" : nil
            default:
                expected = nil
            }
            if let expected { throw FrontMatterError.wrongType(entry.location, key: entry.key, expected: expected) }
        }
    }

    static func person(_ node: YAMLNode) -> Person? {
        if node.pairs != nil {
            guard let email = node["email"]?.string, !email.isEmpty else { return nil }
            return Person(name: node["name"]?.string ?? "", email: email)
        }
        return node.string.flatMap(Person.init(parsing:))
    }
}
