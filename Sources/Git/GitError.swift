import CLibGit2

/// An error from libgit2 or from the repository layer above it.
public enum GitError: Error, Equatable, CustomStringConvertible {
    /// A libgit2 call failed; `function` names it and `message` is libgit2's own text.
    case libgit2(function: String, code: Int32, message: String)
    /// No repository was found at or above the path.
    case notARepository(path: String)
    /// A bare repository: history without a working tree to hold posts.
    case bareRepository(path: String)
    /// Another process holds a lock file that this operation needs.
    case locked(path: String)
    /// HEAD moved while the change was being made; nothing was changed.
    case headMoved(expected: ObjectID?, found: ObjectID?)
    /// A path in a change would leave the working tree.
    case pathOutsideRepository(path: String)
    /// A working-tree file could not be written or removed.
    case io(path: String, message: String)
    /// A path that a branch move would change has changes not yet committed.
    case localChanges(path: String)
    #if DEBUG
        /// A deliberately injected failure (PRESS_FAILPOINT), used by tests; not in a release build.
        case injectedFailure(point: String)
        /// A deliberately injected crash: the operation stopped where it was, as if killed; for
        /// tests, not in a release build.
        case injectedCrash(point: String)
    #endif

    public var description: String {
        switch self {
        case .libgit2(let function, let code, let message):
            return GitError.plainWords(function: function, code: code, message: message)
        case .notARepository(let path):
            return "not a git repository (or any parent up to /): \(path)"
        case .bareRepository(let path):
            return "\(path) is a bare repository (no working tree)"
        case .locked(let path):
            return "\(path) is held by another process; try again when it has finished"
        case .headMoved(let expected, let found):
            return
                "HEAD moved from \(expected?.description ?? "(none)") to \(found?.description ?? "(none)") while the change was being made"
        case .pathOutsideRepository(let path):
            return "\(path) is outside the repository"
        case .io(let path, let message):
            return "\(path): \(message)"
        case .localChanges(let path):
            return
                "\(path) has changes that are not committed, and bringing in the remote's commits would overwrite them; commit or discard them first"
        #if DEBUG
            case .injectedFailure(let point):
                return "injected failure at \(point)"
            case .injectedCrash(let point):
                return "injected crash at \(point)"
        #endif
        }
    }
}

extension GitError {
    /// Whether this is a test's injected crash (never, in a release build).
    var isInjectedCrash: Bool {
        #if DEBUG
            if case .injectedCrash = self { return true }
        #endif
        return false
    }
}

extension GitError {
    /// libgit2's message with what it means for the repository and what to do, for the failures
    /// a person can meet: a damaged index, reference or object, a full disk.
    static func plainWords(function: String, code: Int32, message: String) -> String {
        let text = message.lowercased()
        let detail = "(\(function): \(message))"
        if text.contains("no space left") { return "the disk is full; free some space and try again \(detail)" }
        if function.contains("index") || text.contains("index") {
            return
                "the git index (.git/index) is damaged or unreadable; 'git reset' rebuilds it from HEAD and keeps your files \(detail)"
        }
        if function.contains("reference") || function.contains("revwalk_push_head") || text.contains("reference") {
            return "a git reference (HEAD or a branch under .git/refs) is damaged; 'git fsck' shows which \(detail)"
        }
        if function.contains("odb") || function.contains("_lookup") || text.contains("object") || text.contains("zlib")
            || text.contains("inflate")
        {
            return "a git object is damaged or missing; 'git fsck' shows which \(detail)"
        }
        return "\(function) failed (\(code)): \(message)"
    }
}

/// Initialises libgit2 once per process, from Swift.
let libgit2Initialised: Bool = {
    git_libgit2_init()
    // press only builds trees from entries of existing trees and blobs it has just written, so
    // libgit2's check that every entry's object exists (one lookup per entry of a 10,000-file
    // folder on every commit) buys nothing.
    git_libgit2_opts_int(Int32(GIT_OPT_ENABLE_STRICT_OBJECT_CREATION.rawValue), 0)
    // Nor is every object read hashed again (git does not either; `git fsck` checks them): a
    // history walk reads thousands of 400 KB folder trees, and hashing them was most of its time.
    git_libgit2_opts_int(Int32(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION.rawValue), 0)
    return true
}()

/// Runs one libgit2 call and turns a negative result into a `GitError` naming the function.
func check(_ function: String, _ result: Int32) throws {
    guard result < 0 else { return }
    throw lastError(function, code: result)
}

func lastError(_ function: String, code: Int32) -> GitError {
    if code == GIT_ELOCKED.rawValue {
        let message = git_error_last().map { String(cString: $0.pointee.message) } ?? "locked"
        return .locked(path: message)
    }
    let message = git_error_last().map { String(cString: $0.pointee.message) } ?? "unknown error"
    return .libgit2(function: function, code: code, message: message)
}
