import ArgumentParser
import Foundation
import PressKit

extension Press {
    struct Unpublish: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "unpublish", abstract: "Take a published post back to drafts/.")
        @OptionGroup var options: RepositoryOptions
        @OptionGroup var remote: RemoteOptions
        @Argument(help: "The post's slug (or its file: drafts/SLUG.md).", completion: .slugs) var slug: String
        @Option(help: "Why it is taken down.") var comment: String
        func run() async throws { try await options.perform("unpublish", slug: slug, comment: comment, remote: remote) }
    }
}
