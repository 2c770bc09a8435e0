import Foundation
import TestSupport
import Testing

/// Issue 12: the conventions people expect of a command line.
@Suite struct ConventionTests {
    @Test func aMistypedCommandSuggestsTheNearest() async throws {
        let repository = try await CLIRepository()
        let typo = try await repository.press(["sumbit", "hello"], as: People.ada)
        #expect(typo.status == 2, "\(typo)")
        #expect(typo.stderr.contains("'sumbit' is not a press command; did you mean 'submit'?"), "\(typo)")
        let nonsense = try await repository.press(["frobnicate"])
        #expect(nonsense.status == 2)
        #expect(nonsense.stderr.contains("'frobnicate' is not a press command (see 'press --help')"), "\(nonsense)")
    }

    @Test func repoMayComeBeforeTheCommandAsWithGitC() async throws {
        let repository = try await CLIRepository()
        let elsewhere = TemporaryDirectory()
        let before = try await run(pressBinary, ["--repo", repository.path, "status"], in: elsewhere.path)
        let after = try await run(pressBinary, ["status", "--repo", repository.path], in: elsewhere.path)
        #expect(before.status == 0, "\(before)")
        #expect(before.stdout == after.stdout)
        #expect(before.stdout.contains("hello"))
        let joined = try await run(pressBinary, ["--repo=\(repository.path)", "show", "hello"], in: elsewhere.path)
        #expect(joined.status == 0, "\(joined)")
    }

    @Test func anUnknownStateIsAnErrorListingTheStates() async throws {
        let repository = try await CLIRepository()
        let output = try await repository.press(["status", "--state", "drafts"])
        #expect(output.status == 2, "\(output)")
        #expect(
            output.stderr.contains(
                "'--state drafts': no such state; the workflow's states are draft, review, scheduled, published"),
            "\(output)")
    }

    @Test func validatingAFileThatIsNotThereIsAUsageError() async throws {
        let repository = try await CLIRepository()
        let output = try await repository.press(["validate", "nope.md"])
        #expect(output.status == 2, "\(output)")
        #expect(output.stderr.contains("'nope.md': no such file"), "\(output)")
    }

    @Test func aPostMayBeNamedByItsPath() async throws {
        let repository = try await CLIRepository()
        let submit = try await repository.press(["submit", "drafts/hello.md"], as: People.ada)
        #expect(submit.status == 0, "\(submit)")
        #expect(try await git(["log", "-1", "--format=%s"], in: repository.path).stdout == "submit: hello\n")
        #expect(try await repository.press(["show", "./drafts/hello.md"]).stdout.contains("state        review"))
    }

    @Test func versionNamesTheLibrariesPressRunsOn() async throws {
        let output = try await run(pressBinary, ["--version"])
        #expect(output.status == 0)
        #expect(output.stdout.contains("libgit2 1."), "\(output)")
        #expect(output.stdout.contains("cmark-gfm 0."), "\(output)")
    }

    /// A usage error is said before a rule: an unreadable time, not the missing approval.
    @Test func anUnreadableTimeIsSaidBeforeAnyRule() async throws {
        let repository = try await CLIRepository()
        let before = try await Snapshot(repository)
        let output = try await repository.press(["schedule", "hello", "--at", "tomorrow 9am"])
        #expect(output.status == 2, "\(output)")
        #expect(output.stderr.contains("cannot read the time 'tomorrow 9am'"), "\(output)")
        #expect(try await Snapshot(repository) == before)
    }

    /// `calendar`: a day typed in another form is quoted with the form the option takes;
    /// `--ics -` is standard output; `--json`; an empty calendar says so.
    @Test func theCalendarSpeaksPlainly() async throws {
        let repository = try await CLIRepository()
        let slash = try await repository.press(["calendar", "--from", "2026/01/01"])
        #expect(slash.status == 2)
        #expect(slash.stderr.contains("'--from 2026/01/01': not a day; --from takes YYYY-MM-DD"), "\(slash)")
        let empty = try await repository.press(["calendar"])
        #expect(empty.status == 0)
        #expect(empty.stdout.hasPrefix("no post scheduled or published from "), "\(empty)")
        #expect(try await repository.press(["submit", "hello"], as: People.ada).status == 0)
        #expect(try await repository.press(["approve", "hello"], as: People.rita).status == 0)
        #expect(try await repository.press(["schedule", "hello", "--at", "2030-01-02T09:00:00+00:00"]).status == 0)
        let feed = try await repository.press(["calendar", "--to", "2030-12-31", "--ics", "-"])
        #expect(feed.stdout.hasPrefix("BEGIN:VCALENDAR"), "\(feed)")
        #expect(!repository.directory.exists("-"))
        let json = try await repository.press(["calendar", "--to", "2030-12-31", "--json"])
        let entries = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]]
        #expect(entries?.first?["slug"] as? String == "hello", "\(json)")
    }

    /// `press init` over a blog of many posts counts them instead of naming each.
    @Test func initCountsManyPostsInsteadOfNamingEach() async throws {
        let directory = TemporaryDirectory()
        for index in 1...40 { try directory.write("published/p\(index).md", "---\ntitle: P\(index)\n---\n") }
        let output = try await run(pressBinary, ["init", directory.path], environment: People.eddie)
        #expect(output.status == 0, "\(output)")
        #expect(
            output.stdout
                == "initialised \(directory.path): 40 posts in published/, .gitignore, drafts/.gitkeep, workflows/default.yml\n",
            "\(output)")
    }

    /// `press completions SHELL` prints a script, and its slug completion names the posts here.
    @Test func completionsNameTheSlugsOfThePostsHere() async throws {
        let repository = try await CLIRepository()
        for shell in ["bash", "zsh", "fish"] {
            let script = try await repository.press(["completions", shell])
            #expect(script.status == 0, "\(script)")
            #expect(script.stdout.contains("---completion submit"), "\(shell)")
        }
        // What the scripts ask press for `press submit he<TAB>`.
        let slugs = try await repository.press([
            "---completion", "submit", "--", "positional@0", "2", "2", "press", "submit", "he",
        ])
        #expect(slugs.stdout == "hello\n", "\(slugs)")
    }

    /// A pre-commit hook press did not write is left alone unless --force says otherwise.
    @Test func aPreCommitHookPressDidNotWriteIsLeftAlone() async throws {
        let repository = try await CLIRepository()
        try repository.directory.write(".git/hooks/pre-commit", "#!/bin/sh\nexit 0\n")
        let refused = try await repository.press(["hook", "install"])
        #expect(refused.status == 2, "\(refused)")
        #expect(refused.stderr.contains("was not written by press; pass --force to replace it"), "\(refused)")
        #expect(repository.directory.read(".git/hooks/pre-commit") == "#!/bin/sh\nexit 0\n")
        let forced = try await repository.press(["hook", "install", "--force"])
        #expect(forced.status == 0, "\(forced)")
        #expect(repository.directory.read(".git/hooks/pre-commit")?.contains("validate --staged") == true)
    }
}
