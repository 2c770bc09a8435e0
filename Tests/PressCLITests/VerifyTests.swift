import Foundation
import TestSupport
import Testing

/// `press verify`: every forgery caught, and no false alarm on what press itself writes.
@Suite struct VerifyTests {
    /// Commits everything staged and unstaged with the git CLI, as `person` (author and committer).
    func commitByHand(_ repository: CLIRepository, _ message: String, as person: [String: String]) async throws {
        try await repository.commitAll(message, as: person)
    }

    func verify(_ repository: CLIRepository, _ arguments: [String] = []) async throws -> Output {
        try await repository.press(["verify"] + arguments)
    }

    /// The post's text with `lines` replaced (a line starting with a key: the key's line).
    func edit(_ repository: CLIRepository, _ path: String, _ change: (String) -> String) throws {
        let text = repository.directory.read(path) ?? ""
        try repository.directory.write(path, change(text))
    }

    /// `hello` through review, approved by Rita: what an editor may publish.
    func approved() async throws -> CLIRepository {
        let repository = try await CLIRepository()
        #expect(try await repository.press(["submit", "hello"], as: People.ada).status == 0)
        #expect(try await repository.press(["approve", "hello"], as: People.rita).status == 0)
        return repository
    }

    @Test func everyTransitionPressMakesVerifiesClean() async throws {
        let repository = try await approved()
        for (arguments, person) in [
            (["request-changes", "hello", "--comment", "Fix the numbers."], People.rita),
            (["submit", "hello"], People.ada), (["approve", "hello"], People.rita),
            (["schedule", "hello", "--at", "2030-01-01T09:00:00+00:00"], People.eddie),
            (["unschedule", "hello"], People.eddie), (["publish", "hello"], People.eddie),
            (["unpublish", "hello", "--comment", "Wrong date."], People.eddie),
            (["new", "Second", "--summary", "Another."], People.ada),
        ] {
            let output = try await repository.press(arguments, as: person)
            #expect(output.status == 0, "\(arguments): \(output)")
        }
        // An author's edit of her draft, committed by hand, is an edit the workflow allows.
        try edit(repository, "drafts/second.md") { $0 + "\nMore text.\n" }
        try await commitByHand(repository, "second: more text", as: People.ada)
        // An editor reverting a transition puts the post back as it was.
        #expect(try await repository.press(["submit", "second"], as: People.ada).status == 0)
        #expect(
            try await git(["revert", "--no-edit", "HEAD"], in: repository.path, environment: committer(People.eddie))
                .status == 0)

        let output = try await verify(repository)
        #expect(output.status == 0, "\(output)")
        #expect(output.stdout.contains("0 violations"))
    }

    func committer(_ person: [String: String]) -> [String: String] {
        person.merging([
            "GIT_COMMITTER_NAME": person["GIT_AUTHOR_NAME"] ?? "",
            "GIT_COMMITTER_EMAIL": person["GIT_AUTHOR_EMAIL"] ?? "",
        ]) { $1 }
    }

    @Test func aHandMoveIntoPublishedIsCaught() async throws {
        let repository = try await CLIRepository()
        let base = try await repository.head().trimmingCharacters(in: .newlines)
        #expect(try await git(["mv", "drafts/hello.md", "published/hello.md"], in: repository.path).status == 0)
        try edit(repository, "published/hello.md") {
            $0.replacingOccurrences(
                of: "status: draft", with: "status: published\npublished_at: 2026-11-30T08:00:00+00:00")
        }
        try await commitByHand(repository, "hello is out", as: People.ada)
        // press validate has nothing to say about it; press verify does.
        #expect(try await repository.press(["validate"]).status == 0)
        let output = try await verify(repository, ["\(base)..HEAD"])
        #expect(output.status == 1, "\(output)")
        for rule in ["edit-folder", "edit-state", "edit-published-at"] {
            #expect(output.stdout.contains("[\(rule)]"), "\(rule): \(output)")
        }
        #expect(output.stdout.contains("hello is out"))
        #expect(output.stdout.contains("1 commit checked, 3 violations"))
    }

    @Test func aHandStatusEditIsCaught() async throws {
        let repository = try await CLIRepository()
        try edit(repository, "drafts/hello.md") { $0.replacingOccurrences(of: "status: draft", with: "status: review") }
        try await commitByHand(repository, "ready", as: People.ada)
        let output = try await verify(repository)
        #expect(output.status == 1)
        #expect(output.stdout.contains("'status' changed without a transition (draft → review)"), "\(output)")
    }

    @Test func aSelfApprovalWrittenIntoTheFrontMatterIsCaught() async throws {
        let repository = try await CLIRepository()
        #expect(try await repository.press(["submit", "hello"], as: People.ada).status == 0)
        try edit(repository, "drafts/hello.md") {
            $0.replacingOccurrences(
                of: "status: review",
                with:
                    "status: review\napprovals:\n  - name: Rita Reviewer\n    email: reviewer@example.com\n    at: 2026-11-30T08:00:00+00:00"
            )
        }
        try await commitByHand(repository, "approved", as: People.ada)
        let output = try await verify(repository)
        #expect(output.status == 1)
        #expect(output.stdout.contains("[edit-approvals]"), "\(output)")
    }

    @Test func aTrailerClaimingATransitionTheAuthorMayNotMakeIsCaught() async throws {
        let repository = try await approved()
        #expect(try await git(["mv", "drafts/hello.md", "published/hello.md"], in: repository.path).status == 0)
        try edit(repository, "published/hello.md") {
            $0.replacingOccurrences(
                of: "status: review", with: "status: published\npublished_at: 2026-11-30T08:00:00+00:00")
        }
        try await commitByHand(
            repository, "publish: hello\n\nPress-Transition: publish\nPress-From: review\nPress-To: published",
            as: People.ada)
        let output = try await verify(repository)
        #expect(output.status == 1)
        #expect(output.stdout.contains("Ada Author <ada@example.com> may not make 'publish'"), "\(output)")
        #expect(output.stdout.contains("[transition-by]"))
    }

    @Test func aWorkflowEditGrantingOneselfARoleThenAPublishIsCaught() async throws {
        let repository = try await approved()
        try await repository.commitWorkflow(
            testWorkflow.replacingOccurrences(
                of: "editor: [editor@example.com]", with: "editor: [editor@example.com, ada@example.com]"),
            as: People.ada)
        // press itself now lets Ada publish: the record is what catches it.
        #expect(try await repository.press(["publish", "hello"], as: People.ada).status == 0)
        let output = try await verify(repository)
        #expect(output.status == 1)
        #expect(output.stdout.contains("changed workflows/default.yml without an admin role"), "\(output)")
        #expect(output.stdout.contains("[workflow-change]"))
    }

    @Test func anAuthorEditingAnApprovedPostIsCaughtAndAnEditorIsNot() async throws {
        let repository = try await approved()
        #expect(
            try await repository.press(["schedule", "hello", "--at", "2030-01-01T09:00:00+00:00"], as: People.eddie)
                .status == 0)
        try edit(repository, "drafts/hello.md") { $0 + "\nA late change.\n" }
        try await commitByHand(repository, "late change", as: People.ada)
        try edit(repository, "drafts/hello.md") { $0 + "\nAn editor's fix.\n" }
        try await commitByHand(repository, "editor's fix", as: People.eddie)
        let output = try await verify(repository)
        #expect(output.status == 1)
        #expect(output.stdout.contains("Ada Author <ada@example.com> may not edit a post in 'scheduled'"), "\(output)")
        #expect(!output.stdout.contains("Eddie Editor <editor@example.com> may not edit"))
        #expect(output.stdout.contains("1 violation"))
    }

    @Test func theWorkflowSaysWhoMayEditInEachState() async throws {
        let repository = try await CLIRepository(workflow: testWorkflow + "edits:\n  draft: [editor]\n")
        try edit(repository, "drafts/hello.md") { $0 + "\nMore.\n" }
        try await commitByHand(repository, "more", as: People.ada)
        let output = try await verify(repository)
        #expect(output.status == 1)
        #expect(output.stdout.contains("may not edit a post in 'draft' (editor may)"), "\(output)")
    }

    @Test func onlyTheRangeIsCheckedAndFormatsAreMachineReadable() async throws {
        let repository = try await CLIRepository()
        try edit(repository, "drafts/hello.md") { $0.replacingOccurrences(of: "status: draft", with: "status: review") }
        try await commitByHand(repository, "forged", as: People.ada)
        let forged = try await repository.head().trimmingCharacters(in: .newlines)
        #expect(try await repository.press(["new", "Later", "--summary", "s."], as: People.ada).status == 0)

        #expect(try await verify(repository, ["\(forged)..HEAD"]).status == 0)
        let json = try await verify(repository, ["--format", "json"])
        #expect(json.status == 1)
        let body = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let violations = try #require(body["violations"] as? [[String: Any]])
        #expect(violations.map { $0["rule"] as? String } == ["edit-state"])
        #expect(violations.first?["commit"] as? String == forged)
        let github = try await verify(repository, ["--format", "github"])
        #expect(
            github.stdout.hasPrefix("::error file=drafts/hello.md,title=press verify: edit-state::commit "), "\(github)"
        )
        let bad = try await verify(repository, ["nope..HEAD"])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("'nope' names no commit"), "\(bad)")
    }

    /// A range is checked with the approvals given before it: read back from the range's base.
    @Test func aRangeCountsApprovalsGivenBeforeIt() async throws {
        let repository = try await approved()
        let base = try await repository.head().trimmingCharacters(in: .newlines)
        #expect(try await repository.press(["publish", "hello"], as: People.eddie).status == 0)
        let output = try await verify(repository, ["\(base)..HEAD"])
        #expect(output.status == 0, "\(output)")
        #expect(output.stdout.contains("1 commit checked, 0 violations"))

        // Without the approval (an author's typed one does not count), the same publish is caught.
        let bare = try await CLIRepository()
        #expect(try await bare.press(["submit", "hello"], as: People.ada).status == 0)
        try edit(bare, "drafts/hello.md") {
            $0.replacingOccurrences(
                of: "status: review",
                with:
                    "status: review\napprovals:\n  - name: Rita Reviewer\n    email: reviewer@example.com\n    at: 2026-11-30T08:00:00+00:00"
            )
        }
        try await commitByHand(bare, "approved", as: People.ada)
        let forged = try await bare.head().trimmingCharacters(in: .newlines)
        // press refuses to publish it; written by hand as a publish, the range check catches it.
        #expect(try await bare.press(["publish", "hello"], as: People.eddie).status == 1)
        #expect(try await git(["mv", "drafts/hello.md", "published/hello.md"], in: bare.path).status == 0)
        try edit(bare, "published/hello.md") {
            $0.replacingOccurrences(
                of: "status: review", with: "status: published\npublished_at: 2026-11-30T09:00:00+00:00")
        }
        try await commitByHand(
            bare, "publish: hello\n\nPress-Transition: publish\nPress-From: review\nPress-To: published",
            as: People.eddie)
        let caught = try await verify(bare, ["\(forged)..HEAD"])
        #expect(caught.status == 1)
        #expect(caught.stdout.contains("needs 1 approval that history shows; it had 0"), "\(caught)")
    }

    /// The forgeries a push may carry, each made on top of `approved()`, and the rule that
    /// names it.
    enum Forgery: String, CaseIterable, Sendable {
        case handMoveIntoPublished = "edit-folder"
        case handStatus = "edit-state"
        case typedApproval = "edit-approvals"
        case claimedTransition = "transition-by"
        case workflowGrant = "workflow-change"
    }

    func forge(_ forgery: Forgery, in repository: CLIRepository) async throws {
        switch forgery {
        case .handMoveIntoPublished:
            #expect(try await git(["mv", "drafts/hello.md", "published/hello.md"], in: repository.path).status == 0)
            try await commitByHand(repository, "out", as: People.ada)
        case .handStatus:
            try edit(repository, "drafts/hello.md") {
                $0.replacingOccurrences(
                    of: "status: review", with: "status: scheduled\npublish_at: 2030-01-01T09:00:00+00:00")
            }
            try await commitByHand(repository, "schedule it myself", as: People.ada)
        case .typedApproval:
            try edit(repository, "drafts/hello.md") {
                $0.replacingOccurrences(
                    of: "  - name: Rita Reviewer",
                    with:
                        "  - name: Eddie Editor\n    email: editor@example.com\n    at: 2026-11-30T08:00:00+00:00\n  - name: Rita Reviewer"
                )
            }
            try await commitByHand(repository, "a second approval", as: People.ada)
        case .claimedTransition:
            try edit(repository, "drafts/hello.md") {
                $0.replacingOccurrences(of: "status: review", with: "status: draft")
            }
            try await commitByHand(
                repository,
                "request-changes: hello\n\nPress-Transition: request-changes\nPress-From: review\nPress-To: draft",
                as: People.ada)
        case .workflowGrant:
            try await repository.commitWorkflow(
                testWorkflow.replacingOccurrences(
                    of: "editor: [editor@example.com]", with: "editor: [editor@example.com, ada@example.com]"),
                as: People.ada)
        }
    }

    @Test(arguments: Forgery.allCases)
    func theServerHookRefusesAForgedPushAndKeepsTheRemoteAsItWas(forgery: Forgery) async throws {
        let repository = try await approved()
        let server = TemporaryDirectory("press-server")
        let bare = server.file("origin.git")
        #expect(try await git(["init", "-q", "--bare", bare], in: server.path).status == 0)
        let installed = try await TestSupport.press(["hook", "install", "--server", "--repo", bare], in: server.path)
        #expect(installed.status == 0, "\(installed)")
        #expect(try await git(["push", "-q", bare, "HEAD:refs/heads/main"], in: repository.path).status == 0)
        let accepted = try await git(["rev-parse", "main"], in: bare).stdout

        try await forge(forgery, in: repository)
        let push = try await git(["push", bare, "HEAD:refs/heads/main"], in: repository.path)
        #expect(push.status != 0)
        #expect(push.stderr.contains("[\(forgery.rawValue)]"), "\(push)")
        #expect(push.stderr.contains("push refused"))
        #expect(try await git(["rev-parse", "main"], in: bare).stdout == accepted)
        // The pushed objects were never kept.
        let forged = try await repository.head().trimmingCharacters(in: .newlines)
        #expect(try await git(["cat-file", "-e", forged], in: bare).status != 0)
    }

    @Test func aHistoryPressSyncRebasedVerifiesCleanOnTheBareRemote() async throws {
        let remote = try await CLIRemote()
        let second = try await remote.clone("second")
        #expect(
            try await TestSupport.press(["new", "From the desk", "--summary", "s."], in: second, as: People.ada).status
                == 0)
        #expect(try await remote.first.press(["submit", "hello"], as: People.ada).status == 0)
        #expect(try await remote.first.press(["sync"]).status == 0)
        let sync = try await TestSupport.press(["sync"], in: second, as: People.ada)
        #expect(sync.status == 0, "\(sync)")
        let verified = try await TestSupport.press(["verify", "--repo", remote.bare], in: remote.directory.path)
        #expect(verified.status == 0, "\(verified)")
    }

    @Test func syncRefusesToBuildOnAForgedRemoteCommitUntilAnAdminRevertsIt() async throws {
        let remote = try await CLIRemote()
        let other = try await remote.clone("other")
        // Ada edits her post's status by hand in her clone and pushes it with git (no server hook).
        let path = other + "/drafts/hello.md"
        let text = String(decoding: readFile(path) ?? [], as: UTF8.self)
        try Data(text.replacingOccurrences(of: "status: draft", with: "status: review").utf8).write(
            to: URL(fileURLWithPath: path))
        let ada = committer(People.ada)
        #expect(try await git(["commit", "-qam", "ready"], in: other, environment: ada).status == 0)
        #expect(try await git(["push", "-q", "origin", "HEAD"], in: other).status == 0)

        let before = try await Snapshot(remote.first)
        let refused = try await remote.first.press(["sync"])
        #expect(refused.status == 1, "\(refused)")
        #expect(refused.stderr.contains("brings commits that break the workflow"), "\(refused)")
        #expect(refused.stderr.contains("'status' changed without a transition (draft → review)"))
        #expect(try await Snapshot(remote.first) == before)

        // An editor reverts it; the record keeps it, answered, and sync builds on the remote again.
        #expect(
            try await git(["revert", "--no-edit", "HEAD"], in: other, environment: committer(People.eddie)).status == 0)
        #expect(try await git(["push", "-q", "origin", "HEAD"], in: other).status == 0)
        let synced = try await remote.first.press(["sync"])
        #expect(synced.status == 0, "\(synced)")
        let verified = try await TestSupport.press(["verify", "--repo", remote.bare], in: remote.directory.path)
        #expect(verified.status == 0, "\(verified)")
        #expect(verified.stdout.contains("1 violation (1 reverted by an admin)"), "\(verified)")
        #expect(verified.stdout.contains("reverted by an admin in"))
    }

    /// Ed25519 keys made with ssh-keygen, by name, with their public key lines.
    func keys(_ names: [String], in directory: TemporaryDirectory) async throws -> [String: (
        file: String, line: String
    )] {
        var made: [String: (String, String)] = [:]
        for name in names {
            let file = directory.file("\(name)_key")
            let generated = try await run(
                "/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", name, "-f", file])
            #expect(generated.status == 0, "\(generated)")
            made[name] = (file, (directory.read("\(name)_key.pub") ?? "").trimmingCharacters(in: .newlines))
        }
        return made
    }

    @Test func signedTransitionsVerifyAndGitAcceptsTheirSignatures() async throws {
        let keyFolder = TemporaryDirectory("press-keys")
        let keys = try await keys(["ada", "rita", "eddie"], in: keyFolder)
        let emails = ["ada": "ada@example.com", "rita": "reviewer@example.com", "eddie": "editor@example.com"]
        let listed = ["ada", "rita", "eddie"].map { "  \(emails[$0]!): ['\(keys[$0]!.line)']" }.joined(separator: "\n")
        let repository = try await CLIRepository(
            workflow: testWorkflow + "keys:\n\(listed)\nsignatures: required\n", withPost: false)
        func signing(_ name: String) -> [String: String] { ["PRESS_SIGNING_KEY": keys[name]!.file] }
        for (arguments, person, name) in [
            (["new", "Hello", "--summary", "A first post."], People.ada, "ada"),
            (["submit", "hello"], People.ada, "ada"),
            (["approve", "hello"], People.rita, "rita"), (["publish", "hello"], People.eddie, "eddie"),
        ] {
            let output = try await repository.press(arguments, as: person, environment: signing(name))
            #expect(output.status == 0, "\(arguments): \(output)")
        }
        let verified = try await verify(repository)
        #expect(verified.status == 0, "\(verified)")
        #expect(verified.stdout.contains("4 commits checked, 0 violations"), "\(verified)")

        // git itself accepts them, with the same keys as its allowed signers.
        try keyFolder.write(
            "allowed",
            ["ada", "rita", "eddie"].map { "\(emails[$0]!) \(keys[$0]!.line)" }.joined(separator: "\n") + "\n")
        let log = try await git(
            ["-c", "gpg.ssh.allowedSignersFile=\(keyFolder.file("allowed"))", "log", "--format=%G? %s", "-4"],
            in: repository.path)
        #expect(log.stdout == "G publish: hello\nG approve: hello\nG submit: hello\nG new: hello\n", "\(log)")

        // Ada writes a commit as the editor, signed with her own key: caught.
        try edit(repository, "published/hello.md") { $0 + "\nA line the editor never wrote.\n" }
        try await commitByHand(repository, "editor's note", as: People.eddie)
        #expect(
            try await git(
                [
                    "-c", "gpg.format=ssh", "-c", "user.signingkey=\(keys["ada"]!.file)", "commit", "--amend", "-S",
                    "--no-edit", "-q",
                ],
                in: repository.path, environment: committer(People.eddie)
            ).status == 0)
        let caught = try await verify(repository)
        #expect(caught.status == 1)
        #expect(caught.stdout.contains("signed with a key that is not Eddie Editor's"), "\(caught)")
        #expect(caught.stdout.contains("[signature-key]"))

        // An unsigned commit where signatures are required: caught too.
        try edit(repository, "published/hello.md") { $0 + "\nAnother line.\n" }
        try await commitByHand(repository, "unsigned", as: People.eddie)
        let unsigned = try await verify(repository, ["HEAD~1..HEAD"])
        #expect(unsigned.stdout.contains("[signature-missing]"), "\(unsigned)")
    }

    @Test func aSigningKeyPressCannotUseStopsTheCommitAndChangesNothing() async throws {
        let repository = try await CLIRepository()
        let before = try await Snapshot(repository)
        let output = try await repository.press(
            ["submit", "hello"], as: People.ada, environment: ["PRESS_SIGNING_KEY": "/nonexistent/key"])
        #expect(output.status == 2, "\(output)")
        #expect(output.stderr.contains("the signing key /nonexistent/key cannot be used: no such file"), "\(output)")
        #expect(try await Snapshot(repository) == before)
    }
}
