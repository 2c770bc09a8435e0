import ArgumentParser
import Foundation
import PressKit

extension Press {
    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a folder (new, or an existing git repository) a press content repository.",
            discussion: "Creates drafts/, published/ and workflows/default.yml with you as editor, and commits them.")

        @Argument(help: "The folder (default: the current one).") var directory: String?

        func run() throws {
            let path = directory ?? FileManager.default.currentDirectoryPath
            let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
            let existing = try? ContentRepository.discover(from: absolute)
            let actor = try Person.acting(in: existing?.git)
            let (repository, recorded) = try ContentRepository.initialize(at: absolute, actor: actor, now: Date())
            if recorded.isEmpty {
                print("\(repository.root) is already a press content repository; nothing to do")
            } else {
                print("initialised \(repository.root): \(recorded.joined(separator: ", "))")
            }
        }
    }
}
