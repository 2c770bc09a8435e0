import ArgumentParser
import Foundation
import Git
import PressKit

/// `--repo DIR`, shared by every command that works in a content repository.
struct RepositoryOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp("The content repository (default: found from the current directory).", valueName: "DIR"))
    var repo: String?

    func open() throws -> ContentRepository {
        let path = repo ?? FileManager.default.currentDirectoryPath
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ValidationError("'--repo \(path)': no such folder")
        }
        return try ContentRepository.discover(from: path)
    }
}

/// `--skip-external`, for transitions whose gate checks external links.
struct GateOptions: ParsableArguments {
    @Flag(help: "Skip the external-link part of the gate (recorded in the commit as Press-Skipped).")
    var skipExternal = false
}

/// `--push` and `--remote`, for every command that makes a commit.
struct RemoteOptions: ParsableArguments {
    @Flag(help: "Fetch and bring in the remote's commits first, then push the commit (see 'press sync').")
    var push = false
    @Option(help: ArgumentHelp("The remote for --push (default: the branch's upstream, or origin).", valueName: "NAME"))
    var remote: String?

    func validate() throws {
        if remote != nil && !push { throw ValidationError("'--remote' needs '--push'") }
    }

    /// With `--push`: the remote, already fetched and integrated so that the transition applies
    /// to the newest state. Nothing is committed when this fails.
    func sync(_ repository: ContentRepository) throws -> RemoteSync? {
        guard push else { return nil }
        let sync = try RemoteSync(repository: repository, remote: remote)
        try sync.pull()
        return sync
    }

    /// Pushes the commit just made; a failure keeps it locally and says so (exit 1).
    func push(_ commit: ObjectID, through sync: RemoteSync?) throws {
        guard let sync else { return }
        do {
            let summary = try sync.sync()
            print("pushed \(summary.pushed) commit\(summary.pushed == 1 ? "" : "s") to \(sync.remoteName)")
        } catch let error as SyncError {
            throw SyncError.notPushed(
                commit: String(commit.description.prefix(7)), remote: sync.remoteName, reason: "\(error)")
        }
    }
}
