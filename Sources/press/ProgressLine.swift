import Foundation

/// A progress line on stderr, redrawn in place, only when stderr is a terminal.
enum ProgressLine {
    static func onTerminal() -> (@Sendable (Int, Int) -> Void)? {
        guard isatty(2) == 1 else { return nil }
        return { done, total in
            let line = done == total ? "\r\u{1B}[K" : "\rchecking external links: \(done)/\(total)"
            FileHandle.standardError.write(Data(line.utf8))
        }
    }
}
