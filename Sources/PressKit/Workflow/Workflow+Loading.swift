import Foundation
import Yams

extension Workflow {
    static let topLevelKeys = [
        "timezone", "roles", "states", "transitions", "required", "folders", "scheduler", "fields", "site", "links",
        "missed", "hooks", "workflows", "admin", "hook_env", "hook_timeout", "edits", "keys", "signatures", "authors",
        "deploy",
    ]
    static let fieldKeys = ["type", "values", "max_length"]
    static let linkKeys = [
        "timeout", "concurrency", "per_host", "cache_ttl", "retries", "exclude", "accept", "private",
    ]
    static let transitionKeys = [
        "from", "to", "by", "not_author", "comment", "approvals", "approve", "at", "clears", "gate",
    ]

    /// Reads and checks a workflow file.
    /// - Parameters:
    ///   - bytes: the file's contents.
    ///   - path: its path relative to the repository, for diagnostics.
    /// - Throws: `WorkflowError` naming the file, line and key at fault.
    public init(bytes: [UInt8], path: String) throws {
        let reader = NodeReader(path: path)
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw WorkflowError.unreadable(SourceLocation(path: path), reason: "it is not UTF-8")
        }
        if let (line, column) = firstAnchorOrAlias(in: text) {
            throw WorkflowError.wrongType(
                SourceLocation(path: path, line: line + 1, column: column + 1), key: "workflow",
                expected: "written out: YAML anchors and aliases ('&name', '*name') are not accepted")
        }
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: text, .basic, .default, .utf8) else {
                throw WorkflowError.missingKey(SourceLocation(path: path), key: "states")
            }
            root = node
        } catch let error as YamlError {
            throw reader.translate(error)
        }
        let top = try reader.mapping(root, key: "workflow", allowed: Workflow.topLevelKeys)

        name = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        self.path = path

        guard let statesNode = top["states"] else {
            throw WorkflowError.missingKey(reader.location(root), key: "states")
        }
        states = try reader.strings(statesNode, key: "states")
        guard !states.isEmpty else {
            throw WorkflowError.wrongType(
                reader.location(statesNode), key: "states", expected: "a non-empty list of state names")
        }
        var knownStates: Set<String> = []
        for (state, node) in zip(states, statesNode.sequence.map(Array.init) ?? [statesNode]) {
            guard knownStates.insert(state).inserted else {
                throw WorkflowError.wrongType(
                    reader.location(node), key: "states",
                    expected: "a list of distinct states ('\(state)' is listed twice)")
            }
        }
        func checkState(_ state: String, _ node: Node) throws {
            guard knownStates.contains(state) else {
                throw WorkflowError.unknownState(reader.location(node), state: state)
            }
        }

        if let zone = top["timezone"] {
            let identifier = try reader.string(zone, key: "timezone")
            guard let timeZone = TimeZone(identifier: identifier) else {
                throw WorkflowError.unknownTimeZone(reader.location(zone), name: identifier)
            }
            self.timeZone = timeZone
        } else {
            timeZone = TimeZone(identifier: "UTC") ?? .current
        }

        var roles: [String: [String]] = [:]
        if let rolesNode = top["roles"] {
            for (key, value) in try reader.pairs(rolesNode, key: "roles") {
                roles[key] = try reader.strings(value, key: "roles.\(key)")
            }
        }
        self.roles = roles

        var folders: [String: String] = [:]
        for state in states where state == Workflow.publishedFolder { folders[state] = Workflow.publishedFolder }
        if let foldersNode = top["folders"] {
            for (state, value) in try reader.pairs(foldersNode, key: "folders") {
                try checkState(state, value)
                let folder = try reader.string(value, key: "folders.\(state)")
                guard folder == Workflow.draftsFolder || folder == Workflow.publishedFolder else {
                    throw WorkflowError.wrongType(
                        reader.location(value), key: "folders.\(state)", expected: "'drafts' or 'published'")
                }
                folders[state] = folder
            }
        }
        self.folders = folders

        scheduler = Person(name: "press-scheduler", email: "scheduler@press.invalid")
        if let schedulerNode = top["scheduler"] {
            let fields = try reader.mapping(schedulerNode, key: "scheduler", allowed: ["name", "email"])
            guard let email = fields["email"] else {
                throw WorkflowError.missingKey(reader.location(schedulerNode), key: "scheduler.email")
            }
            scheduler = Person(
                name: try fields["name"].map { try reader.string($0, key: "scheduler.name") } ?? "press-scheduler",
                email: try reader.string(email, key: "scheduler.email"))
            for (key, value) in [("name", scheduler.name), ("email", scheduler.email)] {
                if let problem = Person.headerProblem(value) {
                    throw WorkflowError.wrongType(
                        reader.location(fields[key] ?? email), key: "scheduler.\(key)",
                        expected: "a value fit for a commit (it \(problem))")
                }
            }
        }

        var required: [String: [String]] = [:]
        if let requiredNode = top["required"] {
            for (state, value) in try reader.pairs(requiredNode, key: "required") {
                guard knownStates.contains(state) else {
                    throw WorkflowError.unknownState(reader.location(requiredNode), state: state)
                }
                required[state] = try reader.strings(value, key: "required.\(state)")
            }
        }
        self.required = required

        var fields = FieldRule.defaults
        if let fieldsNode = top["fields"] {
            for (key, value) in try reader.pairs(fieldsNode, key: "fields") {
                let spec = try reader.mapping(value, key: "fields.\(key)", allowed: Workflow.fieldKeys)
                var rule = fields[key] ?? FieldRule(kind: .string)
                if let type = spec["type"] {
                    let name = try reader.string(type, key: "fields.\(key).type")
                    guard let kind = FieldRule.Kind(rawValue: name) else {
                        throw WorkflowError.wrongType(
                            reader.location(type), key: "fields.\(key).type",
                            expected: FieldRule.Kind.allCases.map(\.rawValue).joined(separator: ", "))
                    }
                    rule.kind = kind
                }
                if let values = spec["values"] { rule.values = try reader.strings(values, key: "fields.\(key).values") }
                if let length = spec["max_length"] {
                    rule.maxLength = try reader.count(length, key: "fields.\(key).max_length")
                }
                fields[key] = rule
            }
        }
        self.fields = fields

        sitePosts = []
        sitePages = []
        siteSettings = SiteSettings()
        if let siteNode = top["site"] {
            let site = try reader.mapping(
                siteNode, key: "site",
                allowed: ["posts", "pages", "title", "base_url", "language", "description", "per_page", "feed_length"])
            for key in ["title", "base_url", "language", "description"] {
                if let node = site[key] { siteSettings.texts[key] = try reader.string(node, key: "site.\(key)") }
            }
            if let node = site["per_page"] {
                siteSettings.perPage = max(1, try reader.count(node, key: "site.per_page"))
            }
            if let node = site["feed_length"] {
                siteSettings.feedLength = max(1, try reader.count(node, key: "site.feed_length"))
            }
            if let node = site["posts"] {
                let texts = try reader.strings(node, key: "site.posts")
                for (text, item) in zip(texts, node.sequence.map(Array.init) ?? [node]) {
                    guard text.contains("{slug}"), let pattern = SitePattern(text) else {
                        throw WorkflowError.wrongType(
                            reader.location(item), key: "site.posts",
                            expected:
                                "a path with {slug}, and {category}, {year}, {month}, {day} if it likes (/posts/{slug}/, /{year}/{month}/{day}/{slug}.html)"
                        )
                    }
                    sitePosts.append(pattern)
                }
            }
            if let node = site["pages"] {
                let texts = try reader.strings(node, key: "site.pages")
                for (text, item) in zip(texts, node.sequence.map(Array.init) ?? [node]) {
                    guard text.hasPrefix("/"), let pattern = SitePattern(text) else {
                        throw WorkflowError.wrongType(
                            reader.location(item), key: "site.pages",
                            expected: "site paths starting with '/' (/about/, /docs/**)")
                    }
                    sitePages.append(pattern)
                }
            }
        }

        var links = LinkPolicy()
        if let linksNode = top["links"] {
            let spec = try reader.mapping(linksNode, key: "links", allowed: Workflow.linkKeys)
            if let node = spec["timeout"] { links.timeout = try reader.seconds(node, key: "links.timeout") }
            if let node = spec["cache_ttl"] { links.cacheTTL = try reader.seconds(node, key: "links.cache_ttl") }
            if let node = spec["concurrency"] {
                links.concurrency = max(1, try reader.count(node, key: "links.concurrency"))
            }
            if let node = spec["per_host"] { links.perHost = max(1, try reader.count(node, key: "links.per_host")) }
            if let node = spec["retries"] { links.retries = try reader.count(node, key: "links.retries") }
            if let node = spec["exclude"] {
                links.exclude = try reader.strings(node, key: "links.exclude")
                for (pattern, item) in zip(links.exclude, node.sequence.map(Array.init) ?? [node]) {
                    do {
                        _ = try Pattern(pattern)
                    } catch let error as Pattern.SyntaxError {
                        throw WorkflowError.wrongType(
                            reader.location(item), key: "links.exclude",
                            expected:
                                "regular expressions press can match in linear time: '\(pattern)' has \(error.message)")
                    }
                }
            }
            if let node = spec["private"] {
                guard let rule = LinkPolicy.AddressRule(rawValue: try reader.string(node, key: "links.private")) else {
                    throw WorkflowError.wrongType(
                        reader.location(node), key: "links.private", expected: "'allow' or 'deny'")
                }
                links.privateAddresses = rule
            }
            if let node = spec["accept"] {
                let codes = try reader.strings(node, key: "links.accept")
                links.accept = Set(
                    try codes.map { code in
                        guard let value = Int(code), (100..<600).contains(value) else {
                            throw WorkflowError.wrongType(
                                reader.location(node), key: "links.accept", expected: "HTTP status codes")
                        }
                        return value
                    })
            }
        }
        self.links = links

        missed = .publish
        if let node = top["missed"] {
            guard let policy = MissedPolicy(rawValue: try reader.string(node, key: "missed")) else {
                throw WorkflowError.wrongType(reader.location(node), key: "missed", expected: "'publish' or 'hold'")
            }
            missed = policy
        }

        var hooks: [String: [Hook]] = [:]
        if let hooksNode = top["hooks"] {
            let transitionNames = Set(
                try top["transitions"].map { try reader.pairs($0, key: "transitions").map(\.0) } ?? [])
            for (state, list) in try reader.pairs(hooksNode, key: "hooks") {
                // A state (the hooks run when a post enters it) or a transition (when it is made).
                if !transitionNames.contains(state) { try checkState(state, list) }
                guard let items = list.sequence else {
                    throw WorkflowError.wrongType(
                        reader.location(list), key: "hooks.\(state)",
                        expected: "a list of '- run: COMMAND' or '- webhook: URL'")
                }
                hooks[state] = try items.map { item in
                    let spec = try reader.mapping(item, key: "hooks.\(state)", allowed: ["run", "webhook"])
                    if let command = spec["run"] { return .run(try reader.string(command, key: "hooks.\(state).run")) }
                    if let url = spec["webhook"] {
                        let text = try reader.string(url, key: "hooks.\(state).webhook")
                        guard MetadataCheck.isURL(text) else {
                            throw WorkflowError.wrongType(
                                reader.location(url), key: "hooks.\(state).webhook", expected: "an http(s) URL")
                        }
                        return .webhook(text)
                    }
                    throw WorkflowError.missingKey(reader.location(item), key: "hooks.\(state): run or webhook")
                }
            }
        }
        self.hooks = hooks

        workflows = []
        if let node = top["workflows"] {
            workflows = try reader.strings(node, key: "workflows")
            for (name, item) in zip(workflows, node.sequence.map(Array.init) ?? [node]) where Slug(name) == nil {
                throw WorkflowError.wrongType(
                    reader.location(item), key: "workflows",
                    expected: "names of files in workflows/ without '.yml' ('\(name)' is not one)")
            }
        }
        hookEnvironment = try top["hook_env"].map { try reader.strings($0, key: "hook_env") } ?? []
        hookTimeout = try top["hook_timeout"].map { try reader.seconds($0, key: "hook_timeout") } ?? 60
        deploy = DeploySettings()
        if let node = top["deploy"] {
            let settings = try reader.mapping(node, key: "deploy", allowed: ["folder", "branch", "run"])
            deploy.folder = try settings["folder"].map { try reader.string($0, key: "deploy.folder") }
            deploy.run = try settings["run"].map { try reader.string($0, key: "deploy.run") }
            if let branchNode = settings["branch"] {
                let branch = try reader.string(branchNode, key: "deploy.branch")
                guard Workflow.isBranchName(branch) else {
                    throw WorkflowError.wrongType(
                        reader.location(branchNode), key: "deploy.branch",
                        expected: "a branch name such as gh-pages ('\(branch)' is not one)")
                }
                deploy.branch = branch
            }
        }
        admin = Workflow.defaultAdmin
        if let node = top["admin"] {
            admin = try reader.strings(node, key: "admin")
            for (role, item) in zip(admin, node.sequence.map(Array.init) ?? [node]) where roles[role] == nil {
                throw WorkflowError.unknownRole(reader.location(item), role: role)
            }
        }

        guard let transitionsNode = top["transitions"] else {
            throw WorkflowError.missingKey(reader.location(root), key: "transitions")
        }
        let roleNames = Set(roles.keys).union(Workflow.builtInRoles)
        var edits: [String: [String]] = [:]
        if let editsNode = top["edits"] {
            for (state, value) in try reader.pairs(editsNode, key: "edits") {
                guard knownStates.contains(state) else {
                    throw WorkflowError.unknownState(reader.location(editsNode), state: state)
                }
                let names = try reader.strings(value, key: "edits.\(state)")
                for (role, node) in zip(names, value.sequence.map(Array.init) ?? [value])
                where !roleNames.contains(role) {
                    throw WorkflowError.unknownRole(reader.location(node), role: role)
                }
                edits[state] = names
            }
        }
        self.edits = edits
        var keys: [String: [[UInt8]]] = [:]
        if let keysNode = top["keys"] {
            for (email, value) in try reader.pairs(keysNode, key: "keys") {
                let lines = try reader.strings(value, key: "keys.\(email)")
                for (line, node) in zip(lines, value.sequence.map(Array.init) ?? [value]) {
                    guard let blob = SSHSignature.publicBlob(ofLine: line) else {
                        throw WorkflowError.wrongType(
                            reader.location(node), key: "keys.\(email)",
                            expected: "an SSH public key line ('ssh-ed25519 AAAA… comment')")
                    }
                    keys[email.lowercased(), default: []].append(blob)
                }
            }
        }
        self.keys = keys
        var authors: [String: Person] = [:]
        if let authorsNode = top["authors"] {
            for (name, value) in try reader.pairs(authorsNode, key: "authors") {
                let text = try reader.string(value, key: "authors.\(name)")
                // A name alone: someone whose email nobody knows (an imported blog's past
                // writers). Their posts show the name; no one acts as their author.
                let person =
                    Person(parsing: text)
                    ?? (text.contains("@") && !text.contains(" ") ? Person(name: name, email: text) : nil)
                    ?? (!text.contains("@") && !text.contains("<") && !text.contains(">")
                        ? Person(name: text, email: "") : nil)
                guard let person else {
                    throw WorkflowError.wrongType(
                        reader.location(value), key: "authors.\(name)",
                        expected: "\"Name <email>\", an email, or a name alone")
                }
                authors[name] = person
            }
        }
        self.authors = authors
        signaturesRequired = false
        if let node = top["signatures"] {
            switch try reader.string(node, key: "signatures") {
            case "required": signaturesRequired = true
            case "optional": signaturesRequired = false
            default:
                throw WorkflowError.wrongType(
                    reader.location(node), key: "signatures", expected: "'required' or 'optional'")
            }
        }
        var rules: [TransitionRule] = []
        for (name, value) in try reader.pairs(transitionsNode, key: "transitions") {
            let key = "transitions.\(name)"
            let fields = try reader.mapping(value, key: key, allowed: Workflow.transitionKeys)
            guard let toNode = fields["to"] else {
                throw WorkflowError.missingKey(reader.location(value), key: "\(key).to")
            }
            guard let fromNode = fields["from"] else {
                throw WorkflowError.missingKey(reader.location(value), key: "\(key).from")
            }
            guard let byNode = fields["by"] else {
                throw WorkflowError.missingKey(reader.location(value), key: "\(key).by")
            }
            let to = try reader.string(toNode, key: "\(key).to")
            try checkState(to, toNode)
            let from = try reader.strings(fromNode, key: "\(key).from")
            for (state, node) in zip(from, fromNode.sequence.map(Array.init) ?? [fromNode]) {
                try checkState(state, node)
            }
            let by = try reader.strings(byNode, key: "\(key).by")
            for (role, node) in zip(by, byNode.sequence.map(Array.init) ?? [byNode]) where !roleNames.contains(role) {
                throw WorkflowError.unknownRole(reader.location(node), role: role)
            }
            rules.append(
                TransitionRule(
                    name: name, from: from, to: to, by: by,
                    notAuthor: try fields["not_author"].map { try reader.bool($0, key: "\(key).not_author") } ?? false,
                    comment: try fields["comment"].map { try reader.requirement($0, key: "\(key).comment") }
                        ?? .optional,
                    approvals: try fields["approvals"].map { try reader.count($0, key: "\(key).approvals") } ?? 0,
                    recordsApproval: try fields["approve"].map { try reader.bool($0, key: "\(key).approve") }
                        ?? (name == "approve"),
                    at: try fields["at"].map { try reader.requirement($0, key: "\(key).at") }
                        ?? (name == "schedule" ? .required : .none),
                    clears: try fields["clears"].map { try reader.strings($0, key: "\(key).clears") } ?? [],
                    gateLevel: try fields["gate"].map { node in
                        guard let level = GateLevel(rawValue: try reader.string(node, key: "\(key).gate")) else {
                            throw WorkflowError.wrongType(
                                reader.location(node), key: "\(key).gate", expected: "'none', 'internal' or 'full'")
                        }
                        return level
                    }))
        }
        transitions = Workflow.withDerivedClears(rules, states: states, folders: folders)
    }

    /// Keys a transition clears without being told: leaving for the first state drops the
    /// approvals; a state no timed transition leads to drops `publish_at`; a state outside
    /// `published/` drops `published_at`.
    private static func withDerivedClears(_ rules: [TransitionRule], states: [String], folders: [String: String])
        -> [TransitionRule]
    {
        let timedStates = Set(rules.filter { $0.at != .none }.map(\.to))
        return rules.map { rule in
            var rule = rule
            var clears: [String] = []
            if rule.to == states.first { clears.append("approvals") }
            let published = folders[rule.to] == publishedFolder
            if !timedStates.contains(rule.to) && !published { clears.append("publish_at") }
            if !published { clears.append("published_at") }
            for key in clears where !rule.clears.contains(key) { rule.clears.append(key) }
            return rule
        }
    }
}

/// Reads typed values out of YAML nodes, turning every mismatch into a `WorkflowError` at the node.
struct NodeReader {
    let path: String

    func location(_ node: Node) -> SourceLocation {
        SourceLocation(path: path, line: node.mark?.line ?? 1, column: node.mark?.column ?? 1)
    }

    func translate(_ error: YamlError) -> WorkflowError {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
            .composer(_, let problem, let mark, _):
            return .malformedYAML(SourceLocation(path: path, line: mark.line, column: mark.column), problem: problem)
        case .duplicatedKeysInMapping(let duplicates, let context):
            return .malformedYAML(
                SourceLocation(path: path, line: context.mark.line, column: context.mark.column),
                problem: "duplicate key '\(duplicates.first ?? "?")'")
        default:
            return .malformedYAML(SourceLocation(path: path), problem: "\(error)")
        }
    }

    func pairs(_ node: Node, key: String) throws -> [(String, Node)] {
        guard let mapping = node.mapping else {
            throw WorkflowError.wrongType(location(node), key: key, expected: "a mapping")
        }
        return try mapping.map { name, value in
            guard let text = name.string else {
                throw WorkflowError.wrongType(location(name), key: key, expected: "a mapping with plain keys")
            }
            return (text, value)
        }
    }

    func mapping(_ node: Node, key: String, allowed: [String]) throws -> [String: Node] {
        var result: [String: Node] = [:]
        guard let mapping = node.mapping else {
            throw WorkflowError.wrongType(location(node), key: key, expected: "a mapping")
        }
        for (name, value) in mapping {
            guard let text = name.string, allowed.contains(text) else {
                throw WorkflowError.unknownKey(location(name), key: name.string ?? "?", allowed: allowed)
            }
            result[text] = value
        }
        return result
    }

    func string(_ node: Node, key: String) throws -> String {
        guard case .scalar(let scalar) = node, !scalar.string.isEmpty else {
            throw WorkflowError.wrongType(location(node), key: key, expected: "a single value")
        }
        return scalar.string
    }

    func strings(_ node: Node, key: String) throws -> [String] {
        if case .scalar = node { return [try string(node, key: key)] }
        guard let sequence = node.sequence else {
            throw WorkflowError.wrongType(location(node), key: key, expected: "a list")
        }
        return try sequence.map { try string($0, key: key) }
    }

    func bool(_ node: Node, key: String) throws -> Bool {
        let words = [
            "true": true, "True": true, "TRUE": true, "yes": true, "false": false, "False": false, "FALSE": false,
            "no": false,
        ]
        guard let text = node.scalar?.string, let value = words[text] else {
            throw WorkflowError.wrongType(location(node), key: key, expected: "true or false")
        }
        return value
    }

    func count(_ node: Node, key: String) throws -> Int {
        guard let text = node.scalar?.string, let value = Int(text), value >= 0 else {
            throw WorkflowError.wrongType(location(node), key: key, expected: "a whole number")
        }
        return value
    }

    /// Seconds: a number, or a number with s, m, h or d.
    func seconds(_ node: Node, key: String) throws -> Double {
        let text = try string(node, key: key)
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86_400]
        if let unit = text.last.flatMap({ units[$0] }), let value = Double(text.dropLast()), value >= 0 {
            return value * unit
        }
        guard let value = Double(text), value >= 0 else {
            throw WorkflowError.wrongType(location(node), key: key, expected: "seconds, or a number with s, m, h or d")
        }
        return value
    }

    func requirement(_ node: Node, key: String) throws -> Requirement {
        guard let value = Requirement(rawValue: try string(node, key: key)) else {
            throw WorkflowError.wrongType(location(node), key: key, expected: "'required', 'optional' or 'none'")
        }
        return value
    }
}
