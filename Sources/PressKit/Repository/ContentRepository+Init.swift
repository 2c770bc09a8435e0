import Foundation
import Git

extension ContentRepository {
    /// The workflow `press init` writes, with `editor` as the one editor.
    public static func defaultWorkflow(editor: Person) -> String {
        defaultWorkflow(editors: [editor.email], reviewers: [])
    }

    /// The default workflow with these people in its roles: what `press init` writes, and what
    /// the tests run on (one text, so the two cannot drift apart).
    public static func defaultWorkflow(editors: [String], reviewers: [String], timeZone: String = "UTC") -> String {
        let zone = "timezone: \(YAMLValue.scalar(timeZone, inFlow: false))"
        let zoneLine = zone + String(repeating: " ", count: max(2, 33 - zone.count))
        func list(_ emails: [String]) -> String {
            emails.map { YAMLValue.scalar($0, inFlow: true) }.joined(separator: ", ")
        }
        return """
            # The editorial workflow of this repository: states, transitions, who may make them,
            # and the keys each state needs. See the press README for every key.
            \(zoneLine)# zone for times typed without an offset
            roles:                           # role -> people (emails); "author" is built in
              editor: [\(list(editors))]
              reviewer: [\(list(reviewers))]
            states: [draft, review, scheduled, published]
            transitions:
              submit:          { from: [draft], to: review, by: [author, editor] }
              approve:         { from: [review], to: review, by: [reviewer, editor], not_author: true }
              request-changes: { from: [review], to: draft, by: [reviewer, editor], comment: required }
              schedule:        { from: [review], to: scheduled, by: [editor], approvals: 1 }
              unschedule:      { from: [scheduled], to: review, by: [editor] }
              publish:         { from: [review, scheduled], to: published, by: [editor, scheduler], approvals: 1 }
              unpublish:       { from: [published], to: draft, by: [editor, scheduler], comment: required }
            required:                        # keys each state needs
              draft: [title, slug, author]
              review: [title, slug, author, summary]

            """
    }

    /// Lays out a content repository at `path` (a new folder, or an existing git repository):
    /// `drafts/`, `published/`, `workflows/default.yml` naming `actor` as editor, and `.press/` and
    /// `site/` in `.gitignore`; then commits the layout and any posts already in those folders, as one commit.
    ///
    /// - Returns: the repository and the paths the commit recorded (empty when all was in place).
    public static func initialize(at path: String, actor: Person, now: Date) throws -> (ContentRepository, [String]) {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let repository = ContentRepository(git: try Repository.initialize(at: path))
        repository.signCommits()
        let git = repository.git
        let lock = try git.lock()
        defer { withExtendedLifetime(lock) {} }
        try git.recoverInterruptedCommit()

        var files: [String: [UInt8]] = [:]
        func existing(_ relative: String) -> [UInt8]? {
            FileManager.default.contents(atPath: git.absolutePath(relative)).map { [UInt8]($0) }
        }
        for folder in postFolders + ["workflows"] {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: git.absolutePath(folder))) ?? []
            for name in names where !name.hasPrefix(".") || name == ".gitkeep" {
                if let bytes = existing("\(folder)/\(name)") { files["\(folder)/\(name)"] = bytes }
            }
            if folder != "workflows" && names.filter({ !$0.hasPrefix(".") }).isEmpty {
                files["\(folder)/.gitkeep"] = []
            }
        }
        if files["workflows/default.yml"] == nil {
            files["workflows/default.yml"] = Array(defaultWorkflow(editor: actor).utf8)
        }
        // press's own state, and the site `press build` writes, stay out of history.
        var ignore = existing(".gitignore") ?? []
        let ignored = String(decoding: ignore, as: UTF8.self).split(whereSeparator: \.isNewline)
        for line in [".press/", "site/"] where !ignored.contains(where: { $0 == line }) {
            if let last = ignore.last, last != 0x0A { ignore.append(0x0A) }
            ignore += Array("\(line)\n".utf8)
        }
        files[".gitignore"] = ignore

        // Refuse a broken workflow before anything is written.
        let workflow = try Workflow(bytes: files["workflows/default.yml"] ?? [], path: "workflows/default.yml")

        let head = try git.headCommitID()
        let changed = try files.keys.sorted().filter { relative in
            guard let head else { return true }
            return try git.contents(atPath: relative, in: head) != files[relative]
        }
        guard !changed.isEmpty else { return (repository, []) }
        let message = ContentRepository.message(
            subject: "init: press content repository", comment: nil, trailers: [("Press-Transition", "init")])
        try git.commit(
            changed.map { .write(path: $0, contents: files[$0] ?? []) }, message: message,
            author: repository.signature(actor, now, workflow))
        return (repository, changed)
    }
}
