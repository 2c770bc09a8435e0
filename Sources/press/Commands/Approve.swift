import ArgumentParser
import Foundation
import PressKit

extension Press {
    struct Approve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "approve", abstract: "Record your approval of a post in review.")
        @OptionGroup var options: RepositoryOptions
        @OptionGroup var remote: RemoteOptions
        @Argument(help: "The post's slug (or its file: drafts/SLUG.md).", completion: .slugs) var slug: String
        @Option(help: "A note for the author.") var comment: String?
        func run() async throws { try await options.perform("approve", slug: slug, comment: comment, remote: remote) }
    }
}
