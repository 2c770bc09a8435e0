import Foundation

/// The metadata rules: keys, types, values and lengths from the workflow, slugs, and the
/// agreement of `status`, folder and times.
struct MetadataCheck {
    let workflow: Workflow
    let states: Set<String>

    init(workflow: Workflow) {
        self.workflow = workflow
        states = Set(workflow.states)
    }

    func check(_ post: Post) -> [Diagnostic] {
        var found: [Diagnostic] = []
        func report(_ key: String?, _ severity: Diagnostic.Severity, _ rule: String, _ message: String) {
            let location = key.map(post.location(of:)) ?? SourceLocation(path: post.path)
            found.append(Diagnostic(location, severity, rule, message))
        }
        let fm = post.frontMatter

        // Keys: known, typed, within their values and lengths.
        for entry in fm.entries {
            guard let rule = workflow.fields[entry.key] else {
                report(
                    entry.key, .warning, "unknown-key",
                    "unknown key '\(entry.key)'; declare it under 'fields:' in \(workflow.path) if it is meant")
                continue
            }
            // An author by name alone is the workflow's authors:' to name (checked below).
            if entry.key == "author", MetadataCheck.namedAlone(entry.value) { continue }
            if let (name, problem) = MetadataCheck.problem(entry.value, rule) {
                // Say where a vocabulary is set, so the fix (the post, or the list) is one step away.
                let source =
                    name == "values" ? " (the values are set under 'fields: \(entry.key)' in \(workflow.path))" : ""
                report(entry.key, .error, name, "'\(entry.key)' \(problem)\(source)")
            }
        }

        // An author named without an email must be one the workflow's authors: knows.
        for key in ["author", "authors"] {
            guard let value = fm.entry(key)?.value else { continue }
            for node in value.items ?? [value] where workflow.person(node) == nil && MetadataCheck.namedAlone(node) {
                let name = node.string ?? node["name"]?.string ?? ""
                report(
                    key, .error, "author-email",
                    "'\(key)' \(name.isEmpty ? "has" : "'\(name)' has") no email: write \"Name <email>\", or list \(name.isEmpty ? "the name" : "'\(name)'") under 'authors:' in \(workflow.path)"
                )
            }
        }

        // Status: a state of the workflow, in the folder that state lives in.
        let state = post.status
        if let state {
            if !states.contains(state) {
                report(
                    "status", .error, "status",
                    "'\(state)' is not a state of the workflow '\(workflow.name)' (\(workflow.states.joined(separator: ", ")))"
                )
            } else if workflow.folder(of: state) != post.folder {
                report(
                    "status", .error, "status-folder",
                    "a post in '\(state)' belongs in \(workflow.folder(of: state))/, but this one is in \(post.folder)/"
                )
            }
            let missing = workflow.missingKeys(in: state, of: fm)
            for key in missing {
                report(nil, .error, "required", "a post in '\(state)' needs '\(key)'")
            }
            if workflow.folder(of: state) == Workflow.publishedFolder && post.publishedAt == nil {
                report(
                    fm.entry("published_at") == nil ? "status" : "published_at", .error, "published-at",
                    "a published post needs 'published_at'")
            }
        } else {
            report(nil, .error, "required", "the post has no 'status'")
        }

        // Workflow: the default, or one the default workflow lets posts name.
        if let name = post.workflowName, name != Workflow.defaultName, !workflow.workflows.contains(name) {
            let allowed =
                workflow.workflows.isEmpty ? "it lists none" : "it lists \(workflow.workflows.joined(separator: ", "))"
            report(
                "workflow", .error, "workflow",
                "the post names workflow '\(name)', which \(workflow.path) does not allow under 'workflows:' (\(allowed))"
            )
        }

        // Slug: of the slug form, and the file's name.
        if let slug = post.slug {
            if let problem = Slug.problem(with: slug) {
                report("slug", .error, "slug-format", "'\(slug)': \(problem)")
            } else if slug != post.fileSlug {
                report(
                    "slug", .error, "slug-filename",
                    "the slug '\(slug)' is not the file's name ('\(post.path.split(separator: "/").last ?? "")')"
                )
            }
        }
        return found
    }

    /// Whether a person is named without an email (a name, or a mapping with only a name),
    /// which only the workflow's `authors:` can resolve.
    static func namedAlone(_ node: YAMLNode) -> Bool {
        if node.pairs != nil { return node["email"] == nil && node["name"]?.string != nil }
        guard let text = node.string else { return false }
        return Person(parsing: text) == nil && !text.contains("@")
    }

    /// The rule a value breaks (`type`, `values` or `max-length`) and why, or nil.
    static func problem(_ value: YAMLNode, _ rule: FieldRule) -> (String, String)? {
        if value.isNull { return nil }
        switch rule.kind {
        case .string, .datetime, .email, .url:
            guard let text = value.string else { return ("type", "must be a single value, not a list or mapping") }
            if let problem = controlCharacterProblem(text) { return ("control-character", problem) }
            if let max = rule.maxLength, text.utf8.count > max, text.count > max {
                return ("max-length", "is \(text.count) characters long; the most is \(max)")
            }
            if !rule.values.isEmpty && !rule.values.contains(text) {
                return ("values", "is '\(text)', which is not one of: \(rule.values.joined(separator: ", "))")
            }
            switch rule.kind {
            case .datetime: return datetimeProblem(text).map { ("type", $0) }
            case .email: return isEmail(text) ? nil : ("type", "is not an email address: '\(text)'")
            case .url: return isURL(text) ? nil : ("type", "is not an http(s) URL: '\(text)'")
            default: return nil
            }
        case .list:
            let items = value.items ?? (value.isScalar ? [value] : nil)
            guard let items else { return ("type", "must be a list of strings") }
            var outside: [String] = []
            for item in items {
                guard let text = item.string else { return ("type", "must be a list of strings") }
                if let problem = controlCharacterProblem(text) { return ("control-character", problem) }
                if !rule.values.isEmpty && !rule.values.contains(text) && !outside.contains(text) {
                    outside.append(text)
                }
                if let max = rule.maxLength, text.utf8.count > max, text.count > max {
                    return ("max-length", "has an item longer than \(max) characters")
                }
            }
            // Every value outside the vocabulary, not only the first.
            guard !outside.isEmpty else { return nil }
            let named = outside.map { "'\($0)'" }.joined(separator: ", ")
            let verb = outside.count == 1 ? "which is not one of" : "which are not among"
            return ("values", "has \(named), \(verb): \(rule.values.joined(separator: ", "))")
        case .person:
            if let pairs = value.pairs {
                guard let email = value["email"]?.string else { return ("type", "needs an 'email'") }
                if let unknown = pairs.first(where: { !["name", "email"].contains($0.key) }) {
                    return ("type", "has an unknown key '\(unknown.key)'")
                }
                return isEmail(email) ? nil : ("type", "has an email that is not one: '\(email)'")
            }
            guard let text = value.string, let person = Person(parsing: text), isEmail(person.email) else {
                return ("type", "must be a mapping with 'name' and 'email', or \"Name <email>\"")
            }
            return nil
        case .any:
            return nil
        case .people:
            let items = value.items ?? (value.isScalar ? [value] : nil)
            guard let items else { return ("type", "must be a list of people") }
            // A name alone is for the workflow's authors: to resolve (checked with the workflow).
            for item in items where !namedAlone(item) {
                if let problem = problem(item, FieldRule(kind: .person)) {
                    return (
                        problem.0,
                        "has an item that \(problem.1.hasPrefix("must") ? problem.1 : "is wrong: it " + problem.1)"
                    )
                }
            }
            return nil
        case .approvals:
            guard let items = value.items else { return ("type", "must be a list of approvals (name, email, at)") }
            for item in items {
                guard let email = item["email"]?.string, isEmail(email) else {
                    return ("type", "has an approval without a valid 'email'")
                }
                if let at = item["at"]?.string, let problem = datetimeProblem(at) {
                    return ("type", "has an approval whose 'at' \(problem)")
                }
            }
            return nil
        }
    }

    /// A control character (other than tab and newline) in a value: invisible, and cut off or
    /// misread by the tools posts go on to (a NUL ends a C string).
    static func controlCharacterProblem(_ text: String) -> String? {
        guard
            let scalar = text.unicodeScalars.first(where: {
                ($0.value < 0x20 && $0 != "\t" && $0 != "\n") || $0.value == 0x7F
            })
        else {
            return nil
        }
        return "contains the control character U+\(String(format: "%04X", scalar.value)); remove it"
    }

    static func datetimeProblem(_ text: String) -> String? {
        do {
            _ = try PressTime.parse(text, zone: utc)
        } catch {
            return "is not a date-time: '\(text)'"
        }
        // The date part is ten characters (YYYY-MM-DD); an offset is a Z, + or - after it.
        let time = text.utf8.dropFirst(10)
        guard
            time.contains(where: {
                $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "Z") || $0 == UInt8(ascii: "z")
            })
        else {
            return "has no offset: '\(text)' (write it as 2027-01-01T09:00:00+00:00)"
        }
        return nil
    }

    private static let utc = TimeZone(identifier: "UTC") ?? .current

    static func isEmail(_ text: String) -> Bool {
        let bytes = text.utf8
        guard let at = bytes.firstIndex(of: UInt8(ascii: "@")) else { return false }
        let local = bytes[..<at]
        let domain = bytes[bytes.index(after: at)...]
        guard !local.isEmpty, !domain.contains(UInt8(ascii: "@")), domain.contains(UInt8(ascii: ".")),
            domain.first != UInt8(ascii: "."), domain.last != UInt8(ascii: ".")
        else { return false }
        // No whitespace: ASCII blanks, and (rarely present) any Unicode whitespace.
        if bytes.contains(where: { $0 == 0x20 || (0x09...0x0D).contains($0) }) { return false }
        return bytes.allSatisfy { $0 < 0x80 } || !text.contains(where: \.isWhitespace)
    }

    static func isURL(_ text: String) -> Bool {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased() else { return false }
        return (scheme == "http" || scheme == "https") && url.host?.isEmpty == false
    }
}
