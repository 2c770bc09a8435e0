import Foundation
import TestSupport
import Testing

@Suite struct ValidateCLITests {
    func repositoryWithBrokenLink() async throws -> CLIRepository {
        let repository = try await CLIRepository()
        let path = repository.directory.file("drafts/hello.md")
        let text = (try String(contentsOfFile: path, encoding: .utf8)) + "See [the archive](../published/archive.md).\n"
        try repository.directory.write("drafts/hello.md", text)
        return repository
    }

    @Test func findingsAreListedByFileWithASummaryAndExitOne() async throws {
        let repository = try await repositoryWithBrokenLink()
        let output = try await repository.press(["validate"])
        #expect(output.status == 1)
        #expect(
            output.stdout == """
                drafts/hello.md:12:5: error: no post at published/archive.md [link-post]
                1 post, 1 link (0 external), 1 error, 0 warnings

                """)
    }

    @Test func jsonAndGithubFormats() async throws {
        let repository = try await repositoryWithBrokenLink()
        let json = try await repository.press(["validate", "--format", "json"])
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        let diagnostics = object?["diagnostics"] as? [[String: Any]]
        #expect(diagnostics?.first?["path"] as? String == "drafts/hello.md")
        #expect(diagnostics?.first?["line"] as? Int == 12)
        #expect(diagnostics?.first?["column"] as? Int == 5)
        #expect(diagnostics?.first?["severity"] as? String == "error")
        #expect(diagnostics?.first?["rule"] as? String == "link-post")
        let github = try await repository.press(["validate", "--format", "github"])
        #expect(
            github.stdout.hasPrefix(
                "::error file=drafts/hello.md,line=12,col=5,title=link-post::no post at published/archive.md\n"))
    }

    @Test func aCleanRepositoryExitsZeroAndABadFlagTwo() async throws {
        let repository = try await CLIRepository()
        #expect(try await repository.press(["validate"]).status == 0)
        #expect(try await repository.press(["validate", "--format", "xml"]).status == 2)
        #expect(try await repository.press(["validate", "/etc/passwd"]).status == 2)
    }

    @Test func submitIsGatedByInternalChecksAndChangesNothing() async throws {
        let repository = try await repositoryWithBrokenLink()
        let before = try await Snapshot(repository)
        let output = try await repository.press(["submit", "hello"], as: People.ada)
        #expect(output.status == 1)
        #expect(output.stderr.contains("drafts/hello.md:12:5: error: no post at published/archive.md [link-post]"))
        #expect(output.stderr.contains("'submit' refused"))
        #expect(try await Snapshot(repository) == before)
    }

    @Test func publishChecksExternalLinksUnlessAnEditorSkipsThem() async throws {
        let server = try TestHTTPServer()
        let repository = try await CLIRepository()
        let path = repository.directory.file("drafts/hello.md")
        try repository.directory.write(
            "drafts/hello.md",
            (try String(contentsOfFile: path, encoding: .utf8)) + "[source](\(server.url("/missing")))\n")
        #expect(try await repository.press(["submit", "hello"], as: People.ada).status == 0)
        #expect(try await repository.press(["approve", "hello"], as: People.rita).status == 0)
        let before = try await Snapshot(repository)
        let refused = try await repository.press(["publish", "hello"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("answered HTTP 404 [link-external]"))
        #expect(try await Snapshot(repository) == before)
        let skipped = try await repository.press(["publish", "hello", "--skip-external"])
        #expect(skipped.status == 0, "\(skipped)")
        let message = try await git(["log", "-1", "--format=%B"], in: repository.path).stdout
        #expect(message.contains("Press-Skipped: external-links"))
        #expect(server.requests("/missing").count == 1)
    }

    @Test func publishingAPostThatLinksToADraftIsRefused() async throws {
        let repository = try await CLIRepository()
        #expect(try await repository.press(["new", "Later", "--summary", "s"], as: People.ada).status == 0)
        let path = repository.directory.file("drafts/hello.md")
        try repository.directory.write(
            "drafts/hello.md", (try String(contentsOfFile: path, encoding: .utf8)) + "[next](later.md)\n")
        #expect(try await repository.press(["submit", "hello"], as: People.ada).status == 0)
        #expect(try await repository.press(["approve", "hello"], as: People.rita).status == 0)
        let refused = try await repository.press(["publish", "hello"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("[link-order]"))
    }

    @Test func thePreCommitHookStopsACommitWithABrokenPost() async throws {
        let repository = try await repositoryWithBrokenLink()
        let install = try await repository.press(["hook", "install"])
        #expect(install.status == 0, "\(install)")
        let env = People.ada.merging(["GIT_COMMITTER_NAME": "Ada", "GIT_COMMITTER_EMAIL": "ada@example.com"]) { $1 }
        #expect(try await git(["add", "drafts/hello.md"], in: repository.path).status == 0)
        let blocked = try await git(["commit", "-m", "edit"], in: repository.path, environment: env)
        #expect(blocked.status != 0)
        #expect(blocked.stderr.contains("link-post"))
        try repository.directory.write(
            "drafts/hello.md",
            (repository.directory.read("drafts/hello.md") ?? "").replacingOccurrences(
                of: "See [the archive](../published/archive.md).\n", with: "Fixed.\n"))
        #expect(try await git(["add", "drafts/hello.md"], in: repository.path).status == 0)
        #expect(try await git(["commit", "-qm", "edit"], in: repository.path, environment: env).status == 0)
    }
}
