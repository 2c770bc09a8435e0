import Foundation
import TestSupport
import Testing

/// Whether Chromium and Python are on the PATH.
let browserAvailable = ["chromium", "python3"].allSatisfy { name in
    (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":").contains {
        FileManager.default.isExecutableFile(atPath: "\($0)/\(name)")
    }
}

/// The default theme and the editorial board as a person sees them: headless Chromium (driven
/// by `Tests/browser_check.py` over the DevTools protocol) loads pages from `press preview` at a
/// desktop and a phone width. `make test` installs Chromium where it can; without it (or
/// Python) these tests are skipped.
@Suite(.serialized, .enabled(if: browserAvailable)) struct BrowserTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("browser_check.py").path
    /// A 2×2 PNG.
    static let png: [UInt8] = [
        137, 80, 78, 71, 13, 10, 26, 10, 0, 0, 0, 13, 73, 72, 68, 82, 0, 0, 0, 2, 0, 0, 0, 2, 8, 2, 0, 0, 0, 253, 212,
        154, 115, 0, 0, 0, 17, 73, 68, 65, 84, 120, 156, 99, 248, 207, 192, 0, 68, 12, 96, 242, 63, 0, 27, 242, 3,
        253, 243, 231, 75, 177, 0, 0, 0, 0, 73, 69, 78, 68, 174, 66, 96, 130,
    ]

    /// Posts that test a theme's edges: a long unbroken word, a wide table, a long code line,
    /// an image, a draft in review with an approval.
    func repository() async throws -> CLIRepository {
        let repository = try await CLIRepository(
            workflow: testWorkflow.replacingOccurrences(
                of: "required:", with: "site:\n  posts: /posts/{slug}/\n  title: The Example Times\nrequired:"),
            withPost: false)
        let head = "author: Ada Author <ada@example.com>\nsummary: A summary that says what the story is.\n"
        let long = String(repeating: "Supercalifragilisticexpialidocious", count: 4)
        try repository.directory.write(
            "published/wide.md",
            "---\ntitle: \(long) and a long title\nslug: wide\n\(head)categories: [politics]\nstatus: published\npublished_at: 2026-01-01T09:00:00+00:00\n---\n"
                + "# \(long) and a long title\n\nSee https://example.org/\(long)/\(long) and ![A red square](../assets/red.png).\n\n"
                + "| one | two | three | four | five | six | seven | eight | nine | ten |\n|---|---|---|---|---|---|---|---|---|---|\n"
                + "| \(long) | b | c | d | e | f | g | h | i | j |\n\n"
                + "```swift\nlet line = \"\(long)\(long)\"\n```\n\n## A section\n\n> A quote that goes on.\n")
        try repository.directory.write("assets/red.png", BrowserTests.png)
        try repository.directory.write(
            "drafts/review.md",
            "---\ntitle: In review\nslug: in-review\n\(head)categories: [politics]\nstatus: review\n---\nWaiting for an editor. [The wide one](../published/wide.md).\n"
        )
        try await repository.commitAll("posts", as: People.eddie)
        return repository
    }

    @Test(.timeLimit(.minutes(3))) func pagesAndTheBoardFitAPhoneAndADesktopWithNoConsoleErrors() async throws {
        let repository = try await repository()
        let logs = TemporaryDirectory()
        let log = logs.file("preview.log")
        // (Its standard output, where the address is, sent to the log with its errors.)
        let preview = try BackgroundProcess(
            "/bin/sh",
            ["-c", "exec \"$0\" \"$@\" 1>&2", pressBinary, "preview", "--repo", repository.path, "--port", "0"],
            log: log)
        defer { preview.terminate() }
        #expect(await eventually(20) { logs.read("preview.log")?.contains("preview at http://127.0.0.1:") == true })
        let line = logs.read("preview.log") ?? ""
        let start = try #require(line.firstRange(of: "http://127.0.0.1:"))
        let base = String(line[start.lowerBound...].prefix { $0 != " " })

        let pages = ["posts/in-review/", "", "posts/wide/", "categories/politics/", "_press/"].map { base + $0 }
        let checked = try await run(
            "/usr/bin/env",
            ["python3", BrowserTests.script, "--reload-after-writing", repository.path + "/drafts/review.md"] + pages)
        #expect(checked.status == 0, "\(checked)")
        let results = checked.stdout.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        #expect(results.count == pages.count * 2, "\(checked)")
        for result in results {
            let place = "\(result["url"] ?? "?") at \(result["width"] ?? "?") px"
            #expect((result["errors"] as? [Any])?.isEmpty == true, "console errors on \(place): \(result)")
            #expect((result["otherHosts"] as? [Any])?.isEmpty == true, "requests elsewhere from \(place): \(result)")
            let scroll = result["scrollWidth"] as? Int ?? .max
            let inner = result["innerWidth"] as? Int ?? 0
            #expect(scroll <= inner, "wider than the window on \(place): \(result)")
            #expect((result["wide"] as? [Any])?.isEmpty == true, "elements past the edge on \(place): \(result)")
            #expect((result["landmarks"] as? [String])?.contains("main") == true, "\(place)")
            #expect(result["imagesWithoutAlt"] as? Int == 0, "\(place)")
        }
        // The open page reloaded by itself when its post changed.
        #expect(results.first?["reloaded"] as? Bool == true, "\(results.first ?? [:])")
        // The banner is on the draft's page, and the board lists both posts.
        let draft = try await run("/usr/bin/env", ["curl", "-s", base + "posts/in-review/"])
        #expect(draft.stdout.contains("class=\"press-banner\"") && draft.stdout.contains("<strong>Review</strong>"))
        preview.terminate()
        _ = await preview.exit()
    }
}
