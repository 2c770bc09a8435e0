import ArgumentParser
import Foundation
import PressKit

extension RepositoryOptions {
    /// Runs the workflow transition `name` on `slug` as the acting person and prints what it did.
    func perform(_ name: String, slug: String, comment: String? = nil, at: String? = nil) throws {
        let repository = try open()
        let actor = try Person.acting(in: repository.git)
        let result = try repository.perform(
            TransitionRequest(
                name: name, slug: slug, actor: actor, committer: Person.committer(for: actor), comment: comment, at: at,
                now: Date()))
        let style = TerminalStyle(descriptor: 1)
        var line = "\(result.transition): \(result.slug) \(result.from) → \(style.paint(result.to, .green))"
        if let publishAt = result.publishAt { line += " at \(publishAt)" }
        print("\(line)  \(result.path)  [\(result.commit.description.prefix(7))]")
    }
}

extension Press {
    struct Submit: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Submit a draft for review (its uncommitted edits go in too).")
        @OptionGroup var options: RepositoryOptions
        @Argument(help: "The post's slug.") var slug: String
        @Option(help: "A note for the reviewers.") var comment: String?
        func run() throws { try options.perform("submit", slug: slug, comment: comment) }
    }

    struct Approve: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Record your approval of a post in review.")
        @OptionGroup var options: RepositoryOptions
        @Argument(help: "The post's slug.") var slug: String
        @Option(help: "A note for the author.") var comment: String?
        func run() throws { try options.perform("approve", slug: slug, comment: comment) }
    }

    struct RequestChanges: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "request-changes", abstract: "Send a post in review back to its author, clearing its approvals.")
        @OptionGroup var options: RepositoryOptions
        @Argument(help: "The post's slug.") var slug: String
        @Option(help: "What needs to change.") var comment: String
        func run() throws { try options.perform("request-changes", slug: slug, comment: comment) }
    }

    struct Schedule: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Schedule an approved post for publication.")
        @OptionGroup var options: RepositoryOptions
        @Argument(help: "The post's slug.") var slug: String
        @Option(
            help: ArgumentHelp(
                "ISO 8601 with an offset, or \"YYYY-MM-DD HH:MM\" in the workflow's time zone.", valueName: "TIME"))
        var at: String
        @Option(help: "A note for the log.") var comment: String?
        func run() throws { try options.perform("schedule", slug: slug, comment: comment, at: at) }
    }

    struct Unschedule: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Take a scheduled post back to review.")
        @OptionGroup var options: RepositoryOptions
        @Argument(help: "The post's slug.") var slug: String
        @Option(help: "A note for the log.") var comment: String?
        func run() throws { try options.perform("unschedule", slug: slug, comment: comment) }
    }

    struct Publish: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Publish a post now: it moves to published/.")
        @OptionGroup var options: RepositoryOptions
        @Argument(help: "The post's slug.") var slug: String
        @Option(help: "A note for the log.") var comment: String?
        func run() throws { try options.perform("publish", slug: slug, comment: comment) }
    }

    struct Unpublish: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Take a published post back to drafts/.")
        @OptionGroup var options: RepositoryOptions
        @Argument(help: "The post's slug.") var slug: String
        @Option(help: "Why it is taken down.") var comment: String
        func run() throws { try options.perform("unpublish", slug: slug, comment: comment) }
    }

    struct Transition: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make any transition the post's workflow defines, by name.",
            discussion: "For workflows with states and transitions of their own, e.g. 'press transition clear-legal my-post'.")
        @OptionGroup var options: RepositoryOptions
        @Argument(help: "The transition's name in the workflow.") var name: String
        @Argument(help: "The post's slug.") var slug: String
        @Option(help: "A comment, where the transition takes one.") var comment: String?
        @Option(help: ArgumentHelp("A publish time, where the transition takes one.", valueName: "TIME")) var at: String?
        func run() throws { try options.perform(name, slug: slug, comment: comment, at: at) }
    }
}
