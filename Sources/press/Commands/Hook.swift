import ArgumentParser
import Foundation
import Git
import PressKit

extension Press {
    struct Hook: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Git hooks that run press.", subcommands: [Install.self, Retry.self])

        struct Install: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Install a pre-commit hook that validates the posts a commit stages.",
                discussion:
                    "An existing pre-commit hook that press did not write is left alone unless --force is given.")

            @OptionGroup var options: RepositoryOptions
            @Flag(help: "Replace a pre-commit hook that press did not write.") var force = false

            static let marker = "# installed by press hook install"

            func run() throws {
                let repository = try options.open()
                let hooks = repository.git.gitDirectory + "/hooks"
                let path = hooks + "/pre-commit"
                if let existing = FileManager.default.contents(atPath: path),
                    !String(decoding: existing, as: UTF8.self).contains(Install.marker), !force
                {
                    throw ValidationError("\(path) exists and was not written by press; pass --force to replace it")
                }
                let installer = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().path
                let fallback = FileManager.default.isExecutableFile(atPath: installer) ? installer : "press"
                let quoted = "'" + fallback.replacingOccurrences(of: "'", with: "'\\''") + "'"
                let script = """
                    #!/bin/sh
                    \(Install.marker)
                    # Validates the posts this commit adds or changes, as they are staged (not as
                    # the working files are); a finding stops the commit. press is taken from PATH,
                    # else from where it was when the hook was installed.
                    if command -v press >/dev/null 2>&1; then exec press validate --staged; fi
                    exec \(quoted) validate --staged

                    """
                try FileManager.default.createDirectory(atPath: hooks, withIntermediateDirectories: true)
                try Data(script.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
                chmod(path, 0o755)
                print("installed \(path)")
            }
        }
    }
}
