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
        try checkOwnership(of: path, marker: ContentRepository.preCommitMarker, replacing: replacing)
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
        return try writeHook(script, at: path)
    }

    /// The line that marks a pre-receive hook as press's own.
    static let serverMarker = "# installed by press hook install --server"

    /// Writes the git pre-receive hook of a shared (usually bare) repository: a push whose new
    /// commits break the workflow (`press verify OLD..NEW` for each branch it updates) is
    /// refused, and the pusher is told why; nothing of it is kept.
    /// - Returns: the hook's path.
    /// - Throws: `PreCommitHookTaken` when a hook press did not write is there and `replacing`
    ///   is false.
    @discardableResult
    public func installServerHook(fallback: String, replacing: Bool) throws -> String {
        let path = git.gitDirectory + "/hooks/pre-receive"
        try checkOwnership(of: path, marker: ContentRepository.serverMarker, replacing: replacing)
        let quoted = "'" + fallback.replacingOccurrences(of: "'", with: "'\\''") + "'"
        let script = """
            #!/bin/sh
            \(ContentRepository.serverMarker)
            # Refuses a push whose new commits break the workflow: press verify OLD..NEW for
            # every branch it updates, reading the pushed objects where git holds them until
            # the push is accepted. press is taken from PATH, else from where it was when the
            # hook was installed.
            press=press
            command -v press >/dev/null 2>&1 || press=\(quoted)
            zero=0000000000000000000000000000000000000000
            status=0
            while read -r old new ref; do
                case "$ref" in refs/heads/*) ;; *) continue ;; esac
                [ "$new" = "$zero" ] && continue
                if [ "$old" = "$zero" ]; then range="$new"; else range="$old..$new"; fi
                "$press" verify "$range" || status=1
            done
            [ "$status" = 0 ] || echo "press: push refused: the commits above break the workflow" >&2
            exit "$status"

            """
        return try writeHook(script, at: path)
    }

    /// Refuses to overwrite a hook press did not write (its marker line absent) unless told to.
    private func checkOwnership(of path: String, marker: String, replacing: Bool) throws {
        guard let existing = FileManager.default.contents(atPath: path), !replacing else { return }
        if !String(decoding: existing, as: UTF8.self).contains(marker) { throw PreCommitHookTaken(path: path) }
    }

    private func writeHook(_ script: String, at path: String) throws -> String {
        try FileManager.default.createDirectory(
            atPath: path.parentFolder, withIntermediateDirectories: true)
        try Data(script.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        chmod(path, 0o755)
        return path
    }
}
