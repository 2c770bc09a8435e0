import Foundation
import TestSupport
import Testing

/// An incremental build gives the bytes a whole build gives, after any sequence of what people
/// do to a content repository: edits of posts (body, title, lists, dates, expiry), posts added
/// and deleted, templates and assets added and removed, the workflow's settings and post paths
/// changed, committed or not. Each sequence is drawn from a seed, so a failure names a step that
/// happens again on every run. Two builds crashed or went stale this way before they were
/// mended: a post folder of one letter, and a workflow edit built before it was committed.
@Suite struct IncrementalBuildTests {
    static let site = """
        site:
          posts: /posts/{slug}/
          title: The Example Times
          base_url: https://news.example.com/
          per_page: 3
          feed_length: 5

        """

    /// `text`'s front matter with `key` set to `value` (a line of its own) or, for nil, without it.
    static func setting(_ key: String, _ value: String?, in text: String) -> String {
        guard text.hasPrefix("---\n"), let end = text.range(of: "\n---\n") else { return text }
        var lines = text[text.index(text.startIndex, offsetBy: 4)..<end.lowerBound].split(
            separator: "\n", omittingEmptySubsequences: false
        ).map(String.init)
        lines.removeAll { $0.hasPrefix(key + ":") }
        if let value { lines.append("\(key): \(value)") }
        return "---\n" + lines.joined(separator: "\n") + text[end.lowerBound...]
    }

    static func post(_ number: Int, slug: String, linking other: String?) -> String {
        let categories = ["News", "Sport", "City", "Culture"]
        return """
            ---
            title: Story \(number)
            slug: \(slug)
            author: \(number % 2 == 0 ? "Ada Author <ada@example.com>" : "Eddie Editor <editor@example.com>")
            summary: The summary of story \(number).
            categories: [\(categories[number % 4])]
            tags: [t\(number % 3), shared]
            status: published
            published_at: 2026-0\(1 + number % 9)-1\(number % 10)T09:00:00+00:00
            ---
            ## Part one

            Story \(number) begins.\(other.map { " See [another](\($0).md#part-one)." } ?? "")

            """
    }

    func repository() async throws -> CLIRepository {
        let repository = try await CLIRepository(
            workflow: testWorkflow.replacingOccurrences(
                of: "required:", with: IncrementalBuildTests.site + "required:"),
            withPost: false)
        for number in 0..<14 {
            try repository.directory.write(
                "published/story-\(number).md",
                IncrementalBuildTests.post(
                    number, slug: "story-\(number)", linking: number > 0 ? "story-\(number - 1)" : nil))
        }
        let first = repository.directory.read("published/story-0.md") ?? ""
        try repository.directory.write("published/story-0.md", first + "![A chart](../assets/a.png)\n")
        try repository.directory.write("assets/a.png", [0x89, 0x50, 0x4E, 0x47])
        try await repository.commitAll("stories", as: People.eddie)
        return repository
    }

    /// A post links to an image nobody added yet: the build warns and leaves the link as
    /// written. Once the image is added, the next build copies it and makes the page again with
    /// the copy's path; when it goes again, so does the page's link to it. (The page was kept, so
    /// its link stayed broken until a --full build.)
    @Test func aPageIsMadeAgainWhenAFileItLinksToComesOrGoes() async throws {
        let repository = try await repository()
        try FileManager.default.removeItem(atPath: repository.path + "/assets/a.png")
        let missing = try await repository.press(["build"])
        #expect(missing.stderr.contains("assets/a.png"), "\(missing)")
        #expect(repository.directory.read("site/posts/story-0/index.html")?.contains("src=\"../assets/a.png\"") == true)
        try repository.directory.write("assets/a.png", [0x89, 0x50, 0x4E, 0x47])
        let added = try await repository.press(["build", "--verbose"])
        #expect(added.stdout.contains("wrote posts/story-0/index.html"), "\(added)")
        #expect(repository.directory.read("site/posts/story-0/index.html")?.contains("src=\"/assets/a.png\"") == true)
        #expect(repository.directory.exists("site/assets/a.png"))
        try FileManager.default.removeItem(atPath: repository.path + "/assets/a.png")
        let gone = try await repository.press(["build", "--verbose"])
        #expect(gone.stdout.contains("wrote posts/story-0/index.html"), "\(gone)")
        #expect(!repository.directory.exists("site/assets/a.png"))
    }

    @Test(arguments: [1, 2, 3, 4] as [UInt64])
    func anIncrementalBuildIsAWholeOneAfterEveryStep(seed: UInt64) async throws {
        let repository = try await repository()
        let wholes = TemporaryDirectory("press-whole")
        var random = SeededGenerator(seed: seed)
        let patterns = ["/posts/{slug}/", "/p/{slug}/", "/{year}/{slug}/"]
        var pattern = 0
        var added = 0
        #expect(try await repository.press(["build"]).status == 0)

        func published() -> [String] {
            names(in: repository.path + "/published").filter { $0.hasSuffix(".md") }.sorted()
        }
        func edit(_ change: (String) -> String) throws -> String {
            let name = published().randomElement(using: &random) ?? "story-0.md"
            let path = "published/\(name)"
            try repository.directory.write(path, change(repository.directory.read(path) ?? ""))
            return name
        }
        let words = ["alpha", "Élan", "城市", "río"]

        for step in 0..<30 {
            var done: String
            switch Int.random(in: 0..<15, using: &random) {
            case 0:
                done = "edited the body of " + (try edit { $0 + "\nA paragraph \(step).\n" })
            case 1:
                done =
                    "retitled "
                    + (try edit { Self.setting("title", "\"\(words.randomElement(using: &random)!) \(step)\"", in: $0) })
            case 2:
                let categories = ["News", "Sport", "City"].filter { _ in Bool.random(using: &random) }
                done =
                    "set the categories of "
                    + (try edit {
                        Self.setting(
                            "categories", categories.isEmpty ? nil : "[\(categories.joined(separator: ", "))]", in: $0)
                    })
            case 3:
                let tags = ["t0", "t1", "shared", "new"].filter { _ in Bool.random(using: &random) }
                done =
                    "set the tags of "
                    + (try edit {
                        Self.setting("tags", tags.isEmpty ? nil : "[\(tags.joined(separator: ", "))]", in: $0)
                    })
            case 4 where published().count > 4:
                let name = published().randomElement(using: &random)!
                try FileManager.default.removeItem(atPath: "\(repository.path)/published/\(name)")
                done = "deleted \(name)"
            case 5:
                added += 1
                let other = published().randomElement(using: &random).map { String($0.dropLast(3)) }
                try repository.directory.write(
                    "published/added-\(added).md", Self.post(100 + added, slug: "added-\(added)", linking: other))
                done = "added added-\(added).md"
            case 6:
                done = "changed the summary of " + (try edit { Self.setting("summary", "Now \(step).", in: $0) })
            case 7:
                let month = Int.random(in: 1...9, using: &random)
                done =
                    "redated "
                    + (try edit { Self.setting("published_at", "2025-0\(month)-0\(month)T10:00:00+00:00", in: $0) })
            case 8:
                done = "expired " + (try edit { Self.setting("expire_at", "2020-01-01T00:00:00+00:00", in: $0) })
            case 9:
                if repository.directory.exists("templates/item.mustache") {
                    try FileManager.default.removeItem(atPath: repository.path + "/templates/item.mustache")
                    done = "removed templates/item.mustache"
                } else {
                    try repository.directory.write(
                        "templates/item.mustache", "<li><a href=\"{{path}}\">{{title}}</a> {{date}}</li>\n")
                    done = "added templates/item.mustache"
                }
            case 10:
                let workflow = repository.directory.read("workflows/default.yml") ?? ""
                let per = workflow.contains("per_page: 3") ? "per_page: 2" : "per_page: 3"
                try repository.directory.write(
                    "workflows/default.yml",
                    workflow.replacingOccurrences(of: "per_page: 3", with: per).replacingOccurrences(
                        of: "per_page: 2", with: per))
                done = "set \(per) in the workflow"
            case 11:
                let workflow = repository.directory.read("workflows/default.yml") ?? ""
                let next = (pattern + 1) % patterns.count
                try repository.directory.write(
                    "workflows/default.yml",
                    workflow.replacingOccurrences(of: "posts: \(patterns[pattern])", with: "posts: \(patterns[next])"))
                pattern = next
                done = "put posts at \(patterns[next]) in the workflow"
            case 12:
                if repository.directory.exists("assets/a.png") {
                    try FileManager.default.removeItem(atPath: repository.path + "/assets/a.png")
                    done = "removed assets/a.png"
                } else {
                    try repository.directory.write("assets/a.png", [0x89, 0x50, 0x4E, 0x47, UInt8(step)])
                    done = "added assets/a.png"
                }
            case 13:
                if try await !repository.status().isEmpty {
                    try await repository.commitAll("step \(step)", as: People.eddie)
                }
                done = "committed everything"
            default:
                done = "nothing"
            }
            // Now and then, every post file dated a minute back: the build trusts the stamps
            // of its records then, instead of reading files changed within the last second.
            if Bool.random(using: &random) {
                for name in published() {
                    try FileManager.default.setAttributes(
                        [.modificationDate: Date(timeIntervalSinceNow: -60 - Double(step))],
                        ofItemAtPath: "\(repository.path)/published/\(name)")
                }
            }
            let incremental = try await repository.press(["build"])
            let whole = try await repository.press(["build", "--out", "\(wholes.path)/\(step)"])
            #expect(incremental.status == whole.status, "seed \(seed), step \(step) (\(done)): \(incremental) \(whole)")
            guard incremental.status == 0, whole.status == 0 else { break }
            let site = siteFiles(repository.path + "/site")
            let wholeSite = siteFiles("\(wholes.path)/\(step)")
            let differing = Set(site.keys).union(wholeSite.keys).filter { site[$0] != wholeSite[$0] }.sorted()
            #expect(differing == [], "seed \(seed), step \(step) (\(done))")
            guard differing.isEmpty else { break }
            try FileManager.default.removeItem(atPath: "\(wholes.path)/\(step)")
        }
    }
}

/// The names in a folder (none when it cannot be read).
private func names(in folder: String) -> [String] {
    (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
}
