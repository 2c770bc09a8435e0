import CLibGit2
import Foundation

/// A git repository with a working tree, opened through libgit2.
///
/// The handle is freed when the value goes away. Every git operation of press goes through
/// this type and its extensions; nothing above it touches a libgit2 pointer. A libgit2
/// repository may be used by one thread at a time: every operation holds the handle's lock for
/// all its work (`exclusive`), so the type may be shared between tasks.
public final class Repository: Sendable {
    private let handle: Handle
    /// The working tree's absolute path, without a trailing slash.
    public let workdir: String
    /// The `.git` directory's absolute path, without a trailing slash.
    public let gitDirectory: String
    /// A repository without a working tree (a server's), opened to read its history only
    /// (`openHistory`); nothing is ever committed to it.
    public let isBare: Bool
    private let injected = Locked<(failures: Set<String>, crashes: Set<String>)>(([], []))
    private let signer = Locked<CommitSigning?>(nil)

    /// Signs every commit this repository writes from now on, when set: it is handed the commit
    /// as git hashes it (without the signature) and returns the armored signature, stored in the
    /// commit's `gpgsig` header as git does.
    public var commitSigning: CommitSigning? {
        get { signer.withLock { $0 } }
        set { signer.withLock { $0 = newValue } }
    }

    /// Points in `commit` where a test makes it fail (and roll back) or stop dead (as if killed);
    /// for this package's tests only, and honoured only in a debug build.
    package var injectedFailures: Set<String> {
        get { injected.withLock { $0.failures } }
        set { injected.withLock { $0.failures = newValue } }
    }
    package var injectedCrashes: Set<String> {
        get { injected.withLock { $0.crashes } }
        set { injected.withLock { $0.crashes = newValue } }
    }

    init(pointer: OpaquePointer, allowBare: Bool = false) throws {
        self.gitDirectory = String(cString: git_repository_path(pointer)).trimmingTrailingSlash
        if allowBare, git_repository_is_bare(pointer) == 1 {
            workdir = gitDirectory
            isBare = true
            handle = Handle(pointer)
            return
        }
        isBare = false
        guard let workdir = git_repository_workdir(pointer) else {
            // A bare repository: its path is read before the handle is freed, not after.
            let path = String(cString: git_repository_path(pointer))
            git_repository_free(pointer)
            throw GitError.bareRepository(path: path)
        }
        self.workdir = String(cString: workdir).trimmingTrailingSlash
        handle = Handle(pointer)
    }

    /// Runs `body` with the libgit2 handle, holding its lock: no other thread uses the handle,
    /// nor anything read through it, until `body` returns. An operation may call another (the
    /// lock is recursive); `body` must not hand a libgit2 object out.
    func exclusive<T>(_ body: (OpaquePointer) throws -> T) rethrows -> T {
        try handle.withPointer(body)
    }

    /// The version of libgit2 press runs on, such as `1.5.1`.
    public static var libgit2Version: String {
        var major: Int32 = 0, minor: Int32 = 0, revision: Int32 = 0
        git_libgit2_version(&major, &minor, &revision)
        return "\(major).\(minor).\(revision)"
    }

    /// Opens the repository that contains `path`, walking up as git does.
    /// - Throws: `GitError.notARepository` when there is none.
    public static func discover(from path: String) throws -> Repository {
        try open(path, searchUp: true)
    }

    /// Opens the repository whose working tree is exactly `path`.
    public static func open(at path: String) throws -> Repository {
        try open(path, searchUp: false)
    }

    private static func open(_ path: String, searchUp: Bool) throws -> Repository {
        _ = libgit2Initialised
        var raw: OpaquePointer?
        let flags = searchUp ? 0 : GIT_REPOSITORY_OPEN_NO_SEARCH.rawValue
        let result = git_repository_open_ext(&raw, path, flags, nil)
        if result == GIT_ENOTFOUND.rawValue { throw GitError.notARepository(path: path) }
        try check("git_repository_open_ext", result)
        guard let raw else { throw GitError.notARepository(path: path) }
        return try Repository(pointer: raw)
    }

    /// Opens a repository to read its history, bare or not: the one at `path`, or with nil the
    /// one git's environment names (`GIT_DIR`, and `GIT_OBJECT_DIRECTORY` and
    /// `GIT_ALTERNATE_OBJECT_DIRECTORIES`, which a server hook gets for objects a push brings
    /// before they are accepted), else the one containing the current folder.
    public static func openHistory(at path: String?) throws -> Repository {
        _ = libgit2Initialised
        var raw: OpaquePointer?
        let result =
            if let path {
                git_repository_open_ext(&raw, path, 0, nil)
            } else {
                git_repository_open_ext(&raw, nil, GIT_REPOSITORY_OPEN_FROM_ENV.rawValue, nil)
            }
        if result == GIT_ENOTFOUND.rawValue { throw GitError.notARepository(path: path ?? ".") }
        try check("git_repository_open_ext", result)
        guard let raw else { throw GitError.notARepository(path: path ?? ".") }
        return try Repository(pointer: raw, allowBare: true)
    }

    /// The commit `revision` names, as `git rev-parse REV^{commit}` reads it (`HEAD`, a branch,
    /// `origin/main`, a commit id or its prefix, `HEAD~3`); nil when it names nothing.
    public func resolve(_ revision: String) throws -> ObjectID? {
        try exclusive { pointer in
            var object: OpaquePointer?
            let result = git_revparse_single(&object, pointer, revision)
            if result == GIT_ENOTFOUND.rawValue { return nil }
            try check("git_revparse_single", result)
            defer { git_object_free(object) }
            var commit: OpaquePointer?
            let peeled = git_object_peel(&commit, object, GIT_OBJECT_COMMIT)
            if peeled == GIT_ENOTFOUND.rawValue || peeled == GIT_EINVALIDSPEC.rawValue || peeled == GIT_EPEEL.rawValue {
                return nil
            }
            try check("git_object_peel", peeled)
            defer { git_object_free(commit) }
            return ObjectID(git_object_id(commit).pointee)
        }
    }

    /// Creates a repository at `path` (or opens the one already there).
    public static func initialize(at path: String) throws -> Repository {
        _ = libgit2Initialised
        if let existing = try? open(at: path) { return existing }
        var raw: OpaquePointer?
        try check("git_repository_init", git_repository_init(&raw, path, 0))
        guard let raw else { throw GitError.notARepository(path: path) }
        return try Repository(pointer: raw)
    }

    /// The absolute path of a path relative to the working tree.
    public func absolutePath(_ relative: String) -> String {
        workdir + "/" + relative
    }

    // MARK: - Config

    /// A string from git config, repository first, then global and system, as git reads it.
    public func configString(_ key: String) throws -> String? {
        try exclusive { pointer in
            var config: OpaquePointer?
            try check("git_repository_config_snapshot", git_repository_config_snapshot(&config, pointer))
            guard let config else { return nil }
            defer { git_config_free(config) }
            return try Repository.string(key, in: config)
        }
    }

    /// A string from the user's global and system git config, for when there is no repository yet.
    public static func globalConfigString(_ key: String) throws -> String? {
        _ = libgit2Initialised
        var config: OpaquePointer?
        try check("git_config_open_default", git_config_open_default(&config))
        guard let config else { return nil }
        defer { git_config_free(config) }
        var snapshot: OpaquePointer?
        try check("git_config_snapshot", git_config_snapshot(&snapshot, config))
        guard let snapshot else { return nil }
        defer { git_config_free(snapshot) }
        return try string(key, in: snapshot)
    }

    private static func string(_ key: String, in config: OpaquePointer) throws -> String? {
        var value: UnsafePointer<CChar>?
        let result = git_config_get_string(&value, config, key)
        if result == GIT_ENOTFOUND.rawValue { return nil }
        try check("git_config_get_string", result)
        return value.map { String(cString: $0) }
    }

    /// Sets a string in the repository's own config (`.git/config`).
    public func setConfigString(_ key: String, _ value: String) throws {
        try exclusive { pointer in
            var config: OpaquePointer?
            try check("git_repository_config", git_repository_config(&config, pointer))
            guard let config else { return }
            defer { git_config_free(config) }
            try check("git_config_set_string", git_config_set_string(config, key, value))
        }
    }

    // MARK: - HEAD

    /// The commit HEAD points at, or nil on an unborn branch.
    public func headCommitID() throws -> ObjectID? {
        try exclusive { pointer in
            var oid = git_oid()
            let result = git_reference_name_to_id(&oid, pointer, "HEAD")
            if result == GIT_ENOTFOUND.rawValue || result == GIT_EUNBORNBRANCH.rawValue { return nil }
            try check("git_reference_name_to_id", result)
            return ObjectID(oid)
        }
    }

    /// The reference that a commit on HEAD moves: the branch HEAD names, or HEAD itself when detached.
    /// What git operation is half done in the working tree (a merge, a rebase, a cherry-pick,
    /// a revert, a bisect, `git am`), with the command that finishes or abandons it; nil when none.
    public func operationInProgress() -> (name: String, resolve: String)? {
        switch exclusive(git_repository_state) {
        case Int32(GIT_REPOSITORY_STATE_MERGE.rawValue): return ("a merge", "git commit, or git merge --abort")
        case Int32(GIT_REPOSITORY_STATE_REVERT.rawValue), Int32(GIT_REPOSITORY_STATE_REVERT_SEQUENCE.rawValue):
            return ("a revert", "git revert --continue, or git revert --abort")
        case Int32(GIT_REPOSITORY_STATE_CHERRYPICK.rawValue), Int32(GIT_REPOSITORY_STATE_CHERRYPICK_SEQUENCE.rawValue):
            return ("a cherry-pick", "git cherry-pick --continue, or git cherry-pick --abort")
        case Int32(GIT_REPOSITORY_STATE_BISECT.rawValue): return ("a bisect", "git bisect reset")
        case Int32(GIT_REPOSITORY_STATE_REBASE.rawValue), Int32(GIT_REPOSITORY_STATE_REBASE_INTERACTIVE.rawValue),
            Int32(GIT_REPOSITORY_STATE_REBASE_MERGE.rawValue),
            Int32(GIT_REPOSITORY_STATE_APPLY_MAILBOX_OR_REBASE.rawValue):
            return ("a rebase", "git rebase --continue, or git rebase --abort")
        case Int32(GIT_REPOSITORY_STATE_APPLY_MAILBOX.rawValue):
            return ("git am", "git am --continue, or git am --abort")
        default: return nil
        }
    }

    /// Whether HEAD names a commit rather than a branch.
    public var isHeadDetached: Bool { exclusive(git_repository_head_detached) == 1 }

    public func headReferenceName() throws -> String {
        try exclusive { pointer in
            var head: OpaquePointer?
            try check("git_reference_lookup", git_reference_lookup(&head, pointer, "HEAD"))
            guard let head else { return "HEAD" }
            defer { git_reference_free(head) }
            if let target = git_reference_symbolic_target(head) { return String(cString: target) }
            return "HEAD"
        }
    }
}

/// Makes a commit's signature: given the commit's text, returns the armored signature.
public typealias CommitSigning = @Sendable ([UInt8]) throws -> String

/// The libgit2 repository handle and the lock that every use of it holds. The one type in press
/// that the compiler takes on trust: the pointer is reached only through `withPointer`, under
/// the lock, and freed once, when nothing can reach it any more.
private final class Handle: @unchecked Sendable {
    private let pointer: OpaquePointer
    private let lock = NSRecursiveLock()

    init(_ pointer: OpaquePointer) { self.pointer = pointer }

    deinit { git_repository_free(pointer) }

    func withPointer<T>(_ body: (OpaquePointer) throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body(pointer)
    }
}

extension String {
    var trimmingTrailingSlash: String {
        var result = self
        while result.count > 1 && result.hasSuffix("/") { result.removeLast() }
        return result
    }
}
