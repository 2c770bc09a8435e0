import ArgumentParser
import Foundation
import Git
import PressKit

extension Press {
    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "status",
            abstract: "List the posts: slug, title, state, author, publish time, approvals.")

        @OptionGroup var options: RepositoryOptions
        @Option(help: "Only posts in this state.") var state: String?
        @Flag(help: "Print a JSON array.") var json = false

        func run() throws {
            let repository = try options.open()
            try repository.git.recoverInterruptedCommitIfAny()
            var (posts, errors) = try repository.summaries()
            if let state {
                let states = try repository.workflow().states
                guard states.contains(state) else {
                    throw ValidationError(
                        "'--state \(state)': no such state; the workflow's states are \(states.joined(separator: ", "))"
                    )
                }
                posts = posts.filter { $0.state == state }
            }
            errors.forEach(Diagnostics.standardError.warn)
            for skipped in repository.skippedPostFiles() {
                Diagnostics.standardError.warn(skipped.location, skipped.message)
            }
            if json { return try printJSON(posts) }
            let style = TerminalStyle(descriptor: 1)
            let rows = posts.map { post in
                [
                    post.slug, post.title, post.state, post.author, post.publishAt ?? post.publishedAt ?? "-",
                    "\(post.approvals.count)",
                ]
            }
            print(
                Table(header: ["SLUG", "TITLE", "STATE", "AUTHOR", "PUBLISH", "APPROVALS"], rows: rows)
                    .render(style, maxWidths: [1: 40]), terminator: "")
            if style.isTerminal { print(style.paint("\(posts.count) post\(posts.count == 1 ? "" : "s")", .dim)) }
        }
    }
}

/// Prints a value as pretty JSON with sorted keys.
func printJSON<T: Encodable>(_ value: T) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}
