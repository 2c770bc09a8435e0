import Foundation
import PressKit
import TestSupport
import Testing

/// kill -9 at random moments and concurrent writers: afterwards every post exists exactly once,
/// its status matches its folder, git fsck is clean and the next command works.
@Suite(.serialized) struct TortureTests {
    static let slugs = ["alpha", "bravo", "charlie", "delta"]

    func makeRepository() async throws -> CLIRepository {
        let repository = try await CLIRepository(withPost: false)
        for slug in TortureTests.slugs {
            let output = try await repository.press(
                ["new", slug.capitalized, "--summary", "About \(slug)."], as: People.ada)
            guard output.status == 0 else { throw CLIFailure(output: output) }
        }
        return repository
    }

    /// The next step of the cycle draft → review → (approved) → published → draft.
    func nextStep(for post: [String: Any]) -> (arguments: [String], person: [String: String]) {
        let slug = post["slug"] as? String ?? ""
        switch (post["state"] as? String, (post["approvals"] as? [Any])?.isEmpty ?? true) {
        case ("draft", _): return (["submit", slug], People.ada)
        case ("review", true): return (["approve", slug], People.rita)
        case ("review", false): return (["publish", slug], People.eddie)
        default: return (["unpublish", slug, "--comment", "again"], People.eddie)
        }
    }

    /// Starts press for `step` without waiting for it.
    func launch(_ step: (arguments: [String], person: [String: String]), in repository: CLIRepository) throws
        -> BackgroundProcess
    {
        try BackgroundProcess(pressBinary, step.arguments + ["--repo", repository.path], environment: step.person)
    }

    func states(_ repository: CLIRepository) async throws -> [[String: Any]] {
        let output = try await repository.press(["status", "--json"])
        guard output.status == 0,
            let posts = try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [[String: Any]]
        else {
            throw CLIFailure(output: output)
        }
        return posts
    }

    func checkInvariants(_ repository: CLIRepository) async throws {
        let posts = try await states(repository)
        #expect(posts.compactMap { $0["slug"] as? String }.sorted() == TortureTests.slugs)
        for post in posts {
            let state = post["state"] as? String ?? ""
            let path = post["path"] as? String ?? ""
            #expect(path.hasPrefix(state == "published" ? "published/" : "drafts/"), "\(post)")
        }
        for slug in TortureTests.slugs {
            let copies = ["drafts", "published"].filter { repository.directory.exists("\($0)/\(slug).md") }
            #expect(copies.count == 1, "\(slug) is in \(copies)")
        }
        let fsck = try await repository.fsck()
        #expect(fsck.status == 0, "\(fsck)")
        // What survived the kills is a history of whole transitions, each one the workflow allows.
        let verified = try await repository.press(["verify"])
        #expect(verified.status == 0, "\(verified)")
        #expect(try await repository.status() == "")
    }

    @Test func killingPressAtRandomMomentsLosesNothing() async throws {
        let repository = try await makeRepository()
        var generator = SystemRandomNumberGenerator()
        var killed = 0
        for round in 0..<200 {
            let posts = try await states(repository)
            let post = posts[round % posts.count]
            let process = try launch(nextStep(for: post), in: repository)
            // The point is a random moment: anywhere from before main() to after the commit.
            try await Task.sleep(nanoseconds: UInt64.random(in: 0...40_000_000, using: &generator))
            if process.isRunning {
                process.signal(SIGKILL)
                killed += 1
            }
            await process.exit()
        }
        try await checkInvariants(repository)
        let next = try await states(repository)[0]
        let step = nextStep(for: next)
        #expect(try await repository.press(step.arguments, as: step.person).status == 0)
        try await checkInvariants(repository)
        #expect(killed > 0)
    }

    @Test func twoPressProcessesTransitioningDifferentPostsBothSucceed() async throws {
        let repository = try await makeRepository()
        for _ in 0..<10 {
            let posts = try await states(repository)
            let pair = posts.filter { ["alpha", "bravo"].contains($0["slug"] as? String ?? "") }
            let processes = try pair.map { try launch(nextStep(for: $0), in: repository) }
            for process in processes {
                #expect(await process.exit() == 0)
            }
        }
        try await checkInvariants(repository)
        let count = try await git(["rev-list", "--count", "HEAD"], in: repository.path).stdout
        #expect(count == "\(1 + 4 + 20)\n")
    }
}
