import ArgumentParser
import Foundation
import PressKit

extension Press {
    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "init",
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
                print("initialised \(repository.root): \(Init.summary(of: recorded))")
            }
        }

        /// The paths recorded, named one by one when they are few; posts counted per folder
        /// when there are many ("1,049 posts in published/").
        static func summary(of paths: [String]) -> String {
            guard paths.count > 12 else { return paths.joined(separator: ", ") }
            let posts = paths.filter { path in
                PostFile.slug(ofPath: path) != nil
            }
            let others = paths.filter { !posts.contains($0) }
            let counted = ContentRepository.postFolders.compactMap { folder -> String? in
                let count = posts.filter { $0.hasPrefix("\(folder)/") }.count
                guard count > 0 else { return nil }
                return "\(count.formatted()) post\(count == 1 ? "" : "s") in \(folder)/"
            }
            let named = others.count > 6 ? ["\(others.count.formatted()) other files"] : others
            return (counted + named).joined(separator: ", ")
        }
    }
}
