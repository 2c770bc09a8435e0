import ArgumentParser
import Foundation
import PressKit

extension Press {
    struct Schedule: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "schedule", abstract: "Schedule an approved post for publication.")
        @OptionGroup var options: RepositoryOptions
        @OptionGroup var remote: RemoteOptions
        @OptionGroup var gate: GateOptions
        @Argument(help: "The post's slug (or its file: drafts/SLUG.md).", completion: .slugs) var slug: String
        @Option(
            help: ArgumentHelp(
                "ISO 8601 with an offset, or \"YYYY-MM-DD HH:MM\" in the workflow's time zone.", valueName: "TIME"))
        var at: String
        @Option(help: "A note for the log.") var comment: String?
        func run() async throws {
            try await options.perform(
                "schedule", slug: slug, comment: comment, at: at, skipExternal: gate.skipExternal, remote: remote)
        }
    }
}
