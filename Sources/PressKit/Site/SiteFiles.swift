import CTimerFD
import Foundation
import Git

/// How a build puts files on disk: every file written whole under a temporary name (or into a
/// new folder) and renamed into place, so that a reader never sees part of one.
extension ContentRepository {
    /// Creates `path` (which must not exist) holding `bytes`.
    private static func writeNew(_ path: String, _ bytes: [UInt8]) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard descriptor >= 0 else {
            throw BuildError(location: nil, message: "cannot write \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        guard writeAll(bytes, to: descriptor) else {
            throw BuildError(location: nil, message: "cannot write \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// Writes all of `bytes` to an open file, through short writes and interruptions.
    private static func writeAll(_ bytes: [UInt8], to descriptor: Int32) -> Bool {
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { buffer in
                write(descriptor, buffer.baseAddress.map { $0 + written }, buffer.count - written)
            }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { return false }
            written += count
        }
        return true
    }

    /// Writes `bytes` to a temporary name beside `path` and renames it over `path`: a reader sees
    /// the old file or the new one, never part of one.
    static func writeReplacing(_ path: String, _ bytes: [UInt8]) throws {
        let folder = path.parentFolder
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let temporary = "\(folder)/.\((path as NSString).lastPathComponent).press-\(getpid())"
        unlink(temporary)
        do {
            try writeNew(temporary, bytes)
            guard rename(temporary, path) == 0 else {
                throw BuildError(location: nil, message: "cannot write \(path): \(String(cString: strerror(errno)))")
            }
        } catch {
            unlink(temporary)
            throw error
        }
    }

    /// Appends `bytes` to the file at `path` (which must exist); false when it cannot.
    static func append(_ bytes: [UInt8], to path: String) -> Bool {
        let descriptor = open(path, O_WRONLY | O_APPEND | O_CLOEXEC | O_NOFOLLOW)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        return writeAll(bytes, to: descriptor)
    }

    /// Replaces (or adds) the site's files `files` in the folder `output`, each written to a
    /// temporary name and renamed into place: a reader sees the old file or the new one, never
    /// part of one. The temporary files are in a folder beside `output`
    /// (`NAME.press-incoming-PID`), not in the site, so that what a killed build leaves is
    /// never served nor uploaded, and the next build removes it.
    static func replaceFiles(_ files: [String: [UInt8]], in output: String) throws {
        let incoming = "\(URL(fileURLWithPath: output).standardizedFileURL.path).press-incoming-\(getpid())"
        try? FileManager.default.removeItem(atPath: incoming)
        guard mkdir(incoming, 0o755) == 0 else {
            throw BuildError(location: nil, message: "cannot make \(incoming): \(String(cString: strerror(errno)))")
        }
        defer { try? FileManager.default.removeItem(atPath: incoming) }
        for (number, (path, bytes)) in files.sorted(by: { $0.key < $1.key }).enumerated() {
            let temporary = "\(incoming)/\(number)"
            let target = "\(output)/\(path)"
            try writeNew(temporary, bytes)
            Crashpoint.here("site-file-written")
            try FileManager.default.createDirectory(
                atPath: target.parentFolder, withIntermediateDirectories: true)
            guard rename(temporary, target) == 0 else {
                throw BuildError(location: nil, message: "cannot write \(target): \(String(cString: strerror(errno)))")
            }
        }
    }

    /// What a killed build left beside the site folder `output` — a new folder not yet put in
    /// place (`NAME.press-new-PID`), an old one not yet removed (`-old-`), an incremental
    /// build's temporary files (`-incoming-`) — removed once the process that made it is gone.
    static func removeLeftovers(beside output: String) {
        let target = URL(fileURLWithPath: output).standardizedFileURL.path
        let parent = target.parentFolder
        let prefix = (target as NSString).lastPathComponent + ".press-"
        for name in names(in: parent) where name.hasPrefix(prefix) {
            guard let dash = name.lastIndex(of: "-"), let pid = pid_t(name[name.index(after: dash)...]),
                pid != getpid(), kill(pid, 0) != 0, errno == ESRCH
            else { continue }
            try? FileManager.default.removeItem(atPath: "\(parent)/\(name)")
        }
    }

    /// Removes a file the site no longer has, and the folders it leaves empty.
    static func removeOutput(_ path: String, from output: String) {
        unlink("\(output)/\(path)")
        var folder = path.parentFolder
        while !folder.isEmpty, rmdir("\(output)/\(folder)") == 0 {
            folder = folder.parentFolder
        }
    }

    /// A path with every symbolic link in the part of it that exists resolved (`realpath`), the
    /// rest as written: the same folder named two ways compares equal.
    static func resolvedPath(_ path: String) -> String {
        var existing = URL(fileURLWithPath: path).standardizedFileURL.path
        var rest: [String] = []
        while true {
            if let real = realpath(existing, nil) {
                defer { free(real) }
                let base = String(cString: real)
                return rest.reversed().reduce(base) { $0 == "/" ? "/" + $1 : $0 + "/" + $1 }
            }
            let parent = existing.parentFolder
            guard parent != existing, !parent.isEmpty else { return existing }
            rest.append((existing as NSString).lastPathComponent)
            existing = parent
        }
    }

    /// Refuses a folder that a build would replace whole, or a deploy would move aside, when it
    /// is the repository, a folder holding it, or in its `.git` or `.press`: `press build --out .`
    /// would put the site in the repository's place.
    func refuseRepositoryFolder(_ folder: String, as role: String) throws {
        let folder = URL(fileURLWithPath: folder).standardizedFileURL.path
        let target = ContentRepository.resolvedPath(folder)
        let repository = ContentRepository.resolvedPath(root)
        func within(_ base: String) -> Bool { target == base || target.hasPrefix(base == "/" ? "/" : base + "/") }
        if target == repository || repository.hasPrefix(target == "/" ? "/" : target + "/") {
            throw BuildError(
                location: nil,
                message:
                    "\(role) \(folder) is \(target == repository ? "the repository" : "a folder holding the repository") (\(repository)): give a folder of its own, such as site/",
                isUsage: true)
        }
        for own in [".git", ".press"] where within(repository + "/" + own) {
            throw BuildError(
                location: nil,
                message:
                    "\(role) \(folder) is inside the repository's \(own)/: give a folder of its own, such as site/",
                isUsage: true)
        }
    }

    /// Refuses a `deploy: folder:` (`folder` as the workflow names it) that the deploy would
    /// move aside and put its link in the place of: the repository or a folder holding it, a
    /// folder in the build's own `site`, or a folder of the repository's own (`drafts/`, moved
    /// aside, would be the posts gone and a link in their place). The last is judged on the
    /// folder as named, not where the deploy's link goes: the link, committed by someone's
    /// `git add -A`, is a file in git and stays the deploy's.
    func refuseDeployFolder(_ target: String, named folder: String, site: String) throws {
        try refuseRepositoryFolder(target, as: "deploy.folder")
        let site = ContentRepository.resolvedPath(site)
        let resolved = ContentRepository.resolvedPath(target)
        if resolved == site || resolved.hasPrefix(site + "/") {
            throw BuildError(
                location: nil,
                message: "deploy.folder \(folder) is in the build's own folder (\(site)): give a folder of its own",
                isUsage: true)
        }
        let repository = ContentRepository.resolvedPath(root)
        let standard = URL(fileURLWithPath: target).standardizedFileURL.path
        let named =
            ContentRepository.resolvedPath(standard.parentFolder) + "/"
            + (standard as NSString).lastPathComponent
        if named.hasPrefix(repository + "/"), let head = try git.headCommitID() {
            let relative = String(named.dropFirst(repository.count + 1))
            if try !git.entries(under: relative, in: head).isEmpty {
                throw BuildError(
                    location: nil,
                    message:
                        "deploy.folder \(folder) holds the repository's own files (\(relative)/ is in git): give a folder of its own",
                    isUsage: true)
            }
        }
    }

    /// Refuses to put a whole build in the place of a folder that holds files press did not
    /// build there: a build replaces its output folder whole, and `--out ~/www` must not delete
    /// what was in it. A folder is the builds' when it is new or empty, when a build of this
    /// repository was put there (`.press/build/outputs`), or when the kept site's manifest
    /// describes it.
    func refuseForeignOutput(_ output: String, manifest: String) throws {
        try refuseRepositoryFolder(output, as: "the site's folder")
        let output = URL(fileURLWithPath: output).standardizedFileURL.path
        var info = stat()
        guard lstat(output, &info) == 0 else { return }
        switch info.st_mode & S_IFMT {
        case S_IFDIR: break
        case S_IFLNK:
            throw BuildError(
                location: nil,
                message:
                    "\(output) is a symbolic link, and a build would put a folder in its place: give the folder it names, or put the site there with deploy: folder:",
                isUsage: true)
        default:
            throw BuildError(
                location: nil, message: "\(output) is not a folder: give a new or empty folder for the site",
                isUsage: true)
        }
        // (The manifest first: an incremental build, which has one, reads no folder.)
        guard !FileManager.default.fileExists(atPath: manifest) else { return }
        let names = ContentRepository.names(in: output).sorted()
        guard !names.isEmpty, !builtFolders().contains(ContentRepository.resolvedPath(output)) else { return }
        let shown = names.prefix(3).joined(separator: ", ") + (names.count > 3 ? ", …" : "")
        throw BuildError(
            location: nil,
            message:
                "\(output) holds files press did not build (\(shown)), and a build replaces the whole folder: give a new or empty folder, or empty this one",
            isUsage: true)
    }

    private var builtFoldersFile: String { git.absolutePath(".press/build/outputs") }

    /// The folders builds of this repository have put a site in (resolved paths).
    func builtFolders() -> Set<String> {
        let text = readFile(builtFoldersFile).map { String(decoding: $0, as: UTF8.self) } ?? ""
        return Set(text.split(separator: "\n").map(String.init))
    }

    /// Forgets the folders builds put sites in that are gone: their records in
    /// `.press/build/outputs`, so that a folder made again by hand at such a path holds
    /// someone's files and a build into it is refused; and the manifests of those other than
    /// site/, which would otherwise pile up in `.press/build` (one for each `--out`). `output`,
    /// the folder being built, is kept. Called with the build lock held.
    func forgetGoneFolders(keeping output: String) throws {
        func gone(_ folder: String) -> Bool {
            var info = stat()
            return lstat(folder, &info) != 0 && errno == ENOENT
        }
        let building = ContentRepository.resolvedPath(output)
        let recorded = builtFolders()
        let kept = recorded.filter { $0 == building || !gone($0) }
        if kept.count != recorded.count {
            try ContentRepository.writeReplacing(
                builtFoldersFile, Array(kept.sorted().map { $0 + "\n" }.joined().utf8))
        }
        let folder = git.absolutePath(".press/build")
        let current = manifestPath(for: output)
        for name in ContentRepository.names(in: folder) where name.hasPrefix("manifest-") {
            let file = "\(folder)/\(name)"
            guard file != current, let described = SiteManifest.output(ofFileAt: file), gone(described) else {
                continue
            }
            unlink(file)
        }
    }

    /// Records `output` as a folder builds put sites in, before the first is put there: a build
    /// killed between the two leaves the folder recorded, never a site of press's unrecorded.
    func recordBuiltFolder(_ output: String) throws {
        let target = ContentRepository.resolvedPath(output)
        guard !builtFolders().contains(target) else { return }
        let file = builtFoldersFile
        try FileManager.default.createDirectory(
            atPath: file.parentFolder, withIntermediateDirectories: true)
        let descriptor = open(file, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard descriptor >= 0 else {
            throw BuildError(location: nil, message: "cannot write \(file): \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        guard ContentRepository.writeAll(Array((target + "\n").utf8), to: descriptor) else {
            throw BuildError(location: nil, message: "cannot write \(file): \(String(cString: strerror(errno)))")
        }
    }

    /// Writes `files` into the new folder `folder` (on both cores), after the folders it has
    /// not made yet; the folder is removed if one cannot be written.
    static func writeFolder(_ folder: NewSiteFolder, _ files: [String: [UInt8]]) throws {
        do {
            // Each file written once, in place: the folder is new, and it is the folder's rename
            // that readers see (a temporary file per file would double the work).
            try folder.make(foldersOf: Array(files.keys))
            let fresh = folder.path
            let failures = Array(files).parallelMap { path, bytes -> String? in
                do {
                    try writeNew("\(fresh)/\(path)", bytes)
                    return nil
                } catch {
                    return "\(error)"
                }
            }
            if let failure = failures.lazy.compactMap({ $0 }).first {
                throw BuildError(location: nil, message: failure)
            }
        } catch {
            folder.remove()
            throw error
        }
    }

    /// Puts the folder `fresh` in `folder`'s place (the old one is then removed): the two are
    /// swapped in one step, so that `folder` is never missing, not even to a build killed
    /// between two renames; where the file system cannot swap, by two renames.
    static func putFolder(_ fresh: String, in folder: String) throws {
        let target = URL(fileURLWithPath: folder).standardizedFileURL.path
        if press_exchange(fresh, target) == 0 {
            // `fresh` names the old site now.
            Crashpoint.here("site-swapped")
            try? FileManager.default.removeItem(atPath: fresh)
            return
        }
        let old = "\(target).press-old-\(getpid())"
        do {
            if FileManager.default.fileExists(atPath: target) {
                guard rename(target, old) == 0 else {
                    throw BuildError(
                        location: nil, message: "cannot replace \(target): \(String(cString: strerror(errno)))")
                }
            }
            guard rename(fresh, target) == 0 else {
                let reason = String(cString: strerror(errno))
                _ = rename(old, target)
                throw BuildError(location: nil, message: "cannot put the site in \(target): \(reason)")
            }
        } catch {
            try? FileManager.default.removeItem(atPath: fresh)
            throw error
        }
        try? FileManager.default.removeItem(atPath: old)
    }
}

/// A whole build's new site folder (`NAME.press-new-PID` beside the site's folder), whose
/// folders are made on a thread of their own as the build learns its pages' paths, while it
/// renders them: a 10,000-post site has 9,700 folders, and `mkdir` in one parent folder runs
/// one at a time (a fifth of a second here), beside the rendering instead of after it.
final class NewSiteFolder: Sendable {
    let path: String
    private let queue = DispatchQueue(label: "press.site-folders")
    /// The folders made (relative; "" is the folder itself), and the first that could not be.
    private let state = Locked<(made: Set<String>, failure: String?)>(([""], nil))

    init(beside folder: String) throws {
        let target = URL(fileURLWithPath: folder).standardizedFileURL.path
        try FileManager.default.createDirectory(atPath: target.parentFolder, withIntermediateDirectories: true)
        path = "\(target).press-new-\(getpid())"
        try? FileManager.default.removeItem(atPath: path)
        guard mkdir(path, 0o755) == 0 else {
            throw BuildError(location: nil, message: "cannot write \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// Makes the folders of `files` (site paths) on the folder's thread, parents first.
    func start(foldersOf files: [String]) {
        queue.async { self.makeFolders(of: files) }
    }

    /// Makes the folders of `files` not made yet, after those started; throws the first folder
    /// that could not be made.
    func make(foldersOf files: [String]) throws {
        queue.sync { makeFolders(of: files) }
        if let failure = state.withLock({ $0.failure }) { throw BuildError(location: nil, message: failure) }
    }

    private func makeFolders(of files: [String]) {
        var made = state.withLock { $0.made }
        var wanted: Set<String> = []
        for file in files {
            var folder = file.parentFolder
            while !made.contains(folder), wanted.insert(folder).inserted { folder = folder.parentFolder }
        }
        // (Sorted, a parent comes before its children.)
        var failure: String?
        for folder in wanted.sorted() where failure == nil {
            if mkdir("\(path)/\(folder)", 0o755) == 0 {
                made.insert(folder)
            } else {
                failure = "cannot write \(path)/\(folder): \(String(cString: strerror(errno)))"
            }
        }
        state.withLock { $0 = (made, $0.failure ?? failure) }
    }

    /// Removes the folder and what is in it, once the folders started are made.
    func remove() {
        queue.sync {}
        try? FileManager.default.removeItem(atPath: path)
    }
}
