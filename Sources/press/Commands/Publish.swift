import ArgumentParser
import Foundation
import PressKit

extension Press {
    struct Publish: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "publish", abstract: "Publish a post now: it moves to published/.")
        @OptionGroup var options: RepositoryOptions
        @OptionGroup var remote: RemoteOptions
        @OptionGroup var gate: GateOptions
        @Argument(help: "The post's slug (or its file: drafts/SLUG.md).", completion: .slugs) var slug: String
        @Option(help: "A note for the log.") var comment: String?
        func run() async throws {
            try await options.perform(
                "publish", slug: slug, comment: comment, skipExternal: gate.skipExternal, remote: remote)
        }
    }
}
