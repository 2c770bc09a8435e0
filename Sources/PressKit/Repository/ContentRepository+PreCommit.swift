import Foundation
import Git

/// `.git/hooks/pre-commit` is someone else's: press leaves it alone unless told to replace it.
public struct PreCommitHookTaken: PressError {
    public var path: String
    public var location: SourceLocation? { nil }
    public var isConfigurationError: Bool { true }
    public var description: String { "\(path) exists and was not written by press; pass --force to replace it" }
}

extension ContentRepository {
    /// The line that marks a pre-commit hook as press's own.
    static let preCommitMarker = "# installed by press hook install"

    /// Writes the git pre-commit hook that validates what a commit stages (`press validate
    /// --staged`), with `press` from PATH, else `fallback` (the binary that installed it).
    /// - Returns: the hook's path.
    /// - Throws: `PreCommitHookTaken` when a hook press did not write is there and `replacing`
    ///   is false.
    @discardableResult
    public func installPreCommitHook(fallback: String, replacing: Bool) throws -> String {
        let hooks = git.gitDirectory + "/hooks"
        let path = hooks + "/pre-commit"
        if let existing = FileManager.default.contents(atPath: path),
            !String(decoding: existing, as: UTF8.self).contains(ContentRepository.preCommitMarker), !replacing
        {
            throw PreCommitHookTaken(path: path)
        }
        let quoted = "'" + fallback.replacingOccurrences(of: "'", with: "'\\''") + "'"
        let script = """
            #!/bin/sh
            \(ContentRepository.preCommitMarker)
            # Validates the posts this commit adds or changes, as they are staged (not as
            # the working files are); a finding stops the commit. press is taken from PATH,
            # else from where it was when the hook was installed.
            if command -v press >/dev/null 2>&1; then exec press validate --staged; fi
            exec \(quoted) validate --staged

            """
        try FileManager.default.createDirectory(atPath: hooks, withIntermediateDirectories: true)
        try Data(script.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        chmod(path, 0o755)
        return path
    }
}
