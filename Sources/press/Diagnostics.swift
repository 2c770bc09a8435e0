import ArgumentParser
import Foundation
import Git
import PressKit

/// Writes errors as `path:line:col: error: message` (or `press: error: message` when no file is
/// involved) and decides the exit code.
struct Diagnostics {
    let handle: FileHandle
    let style: TerminalStyle

    static let standardError = Diagnostics(handle: .standardError, style: TerminalStyle(descriptor: 2))

    func report(_ error: Error) -> Int32 {
        switch error {
        case let error as PressError:
            write(location: error.location?.description, message: error.description)
            return error.isConfigurationError ? 2 : 1
        case GitError.locked(let path):
            write(location: nil, message: "the repository is busy: \(path) is held by another process; try again")
            return 1
        case let error as GitError:
            write(location: nil, message: error.description)
            return 1
        case let error as ValidationError:
            // Thrown by a command as it runs (one thrown while the command line is read comes
            // wrapped, with the subcommand's usage): a usage error in press's own form, not
            // under the usage of `press` as a whole.
            write(location: nil, message: error.message)
            return 2
        default:
            let code = Press.exitCode(for: error)
            let message = Press.fullMessage(for: error)
            if code == .success {
                print(message)
                return 0
            }
            if let exit = error as? ExitCode { return exit.rawValue }
            if !message.isEmpty { handle.write(Data((message + "\n").utf8)) }
            return 2
        }
    }

    func warn(_ error: Error) {
        if let error = error as? PressError {
            write(location: error.location?.description, message: error.description, severity: "warning")
        } else {
            write(location: nil, message: "\(error)", severity: "warning")
        }
    }

    /// A warning at a file, such as a post file press does not read.
    func warn(_ location: SourceLocation, _ message: String) {
        write(location: location.path, message: message, severity: "warning")
    }

    /// A warning for each workflow file whose working copy differs from HEAD's: press follows
    /// the committed ones, so an edit (the site's title, say) shows nothing until it is committed.
    func warnUncommittedWorkflows(in repository: ContentRepository) {
        for diagnostic in repository.uncommittedWorkflows() {
            handle.write(Data((Report.line(diagnostic, style) + "\n").utf8))
        }
    }

    private func write(location: String?, message: String, severity: String = "error") {
        let label = style.paint("\(severity):", severity == "error" ? .red : .yellow)
        let prefix = location.map { "\(TerminalText.visible($0)): " } ?? "press: "
        handle.write(Data("\(prefix)\(label) \(TerminalText.visible(message, keepingLineBreaks: true))\n".utf8))
    }
}

/// Colour and layout for one output stream: on a terminal, colours (unless NO_COLOR is set) and
/// aligned tables; when piped, plain text.
struct TerminalStyle {
    let isTerminal: Bool
    let colours: Bool

    enum Colour: String {
        case red = "31", yellow = "33", green = "32", blue = "34", dim = "2", bold = "1"
    }

    init(descriptor: Int32, environment: [String: String] = ProcessInfo.processInfo.environment) {
        isTerminal = isatty(descriptor) == 1
        colours = isTerminal && (environment["NO_COLOR"] ?? "").isEmpty && environment["TERM"] != "dumb"
    }

    func paint(_ text: String, _ colour: Colour) -> String {
        colours ? "\u{1B}[\(colour.rawValue)m\(text)\u{1B}[0m" : text
    }
}
