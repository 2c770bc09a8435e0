import Foundation
@testable import PressKit
import TestSupport
import Testing

/// Deploy on publish: the built site put where the workflow's `deploy:` says, by the CLI, by
/// `press build --deploy` and by the scheduler.
@Suite struct DeployTests {
    static func workflow(_ deploy: String) -> String {
        testWorkflow.replacingOccurrences(
            of: "required:", with: "site:\n  posts: /posts/{slug}/\ndeploy:\n\(deploy)\nrequired:")
    }

    /// `hello` submitted and approved, ready to publish.
    func approved(_ deploy: String) async throws -> CLIRepository {
        let repository = try await CLIRepository(workflow: DeployTests.workflow(deploy))
        #expect(try await repository.press(["submit", "hello"], as: People.ada).status == 0)
        #expect(try await repository.press(["approve", "hello"], as: People.rita).status == 0)
        return repository
    }

    /// `hello` approved, the site deployed to the branch `site-pages`, and a bare `origin`.
    func approvedWithRemote() async throws -> (CLIRepository, String) {
        let repository = try await approved("  branch: site-pages")
        let remote = TemporaryDirectory("press-remote").file("remote.git")
        #expect(try await git(["init", "-q", "--bare", remote], in: repository.path).status == 0)
        #expect(try await git(["remote", "add", "origin", remote], in: repository.path).status == 0)
        return (repository, remote)
    }

    @Test func publishingPutsTheSiteInTheFolderAtOnceAndUnpublishingTakesThePostDown() async throws {
        let repository = try await approved(
            // The command reads the site while the build lock is held: no build changes it meanwhile.
            "  folder: www\n  run: test -f \"$PRESS_SITE/index.html\" && ! flock -n .press/build/lock true"
                + " && echo ran >> deployed.txt")
        let published = try await repository.press(["publish", "hello", "--skip-external"])
        #expect(published.status == 0, "\(published)")
        #expect(published.stdout.contains("deployed to folder www, run '"), "\(published)")
        #expect(repository.directory.read("www/posts/hello/index.html")?.contains("<h1>Hello</h1>") == true)
        #expect(repository.directory.read("deployed.txt") == "ran\n")
        // The folder is a link to a whole copy, moved in one rename.
        let target = try FileManager.default.destinationOfSymbolicLink(atPath: repository.path + "/www")
        #expect(target == ".www.press/a", "\(target)")

        let unpublished = try await repository.press(["unpublish", "hello", "--comment", "wrong date"])
        #expect(unpublished.status == 0, "\(unpublished)")
        #expect(!repository.directory.exists("www/posts/hello/index.html"))
        #expect(repository.directory.exists("www/index.html"))
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: repository.path + "/www") == ".www.press/b")
        // The copy before stays whole for a request still reading it: it still has the post.
        #expect(repository.directory.exists(".www.press/a/posts/hello/index.html"))

        // Published again: the other copy is brought up to the build (the page is back, the
        // copy served is the one that lacked it) — and the files are the built ones.
        #expect(try await repository.press(["submit", "hello"], as: People.ada).status == 0)
        #expect(try await repository.press(["approve", "hello"], as: People.rita).status == 0)
        #expect(try await repository.press(["publish", "hello", "--skip-external"]).status == 0)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: repository.path + "/www") == ".www.press/a")
        for path in ["index.html", "posts/hello/index.html", "feed.xml", "sitemap.xml"] {
            #expect(repository.directory.bytes("www/\(path)") == repository.directory.bytes("site/\(path)"), "\(path)")
        }
        let served = Set(ContentRepository.allFiles(in: repository.path + "/www/"))
        #expect(served == Set(ContentRepository.allFiles(in: repository.path + "/site")))
    }

    @Test func aFailedDeployIsAWarningAndThePublishStands() async throws {
        let repository = try await approved("  run: exit 3")
        let published = try await repository.press(["publish", "hello", "--skip-external"])
        #expect(published.status == 0, "\(published)")
        #expect(published.stderr.contains("deploy to run 'exit 3' failed: 'exit 3' exited with 3"), "\(published)")
        #expect(published.stderr.contains("press build --deploy"), "\(published)")
        #expect(repository.directory.exists("published/hello.md"))
        #expect(try await repository.status() == "")
        let again = try await repository.press(["build", "--deploy"])
        #expect(again.status == 1, "\(again)")
        // The build is reported; the target that failed is a warning, not "deployed to".
        #expect(again.stdout.hasPrefix("built 1 post:") && !again.stdout.contains("deployed to"), "\(again)")
        #expect(again.stderr.contains("run 'exit 3'"), "\(again)")
    }

    /// `deploy: folder:` naming the folder above the repository or one of the repository's own
    /// (drafts/) would move it aside, and one inside `site/` would be replaced by the next whole
    /// build: refused, not tried again, the publish stands and nothing moved.
    @Test(arguments: [
        ("up", "is a folder holding the repository"), ("site/live", "is in the build's own folder"),
        ("drafts", "holds the repository's own files (drafts/ is in git)"),
    ])
    func aDeployFolderThatHoldsTheRepositoryOrIsInTheSiteIsRefused(folder: String, says: String) async throws {
        let repository = try await approved("  folder: \(folder)")
        // `up` is a link to the folder above (were the refusal to go, a deploy would replace
        // the link, not the system's temporary folder); git is told to ignore it.
        try FileManager.default.createSymbolicLink(
            atPath: repository.path + "/up",
            withDestinationPath: (repository.path as NSString).deletingLastPathComponent)
        try repository.directory.write(".git/info/exclude", "up\n")
        let published = try await repository.press(["publish", "hello", "--skip-external"])
        #expect(published.status == 0, "\(published)")
        #expect(published.stderr.contains("deploy to folder \(folder) failed: deploy.folder "), "\(published)")
        #expect(published.stderr.contains(says), "\(published)")
        #expect(repository.directory.exists("published/hello.md"))
        #expect(repository.directory.exists("site/posts/hello/index.html"))
        #expect(!repository.directory.exists("site/live"))
        #expect(try await repository.status() == "")
        #expect(!ContentRepository.names(in: repository.path).contains { $0.hasPrefix(".drafts.press") })
    }

    /// A deploy to a branch that fails (the remote cannot be reached) leaves the transition in
    /// place, and the next deploy that goes through brings everything since, not only its own
    /// build's changes (here: none).
    @Test func aBranchDeployThatFailedIsMadeGoodByTheNextOne() async throws {
        let (repository, remote) = try await approvedWithRemote()
        #expect(try await repository.press(["publish", "hello", "--skip-external"]).status == 0)
        let page = ["--git-dir", remote, "show", "site-pages:posts/hello/index.html"]
        #expect(try await git(page, in: repository.path).stdout.contains("<h1>Hello</h1>"))

        // The remote is away while the post is taken down: the deploy fails, the unpublish stands.
        try FileManager.default.moveItem(atPath: remote, toPath: remote + ".away")
        let unpublished = try await repository.press(["unpublish", "hello", "--comment", "wrong"])
        #expect(unpublished.status == 0, "\(unpublished)")
        #expect(unpublished.stderr.contains("deploy to branch site-pages failed"), "\(unpublished)")
        #expect(repository.directory.exists("drafts/hello.md"))
        // Back again: a deploy with nothing new built still takes the page down.
        try FileManager.default.moveItem(atPath: remote + ".away", toPath: remote)
        let again = try await repository.press(["build", "--deploy"])
        #expect(again.status == 0, "\(again)")
        #expect(try await git(page, in: repository.path).status != 0)
        #expect(try await git(["--git-dir", remote, "show", "site-pages:index.html"], in: repository.path).status == 0)
    }

    /// A `press build` between two deploys (an edit checked before it goes out) changes and
    /// removes files in site/ that the next deploy's own build then leaves alone: the deploy
    /// brings them all the same, to the folder and to the branch.
    @Test func whatABuildBetweenTwoDeploysChangedGoesOutWithTheNext() async throws {
        let repository = try await approved("  folder: www\n  branch: site-pages")
        let draft = repository.directory.read("drafts/hello.md") ?? ""
        try repository.directory.write("drafts/hello.md", draft + "\n![A chart](../assets/chart.png)\n")
        try repository.directory.write("assets/chart.png", [0x89, 0x50, 0x4E, 0x47])
        try await repository.commitAll("a chart", as: People.ada)
        #expect(try await repository.press(["publish", "hello", "--skip-external"]).status == 0)
        #expect(repository.directory.exists("www/assets/chart.png"))
        func branch(_ path: String) async throws -> Output {
            try await git(["show", "site-pages:\(path)"], in: repository.path)
        }
        #expect(try await branch("assets/chart.png").status == 0)

        // The chart taken out and a line added; built (not deployed): site/ loses the chart.
        let published = repository.directory.read("published/hello.md") ?? ""
        try repository.directory.write(
            "published/hello.md",
            published.replacingOccurrences(of: "![A chart](../assets/chart.png)", with: "A line added."))
        try await repository.commitAll("no chart", as: People.eddie)
        #expect(try await repository.press(["build"]).status == 0)
        #expect(!repository.directory.exists("site/assets/chart.png"))

        // The next deploy builds nothing new, and brings both (and not the temporary file a
        // killed build left).
        try repository.directory.write("site/posts/hello/.index.html.press-99999", "<p>half a pa")
        let deployed = try await repository.press(["build", "--deploy"])
        #expect(deployed.status == 0, "\(deployed)")
        #expect(repository.directory.read("www/posts/hello/index.html")?.contains("A line added.") == true)
        #expect(!repository.directory.exists("www/assets/chart.png"))
        #expect(try await branch("posts/hello/index.html").stdout.contains("A line added."))
        #expect(try await branch("assets/chart.png").status != 0)
        let served = Set(ContentRepository.allFiles(in: repository.path + "/www/"))
        let built = Set(ContentRepository.allFiles(in: repository.path + "/site"))
        #expect(served == built.subtracting(["posts/hello/.index.html.press-99999"]))
        let listed = try await git(["ls-tree", "-r", "--name-only", "site-pages"], in: repository.path)
        #expect(Set(listed.stdout.split(separator: "\n").map(String.init)) == served)
    }

    @Test func aStrictDeployOfASiteWithErrorsDeploysNothingAndSaysWhy() async throws {
        let repository = try await approved("  folder: www")
        #expect(try await repository.press(["publish", "hello", "--skip-external"]).status == 0)
        let text = repository.directory.read("published/hello.md") ?? ""
        try repository.directory.write("published/hello.md", text + "\nSee [gone](gone.md).\n")
        let before = try FileManager.default.destinationOfSymbolicLink(atPath: repository.path + "/www")
        let strict = try await repository.press(["build", "--deploy", "--strict"])
        #expect(strict.status == 1, "\(strict)")
        #expect(strict.stderr.contains("published/hello.md:") && strict.stderr.contains("error:"), "\(strict)")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: repository.path + "/www") == before)
        #expect(repository.directory.read("www/posts/hello/index.html")?.contains("gone") == false)
        // Without --strict the errors are warnings and the site goes out.
        let lenient = try await repository.press(["build", "--deploy"])
        #expect(lenient.status == 0, "\(lenient)")
        #expect(lenient.stderr.contains("warning:"), "\(lenient)")
        #expect(repository.directory.read("www/posts/hello/index.html")?.contains("gone") == true)
    }

    @Test func aDeployWrittenBySomeoneWhoIsNotAnAdminDoesNotRun() async throws {
        let repository = try await approved("  folder: www")
        let text = repository.directory.read("workflows/default.yml") ?? ""
        try await repository.commitWorkflow(
            text.replacingOccurrences(of: "  folder: www", with: "  folder: /tmp/elsewhere"), as: People.ada)
        let deployed = try await repository.press(["build", "--deploy"])
        #expect(deployed.status == 1, "\(deployed)")
        #expect(deployed.stderr.contains("who is not an admin"), "\(deployed)")
        #expect(!FileManager.default.fileExists(atPath: "/tmp/elsewhere/index.html"))
    }

    @Test func theSiteIsCommittedToABranchAndPushedWithoutForce() async throws {
        let (repository, remote) = try await approvedWithRemote()
        #expect(try await repository.press(["publish", "hello", "--skip-external"]).status == 0)
        let page = try await git(["show", "site-pages:posts/hello/index.html"], in: repository.path)
        #expect(page.stdout.contains("<h1>Hello</h1>"), "\(page)")
        #expect(
            try await git(["--git-dir", remote, "rev-parse", "site-pages"], in: repository.path).stdout
                == (try await git(["rev-parse", "site-pages"], in: repository.path)).stdout)
        // The checked-out branch, its index and working tree are untouched.
        #expect(try await repository.status() == "")
        #expect(try await git(["rev-parse", "--abbrev-ref", "HEAD"], in: repository.path).stdout != "site-pages\n")

        // The next deploy is a commit on top, with only what changed.
        #expect(try await repository.press(["unpublish", "hello", "--comment", "later"]).status == 0)
        let log = try await git(["log", "--format=%s", "site-pages"], in: repository.path)
        #expect(log.stdout.split(separator: "\n").count == 2, "\(log)")
        #expect(try await git(["show", "site-pages:posts/hello/index.html"], in: repository.path).status != 0)
        #expect(
            try await git(["--git-dir", remote, "rev-parse", "site-pages"], in: repository.path).stdout
                == (try await git(["rev-parse", "site-pages"], in: repository.path)).stdout)
        #expect(try await git(["fsck", "--no-progress"], in: repository.path).status == 0)
    }
}
