import Foundation
import TestSupport
import Testing

/// A content repository made with `press init` by Eddie, with the test workflow and a draft by
/// Ada (`hello`, with a summary).
final class CLIRepository {
    let directory = TemporaryDirectory("press-cli")
    var path: String { directory.path }

    init(workflow: String = testWorkflow, withPost: Bool = true) async throws {
        try directory.write("workflows/default.yml", workflow)
        let made = try await TestSupport.press(["init"], in: path, as: People.eddie)
        guard made.status == 0 else { throw CLIFailure(output: made) }
        if withPost {
            let new = try await TestSupport.press(
                ["new", "Hello", "--summary", "A first post."], in: path, as: People.ada)
            guard new.status == 0 else { throw CLIFailure(output: new) }
        }
    }

    @discardableResult
    func press(_ arguments: [String], as person: [String: String] = People.eddie, environment: [String: String] = [:])
        async throws -> Output
    {
        try await TestSupport.press(arguments, in: path, as: person, environment: environment)
    }

    /// Writes `workflows/NAME.yml` and commits it with the git CLI as `person` (press takes its
    /// rules from committed workflows only).
    func commitWorkflow(_ text: String, name: String = "default", as person: [String: String] = People.eddie)
        async throws
    {
        try directory.write("workflows/\(name).yml", text)
        try await commitAll("workflows: \(name)", as: person)
    }

    /// Commits everything in the working tree with the git CLI, as `person`.
    func commitAll(_ message: String, as person: [String: String] = People.eddie) async throws {
        var environment = person
        environment["GIT_COMMITTER_NAME"] = person["GIT_AUTHOR_NAME"]
        environment["GIT_COMMITTER_EMAIL"] = person["GIT_AUTHOR_EMAIL"]
        let add = try await git(["add", "-A"], in: path, environment: environment)
        let commit = try await git(["commit", "-qm", message], in: path, environment: environment)
        guard add.status == 0, commit.status == 0 else { throw CLIFailure(output: commit) }
    }

    func head() async throws -> String { try await git(["rev-parse", "HEAD"], in: path).stdout }
    func status() async throws -> String { try await git(["status", "--porcelain"], in: path).stdout }
    func fsck() async throws -> Output { try await git(["fsck", "--strict"], in: path) }
}

/// Every file under `folder` by its path there, with its bytes: two sites compared byte for byte.
func siteFiles(_ folder: String) -> [String: [UInt8]] {
    var found: [String: [UInt8]] = [:]
    let enumerator = FileManager.default.enumerator(atPath: folder)
    while let path = enumerator?.nextObject() as? String {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: "\(folder)/\(path)", isDirectory: &isDirectory),
            !isDirectory.boolValue
        {
            found[path] = FileManager.default.contents(atPath: "\(folder)/\(path)").map { Array($0) }
        }
    }
    return found
}

struct CLIFailure: Error, CustomStringConvertible {
    var output: Output
    var description: String { "press failed: \(output)" }
}

/// What a repository looked like, to prove that a refused command changed nothing.
struct Snapshot: Equatable {
    var head: String
    var status: String
    var files: [String: String]

    init(_ repository: CLIRepository) async throws {
        head = try await repository.head()
        status = try await repository.status()
        files = [:]
        for folder in ["drafts", "published", "workflows"] {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: repository.directory.file(folder))) ?? []
            for name in names { files["\(folder)/\(name)"] = repository.directory.read("\(folder)/\(name)") }
        }
    }
}
