import ArgumentParser
import Foundation
import PressKit

extension Press {
    struct Unschedule: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "unschedule", abstract: "Take a scheduled post back to review.")
        @OptionGroup var options: RepositoryOptions
        @OptionGroup var remote: RemoteOptions
        @Argument(help: "The post's slug (or its file: drafts/SLUG.md).", completion: .slugs) var slug: String
        @Option(help: "A note for the log.") var comment: String?
        func run() async throws {
            try await options.perform("unschedule", slug: slug, comment: comment, remote: remote)
        }
    }
}
