import Foundation
import Git

/// A content repository: a git repository with `drafts/`, `published/` and `workflows/`.
///
/// It may be shared between tasks: its one piece of state, the cache of parsed workflows, is
/// behind a lock.
public final class ContentRepository: @unchecked Sendable {
    public let git: Repository
    private var workflows: [String: Workflow] = [:]
    private let workflowsLock = NSLock()

    public static let postFolders = [Workflow.draftsFolder, Workflow.publishedFolder]

    public init(git: Repository) {
        self.git = git
    }

    /// Opens the repository containing `path`, walking up from it as git does.
    /// - Throws: `RepositoryError.notARepository` when there is none.
    public static func discover(from path: String) throws -> ContentRepository {
        do {
            return ContentRepository(git: try Repository.discover(from: path))
        } catch GitError.notARepository {
            throw RepositoryError.notARepository(path: path)
        }
    }

    public var root: String { git.workdir }

    // MARK: - Workflows

    /// The workflow `workflows/NAME.yml`, read and checked once.
    /// - Throws: `WorkflowError` when it is missing or wrong.
    public func workflow(named name: String = "default") throws -> Workflow {
        if let cached = workflowsLock.withLock({ workflows[name] }) { return cached }
        let path = "workflows/\(name).yml"
        guard let data = FileManager.default.contents(atPath: git.absolutePath(path)) else {
            throw WorkflowError.missing(path: path)
        }
        let workflow = try Workflow(bytes: [UInt8](data), path: path)
        workflowsLock.withLock { workflows[name] = workflow }
        return workflow
    }

    /// The workflow a post names with `workflow:`, or the default one.
    public func workflow(for post: Post) throws -> Workflow {
        guard let name = post.workflowName else { return try workflow() }
        guard Slug(name) != nil, FileManager.default.fileExists(atPath: git.absolutePath("workflows/\(name).yml")) else {
            throw WorkflowError.unknownWorkflow(post.location(of: "workflow"), name: name)
        }
        return try workflow(named: name)
    }

    // MARK: - Posts

    /// The post with `slug`, read from drafts/ or published/.
    /// - Throws: `RepositoryError.unknownSlug` (with the closest slug), `.duplicateSlug` when it is
    ///   in both folders, or `FrontMatterError` when its file cannot be read.
    public func post(_ slug: String) throws -> Post {
        let paths = ContentRepository.postFolders.map { "\($0)/\(slug).md" }.filter(isFile)
        guard Slug(slug) != nil, let path = paths.first else {
            throw RepositoryError.unknownSlug(slug, suggestion: closestSlug(to: slug))
        }
        guard paths.count == 1 else { throw RepositoryError.duplicateSlug(slug, paths: paths) }
        return try readPost(at: path)
    }

    /// Reads the post at `path` (relative to the repository), refusing symbolic links.
    public func readPost(at path: String) throws -> Post {
        let absolute = git.absolutePath(path)
        var info = stat()
        if lstat(absolute, &info) == 0, (info.st_mode & S_IFMT) == S_IFLNK {
            let target = URL(fileURLWithPath: absolute).resolvingSymlinksInPath().path
            let root = URL(fileURLWithPath: git.workdir).resolvingSymlinksInPath().path
            throw FrontMatterError.symbolicLink(SourceLocation(path: path), outside: !target.hasPrefix(root + "/"))
        }
        guard let bytes = readFile(absolute) else {
            throw FrontMatterError.unreadable(SourceLocation(path: path), reason: String(cString: strerror(errno)))
        }
        let post = try Post(path: path, bytes: bytes)
        try post.checkShape()
        return post
    }

    /// The paths of every post file, `drafts/*.md` then `published/*.md`, sorted.
    public func postPaths() -> [String] {
        ContentRepository.postFolders.flatMap { folder -> [String] in
            let names = (try? FileManager.default.contentsOfDirectory(atPath: git.absolutePath(folder))) ?? []
            return names.filter { $0.hasSuffix(".md") && !$0.hasPrefix(".") }.sorted().map { "\(folder)/\($0)" }
        }
    }

    /// Reads every post (or those at `paths`) on both cores and hands each to `transform` on the
    /// thread that read it; a file that cannot be read is returned as its error.
    public func readAll<T>(paths: [String]? = nil, _ transform: @escaping (Post) -> T) -> [(path: String, post: Result<T, Error>)] {
        let paths = paths ?? postPaths()
        let results = paths.parallelMap { path in Result { transform(try self.readPost(at: path)) } }
        return Array(zip(paths, results))
    }

    /// Whether a post with `slug` exists in either folder.
    public func exists(_ slug: String) -> Bool {
        ContentRepository.postFolders.contains { isFile("\($0)/\(slug).md") }
    }

    /// Whether something (a file, or a symbolic link even to nowhere) is at `path` in the working tree.
    public func isFile(_ path: String) -> Bool {
        var info = stat()
        return lstat(git.absolutePath(path), &info) == 0
    }

    /// The existing slug nearest to `slug` by edit distance, when it is near enough to be a typo.
    public func closestSlug(to slug: String) -> String? {
        let slugs = postPaths().map { (($0 as NSString).lastPathComponent as NSString).deletingPathExtension }
        // A typo anywhere, or a slug typed only in part (its beginning, with a typo).
        let scored = slugs.map { candidate in
            (candidate, min(editDistance(candidate, slug), editDistance(String(candidate.prefix(slug.count)), slug) + 1))
        }.min { $0.1 < $1.1 }
        guard let (best, distance) = scored, distance <= max(2, slug.count / 3) else { return nil }
        return best
    }
}

/// Levenshtein distance over characters.
func editDistance(_ a: String, _ b: String) -> Int {
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
func readFile(_ path: String) -> [UInt8]? {
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { return nil }
    defer { close(descriptor) }
    var info = stat()
    guard fstat(descriptor, &info) == 0 else { return nil }
    var bytes = [UInt8](repeating: 0, count: Int(info.st_size))
    var filled = 0
    while true {
        // Read into the array while it has room; once full, probe for more (a file that grew)
        // into a small buffer, so the usual file of the size fstat gave is never copied.
        var spare = [UInt8](repeating: 0, count: filled == bytes.count ? 4096 : 0)
        let count: Int
        if spare.isEmpty {
            count = bytes.withUnsafeMutableBytes { buffer in read(descriptor, buffer.baseAddress.map { $0 + filled }, buffer.count - filled) }
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
