import Foundation
import Git

/// What one deploy target did.
public struct DeployOutcome: Sendable {
    /// `folder /srv/www/news`, `branch gh-pages`, `run 'rsync …'`.
    public var target: String
    /// Why it failed; nil when the site is in place.
    public var failure: String?
    /// Whether trying again may help (not when the workflow's commands may not run).
    public var retryable = true
    /// `folder`, `branch` or `run` (`build` when the build itself failed).
    public var kind: String { String(target.prefix { $0 != " " }) }

    public init(target: String, failure: String?, retryable: Bool = true) {
        self.target = target
        self.failure = failure
        self.retryable = retryable
    }
}

/// A build and the deploys after it.
public struct Deployment: Sendable {
    public var build: BuildResult
    public var outcomes: [DeployOutcome]
    /// When the last target had the site in place (or failed).
    public var finished: Date

    public var failed: [DeployOutcome] { outcomes.filter { $0.failure != nil } }
}

extension ContentRepository {
    /// Builds the site as readers see it now into `site/` (only what changed) and puts it
    /// where the default workflow's `deploy:` says: a folder (replaced at once), a branch
    /// (committed, and pushed when there is a remote) and a command. A target that fails is
    /// reported; the others still run, and nothing is undone.
    ///
    /// - Parameter actor: who the site branch's commit is by (the scheduler, or the editor).
    /// - Parameter only: the targets to deploy to (`folder`, `branch`, `run`; nil: all), for a
    ///   retry of those that failed.
    /// - Parameter strict: a post going out with validation errors refuses the build, and
    ///   nothing is deployed.
    public func buildAndDeploy(now: Date, actor: Person? = nil, only: Set<String>? = nil, strict: Bool = false)
        async throws -> Deployment
    {
        let workflow = try workflow()
        // The build and every deploy of it under one lock: no other build changes site/ while a
        // folder or branch is made from it or a `run:` command reads it (an upload of a mix of
        // two builds). A build meanwhile waits for the command, up to the lock's minute.
        let lock = try buildLock()
        defer { withExtendedLifetime(lock) {} }
        let build = try await buildSiteLocked(BuildRequest(output: root + "/site", strict: strict, now: now))
        var outcomes: [DeployOutcome] = []
        if build.refused {
            let failure = "\(build.warnings.count) validation errors in posts going out (--strict): nothing built"
            return Deployment(
                build: build, outcomes: [DeployOutcome(target: "build", failure: failure, retryable: false)],
                finished: Date())
        }
        let settings = workflow.deploy
        if !settings.isEmpty, let refusal = try commandTrust(of: workflow).refusal {
            for target in describe(settings) {
                outcomes.append(DeployOutcome(target: target, failure: refusal, retryable: false))
            }
            return Deployment(build: build, outcomes: outcomes, finished: Date())
        }
        if let folder = settings.folder, only?.contains("folder") ?? true {
            let target = (folder as NSString).isAbsolutePath ? folder : root + "/" + folder
            // A folder it may not be is the workflow's mistake: reported, not tried again.
            let refusal = Result { try refuseDeployFolder(target, named: folder, site: build.output) }.failureText
            outcomes.append(
                DeployOutcome(
                    target: "folder \(folder)",
                    failure: refusal ?? Result { try FolderDeploy.publish(build, to: target) }.failureText,
                    retryable: refusal == nil))
        }
        if let branch = settings.branch, only?.contains("branch") ?? true {
            let person = actor ?? workflow.scheduler
            let failure = Result {
                try deployBranch(branch, build: build, signature: signature(person, now, workflow))
            }.failureText
            outcomes.append(DeployOutcome(target: "branch \(branch)", failure: failure))
        }
        if let command = settings.run, only?.contains("run") ?? true {
            var environment: [String: String] = [:]
            let own = ProcessInfo.processInfo.environment
            for name in HookRunner.passedThrough + workflow.hookEnvironment { environment[name] = own[name] }
            if environment["PATH"] == nil { environment["PATH"] = "/usr/local/bin:/usr/bin:/bin" }
            environment["PRESS_SITE"] = build.output
            let ending = await ChildProcess(
                command: command, environment: environment, directory: root, timeout: workflow.hookTimeout
            ).run()
            let failure: String?
            switch ending {
            case .exited(0): failure = nil
            case .exited(let status): failure = "'\(command)' exited with \(status)"
            case .signalled(let signal): failure = "'\(command)' was killed by signal \(signal)"
            case .timedOut: failure = "'\(command)' ran longer than \(Int(workflow.hookTimeout)) s (hook_timeout)"
            case .notStarted(let reason): failure = "'\(command)' did not start: \(reason)"
            }
            outcomes.append(DeployOutcome(target: "run '\(command)'", failure: failure))
        }
        return Deployment(build: build, outcomes: outcomes, finished: Date())
    }

    private func describe(_ settings: DeploySettings) -> [String] {
        [
            settings.folder.map { "folder \($0)" }, settings.branch.map { "branch \($0)" },
            settings.run.map { "run '\($0)'" },
        ]
        .compactMap { $0 }
    }

    /// Where the last deploy to a branch left it, so that the next one commits only what changed.
    private func deployedPath(_ branch: String) -> String {
        git.absolutePath(".press/build/branch-" + branch.replacingOccurrences(of: "/", with: "%2F"))
    }

    /// Commits the built site to `branch`: when the branch is where the last deploy left it,
    /// the files that differ from what that deploy committed (by their stamps, kept in
    /// `.press/build/branch-NAME`: whatever changed site/ since — this build, a `press build`
    /// run in between, a build whose deploy failed — goes out) and deletions of the files gone;
    /// else the whole folder. With a remote (the branch's upstream, or origin) it is fetched
    /// first, the commit made on the remote's tip, and pushed only if the remote branch is
    /// still there (never forced; a refusal is tried again on the new tip).
    func deployBranch(_ branch: String, build: BuildResult, signature: Signature) throws {
        let head = try git.headCommitID()
        let message =
            "site: built from \(head.map { String($0.description.prefix(7)) } ?? "nothing")\n\nPress-Site-Source: \(head?.description ?? "")\n"
        let remote = (try? RemoteSync(repository: self, remote: nil))?.remote
        // The commit the last deploy that went through made, and the stamp of each file it
        // committed (written only once it went through: a failure or a crash loses nothing).
        let state = readFile(deployedPath(branch)).map { String(decoding: $0, as: UTF8.self) } ?? ""
        let lines = state.split(separator: "\n")
        let recorded = lines.first.flatMap { ObjectID(hex: String($0)) }
        var committed: [String: UInt64] = [:]
        for line in lines.dropFirst() {
            let fields = line.split(separator: "\t")
            guard fields.count == 2, let stamp = UInt64(fields[1], radix: 16) else { continue }
            committed[String(fields[0])] = stamp
        }
        let known = committed.count == lines.count - 1
        // The build's files (not whatever else is in the folder: a killed build's temporary file).
        let files = build.all.sorted()
        let stamps = Dictionary(
            zip(files, files.parallelMap { FileStamp.of(build.output + "/" + $0)?.stamp ?? 0 }),
            uniquingKeysWith: { a, _ in a })
        func contents(_ path: String) -> [UInt8] { readFile(build.output + "/" + path, followingLinks: false) ?? [] }
        var lastRefusal = ""
        for _ in 0..<3 {
            if let remote { try git.fetch(remote) }
            let tip = try git.referenceTarget("refs/heads/\(branch)")
            let upstream = try remote.flatMap { try git.referenceTarget("refs/remotes/\($0.name)/\(branch)") }
            let parent = remote == nil ? tip : upstream
            let changes: [FileChange]
            let whole = parent == nil || parent != recorded || !known
            if whole {
                changes = files.map { .write(path: $0, contents: contents($0)) }
            } else {
                changes =
                    files.filter { committed[$0] != stamps[$0] }.map { .write(path: $0, contents: contents($0)) }
                    + committed.keys.filter { stamps[$0] == nil }.sorted().map { .delete(path: $0) }
            }
            let commit = try git.commit(
                changes, toBranch: branch, expecting: tip, parent: parent, replacingAll: whole, message: message,
                author: signature, committer: signature)
            if let remote,
                case .rejected(let reason) = try git.push(commit, to: remote, branch: branch, expecting: upstream)
            {
                lastRefusal = reason
                continue
            }
            let record = [commit.description] + files.map { "\($0)\t\(String(stamps[$0] ?? 0, radix: 16))" }
            try ContentRepository.writeReplacing(deployedPath(branch), Array(record.joined(separator: "\n").utf8))
            return
        }
        throw BuildError(location: nil, message: "the push of \(branch) was refused three times: \(lastRefusal)")
    }

    /// Every regular file under `folder`, relative to it.
    static func allFiles(in folder: String) -> [String] {
        var found: [String] = []
        func walk(_ relative: String) {
            for name in names(in: relative.isEmpty ? folder : folder + "/" + relative).sorted() {
                let path = relative.isEmpty ? name : relative + "/" + name
                var info = stat()
                guard lstat(folder + "/" + path, &info) == 0 else { continue }
                switch info.st_mode & S_IFMT {
                case S_IFDIR: walk(path)
                case S_IFREG: found.append(path)
                default: break
                }
            }
        }
        walk("")
        return found
    }
}

extension Result where Failure == Error {
    /// The error in words, or nil.
    var failureText: String? {
        guard case .failure(let error) = self else { return nil }
        return "\(error)"
    }
}

/// A folder replaced whole and at once: the folder is a symbolic link to one of two copies
/// beside it (`.NAME.press/a` and `b`), made of hard links to the built files (which a later
/// build replaces by rename, so a copy never changes under a reader). A deploy brings the copy
/// not being served up to the build — only the files whose inode differs, and the files the
/// build no longer has removed — and moves the link to it with one rename. A web server serving the
/// folder sees the old site or the new one, never a mixture; the copy it stopped serving stays
/// whole until the next deploy.
enum FolderDeploy {
    /// - Throws: `BuildError` when the copy cannot be made or the folder is a file.
    static func publish(_ build: BuildResult, to target: String) throws {
        let target = URL(fileURLWithPath: target).standardizedFileURL.path
        let parent = target.parentFolder
        let name = (target as NSString).lastPathComponent
        let store = "\(parent)/.\(name).press"
        try FileManager.default.createDirectory(atPath: store, withIntermediateDirectories: true)
        // Which copy is served, and how many files each copy holds.
        let stateFile = "\(store)/state"
        let state = readFile(stateFile).map { String(decoding: $0, as: UTF8.self) } ?? ""
        let lines = state.split(separator: "\n").map(String.init)
        var counts: [String: Int] = [:]
        for line in lines.dropFirst() {
            let fields = line.split(separator: " ")
            if fields.count == 2, let count = Int(fields[1]) { counts[String(fields[0])] = count }
        }
        var current: String?
        if let destination = try? FileManager.default.destinationOfSymbolicLink(atPath: target) {
            current = destination.split(separator: "/").last.map(String.init)
        }
        let next = current == "a" ? "b" : "a"
        let copy = "\(store)/\(next)"
        if lines.first == current, FileManager.default.fileExists(atPath: copy) {
            try update(copy, from: build.output, files: build.all, holding: counts[next])
        } else {
            // The first deploy, or a copy that is not what the state says: made whole — and the
            // other copy too when there is none, so that the next deploy (a publish, on time)
            // only brings it up to date.
            try? FileManager.default.removeItem(atPath: copy)
            try linkTree(build.output, to: copy)
            let other = "\(store)/\(next == "a" ? "b" : "a")"
            if current != (next == "a" ? "b" : "a") {
                try? FileManager.default.removeItem(atPath: other)
                try linkTree(build.output, to: other)
                counts[next == "a" ? "b" : "a"] = build.all.count
            }
        }

        let link = "\(parent)/.\(name).press-link-\(getpid())"
        unlink(link)
        guard symlink(".\(name).press/\(next)", link) == 0 else { throw failure("cannot link", link) }
        var info = stat()
        if lstat(target, &info) == 0 {
            switch info.st_mode & S_IFMT {
            case S_IFLNK: break
            case S_IFDIR:
                // A folder press did not make (the first deploy): kept beside the copies.
                guard rename(target, "\(store)/before-press-\(Int64(Date().timeIntervalSince1970))") == 0 else {
                    unlink(link)
                    throw failure("cannot move aside", target)
                }
            default:
                unlink(link)
                throw BuildError(location: nil, message: "\(target) is a file, not a folder to deploy to")
            }
        }
        guard rename(link, target) == 0 else {
            unlink(link)
            throw failure("cannot replace", target)
        }
        // (The copy now not served is brought up to the next build by the next deploy.)
        counts[next] = build.all.count
        let record = [next] + counts.keys.sorted().map { "\($0) \(counts[$0] ?? 0)" }
        try ContentRepository.writeReplacing(stateFile, Array(record.joined(separator: "\n").utf8))
    }

    /// Brings `copy` up to `source`, whose files are `files`: each file whose inode differs
    /// linked again, each file the source does not have deleted (whichever build removed it).
    /// - Parameter holding: how many files the copy held when it was last brought up: when
    ///   that and the files added make the build's count, the copy has nothing to delete and
    ///   is not walked (a publish adds a page and removes none).
    private static func update(_ copy: String, from source: String, files: [String], holding: Int?) throws {
        var folders: Set<String> = []
        var added = 0
        for path in files {
            var built = stat()
            var copied = stat()
            guard lstat("\(source)/\(path)", &built) == 0 else { continue }
            let present = lstat("\(copy)/\(path)", &copied) == 0
            if present, copied.st_ino == built.st_ino, copied.st_dev == built.st_dev { continue }
            if !present { added += 1 }
            let folder = path.parentFolder
            if !folder.isEmpty, folders.insert(folder).inserted {
                try FileManager.default.createDirectory(atPath: "\(copy)/\(folder)", withIntermediateDirectories: true)
            }
            let temporary = "\(copy)/\(folder.isEmpty ? "" : folder + "/").press-link-\(getpid())"
            unlink(temporary)
            guard link("\(source)/\(path)", temporary) == 0 || copyFile("\(source)/\(path)", temporary) else {
                throw failure("cannot link", "\(copy)/\(path)")
            }
            guard rename(temporary, "\(copy)/\(path)") == 0 else {
                unlink(temporary)
                throw failure("cannot replace", "\(copy)/\(path)")
            }
        }
        guard holding.map({ $0 + added != files.count }) ?? true else { return }
        let wanted = Set(files)
        for path in ContentRepository.allFiles(in: copy) where !wanted.contains(path) {
            ContentRepository.removeOutput(path, from: copy)
        }
    }

    /// A copy of `source` at `destination` made of hard links (copies across file systems).
    private static func linkTree(_ source: String, to destination: String) throws {
        guard mkdir(destination, 0o755) == 0 else { throw failure("cannot make", destination) }
        for name in ContentRepository.names(in: source) where !name.contains(".press-") {
            let from = "\(source)/\(name)"
            let to = "\(destination)/\(name)"
            var info = stat()
            guard lstat(from, &info) == 0 else { continue }
            switch info.st_mode & S_IFMT {
            case S_IFDIR: try linkTree(from, to: to)
            case S_IFREG:
                guard link(from, to) == 0 || copyFile(from, to) else { throw failure("cannot link", to) }
            default: continue
            }
        }
    }

    /// A copy where a hard link cannot be made (another file system).
    private static func copyFile(_ from: String, _ to: String) -> Bool {
        guard errno == EXDEV || errno == EPERM, let bytes = readFile(from, followingLinks: false) else { return false }
        return (try? ContentRepository.writeReplacing(to, bytes)) != nil
    }

    private static func failure(_ what: String, _ path: String) -> BuildError {
        BuildError(location: nil, message: "\(what) \(path): \(String(cString: strerror(errno)))")
    }
}
