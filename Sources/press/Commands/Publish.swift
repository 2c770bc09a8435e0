import ArgumentParser
import Foundation
import PressKit

extension Press {
    struct Publish: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Publish a post now: it moves to published/.")
        @OptionGroup var options: RepositoryOptions
        @Argument(help: "The post's slug.") var slug: String
        @Option(help: "A note for the log.") var comment: String?
        func run() throws { try options.perform("publish", slug: slug, comment: comment) }
    }
}
