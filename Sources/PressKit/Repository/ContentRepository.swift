import Foundation
import Git

/// A content repository: a git repository with `drafts/`, `published/` and `workflows/`.
///
/// Its caches (workflows, history, trust) are behind mutexes, and `git` takes a lock for each
/// operation, so one repository may be shared between tasks and threads.
public final class ContentRepository: Sendable {
    public let git: Repository
    private struct WorkflowCache {
        var workflows: [String: Workflow] = [:]
        /// The commit `workflows` were read from.
        var head: ObjectID?
        /// Parsed workflows by name and blob, whatever commit they came from.
        var parsed: [String: Workflow] = [:]
    }
    private let workflowCache = Locked(WorkflowCache())
    /// The transition history read last (see `transitionHistory()`).
    let historyCache = Locked<TransitionHistory?>(nil)
    /// Whether each workflow's commands may run, with the HEAD that was worked out at.
    let trustCache = Locked<[String: (ObjectID, CommandTrust)]>([:])
    /// The site build's manifest this process wrote last, with the stamp of its file.
    let manifestCache = Locked<(UInt64, SiteManifest)?>(nil)

    public static let postFolders = [Workflow.draftsFolder, Workflow.publishedFolder]

    public init(git: Repository) {
        self.git = git
    }

    /// Opens the repository containing `path`, walking up from it as git does.
    /// - Throws: `RepositoryError.notARepository` when there is none.
    public static func discover(from path: String) throws -> ContentRepository {
        do {
            let repository = ContentRepository(git: try Repository.discover(from: path))
            repository.signCommits()
            return repository
        } catch GitError.notARepository {
            throw RepositoryError.notARepository(path: path)
        } catch GitError.bareRepository(let bare) {
            throw RepositoryError.bareRepository(path: bare.hasSuffix("/") ? String(bare.dropLast()) : bare)
        }
    }

    public var root: String { git.workdir }

    // MARK: - Workflows

    /// The workflow `workflows/NAME.yml` as committed at HEAD, read and checked once per HEAD.
    ///
    /// Rules come from history, never from the working tree: an edit nobody committed (or a
    /// file nobody added) does not change what press allows.
    /// - Throws: `WorkflowError` when it is missing, not committed, or wrong.
    public func workflow(named name: String = Workflow.defaultName) throws -> Workflow {
        try workflow(named: name, at: try git.headCommitID())
    }

    private func workflow(named name: String, at head: ObjectID?) throws -> Workflow {
        if let cached = workflowCache.withLock({ $0.head == head ? $0.workflows[name] : nil }) { return cached }
        let workflow = try committedWorkflow(named: name, at: head)
        workflowCache.withLock { cache in
            if cache.head != head {
                cache.workflows = [:]
                cache.head = head
            }
            cache.workflows[name] = workflow
        }
        return workflow
    }

    /// The workflow `name` as it stood in `commit` (nil: an unborn branch, where there is none).
    /// A file parsed once is not parsed again while its blob is the same (a scheduler's every
    /// publish moves HEAD, not the workflow).
    func committedWorkflow(named name: String, at commit: ObjectID?) throws -> Workflow {
        let path = Workflow.path(of: name)
        guard let commit, let blob = try git.blobID(atPath: path, in: commit) else {
            throw isFile(path) ? WorkflowError.notCommitted(path: path) : WorkflowError.missing(path: path)
        }
        let key = "\(name) \(blob)"
        if let parsed = workflowCache.withLock({ $0.parsed[key] }) { return parsed }
        let workflow = try Workflow(bytes: try git.blob(blob), path: path)
        workflowCache.withLock { $0.parsed[key] = workflow }
        return workflow
    }

    /// The files in `workflows/` at HEAD, by name (none on an unborn branch).
    func committedWorkflowFiles() throws -> [TreeEntry] {
        guard let head = try git.headCommitID() else { return [] }
        return try git.entries(under: "workflows", in: head).sorted { $0.name < $1.name }
    }

    /// A warning for each workflow file whose working copy differs from HEAD's (or that HEAD
    /// lacks): press goes by the committed one, which a person editing the file may not expect.
    public func uncommittedWorkflows() -> [Diagnostic] {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: git.absolutePath("workflows"))) ?? []).filter
        { $0.hasSuffix(".yml") }.sorted()
        let head = try? git.headCommitID()
        return names.compactMap { name in
            let path = "workflows/\(name)"
            guard let bytes = readFile(git.absolutePath(path)) else { return nil }
            let committed = head.flatMap { try? git.blobID(atPath: path, in: $0) }
            guard committed != (try? git.blobID(of: bytes)) else { return nil }
            let what = committed == nil ? "is not committed" : "has changes that are not committed"
            return Diagnostic(
                SourceLocation(path: path), .warning, "workflow-uncommitted",
                "\(path) \(what); press follows the committed workflows, so commit it for the change to count")
        }
    }

    /// The workflow a post names with `workflow:`, or the default one. A post may name only the
    /// default workflow or one that the default workflow lists under `workflows:`.
    public func workflow(for post: Post) throws -> Workflow {
        try workflow(for: post, at: try git.headCommitID())
    }

    /// The workflow `post` names, as committed at `head`.
    func workflow(for post: Post, at head: ObjectID?) throws -> Workflow {
        let defaults = try workflow(named: Workflow.defaultName, at: head)
        guard let name = post.workflowName, name != Workflow.defaultName else { return defaults }
        guard defaults.workflows.contains(name) else {
            throw WorkflowError.unknownWorkflow(
                post.location(of: "workflow"), name: name, allowed: defaults.workflows, listedIn: defaults.path)
        }
        return try workflow(named: name, at: head)
    }

    // MARK: - Posts

    /// The slug a command line names: a slug as it is, or the post's file as a path
    /// (`drafts/x.md`, `./published/x.markdown`, an absolute path): its name without the extension.
    public static func slug(fromArgument typed: String) -> String {
        let parts = typed.split(separator: "/", omittingEmptySubsequences: true)
        guard let name = parts.last, let slug = PostFile.slug(ofName: name),
            parts.count == 1 || postFolders.contains(String(parts[parts.count - 2]))
        else { return typed }
        return slug
    }

    /// The post with `slug`, read from drafts/ or published/.
    /// - Throws: `RepositoryError.unknownSlug` (with the closest slug), `.duplicateSlug` when it is
    ///   in both folders, or `FrontMatterError` when its file cannot be read.
    public func post(_ slug: String) throws -> Post {
        let paths = PostFile.paths(of: slug).filter(isFile)
        guard Slug(slug) != nil, let path = paths.first else {
            throw RepositoryError.unknownSlug(slug, suggestion: closestSlug(to: slug))
        }
        guard paths.count == 1 else { throw RepositoryError.duplicateSlug(slug, paths: paths) }
        return try readPost(at: path)
    }

    /// Reads the post at `path` (relative to the repository), refusing symbolic links; a key
    /// press reads in the wrong shape is an error too unless `checkingShape` is false
    /// (validation reports it as a finding and goes on to check the rest of the post).
    public func readPost(at path: String, checkingShape: Bool = true) throws -> Post {
        let absolute = git.absolutePath(path)
        var info = stat()
        if lstat(absolute, &info) == 0 {
            switch info.st_mode & S_IFMT {
            case S_IFREG: break
            case S_IFLNK:
                let target = URL(fileURLWithPath: absolute).resolvingSymlinksInPath().path
                let root = URL(fileURLWithPath: git.workdir).resolvingSymlinksInPath().path
                throw FrontMatterError.symbolicLink(SourceLocation(path: path), outside: !target.hasPrefix(root + "/"))
            case S_IFIFO:
                throw FrontMatterError.notARegularFile(SourceLocation(path: path), kind: "a FIFO (named pipe)")
            case S_IFDIR: throw FrontMatterError.notARegularFile(SourceLocation(path: path), kind: "a directory")
            case S_IFSOCK: throw FrontMatterError.notARegularFile(SourceLocation(path: path), kind: "a socket")
            default: throw FrontMatterError.notARegularFile(SourceLocation(path: path), kind: "a device")
            }
        }
        guard let bytes = readFile(absolute) else {
            throw FrontMatterError.unreadable(SourceLocation(path: path), reason: String(cString: strerror(errno)))
        }
        let post = try Post(path: path, bytes: bytes)
        if checkingShape { try post.checkShape() }
        return post
    }

    /// Extensions of Markdown files that press does not read as posts (it reads `.md` and `.markdown`).
    static let skippedMarkdown = ["mdown", "mkd", "mkdn", "mdx", "markdn", "mdtxt", "mdtext"]

    /// A warning for each Markdown file in a post folder that press does not read (`.mdx`,
    /// `.mkd`, …): a post is never skipped without a word.
    public func skippedPostFiles() -> [Diagnostic] {
        ContentRepository.postFolders.flatMap { folder -> [Diagnostic] in
            let names = (try? FileManager.default.contentsOfDirectory(atPath: git.absolutePath(folder))) ?? []
            return names.sorted().compactMap { name in
                guard !name.hasPrefix("."), let dot = name.lastIndex(of: "."),
                    ContentRepository.skippedMarkdown.contains(name[name.index(after: dot)...].lowercased())
                else { return nil }
                let path = "\(folder)/\(name)"
                return Diagnostic(
                    SourceLocation(path: path), .warning, "post-skipped",
                    "not read: press reads posts from .md and .markdown files; rename it to \(folder)/\(name[..<dot]).md"
                )
            }
        }
    }

    /// The paths of every post file, `drafts/*.{md,markdown}` then `published/*…`, sorted.
    public func postPaths() -> [String] {
        ContentRepository.postFolders.flatMap { folder -> [String] in
            ContentRepository.names(in: git.absolutePath(folder)).filter { PostFile.slug(ofName: $0) != nil }.sorted()
                .map { "\(folder)/\($0)" }
        }
    }

    /// The names in a folder (none when it cannot be read), by readdir: FileManager's listing
    /// costs several times as much, and a build lists 10,000 posts each time.
    static func names(in folder: String) -> [String] {
        guard let directory = opendir(folder) else { return [] }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != ".", name != ".." { names.append(name) }
        }
        return names
    }

    /// Reads every post (or those at `paths`) on both cores and hands each to `transform` on the
    /// thread that read it; a file that cannot be read is returned as its error.
    public func readAll<T: Sendable>(paths: [String]? = nil, _ transform: @escaping @Sendable (Post) -> T) -> [(
        path: String, post: Result<T, Error>
    )] {
        let paths = paths ?? postPaths()
        let results = paths.parallelMap { path in Result { transform(try self.readPost(at: path)) } }
        return Array(zip(paths, results))
    }

    /// Whether a post with `slug` exists in either folder.
    public func exists(_ slug: String) -> Bool {
        PostFile.paths(of: slug).contains(where: isFile)
    }

    /// Whether something (a file, or a symbolic link even to nowhere) is at `path` in the working tree.
    public func isFile(_ path: String) -> Bool {
        var info = stat()
        return lstat(git.absolutePath(path), &info) == 0
    }

    /// The existing slug nearest to `slug` by edit distance, when it is near enough to be a typo.
    public func closestSlug(to slug: String) -> String? {
        let slugs = postPaths().compactMap { PostFile.slug(ofPath: $0) }
        // A typo anywhere, or a slug typed only in part (its beginning, with a typo).
        let scored = slugs.map { candidate in
            (
                candidate,
                min(editDistance(candidate, slug), editDistance(String(candidate.prefix(slug.count)), slug) + 1)
            )
        }.min { $0.1 < $1.1 }
        guard let (best, distance) = scored, distance <= max(2, slug.count / 3) else { return nil }
        return best
    }
}

/// Levenshtein distance over characters.
public func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    guard !a.isEmpty else { return b.count }
    guard !b.isEmpty else { return a.count }
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        current[0] = i
        for j in 1...b.count {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        swap(&previous, &current)
    }
    return previous[b.count]
}

/// A whole file's bytes, read with one open, fstat and read; nil (with errno set) on failure.
/// Without `followingLinks`, a symbolic link is refused (`ELOOP`), never read through.
func readFile(_ path: String, followingLinks: Bool = true) -> [UInt8]? {
    // Non-blocking and checked after opening: a FIFO swapped in after a check never blocks a read.
    let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | (followingLinks ? 0 : O_NOFOLLOW))
    guard descriptor >= 0 else { return nil }
    defer { close(descriptor) }
    var info = stat()
    guard fstat(descriptor, &info) == 0 else { return nil }
    guard info.st_mode & S_IFMT == S_IFREG else {
        errno = EINVAL
        return nil
    }
    var bytes = [UInt8](repeating: 0, count: Int(info.st_size))
    var filled = 0
    while true {
        // Read into the array while it has room; once full, probe for more (a file that grew)
        // into a small buffer, so the usual file of the size fstat gave is never copied.
        var spare = [UInt8](repeating: 0, count: filled == bytes.count ? 4096 : 0)
        let count: Int
        if spare.isEmpty {
            count = bytes.withUnsafeMutableBytes { buffer in
                read(descriptor, buffer.baseAddress.map { $0 + filled }, buffer.count - filled)
            }
        } else {
            count = spare.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        }
        if count < 0 {
            if errno == EINTR { continue }
            return nil
        }
        if count == 0 { break }
        if !spare.isEmpty {
            spare.removeLast(spare.count - count)
            bytes += spare
        }
        filled += count
    }
    bytes.removeLast(bytes.count - filled)
    return bytes
}
