import ArgumentParser
import Foundation
import PressKit

extension Press {
    struct Validate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "validate",
            abstract: "Check posts' metadata and links: other posts, assets, anchors, and with --external, URLs.",
            discussion: "Exit 0 with no errors (warnings allowed), 1 with errors, 2 for usage or configuration errors.")

        enum Format: String, ExpressibleByArgument, CaseIterable {
            case text, json, github
        }

        @OptionGroup var options: RepositoryOptions
        @Argument(help: "Posts to check (default: every post).") var paths: [String] = []
        @Flag(help: "Also check external http(s) links.") var external = false
        @Flag(
            help:
                "Check what is staged (the commit being made) instead of the working tree; with no paths, the posts staged."
        )
        var staged = false
        @Option(help: "text, json or github (GitHub Actions annotations).") var format: Format = .text

        func run() async throws {
            let repository = try options.open()
            let relative = try paths.map { try repositoryPath($0, in: repository) }
            // A path that names nothing is a mistake on the command line, not a finding — unless
            // it is staged (a file deleted from the working tree but still in the commit).
            for (typed, path) in zip(paths, relative) where !staged && !repository.isFile(path) {
                throw ValidationError("'\(typed)': no such file in \(repository.root)")
            }
            let checker =
                external
                ? HTTPLinkChecker(
                    cacheDirectory: repository.root + "/.press/cache", progress: ProgressLine.onTerminal()) : nil
            let report = try await Validator(repository: repository).validate(
                ValidationRequest(
                    paths: relative.isEmpty ? nil : relative, external: external, now: Date(), staged: staged),
                checker: checker)
            try Report(report).print(format)
            if report.errors > 0 { throw ExitCode(1) }
        }
    }
}

/// A path as typed (relative to the current folder, or absolute) as a path in the repository.
func repositoryPath(_ typed: String, in repository: ContentRepository) throws -> String {
    let absolute = URL(
        fileURLWithPath: typed, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    )
    .standardizedFileURL.path
    let root = URL(fileURLWithPath: repository.root).standardizedFileURL.path
    guard absolute.hasPrefix(root + "/") else {
        throw ValidationError("'\(typed)' is not inside the repository \(root)")
    }
    return String(absolute.dropFirst(root.count + 1))
}

/// A validation report in one of the output formats.
struct Report {
    let report: ValidationReport

    /// `path:line:col: error|warning: message [rule]`.
    static func line(_ diagnostic: Diagnostic, _ style: TerminalStyle) -> String {
        let label = style.paint("\(diagnostic.severity.rawValue):", diagnostic.severity == .error ? .red : .yellow)
        let location = TerminalText.visible(diagnostic.location.description)
        return
            "\(location): \(label) \(TerminalText.visible(diagnostic.message, keepingLineBreaks: true)) [\(diagnostic.rule)]"
    }

    init(_ report: ValidationReport) { self.report = report }

    func print(_ format: Press.Validate.Format) throws {
        switch format {
        case .json:
            struct Body: Encodable {
                var diagnostics: [Diagnostic]
                var posts: Int, links: Int, external: Int, errors: Int, warnings: Int
            }
            try printJSON(
                Body(
                    diagnostics: report.sorted, posts: report.posts, links: report.links,
                    external: report.externalLinks, errors: report.errors, warnings: report.warnings))
        case .github:
            for diagnostic in report.sorted {
                let message = WorkflowCommand.message(diagnostic.message)
                let file = WorkflowCommand.property(diagnostic.path)
                Swift.print(
                    "::\(diagnostic.severity.rawValue) file=\(file),line=\(diagnostic.line),col=\(diagnostic.column),title=\(diagnostic.rule)::\(message)"
                )
            }
            Swift.print(report.summary)
        case .text:
            let style = TerminalStyle(descriptor: 1)
            var previous: String?
            for diagnostic in report.sorted {
                if let previous, previous != diagnostic.path, style.isTerminal { Swift.print("") }
                previous = diagnostic.path
                Swift.print(Report.line(diagnostic, style))
            }
            Swift.print(report.summary)
        }
    }
}
