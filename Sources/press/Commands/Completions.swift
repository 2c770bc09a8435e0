import ArgumentParser
import Foundation
import PressKit

extension Press {
    struct Completions: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "completions",
            abstract: "Print a shell completion script: commands, options, and the slugs of the posts here.",
            discussion: """
                bash: press completions bash > /etc/bash_completion.d/press
                zsh:  press completions zsh > "${fpath[1]}/_press"
                fish: press completions fish > ~/.config/fish/completions/press.fish
                """)

        enum Shell: String, ExpressibleByArgument, CaseIterable {
            case bash, zsh, fish
        }

        @Argument(help: "bash, zsh or fish.") var shell: Shell

        func run() throws {
            guard let completion = CompletionShell(rawValue: shell.rawValue) else { return }
            print(Press.completionScript(for: completion))
        }
    }
}

extension CompletionKind {
    /// The slugs of the posts in the repository the command line names (`--repo DIR`) or the
    /// one the shell is in, that begin with what is typed.
    static var slugs: CompletionKind {
        .custom { arguments, _, prefix in
            let repo = arguments.firstIndex(of: "--repo").flatMap { $0 + 1 < arguments.count ? arguments[$0 + 1] : nil }
            guard
                let repository = try? ContentRepository.discover(from: repo ?? FileManager.default.currentDirectoryPath)
            else { return [] }
            return repository.postPaths().map { ContentRepository.slug(fromArgument: $0) }.filter {
                $0.hasPrefix(prefix)
            }
        }
    }
}
