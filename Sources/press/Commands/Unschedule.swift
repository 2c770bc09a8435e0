import ArgumentParser
import Foundation
import PressKit

extension Press {
    struct Unschedule: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Take a scheduled post back to review.")
        @OptionGroup var options: RepositoryOptions
        @Argument(help: "The post's slug.") var slug: String
        @Option(help: "A note for the log.") var comment: String?
        func run() throws { try options.perform("unschedule", slug: slug, comment: comment) }
    }
}
