import ArgumentParser
import Foundation
import Git
import PressKit

extension Press {
    struct New: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "new", abstract: "Create a draft: drafts/<slug>.md, committed.")

        @OptionGroup var options: RepositoryOptions
        @OptionGroup var remote: RemoteOptions
        @Argument(help: "The post's title.") var title: String
        @Option(help: "The slug (default: made from the title).") var slug: String?
        @Option(name: .customLong("category"), help: "A category (repeatable).") var categories: [String] = []
        @Option(name: .customLong("tag"), help: "A tag (repeatable).") var tags: [String] = []
        @Option(help: "A one-paragraph summary.") var summary: String?

        func validate() throws {
            if title.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("the title cannot be empty") }
            if let slug, let problem = Slug.problem(with: slug) {
                throw ValidationError("'--slug \(slug)': \(problem)")
            }
        }

        func run() throws {
            let repository = try options.open()
            let sync = try remote.sync(repository)
            let actor = try Person.acting(in: repository.git)
            let result: TransitionResult
            do {
                result = try repository.create(
                    NewPostRequest(
                        title: title, slug: slug, categories: categories, tags: tags, summary: summary, actor: actor,
                        committer: try Person.committer(for: actor), now: Date()))
            } catch let error as GateError {
                error.printDiagnostics()
                throw error
            }
            print("new: \(result.slug) → \(result.to)  \(result.path)  [\(result.commit.description.prefix(7))]")
            try remote.push(result.commit, through: sync)
        }
    }
}
