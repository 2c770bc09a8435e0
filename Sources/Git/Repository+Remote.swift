import CLibGit2
import Foundation

/// A configured remote.
public struct Remote: Equatable, Sendable {
    public var name: String
    public var url: String

    public init(name: String, url: String) {
        self.name = name
        self.url = url
    }

    /// The repository path when the remote is on this machine (a path or a `file://` URL).
    public var localPath: String? {
        if url.hasPrefix("file://") {
            let rest = String(url.dropFirst("file://".count))
            return rest.removingPercentEncoding ?? rest
        }
        guard !url.contains("://") else { return nil }
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: url, isDirectory: &isDirectory) && isDirectory.boolValue
            ? url : nil
    }
}

/// The answer of a remote to a push.
public enum PushResult: Equatable, Sendable {
    case pushed
    /// The remote branch is not where the push expected it (someone else pushed first).
    case rejected(reason: String)
}

extension Repository {
    /// The remote called `name`, or nil when there is none.
    public func remote(named name: String) throws -> Remote? {
        try exclusive { pointer in
            var remote: OpaquePointer?
            let result = git_remote_lookup(&remote, pointer, name)
            if result == GIT_ENOTFOUND.rawValue || result == GIT_EINVALIDSPEC.rawValue { return nil }
            try check("git_remote_lookup", result)
            guard let remote else { return nil }
            defer { git_remote_free(remote) }
            return Remote(name: name, url: git_remote_url(remote).map { String(cString: $0) } ?? "")
        }
    }

    /// The names of every configured remote.
    public func remoteNames() throws -> [String] {
        try exclusive { pointer in
            var list = git_strarray()
            try check("git_remote_list", git_remote_list(&list, pointer))
            defer { git_strarray_dispose(&list) }
            return (0..<list.count).compactMap { list.strings[$0].map { String(cString: $0) } }
        }
    }

    /// The target of a reference (`refs/remotes/origin/main`), or nil when it does not exist.
    public func referenceTarget(_ name: String) throws -> ObjectID? {
        try exclusive { pointer in
            var oid = git_oid()
            let result = git_reference_name_to_id(&oid, pointer, name)
            if result == GIT_ENOTFOUND.rawValue { return nil }
            try check("git_reference_name_to_id", result)
            return ObjectID(oid)
        }
    }

    /// Downloads the remote's branches into its remote-tracking references
    /// (`refs/remotes/NAME/*`), with the remote's configured refspecs. Touches no local branch.
    public func fetch(_ remote: Remote) throws {
        let handle = try lookUp(remote)
        defer { git_remote_free(handle) }
        var options = git_fetch_options()
        try check("git_fetch_options_init", git_fetch_options_init(&options, UInt32(GIT_FETCH_OPTIONS_VERSION)))
        let callbacks = RemoteCallbacks()
        callbacks.attach(to: &options.callbacks)
        try withExtendedLifetime(callbacks) {
            try check("git_remote_fetch", git_remote_fetch(handle, nil, &options, "fetch"))
        }
    }

    /// Pushes `commit` to the remote's `branch` if, and only if, that branch is still at
    /// `expected` (nil: it does not exist yet) and `commit` descends from it: never a force push.
    /// On success the remote-tracking reference follows.
    public func push(_ commit: ObjectID, to remote: Remote, branch: String, expecting expected: ObjectID?) throws
        -> PushResult
    {
        try exclusive { pointer in
            if let expected, try !isAncestor(expected, of: commit) {
                return .rejected(
                    reason:
                        "\(commit.description.prefix(7)) does not descend from the remote's \(expected.description.prefix(7))"
                )
            }
            let result: PushResult
            if let path = remote.localPath {
                result = try pushLocally(commit, to: path, branch: branch, expecting: expected)
            } else {
                result = try pushOverNetwork(commit, to: remote, branch: branch)
            }
            if result == .pushed {
                var oid = commit.raw
                var reference: OpaquePointer?
                try check(
                    "git_reference_create",
                    git_reference_create(
                        &reference, pointer, "refs/remotes/\(remote.name)/\(branch)", &oid, 1, "update by push"))
                git_reference_free(reference)
            }
            return result
        }
    }

    /// libgit2's local transport updates the remote branch without comparing it with the value it
    /// saw, so two pushers can overwrite each other. This sends the objects as a pack with
    /// libgit2's packbuilder and moves the branch with a compare-and-swap under git's lock file.
    private func pushLocally(_ commit: ObjectID, to path: String, branch: String, expecting expected: ObjectID?) throws
        -> PushResult
    {
        try exclusive { pointer in
            var target: OpaquePointer?
            try check(
                "git_repository_open_ext",
                git_repository_open_ext(&target, path, GIT_REPOSITORY_OPEN_NO_SEARCH.rawValue, nil))
            guard let target else { throw GitError.notARepository(path: path) }
            defer { git_repository_free(target) }
            guard git_repository_is_bare(target) == 1 else {
                throw GitError.io(
                    path: path, message: "press pushes to a repository on this machine only when it is bare")
            }
            let targetDirectory = String(cString: git_repository_path(target)).trimmingTrailingSlash

            var builder: OpaquePointer?
            try check("git_packbuilder_new", git_packbuilder_new(&builder, pointer))
            defer { git_packbuilder_free(builder) }
            var walk: OpaquePointer?
            try check("git_revwalk_new", git_revwalk_new(&walk, pointer))
            defer { git_revwalk_free(walk) }
            var tip = commit.raw
            try check("git_revwalk_push", git_revwalk_push(walk, &tip))
            if let expected {
                var hidden = expected.raw
                try check("git_revwalk_hide", git_revwalk_hide(walk, &hidden))
            }
            try check("git_packbuilder_insert_walk", git_packbuilder_insert_walk(builder, walk))
            if git_packbuilder_object_count(builder) > 0 {
                try check(
                    "git_packbuilder_write",
                    git_packbuilder_write(builder, targetDirectory + "/objects/pack", 0, nil, nil))
            }

            let refName = "refs/heads/" + branch
            var reference: OpaquePointer?
            defer { if let reference { git_reference_free(reference) } }
            let result: Int32
            if var old = expected?.raw {
                result = git_reference_create_matching(&reference, target, refName, &tip, 1, &old, "push")
            } else {
                result = git_reference_create(&reference, target, refName, &tip, 0, "push")
            }
            switch result {
            case GIT_EMODIFIED.rawValue, GIT_EEXISTS.rawValue:
                return .rejected(reason: "the remote's \(branch) moved since it was fetched")
            case GIT_ELOCKED.rawValue:
                return .rejected(reason: "the remote's \(branch) is being updated by another push")
            default:
                try check("git_reference_create_matching", result)
                return .pushed
            }
        }
    }

    /// A push through libgit2's network transports (ssh, https, git): the server compares the
    /// branch with the value it advertised and refuses a non-fast-forward.
    private func pushOverNetwork(_ commit: ObjectID, to remote: Remote, branch: String) throws -> PushResult {
        try exclusive { pointer in
            let handle = try lookUp(remote)
            defer { git_remote_free(handle) }
            // libgit2 pushes references, not commits: name the commit with a temporary one.
            let temporary = "refs/press/push-\(getpid())"
            var oid = commit.raw
            var reference: OpaquePointer?
            try check("git_reference_create", git_reference_create(&reference, pointer, temporary, &oid, 1, nil))
            git_reference_free(reference)
            defer {
                var stale: OpaquePointer?
                if git_reference_lookup(&stale, pointer, temporary) == 0 {
                    git_reference_delete(stale)
                    git_reference_free(stale)
                }
            }

            var options = git_push_options()
            try check("git_push_options_init", git_push_options_init(&options, UInt32(GIT_PUSH_OPTIONS_VERSION)))
            let callbacks = RemoteCallbacks()
            let refspec = strdup("\(temporary):refs/heads/\(branch)")
            defer { free(refspec) }
            var strings: [UnsafeMutablePointer<CChar>?] = [refspec]
            callbacks.attach(to: &options.callbacks)
            let code: Int32 = withExtendedLifetime(callbacks) {
                strings.withUnsafeMutableBufferPointer { buffer in
                    var array = git_strarray(strings: buffer.baseAddress, count: 1)
                    return git_remote_push(handle, &array, &options)
                }
            }
            if code == GIT_ENONFASTFORWARD.rawValue {
                return .rejected(reason: "the remote's \(branch) has commits this repository has not fetched")
            }
            try check("git_remote_push", code)
            if let refusal = callbacks.refusal { return .rejected(reason: refusal) }
            return .pushed
        }
    }

    private func lookUp(_ remote: Remote) throws -> OpaquePointer {
        try exclusive { pointer in
            var handle: OpaquePointer?
            try check("git_remote_lookup", git_remote_lookup(&handle, pointer, remote.name))
            guard let handle else { throw lastError("git_remote_lookup", code: -1) }
            return handle
        }
    }
}
