import ArgumentParser
import Foundation
import PressKit

extension Press {
    struct Log: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "log",
            abstract: "A post's history from git: who, when, which transition, and the comment.")

        @OptionGroup var options: RepositoryOptions
        @Argument(help: "The post's slug (or its file: drafts/SLUG.md).", completion: .slugs) var slug: String
        @Flag(help: "Print a JSON array.") var json = false

        func run() throws {
            let repository = try options.open()
            let entries = try repository.log(ContentRepository.slug(fromArgument: slug))
            if json { return try printJSON(entries) }
            let rows = entries.map { entry in
                let move = entry.to.map { to in entry.from.map { "\($0) → \(to)" } ?? "→ \(to)" } ?? "-"
                return [
                    entry.date, "\(entry.author) <\(entry.email)>", entry.transition, move,
                    entry.comment?.replacingOccurrences(of: "\n", with: " ") ?? "", String(entry.commit.prefix(7)),
                ]
            }
            print(
                Table(header: ["WHEN", "WHO", "TRANSITION", "STATE", "COMMENT", "COMMIT"], rows: rows)
                    .render(TerminalStyle(descriptor: 1), maxWidths: [4: 50]), terminator: "")
        }
    }
}
