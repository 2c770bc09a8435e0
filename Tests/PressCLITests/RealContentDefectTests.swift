import Foundation
import TestSupport
import Testing

/// Defects found running press on real content (issue 11), each with the test that found it.
@Suite struct RealContentDefectTests {
    @Test func theSameReviewerApprovingTwiceIsRefusedAndChangesNothing() async throws {
        let repository = try await CLIRepository()
        #expect(try await repository.press(["submit", "hello"], as: People.ada).status == 0)
        #expect(try await repository.press(["approve", "hello"], as: People.rita).status == 0)
        let before = try await Snapshot(repository)
        let again = try await repository.press(["approve", "hello"], as: People.rita)
        #expect(again.status == 1, "\(again)")
        #expect(
            again.stderr
                == "press: error: already approved by you (Rita Reviewer <reviewer@example.com>); 'approve' records each person's approval once\n",
            "\(again)")
        #expect(try await Snapshot(repository) == before)
        // Sent back and resubmitted, the post may be approved again.
        #expect(
            try await repository.press(["request-changes", "hello", "--comment", "more"], as: People.eddie).status == 0)
        #expect(try await repository.press(["submit", "hello"], as: People.ada).status == 0)
        #expect(try await repository.press(["approve", "hello"], as: People.rita).status == 0)
    }

    @Test func showJSONHasEveryKeyWithNullForAnAbsentOne() async throws {
        let repository = try await CLIRepository()
        let text = repository.directory.read("drafts/hello.md") ?? ""
        try repository.directory.write(
            "drafts/hello.md", text.replacingOccurrences(of: "summary: A first post.\n", with: ""))
        for arguments in [["show", "hello", "--json"], ["status", "--json"]] {
            let output = try await repository.press(arguments)
            #expect(output.status == 0, "\(output)")
            #expect(output.stdout.contains("\"summary\" : null"), "\(output)")
            #expect(output.stdout.contains("\"publish_at\" : null"), "\(output)")
            #expect(output.stdout.contains("\"published_at\" : null"), "\(output)")
        }
    }

    @Test func aTransitionInTheMiddleOfAMergeOrOnADetachedHeadIsRefused() async throws {
        let repository = try await CLIRepository()
        // A merge that stopped on a conflict.
        let main = try await git(["rev-parse", "--abbrev-ref", "HEAD"], in: repository.path).stdout.trimmingCharacters(
            in: .newlines)
        #expect(try await git(["checkout", "-qb", "side"], in: repository.path).status == 0)
        try repository.directory.write("notes.txt", "side\n")
        try await repository.commitAll("side notes")
        #expect(try await git(["checkout", "-q", main], in: repository.path).status == 0)
        try repository.directory.write("notes.txt", "main\n")
        try await repository.commitAll("main notes")
        #expect(try await git(["merge", "-q", "side"], in: repository.path, environment: People.eddie).status != 0)
        var before = try await Snapshot(repository)
        let submit = try await repository.press(["submit", "hello"], as: People.ada)
        #expect(submit.status == 1, "\(submit)")
        #expect(
            submit.stderr
                == "press: error: a merge is in progress in this repository; finish or abandon it first (git commit, or git merge --abort), then run press again\n",
            "\(submit)")
        #expect(try await Snapshot(repository) == before)
        #expect(try await git(["merge", "--abort"], in: repository.path).status == 0)
        // A detached HEAD.
        #expect(try await git(["checkout", "-q", "--detach"], in: repository.path).status == 0)
        before = try await Snapshot(repository)
        let new = try await repository.press(["new", "Another"], as: People.ada)
        #expect(new.status == 1, "\(new)")
        #expect(new.stderr.contains("HEAD is detached (not on a branch)"), "\(new)")
        #expect(try await Snapshot(repository) == before)
    }

    @Test func everyCategoryOutsideTheVocabularyIsReportedWithWhereTheVocabularyIsSet() async throws {
        let workflow = testWorkflow + "fields:\n  categories: { type: list, values: [news, culture] }\n"
        let repository = try await CLIRepository(workflow: workflow)
        let text = repository.directory.read("drafts/hello.md") ?? ""
        try repository.directory.write(
            "drafts/hello.md",
            text.replacingOccurrences(
                of: "status: draft\n", with: "status: draft\ncategories: [news, a, b, c, d, e, f]\n"))
        let validate = try await repository.press(["validate"])
        #expect(validate.status == 1)
        #expect(
            validate.stdout.contains(
                "error: 'categories' has 'a', 'b', 'c', 'd', 'e', 'f', which are not among: news, culture (the values are set under 'fields: categories' in workflows/default.yml) [values]"
            ), "\(validate)")
    }

    /// Item 7: the pre-commit hook checks the staged blobs, not the working files, and runs
    /// `press` from PATH when there is one.
    @Test func thePreCommitHookChecksWhatIsStaged() async throws {
        let repository = try await CLIRepository()
        #expect(try await repository.press(["hook", "install"]).status == 0)
        let env = People.ada.merging(["GIT_COMMITTER_NAME": "Ada", "GIT_COMMITTER_EMAIL": "ada@example.com"]) { $1 }
        let clean = repository.directory.read("drafts/hello.md") ?? ""
        // A broken link staged, then taken out of the working file only: the commit is stopped.
        try repository.directory.write("drafts/hello.md", clean + "See [the archive](../published/archive.md).\n")
        #expect(try await git(["add", "drafts/hello.md"], in: repository.path).status == 0)
        try repository.directory.write("drafts/hello.md", clean + "Fixed in the working file only.\n")
        let blocked = try await git(["commit", "-m", "edit"], in: repository.path, environment: env)
        #expect(blocked.status != 0, "\(blocked)")
        #expect(blocked.stderr.contains("drafts/hello.md:"), "\(blocked)")
        #expect(blocked.stderr.contains("[link-post]"), "\(blocked)")
        // The other way round: broken in the working file, clean as staged. The commit goes in.
        try repository.directory.write("drafts/hello.md", clean + "Staged and clean.\n")
        #expect(try await git(["add", "drafts/hello.md"], in: repository.path).status == 0)
        try repository.directory.write("drafts/hello.md", clean + "[gone](../published/archive.md)\n")
        let passed = try await git(["commit", "-qm", "edit"], in: repository.path, environment: env)
        #expect(passed.status == 0, "\(passed)")
        // An image that is in the working tree but not staged would be missing from the commit.
        try repository.directory.write("images/new.png", "png")
        try repository.directory.write("drafts/hello.md", clean + "![new](../images/new.png)\n")
        #expect(try await git(["add", "drafts/hello.md"], in: repository.path).status == 0)
        let unstaged = try await git(["commit", "-m", "picture"], in: repository.path, environment: env)
        #expect(unstaged.status != 0, "\(unstaged)")
        #expect(unstaged.stderr.contains("images/new.png, which is not staged"), "\(unstaged)")
        // press from PATH comes first.
        let bin = TemporaryDirectory()
        try bin.write("press", "#!/bin/sh\necho \"$@\" > '\(bin.file("called"))'\nexec '\(pressBinary)' \"$@\"\n")
        chmod(bin.file("press"), 0o755)
        #expect(try await git(["add", "images/new.png"], in: repository.path).status == 0)
        let path = bin.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        let committed = try await git(
            ["commit", "-qm", "picture"], in: repository.path, environment: env.merging(["PATH": path]) { $1 })
        #expect(committed.status == 0, "\(committed)")
        #expect(bin.read("called") == "validate --staged\n")
    }

    /// Item 9: a gate checks the post from the folder it is going to. A same-folder image works
    /// in drafts/ and is gone once the post moves to published/.
    @Test func aGateChecksThePostFromWhereItWillBe() async throws {
        let repository = try await CLIRepository()
        try repository.directory.write("drafts/img.png", "png")
        let text = repository.directory.read("drafts/hello.md") ?? ""
        try repository.directory.write("drafts/hello.md", text + "![x](img.png)\n")
        try await repository.commitAll("picture beside the post", as: People.ada)
        #expect(try await repository.press(["validate"]).status == 0)
        #expect(try await repository.press(["submit", "hello"], as: People.ada).status == 0)
        #expect(try await repository.press(["approve", "hello"], as: People.rita).status == 0)
        let before = try await Snapshot(repository)
        let at = ISO8601DateFormatter().string(from: Date().addingTimeInterval(3600))
        for arguments in [["publish", "hello"], ["schedule", "hello", "--at", at]] {
            let refused = try await repository.press(arguments)
            #expect(refused.status == 1, "\(refused)")
            #expect(refused.stderr.contains("drafts/hello.md:"), "\(refused)")
            #expect(
                refused.stderr.contains(
                    "'img.png' points to published/img.png, which does not exist once the post is in published/ (it is drafts/img.png from drafts/); write a path that works from both folders, such as /drafts/img.png"
                ), "\(refused)")
            #expect(try await Snapshot(repository) == before)
        }
        let current = repository.directory.read("drafts/hello.md") ?? ""
        try repository.directory.write(
            "drafts/hello.md", current.replacingOccurrences(of: "![x](img.png)", with: "![x](/drafts/img.png)"))
        let published = try await repository.press(["publish", "hello"])
        #expect(published.status == 0, "\(published)")
        #expect(try await repository.press(["validate"]).status == 0)
    }

    /// Item 10: an asset that exists only as an untracked file does not pass a gate: the commit
    /// would go out without it.
    @Test func aGateRefusesAnAssetThatIsNotCommitted() async throws {
        let repository = try await CLIRepository()
        try repository.directory.write("images/late.png", "png")
        let text = repository.directory.read("drafts/hello.md") ?? ""
        try repository.directory.write("drafts/hello.md", text + "![late](../images/late.png)\n")
        let before = try await Snapshot(repository)
        let refused = try await repository.press(["submit", "hello"], as: People.ada)
        #expect(refused.status == 1, "\(refused)")
        #expect(
            refused.stderr.contains("'../images/late.png' points to images/late.png, which is not committed"),
            "\(refused)")
        #expect(refused.stderr.contains("[link-uncommitted]"), "\(refused)")
        #expect(try await Snapshot(repository) == before)
        try await repository.commitAll("the picture", as: People.ada)
        let submitted = try await repository.press(["submit", "hello"], as: People.ada)
        #expect(submitted.status == 0, "\(submitted)")
    }

    /// Item 15: with `core.autocrlf=true` a transition stores what `git add` would (LF in the
    /// index, the one changed line in the diff) and leaves a CRLF checkout as git leaves it.
    @Test func crlfCheckoutsAreStoredAsGitStoresThem() async throws {
        let repository = try await CLIRepository()
        #expect(try await git(["config", "core.autocrlf", "true"], in: repository.path).status == 0)
        // Checked out again, as git checks it out with autocrlf: CRLF line endings.
        try FileManager.default.removeItem(atPath: repository.directory.file("drafts/hello.md"))
        #expect(try await git(["checkout", "--", "drafts/hello.md"], in: repository.path).status == 0)
        #expect(repository.directory.read("drafts/hello.md")?.contains("status: draft\r\n") == true)
        #expect(try await repository.status() == "")
        let submit = try await repository.press(["submit", "hello"], as: People.ada)
        #expect(submit.status == 0, "\(submit)")
        #expect(try await git(["ls-files", "--eol", "drafts/hello.md"], in: repository.path).stdout.hasPrefix("i/lf "))
        #expect(
            try await git(["diff", "--numstat", "HEAD~1", "HEAD", "--", "drafts/hello.md"], in: repository.path).stdout
                == "1\t1\tdrafts/hello.md\n")
        #expect(try await repository.status() == "")
        let written = repository.directory.read("drafts/hello.md") ?? ""
        #expect(written.contains("status: review\r\n"), "\(written.debugDescription)")
        #expect(
            !written.replacingOccurrences(of: "\r\n", with: "").contains("\n"),
            "every line ends in CRLF, as git checks it out")
        #expect(try await repository.fsck().status == 0)
    }
}
