import ArgumentParser
import Foundation
import Git
import PressKit

struct Press: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "press",
        abstract: "An editorial workflow and publishing pipeline on git.",
        discussion: """
            Posts are Markdown files with YAML front matter in drafts/ and published/; the workflow \
            is data in workflows/*.yml. Every transition is one git commit by the person who acted.

            Exit codes: 0 done, 1 refused (a rule of the workflow, a finding), 2 usage or configuration error.
            """,
        version: "0.1.0 (libgit2 \(Repository.libgit2Version), cmark-gfm \(Markdown.cmarkVersion))",
        subcommands: [
            Init.self, New.self, Submit.self, Approve.self, RequestChanges.self, Schedule.self, Unschedule.self,
            Publish.self, Unpublish.self, Transition.self, Status.self, Show.self, Log.self, Validate.self, Verify.self,
            Import.self, Build.self, Preview.self, Hook.self,
            Sync.self, SchedulerCommand.self, CalendarCommand.self, Completions.self,
        ]
    )

    /// Runs the command line `arguments` and returns the process's exit code.
    static func runAndReport(_ arguments: [String]) async -> Int32 {
        do {
            var command = try parseAsRoot(try normalised(arguments))
            if var asynchronous = command as? AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                try command.run()
            }
            return 0
        } catch {
            return Diagnostics.standardError.report(error)
        }
    }
}

extension Press {
    /// The command line as the subcommands parse it: `--repo DIR` given before the subcommand
    /// (as `git -C DIR`) moved after it, and a subcommand nobody has refused with the nearest
    /// one named.
    static func normalised(_ arguments: [String]) throws -> [String] {
        var arguments = arguments
        var repo: [String] = []
        if let first = arguments.first {
            if first == "--repo", arguments.count > 1 {
                repo = Array(arguments[0...1])
                arguments.removeFirst(2)
            } else if first.hasPrefix("--repo=") {
                repo = [first]
                arguments.removeFirst()
            }
        }
        if let name = arguments.first, !name.hasPrefix("-"), name != "help" {
            let names = configuration.subcommands.map { $0._commandName }
            if !names.contains(name) {
                let nearest = names.map { ($0, editDistance($0, name)) }.min { $0.1 < $1.1 }
                let hint = nearest.flatMap { $0.1 <= max(2, name.count / 3) ? "; did you mean '\($0.0)'?" : nil } ?? ""
                throw ValidationError("'\(name)' is not a press command\(hint) (see 'press --help')")
            }
        }
        guard !repo.isEmpty else { return arguments }
        let end = arguments.firstIndex(of: "--") ?? arguments.endIndex
        arguments.insert(contentsOf: repo, at: end)
        return arguments
    }
}
