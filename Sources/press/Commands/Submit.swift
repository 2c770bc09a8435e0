import ArgumentParser
import Foundation
import PressKit

extension Press {
    struct Submit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "submit",
            abstract: "Submit a draft for review (its uncommitted edits go in too).")
        @OptionGroup var options: RepositoryOptions
        @OptionGroup var remote: RemoteOptions
        @Argument(help: "The post's slug (or its file: drafts/SLUG.md).", completion: .slugs) var slug: String
        @Option(help: "A note for the reviewers.") var comment: String?
        func run() async throws { try await options.perform("submit", slug: slug, comment: comment, remote: remote) }
    }
}
