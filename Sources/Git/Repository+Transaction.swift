import CLibGit2
import Foundation

/// How a commit made by `Repository.commit` reaches the disk, and how it is undone or finished
/// after a crash.
///
/// The commit object is written first (invisible until a reference names it). Then a journal
/// in `.git/press/journal` records, for every path, what the working tree and the index held
/// before and what they will hold after. The index, the working tree and finally HEAD are
/// updated; the journal is removed last. HEAD moving is the commit point: a failure before it
/// is rolled back at once, and a crash at any point is finished (HEAD moved) or undone (it did
/// not) by the next call of `recoverInterruptedCommit()`.
extension Repository {
    var pressDirectory: String { gitDirectory + "/press" }
    var journalPath: String { pressDirectory + "/journal" }

    /// Records `changes` as exactly one commit on HEAD and brings the working tree and the index
    /// into agreement for those paths only. Other paths, staged or not, are left alone.
    ///
    /// - Throws: `GitError.locked` when `index.lock` is held; any failure leaves the repository
    ///   as it was.
    @discardableResult
    public func commit(
        _ changes: [FileChange], message: String, author: Signature, committer: Signature? = nil
    ) throws -> ObjectID {
        guard !isBare else { throw GitError.bareRepository(path: gitDirectory) }
        try recoverInterruptedCommit()
        // Reading a large index takes as long as building the commit: do both at once.
        let indexRead = IndexRead(path: gitDirectory + "/index")
        let prepared = Result {
            () throws -> (head: ObjectID?, refName: String, updates: [PathUpdate], commit: ObjectID) in
            let head = try headCommitID()
            let refName = try headReferenceName()
            let updates = try changes.map { try PathUpdate($0, in: self) }
            let commitID = try writeCommit(
                updates, parent: head, message: message, author: author, committer: committer ?? author)
            return (head, refName, updates, commitID)
        }
        // The index read on the other thread is waited for and freed whatever happened here.
        let index = try indexRead.wait()
        defer { git_index_free(index) }
        let (head, refName, updates, commitID) = try prepared.get()
        try record(commitID, over: head, refName: refName, updates: updates, index: index, message: message)
        return commitID
    }

    /// Moves HEAD's branch from `expected` to `target` (a fast-forward, or onto commits rebuilt by
    /// `replay`), bringing the working tree and the index along for every path that differs, in
    /// the same journaled transaction as `commit`.
    ///
    /// - Throws: `GitError.headMoved` when HEAD is not at `expected`; `GitError.localChanges`
    ///   when a path that would change has uncommitted changes in the working tree or the index.
    ///   Nothing is changed then.
    public func moveBranch(to target: ObjectID, from expected: ObjectID?, message: String) throws {
        try recoverInterruptedCommit()
        let head = try headCommitID()
        guard head == expected else { throw GitError.headMoved(expected: expected, found: head) }
        guard head != target else { return }
        let refName = try headReferenceName()
        let differences = try treeDifferences(from: head, to: target)
        let index = try openIndex()
        defer { git_index_free(index) }
        for difference in differences {
            let staged = git_index_get_bypath(index, difference.path, 0).map { ObjectID($0.pointee.id) }
            guard staged == difference.old, try workingFileID(difference.path) == difference.old else {
                throw GitError.localChanges(path: difference.path)
            }
        }
        let updates = differences.map { PathUpdate(path: $0.path, blob: $0.new) }
        try record(target, over: head, refName: refName, updates: updates, index: index, message: message)
    }

    /// The blob id the working file at `path` would have, or nil when there is no regular file.
    private func workingFileID(_ path: String) throws -> ObjectID? {
        var info = stat()
        guard lstat(absolutePath(path), &info) == 0, (info.st_mode & S_IFMT) == S_IFREG,
            let data = FileManager.default.contents(atPath: absolutePath(path))
        else { return nil }
        // As git sees the file: through the filters (a CRLF checkout of an LF blob is unchanged).
        let stored = try filtered([UInt8](data), path: path, toWorkingTree: false)
        var oid = git_oid()
        try stored.withUnsafeBytes { buffer in
            try check("git_odb_hash", git_odb_hash(&oid, buffer.baseAddress, buffer.count, GIT_OBJECT_BLOB))
        }
        return ObjectID(oid)
    }

    /// Journals the move of `refName` from `head` to `commitID`, then updates the index, the
    /// working tree and finally the reference; rolls back on any failure before HEAD moves.
    private func record(
        _ commitID: ObjectID, over head: ObjectID?, refName: String, updates: [PathUpdate], index: OpaquePointer,
        message: String
    ) throws {
        let indexLock = gitDirectory + "/index.lock"
        if FileManager.default.fileExists(atPath: indexLock) { throw GitError.locked(path: indexLock) }

        var journal = Journal(oldHead: head, newCommit: commitID, refName: refName, entries: [])
        for update in updates {
            journal.entries.append(try journalEntry(for: update, index: index))
        }
        try journal.write(to: journalPath, directory: pressDirectory)

        var indexWritten = false
        do {
            try failpoint("before-index")
            try applyToIndex(journal, forward: true, index: index)
            indexWritten = true
            try failpoint("before-worktree")
            try applyToWorkingTree(journal, forward: true)
            try failpoint("before-head")
            try moveHead(refName, to: commitID, from: head, message: message)
            try failpoint("after-head")
        } catch let error as GitError where error.isInjectedCrash {
            throw error
        } catch {
            if indexWritten {
                try? rollBack(journal)
            } else {
                try? FileManager.default.removeItem(atPath: journalPath)
            }
            throw error
        }
        try? FileManager.default.removeItem(atPath: journalPath)
    }

    /// Finishes or undoes a commit that a killed process left half made. Cheap when there is none.
    public func recoverInterruptedCommit() throws {
        guard FileManager.default.fileExists(atPath: journalPath) else { return }
        guard let journal = try Journal.read(from: journalPath) else {
            try FileManager.default.removeItem(atPath: journalPath)
            return
        }
        removeLocksLeftBy(journal)
        if try headCommitID() == journal.newCommit {
            let index = try openIndex()
            defer { git_index_free(index) }
            try applyToIndex(journal, forward: true, index: index)
            try applyToWorkingTree(journal, forward: true)
        } else {
            try rollBack(journal)
        }
        try? FileManager.default.removeItem(atPath: journalPath)
    }

    /// Lock files the dead writer was holding when it was killed: libgit2's `index.lock` and the
    /// branch's `.lock`, made after the journal. The caller holds the writer lock, so the journal's
    /// writer is dead; a lock file older than the journal belongs to someone else and stays.
    private func removeLocksLeftBy(_ journal: Journal) {
        let journalTime = modificationTime(journalPath) ?? .distantFuture
        for lock in [gitDirectory + "/index.lock", gitDirectory + "/" + journal.refName + ".lock"] {
            if let time = modificationTime(lock), time >= journalTime { unlink(lock) }
        }
    }

    private func modificationTime(_ path: String) -> Date? {
        (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
    }

    private func rollBack(_ journal: Journal) throws {
        if try headCommitID() == journal.newCommit {
            try moveHead(journal.refName, to: journal.oldHead, from: journal.newCommit, message: "press: roll back")
        }
        try applyToWorkingTree(journal, forward: false)
        let index = try openIndex()
        defer { git_index_free(index) }
        try applyToIndex(journal, forward: false, index: index)
        try? FileManager.default.removeItem(atPath: journalPath)
    }

    private func openIndex() throws -> OpaquePointer {
        try IndexRead.open(gitDirectory + "/index")
    }

    private func journalEntry(for update: PathUpdate, index: OpaquePointer) throws -> Journal.Entry {
        let path = update.path
        let absolute = absolutePath(path)
        var oldWorkdir: ObjectID?
        if let data = FileManager.default.contents(atPath: absolute) {
            oldWorkdir = try writeBlob([UInt8](data))
        }
        var oldIndex: ObjectID?
        var oldMode: UInt32 = 0
        if let entry = git_index_get_bypath(index, path, 0) {
            oldIndex = ObjectID(entry.pointee.id)
            oldMode = entry.pointee.mode
        }
        return Journal.Entry(path: path, oldWorkdir: oldWorkdir, oldIndex: oldIndex, oldMode: oldMode, new: update.blob)
    }

    /// Brings the index to the journal's new state (or back to its old one).
    private func applyToIndex(_ journal: Journal, forward: Bool, index: OpaquePointer) throws {
        for entry in journal.entries {
            let id = forward ? entry.new : entry.oldIndex
            let mode = forward ? UInt32(GIT_FILEMODE_BLOB.rawValue) : entry.oldMode
            try setIndexEntry(index, path: entry.path, to: id, mode: mode)
        }
        do {
            try check("git_index_write", git_index_write(index))
        } catch GitError.locked {
            throw GitError.locked(path: gitDirectory + "/index.lock")
        }
    }

    /// Brings the working tree to the journal's new state (or back to its old one).
    private func applyToWorkingTree(_ journal: Journal, forward: Bool) throws {
        for entry in journal.entries {
            // Forward, a blob is written out as git checks it out (filters applied); back, the
            // file's own bytes, kept as they were.
            let id = forward ? entry.new : entry.oldWorkdir
            try writeWorkingFile(entry.path, blob: id, checkingOut: forward)
        }
    }

    private func setIndexEntry(_ index: OpaquePointer, path: String, to id: ObjectID?, mode: UInt32) throws {
        guard let id else {
            if git_index_get_bypath(index, path, 0) != nil {
                try check("git_index_remove", git_index_remove(index, path, 0))
            }
            return
        }
        // The size the working file has (git takes a different size for a change without
        // reading the file): the blob's, as checked out through the filters.
        let size = try filtered(blob(id), path: path, toWorkingTree: true).count
        try path.withCString { cPath in
            var entry = git_index_entry()
            entry.mode = mode
            entry.id = id.raw
            entry.file_size = UInt32(truncatingIfNeeded: size)
            entry.path = cPath
            try check("git_index_add", git_index_add(index, &entry))
        }
    }

    private func writeWorkingFile(_ path: String, blob id: ObjectID?, checkingOut: Bool) throws {
        let absolute = absolutePath(path)
        guard let id else {
            if unlink(absolute) != 0 && errno != ENOENT {
                throw GitError.io(path: path, message: String(cString: strerror(errno)))
            }
            return
        }
        let directory = (absolute as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw GitError.io(path: path, message: "cannot create its folder")
        }
        let stored = try blob(id)
        let bytes = checkingOut ? try filtered(stored, path: path, toWorkingTree: true) : stored
        let temporary = pressDirectory + "/tmp-\(getpid())"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(bytes)) else {
            throw GitError.io(path: path, message: "cannot write a temporary copy")
        }
        if rename(temporary, absolute) != 0 {
            let message = String(cString: strerror(errno))
            unlink(temporary)
            throw GitError.io(path: path, message: message)
        }
    }

    private func moveHead(_ refName: String, to new: ObjectID?, from old: ObjectID?, message: String) throws {
        try exclusive { pointer in
            let subject = message.split(separator: "\n", maxSplits: 1).first.map(String.init) ?? ""
            var reference: OpaquePointer?
            defer { if let reference { git_reference_free(reference) } }
            guard var newOID = new?.raw else {
                // Back to an unborn branch: the reference did not exist before.
                var existing: OpaquePointer?
                if git_reference_lookup(&existing, pointer, refName) == 0, let existing {
                    defer { git_reference_free(existing) }
                    try check("git_reference_delete", git_reference_delete(existing))
                }
                return
            }
            if var oldOID = old?.raw {
                let result = git_reference_create_matching(
                    &reference, pointer, refName, &newOID, 1, &oldOID, "commit: \(subject)")
                if result == GIT_EMODIFIED.rawValue {
                    throw GitError.headMoved(expected: old, found: try headCommitID())
                }
                try check("git_reference_create_matching", result)
            } else {
                let result = git_reference_create(
                    &reference, pointer, refName, &newOID, 0, "commit (initial): \(subject)")
                if result == GIT_EEXISTS.rawValue { throw GitError.headMoved(expected: nil, found: try headCommitID()) }
                try check("git_reference_create", result)
            }
        }
    }

    /// Fails (PRESS_FAILPOINT, `injectedFailures`) or dies (PRESS_CRASHPOINT kills the process;
    /// `injectedCrashes` stops without cleaning up) at a named point; for tests. A release build
    /// has none of it.
    private func failpoint(_ name: String) throws {
        #if DEBUG
            Crashpoint.here(name)
            let environment = ProcessInfo.processInfo.environment
            if injectedCrashes.contains(name) { throw GitError.injectedCrash(point: name) }
            if environment["PRESS_FAILPOINT"] == name || injectedFailures.contains(name) {
                throw GitError.injectedFailure(point: name)
            }
        #endif
    }
}

extension Repository {
    /// `recoverInterruptedCommit()` under the writer lock, for commands that only read: it does
    /// nothing (and takes no lock) when no commit was interrupted.
    public func recoverInterruptedCommitIfAny() throws {
        guard FileManager.default.fileExists(atPath: journalPath) else { return }
        let held = try lock()
        defer { withExtendedLifetime(held) {} }
        try recoverInterruptedCommit()
    }
}

/// Reads the index file on another thread into a standalone libgit2 index, which shares nothing
/// with the repository handle in use meanwhile. The index is handed over through a mutex (one
/// thread uses it at a time: the reader's until it hands it over); the semaphore says it is there.
private final class IndexRead: Sendable {
    private let done = DispatchSemaphore(value: 0)
    private let result = Locked<Result<OpaquePointer, GitError>?>(nil)

    init(path: String) {
        DispatchQueue.global(qos: .userInitiated).async { [self] in
            // Made inside the lock, so the pointer belongs to the mutex from the start.
            result.withLock { $0 = IndexRead.read(path) }
            done.signal()
        }
    }

    func wait() throws -> OpaquePointer {
        done.wait()
        let read = result.withLock { $0.take() }
        guard let read else { throw GitError.io(path: "index", message: "not read") }
        return try read.get()
    }

    private static func read(_ path: String) -> Result<OpaquePointer, GitError> {
        do {
            return .success(try open(path))
        } catch let error as GitError {
            return .failure(error)
        } catch {
            return .failure(.io(path: path, message: "\(error)"))
        }
    }

    static func open(_ path: String) throws -> OpaquePointer {
        var index: OpaquePointer?
        try check("git_index_open", git_index_open(&index, path))
        guard let index else { throw lastError("git_index_open", code: -1) }
        return index
    }
}
