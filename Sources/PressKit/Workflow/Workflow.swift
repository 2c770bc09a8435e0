import Foundation

/// How a comment or a time is asked of a transition.
public enum Requirement: String, Sendable {
    case none, optional, required
}

/// One transition of a workflow, as data.
public struct TransitionRule: Equatable, Sendable {
    public var name: String
    public var from: [String]
    public var to: String
    /// Roles allowed to make it: names from `roles`, or the built-in `author` and `scheduler`.
    public var by: [String]
    /// The post's own author may not make it, even holding a role that may.
    public var notAuthor: Bool
    public var comment: Requirement
    /// How many distinct approvals the post needs before it.
    public var approvals: Int
    /// Whether it records the acting person's approval.
    public var recordsApproval: Bool
    /// Whether it takes a publish time (`--at`), stored as `publish_at`.
    public var at: Requirement
    /// Front matter keys it removes.
    public var clears: [String]
    /// The validation it runs first, when the workflow says (`gate: none|internal|full`).
    public var gateLevel: GateLevel?
}

/// A workflow: states, transitions, roles and required keys, read from `workflows/NAME.yml`.
public struct Workflow: Sendable {
    public var name: String
    public var path: String
    public var timeZone: TimeZone
    public var roles: [String: [String]]
    public var states: [String]
    public var transitions: [TransitionRule]
    public var required: [String: [String]]
    /// The folder of each state: `drafts` or `published`.
    public var folders: [String: String]
    /// Who the scheduler commits as; it holds the built-in role `scheduler`.
    public var scheduler: Person
    /// Rules for front matter keys: press's defaults with the workflow's `fields:` on top.
    public var fields: [String: FieldRule]
    /// The site path of a post, with `{slug}` (e.g. `/posts/{slug}/`), from `site: {posts: …}`.
    public var postPathPattern: String? { sitePosts.first?.text }
    /// Where posts are on the site (`site: {posts: …}`, one pattern or several).
    public var sitePosts: [SitePattern]
    /// Site paths outside the posts that links may name (`site: {pages: […]}`).
    public var sitePages: [SitePattern]
    /// What `press build` puts on every page (`site: {title:, base_url:, …}`).
    public var siteSettings: SiteSettings
    public var links: LinkPolicy
    /// What the scheduler does with a post whose time passed while it was not running.
    public var missed: MissedPolicy
    /// Commands and webhooks to run when a post enters a state, by state.
    public var hooks: [String: [Hook]]
    /// Other workflows a post may name with `workflow:` (`workflows:` in the default workflow).
    public var workflows: [String]
    /// The roles that may change what runs commands: hooks and their environment (`admin:`).
    public var admin: [String]
    /// Names of environment variables handed to hook commands besides the `PRESS_*` facts,
    /// `PATH`, `HOME` and `LANG` (`hook_env:`).
    public var hookEnvironment: [String]
    /// Seconds a hook command may run before it is killed (`hook_timeout:`).
    public var hookTimeout: Double
    /// Who may edit a post (its body and keys press does not own) in each state, as roles
    /// (`edits:`); a state not listed has the default (`editRoles(in:)`).
    public var edits: [String: [String]]
    /// People's SSH public keys (`keys:`, email → keys as `allowed_signers` lines hold them),
    /// as key blobs: what `press verify` accepts a person's commit signatures from.
    public var keys: [String: [[UInt8]]]
    /// Whether every commit must be signed by a key of its author (`signatures: required`).
    public var signaturesRequired: Bool
    /// People that posts name by name alone (`author: parkr`), as imported blogs do (`authors:`,
    /// name → `Name <email>` or an email).
    public var authors: [String: Person]

    /// Where the built site goes after each publish, unpublish or expiry (`deploy:`).
    public var deploy: DeploySettings

    /// Everything in the workflow that makes press run a command, reach a URL or write outside
    /// the repository: a change to any of it must come from an admin.
    public var commands: Commands { Commands(hooks: hooks, environment: hookEnvironment, deploy: deploy) }

    public struct Commands: Equatable, Sendable {
        public var hooks: [String: [Hook]]
        public var environment: [String]
        public var deploy: DeploySettings
    }

    /// A name git accepts for a branch, kept simple: letters, digits, `-`, `_`, `.` and `/`
    /// between parts, no `..`, no part starting with `.` or `-`.
    static func isBranchName(_ name: String) -> Bool {
        let parts = name.split(separator: "/", omittingEmptySubsequences: false)
        return !parts.isEmpty && !name.contains("..") && !name.hasSuffix(".lock")
            && parts.allSatisfy { part in
                guard let first = part.first, first != ".", first != "-" else { return false }
                return part.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }
            }
    }

    public static let builtInRoles = ["author", "scheduler"]
    public static let defaultName = "default"
    public static let defaultAdmin = ["editor"]

    public static func path(of name: String) -> String { "workflows/\(name).yml" }

    /// The people who hold one of the `admin` roles.
    public var admins: [String] { admin.flatMap { roles[$0] ?? [] } }
    public static let publishedFolder = "published"
    public static let draftsFolder = "drafts"

    /// The state a new post starts in: the first one listed.
    public var initialState: String { states[0] }

    public func transition(named name: String) -> TransitionRule? {
        transitions.first { $0.name == name }
    }

    public func folder(of state: String) -> String {
        folders[state] ?? Workflow.draftsFolder
    }

    /// The roles `person` holds for a post written by `authors` (any of them holds `author`).
    public func roles(of person: Person, authors: [Person]) -> Set<String> {
        var result = Set(roles.filter { $0.value.contains { $0.lowercased() == person.email.lowercased() } }.keys)
        if authors.contains(where: { $0.isSamePerson(as: person) }) { result.insert("author") }
        if scheduler.isSamePerson(as: person) { result.insert("scheduler") }
        return result
    }

    /// A post's author: as the post gives it (`Name <email>`, or `name` and `email`), else the
    /// person `authors:` lists under the name the post gives.
    public func author(of post: Post) -> Person? {
        guard let node = post.frontMatter.entry("author")?.value else { return authors(of: post).first }
        return person(node)
    }

    /// Every author of a post: `author`, then each of `authors: [...]` (people as `author` takes
    /// them), those that cannot be resolved left out.
    public func authors(of post: Post) -> [Person] {
        let listed = post.frontMatter.entry("authors")?.value
        let nodes = listed.map { $0.items ?? [$0] } ?? []
        let first = post.frontMatter.entry("author").flatMap { person($0.value) }
        var found: [Person] = first.map { [$0] } ?? []
        for person in nodes.compactMap(person) where !found.contains(where: { $0.isSamePerson(as: person) }) {
            found.append(person)
        }
        return found
    }

    /// A person as a post names one: `Name <email>`, a mapping with `email`, or a name the
    /// workflow's `authors:` lists.
    func person(_ node: YAMLNode) -> Person? {
        if let person = Post.person(node) { return person }
        guard let name = node.string ?? node["name"]?.string else { return nil }
        return authors[name] ?? authors[name.lowercased()]
    }

    /// The keys `state` requires that `frontMatter` lacks (or leaves empty); `authors` stands
    /// for `author`.
    public func missingKeys(in state: String, of frontMatter: FrontMatter) -> [String] {
        func has(_ key: String) -> Bool { frontMatter.entry(key).map { !$0.value.isNull } ?? false }
        return requiredKeys(in: state).filter { !has($0) && !($0 == "author" && has("authors")) }
    }

    /// The keys a post in `state` must have.
    public func requiredKeys(in state: String) -> [String] { required[state] ?? [] }

    /// The roles that may edit a post in `state`: what `edits:` says, else the author and the
    /// admins while the post has not been approved for publishing, and only the admins once it
    /// has (a state in `published/`, or one a transition needing approvals leads to).
    public func editRoles(in state: String) -> [String] {
        if let listed = edits[state] { return listed }
        let approved =
            folder(of: state) == Workflow.publishedFolder
            || transitions.contains { $0.to == state && $0.approvals > 0 }
        return approved ? admin : ["author"] + admin
    }

    /// Whether `person` may edit a post by `author` in `state`.
    public func mayEdit(_ person: Person, authors: [Person], in state: String) -> Bool {
        !roles(of: person, authors: authors).isDisjoint(with: editRoles(in: state))
    }
}

/// `missed: publish` (the default) or `missed: hold`.
public enum MissedPolicy: String, Sendable {
    case publish, hold
}

/// One thing to run when a post enters a state.
public enum Hook: Equatable, Sendable {
    /// A shell command, run in the repository with PRESS_SLUG, PRESS_PATH, PRESS_STATE,
    /// PRESS_TRANSITION and PRESS_COMMIT set.
    case run(String)
    /// A URL that gets a JSON POST with the same facts, the title and the author.
    case webhook(String)
}

/// The site's own settings, from the workflow's `site:` section.
/// Where `press build --deploy`, publishing and the scheduler put the built site.
public struct DeploySettings: Equatable, Sendable {
    /// A folder replaced whole and at once (a symbolic link moved to a new copy); relative to
    /// the repository.
    public var folder: String?
    /// A branch the site is committed to (`gh-pages`), and pushed when there is a remote.
    public var branch: String?
    /// A command run with the built folder in `PRESS_SITE` (rsync, an object-store sync).
    public var run: String?

    public var isEmpty: Bool { folder == nil && branch == nil && run == nil }
}

public struct SiteSettings: Equatable, Sendable {
    /// `title`, `base_url`, `language`, `description`, as written.
    public var texts: [String: String] = [:]
    public var perPage = 10
    public var feedLength = 20

    public var title: String { texts["title"] ?? "press" }
    /// The address the site is served at, without the trailing slash (empty: paths from `/`).
    public var baseURL: String {
        var url = texts["base_url"] ?? ""
        while url.hasSuffix("/") { url.removeLast() }
        return url
    }
    public var language: String { texts["language"] ?? "en" }
    public var description: String { texts["description"] ?? "" }
}
