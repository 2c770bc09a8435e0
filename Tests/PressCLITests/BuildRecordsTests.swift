import Foundation
import TestSupport
import Testing

/// What builds keep in `.press/build` about the folders they wrote: a manifest for each, and
/// the list of folders that are the builds' to replace. A folder that is gone is forgotten.
@Suite struct BuildRecordsTests {
    func manifests(_ repository: CLIRepository) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: repository.path + "/.press/build")) ?? [])
            .filter { $0.hasPrefix("manifest-") }.sorted()
    }

    /// Builds into folders that are later deleted leave no manifest behind, and once a folder is
    /// gone, a folder of someone's files made at its path is refused like any other. (The record
    /// stayed: such a folder was replaced whole, their files with it.)
    @Test func aFolderThatIsGoneIsForgotten() async throws {
        let repository = try await BuildTests().repository()
        let elsewhere = TemporaryDirectory("press-out")
        for name in ["a", "b"] {
            let built = try await repository.press(["build", "--out", "\(elsewhere.path)/\(name)"])
            #expect(built.status == 0, "\(built)")
        }
        #expect(manifests(repository).count == 2)
        try FileManager.default.removeItem(atPath: elsewhere.path + "/a")
        let third = try await repository.press(["build", "--out", "\(elsewhere.path)/c"])
        #expect(third.status == 0, "\(third)")
        #expect(manifests(repository).count == 2)
        let outputs = repository.directory.read(".press/build/outputs") ?? ""
        #expect(!outputs.contains("\(elsewhere.path)/a\n") && outputs.contains("\(elsewhere.path)/b\n"), "\(outputs)")

        try elsewhere.write("a/mine.txt", "not the site's")
        let refused = try await repository.press(["build", "--out", "\(elsewhere.path)/a"])
        #expect(refused.status == 2, "\(refused)")
        #expect(refused.stderr.contains("holds files press did not build"), "\(refused)")
        #expect(elsewhere.read("a/mine.txt") == "not the site's")
        // The folders still there are the builds' as before.
        #expect(try await repository.press(["build", "--full", "--out", "\(elsewhere.path)/b"]).status == 0)
    }
}
