import Foundation
import TestSupport
import Testing

/// What real blogs bring that press must take as it is (issue 10's "what press itself must
/// accept"): slugs with dots and underscores, and Markdown files it does not read, named.
@Suite struct RealBlogShapeTests {
    @Test func aPostWhoseSlugHasDotsAndUnderscoresIsListedShownValidAndMoved() async throws {
        let repository = try await CLIRepository(withPost: false)
        for slug in ["v22.1.0", "weekly_update.2015-02-06"] {
            let made = try await repository.press(
                ["new", "Release \(slug)", "--slug", slug, "--summary", "Release notes."], as: People.ada)
            #expect(made.status == 0, "\(made)")
            #expect(repository.directory.exists("drafts/\(slug).md"))
            #expect(try await repository.press(["status"]).stdout.contains(slug))
            let show = try await repository.press(["show", slug])
            #expect(show.status == 0, "\(show)")
            #expect(try await repository.press(["submit", slug], as: People.ada).status == 0)
            #expect(try await repository.press(["log", slug]).stdout.contains("submit"))
        }
        let validate = try await repository.press(["validate"])
        #expect(validate.status == 0, "\(validate)")
        #expect(try await repository.press(["verify"]).status == 0)
    }

    @Test func markdownFilesPressDoesNotReadAreNamedNotSkippedSilently() async throws {
        let repository = try await CLIRepository()
        try repository.directory.write("drafts/old-post.markdown", "---\ntitle: Old\n---\nText\n")
        try repository.directory.write("published/notes.mdx", "---\ntitle: Notes\n---\nText\n")
        let validate = try await repository.press(["validate"])
        #expect(validate.status == 0, "\(validate)")
        #expect(
            validate.stdout.contains(
                "drafts/old-post.markdown:1:1: warning: not read: press reads posts from .md files; rename it to drafts/old-post.md [post-skipped]"
            ), "\(validate)")
        #expect(validate.stdout.contains("published/notes.mdx:1:1: warning: not read"))
        let status = try await repository.press(["status"])
        #expect(status.stderr.contains("drafts/old-post.markdown: warning: not read"), "\(status)")
    }
}
