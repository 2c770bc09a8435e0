import ArgumentParser
import Foundation
import PressKit

extension RepositoryOptions {
    /// Runs the workflow transition `name` on `slug` as the acting person and prints what it did.
    func perform(_ name: String, slug: String, comment: String? = nil, at: String? = nil) throws {
        let repository = try open()
        let actor = try Person.acting(in: repository.git)
        let result = try repository.perform(
            TransitionRequest(
                name: name, slug: slug, actor: actor, committer: Person.committer(for: actor), comment: comment, at: at,
                now: Date()))
        let style = TerminalStyle(descriptor: 1)
        var line = "\(result.transition): \(result.slug) \(result.from) → \(style.paint(result.to, .green))"
        if let publishAt = result.publishAt { line += " at \(publishAt)" }
        print("\(line)  \(result.path)  [\(result.commit.description.prefix(7))]")
    }
}
