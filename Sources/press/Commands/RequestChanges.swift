import ArgumentParser
import Foundation
import PressKit

extension Press {
    struct RequestChanges: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "request-changes",
            abstract: "Send a post in review back to its author, clearing its approvals.")
        @OptionGroup var options: RepositoryOptions
        @OptionGroup var remote: RemoteOptions
        @Argument(help: "The post's slug (or its file: drafts/SLUG.md).", completion: .slugs) var slug: String
        @Option(help: "What needs to change.") var comment: String
        func run() async throws {
            try await options.perform("request-changes", slug: slug, comment: comment, remote: remote)
        }
    }
}
