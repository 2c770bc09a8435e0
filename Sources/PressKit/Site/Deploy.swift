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
    public func buildAndDeploy(now: Date, actor: Person? = nil) async throws -> Deployment {
        let workflow = try workflow()
        let build = try await buildSite(BuildRequest(output: root + "/site", now: now))
        var outcomes: [DeployOutcome] = []
        let settings = workflow.deploy
        if !settings.isEmpty, let refusal = try commandTrust(of: workflow).refusal {
            for target in describe(settings) {
                outcomes.append(DeployOutcome(target: target, failure: refusal, retryable: false))
            }
            return Deployment(build: build, outcomes: outcomes, finished: Date())
        }
        if let folder = settings.folder {
            let target = (folder as NSString).isAbsolutePath ? folder : root + "/" + folder
            outcomes.append(
                DeployOutcome(
                    target: "folder \(folder)",
                    failure: Result { try FolderDeploy.publish(build.output, to: target) }.failureText))
        }
        if let branch = settings.branch {
            let person = actor ?? workflow.scheduler
            let failure = Result {
                try deployBranch(branch, build: build, signature: signature(person, now, workflow))
            }.failureText
            outcomes.append(DeployOutcome(target: "branch \(branch)", failure: failure))
        }
        if let command = settings.run {
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

    /// Commits the built site to `branch`: the files this build wrote and removed when the
    /// branch is where the last deploy left it, else the whole folder. With a remote (the
    /// branch's upstream, or origin) it is fetched first, the commit made on the remote's tip,
    /// and pushed only if the remote branch is still there (never forced; a refusal is tried
    /// again on the new tip).
    func deployBranch(_ branch: String, build: BuildResult, signature: Signature) throws {
        let head = try git.headCommitID()
        let message =
            "site: built from \(head.map { String($0.description.prefix(7)) } ?? "nothing")\n\nPress-Site-Source: \(head?.description ?? "")\n"
        let remote = (try? RemoteSync(repository: self, remote: nil))?.remote
        let recorded = readFile(deployedPath(branch)).flatMap { ObjectID(hex: String(decoding: $0, as: UTF8.self)) }
        var lastRefusal = ""
        for _ in 0..<3 {
            if let remote { try git.fetch(remote) }
            let tip = try git.referenceTarget("refs/heads/\(branch)")
            let upstream = try remote.flatMap { try git.referenceTarget("refs/remotes/\($0.name)/\(branch)") }
            let parent = remote == nil ? tip : upstream
            let changes: [FileChange]
            let whole = !build.incremental || parent == nil || parent != recorded
            if whole {
                changes = ContentRepository.allFiles(in: build.output).map {
                    .write(path: $0, contents: readFile(build.output + "/" + $0, followingLinks: false) ?? [])
                }
            } else {
                changes =
                    build.written.map {
                        .write(path: $0, contents: readFile(build.output + "/" + $0, followingLinks: false) ?? [])
                    } + build.removed.map { .delete(path: $0) }
            }
            let commit = try git.commit(
                changes, toBranch: branch, expecting: tip, parent: parent, replacingAll: whole, message: message,
                author: signature, committer: signature)
            guard let remote else {
                try ContentRepository.writeReplacing(deployedPath(branch), Array(commit.description.utf8))
                return
            }
            switch try git.push(commit, to: remote, branch: branch, expecting: upstream) {
            case .pushed:
                try ContentRepository.writeReplacing(deployedPath(branch), Array(commit.description.utf8))
                return
            case .rejected(let reason):
                lastRefusal = reason
            }
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

/// A folder replaced whole and at once: each deploy is a new copy (hard links to the built
/// files, which a later build replaces by rename and so never changes under it) beside the
/// folder, and the folder is a symbolic link moved to the new copy by one rename. A web server
/// serving it sees the old site or the new one, never a mixture.
enum FolderDeploy {
    /// - Throws: `BuildError` when the copy cannot be made or the folder is a file.
    static func publish(_ source: String, to target: String) throws {
        let target = URL(fileURLWithPath: target).standardizedFileURL.path
        let parent = (target as NSString).deletingLastPathComponent
        let name = (target as NSString).lastPathComponent
        let store = "\(parent)/.\(name).press"
        try FileManager.default.createDirectory(atPath: store, withIntermediateDirectories: true)
        let generation = "g\(Int64(Date().timeIntervalSince1970 * 1_000_000))-\(getpid())"
        try linkTree(source, to: "\(store)/\(generation)")

        let link = "\(parent)/.\(name).press-link-\(getpid())"
        unlink(link)
        guard symlink(".\(name).press/\(generation)", link) == 0 else { throw failure("cannot link", link) }
        var info = stat()
        if lstat(target, &info) == 0 {
            switch info.st_mode & S_IFMT {
            case S_IFLNK: break
            case S_IFDIR:
                // A folder press did not make (the first deploy): kept beside the copies.
                guard rename(target, "\(store)/before-press-\(generation)") == 0 else {
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
        // The copy before stays (a request being served may still read it); older ones go.
        let copies = ContentRepository.names(in: store).filter { $0.hasPrefix("g") }.sorted {
            (Int64($0.dropFirst().prefix { $0 != "-" }) ?? 0) < (Int64($1.dropFirst().prefix { $0 != "-" }) ?? 0)
        }
        for old in copies.dropLast(2) { try? FileManager.default.removeItem(atPath: "\(store)/\(old)") }
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
                if link(from, to) != 0 {
                    guard errno == EXDEV || errno == EPERM, let bytes = readFile(from, followingLinks: false) else {
                        throw failure("cannot link", to)
                    }
                    try ContentRepository.writeReplacing(to, bytes)
                }
            default: continue
            }
        }
    }

    private static func failure(_ what: String, _ path: String) -> BuildError {
        BuildError(location: nil, message: "\(what) \(path): \(String(cString: strerror(errno)))")
    }
}
