import ArgumentParser
import Foundation
import PressKit

extension Press {
    struct Transition: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "transition",
            abstract: "Make any transition the post's workflow defines, by name.",
            discussion:
                "For workflows with states and transitions of their own, e.g. 'press transition clear-legal my-post'.")
        @OptionGroup var options: RepositoryOptions
        @OptionGroup var remote: RemoteOptions
        @OptionGroup var gate: GateOptions
        @Argument(help: "The transition's name in the workflow.") var name: String
        @Argument(help: "The post's slug (or its file: drafts/SLUG.md).", completion: .slugs) var slug: String
        @Option(help: "A comment, where the transition takes one.") var comment: String?
        @Option(help: ArgumentHelp("A publish time, where the transition takes one.", valueName: "TIME")) var at:
            String?
        func run() async throws {
            try await options.perform(
                name, slug: slug, comment: comment, at: at, skipExternal: gate.skipExternal, remote: remote)
        }
    }
}
