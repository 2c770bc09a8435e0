import Foundation
import TestSupport
import Testing

@testable import PressKit

/// The default theme's pages are made without Mustache (`DefaultPages`) when the repository
/// replaces none of their templates. A repository whose `templates/` holds the default theme's
/// own text has every page made through swift-mustache instead: the two sites must be the same
/// bytes, for posts drawn from a seed with every value a template shows escaped, missing,
/// empty, repeated or many.
@Suite struct DefaultThemeTests {
    static func site(description: String?) -> String {
        """
        site:
          posts: /posts/{slug}/
          title: The <Example> & "Times"
          base_url: https://news.example.com/
          language: en-GB
        \(description.map { "  description: \($0)\n" } ?? "")  per_page: 2

        """
    }

    /// Texts that each escape differently, or not at all.
    static let texts = [
        "Plain", "Tom & Jerry", "<script>alert(1)</script>", "\"Quoted\" 'and' single", "Café \u{0301}\"",
        "a > b < c", "Ünïcödé ☃", "x",
    ]

    static func post(_ number: Int, using random: inout SeededGenerator) -> String {
        func pick() -> String { texts.randomElement(using: &random) ?? "x" }
        var lines = ["title: \(yaml("\(pick()) \(number)"))", "slug: post-\(number)"]
        switch Int.random(in: 0..<4, using: &random) {
        case 0: lines.append("author: Ada Author <ada@example.com>")
        case 1: lines.append("authors: [Ada Author <ada@example.com>, \(yaml("\(pick()) <b\(number)@example.com>"))]")
        case 2:
            lines.append(
                "authors: [Ada Author <ada@example.com>, Eddie Editor <editor@example.com>, C <c@example.com>]")
        default: lines.append("author: <solo\(number)@example.com>")
        }
        if Bool.random(using: &random) { lines.append("summary: \(yaml(pick()))") }
        let categories = (0..<Int.random(in: 0...3, using: &random)).map { _ in yaml(pick()) }
        if !categories.isEmpty { lines.append("categories: [\(categories.joined(separator: ", "))]") }
        lines.append("tags: [\(yaml(pick()))]")
        let published = Bool.random(using: &random) || number < 3
        lines.append("status: \(published ? "published" : "draft")")
        if published { lines.append("published_at: 2026-0\(1 + number % 9)-1\(number % 10)T09:00:00+00:00") }
        return "---\n" + lines.joined(separator: "\n") + "\n---\n# \(pick())\n\nBody of \(number) & <b>more</b>.\n"
    }

    /// `text` as a double-quoted YAML string.
    static func yaml(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    func repository(seed: UInt64, description: String?) async throws -> CLIRepository {
        let repository = try await CLIRepository(
            workflow: testWorkflow.replacingOccurrences(
                of: "required:", with: DefaultThemeTests.site(description: description) + "required:"),
            withPost: false)
        var random = SeededGenerator(seed: seed)
        for number in 0..<9 {
            let text = DefaultThemeTests.post(number, using: &random)
            try repository.directory.write(
                "\(text.contains("status: draft") ? "drafts" : "published")/post-\(number).md", text)
        }
        try await repository.commitAll("posts", as: People.eddie)
        return repository
    }

    @Test(arguments: [(1, nil), (2, "News <&> \"views\""), (3, "Plain words")] as [(UInt64, String?)])
    func theDefaultPagesAreWhatTheDefaultTemplatesMake(seed: UInt64, description: String?) async throws {
        let repository = try await repository(seed: seed, description: description)
        for arguments in [["build", "--full"], ["build", "--full", "--drafts", "--out", "drafts-site"]] {
            let direct = try await repository.press(arguments)
            #expect(direct.status == 0 && direct.stdout.contains("built "), "\(direct)")
            let folder = repository.path + "/" + (arguments.count > 2 ? "drafts-site" : "site")
            let made = siteFiles(folder)
            #expect(made.keys.contains("404.html") && made.keys.contains("index.html"), "\(made.keys.sorted())")
            // Every kind of page: lists of more than one page, each kind of list.
            for kind in ["page/", "authors/", "categories/", "tags/", "posts/"] {
                #expect(made.keys.contains { $0.hasPrefix(kind) }, "\(kind): \(made.keys.sorted())")
            }
            // The same theme, read from the repository's templates: made through Mustache.
            for name in Theme.names {
                try repository.directory.write("templates/\(name).mustache", Theme.defaults[name] ?? "")
            }
            let through = try await repository.press(arguments)
            #expect(through.status == 0, "\(through)")
            let mustache = siteFiles(folder)
            #expect(made.keys.sorted() == mustache.keys.sorted())
            for (path, bytes) in made where mustache[path] != bytes {
                Issue.record(
                    """
                    \(path) differs (seed \(seed)):
                    \(String(decoding: bytes, as: UTF8.self))
                    --- made through Mustache:
                    \(String(decoding: mustache[path] ?? [], as: UTF8.self))
                    """)
            }
            try FileManager.default.removeItem(atPath: repository.path + "/templates")
        }
    }

    /// A repository's own `head` is in every page but the list entries; its own `item` only in
    /// the lists. The pages that use neither are still the default theme's.
    @Test func aPageWithOneOfTheRepositorysTemplatesIsMadeWithIt() async throws {
        let repository = try await repository(seed: 4, description: nil)
        try repository.directory.write("templates/item.mustache", "<li class=\"mine\">{{title}}</li>\n")
        #expect(try await repository.press(["build"]).status == 0)
        let front = repository.directory.read("site/index.html") ?? ""
        #expect(front.contains("<li class=\"mine\">"), "\(front)")
        #expect(front.contains("<nav class=\"pages\""), "\(front)")
        try repository.directory.write("templates/head.mustache", "<title>mine: {{page_title}}</title>\n")
        #expect(try await repository.press(["build"]).status == 0)
        for page in ["site/index.html", "site/404.html", "site/posts/post-0/index.html"] {
            let text = repository.directory.read(page) ?? ""
            #expect(text.hasPrefix("<title>mine: "), "\(page): \(text)")
            #expect(text.hasSuffix("</html>\n"), "\(page): \(text)")
        }
    }
}
