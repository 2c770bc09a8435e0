import ArgumentParser
import Foundation
import PressKit

extension Press {
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show", abstract: "Show one post's metadata and what it can do next.")

        @OptionGroup var options: RepositoryOptions
        @Argument(help: "The post's slug (or its file: drafts/SLUG.md).", completion: .slugs) var slug: String
        @Flag(help: "Print a JSON object.") var json = false

        func run() throws {
            let repository = try options.open()
            let post = try repository.post(ContentRepository.slug(fromArgument: slug))
            let summary = PostSummary(post, workflow: try? repository.workflow(for: post))
            if json { return try printJSON(summary) }
            let workflow = try repository.workflow(for: post)
            let next = workflow.transitions.filter { $0.from.contains(summary.state) }.map(\.name)
            let style = TerminalStyle(descriptor: 1)
            let fields: [(String, String)] = [
                ("slug", summary.slug), ("title", summary.title), ("state", summary.state), ("path", summary.path),
                ("author", "\(summary.author) <\(summary.authorEmail)>"), ("summary", summary.summary ?? "-"),
                ("categories", summary.categories.joined(separator: ", ")),
                ("tags", summary.tags.joined(separator: ", ")),
                ("publish_at", summary.publishAt ?? "-"), ("published_at", summary.publishedAt ?? "-"),
                ("approvals", summary.approvals.isEmpty ? "none" : summary.approvals.joined(separator: ", ")),
                ("workflow", workflow.name), ("next", next.isEmpty ? "none" : next.joined(separator: ", ")),
            ]
            for (key, value) in fields {
                let shown = TerminalText.visible(value)
                print("\(style.paint(key.padding(toLength: 13, withPad: " ", startingAt: 0), .bold))\(shown)")
            }
        }
    }
}
