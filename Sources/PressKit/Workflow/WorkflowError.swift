/// Why a workflow file was refused. Every case is a configuration error (exit 2).
public enum WorkflowError: PressError, Equatable {
    case missing(path: String)
    case unreadable(SourceLocation, reason: String)
    case malformedYAML(SourceLocation, problem: String)
    case unknownKey(SourceLocation, key: String, allowed: [String])
    case missingKey(SourceLocation, key: String)
    case wrongType(SourceLocation, key: String, expected: String)
    case unknownState(SourceLocation, state: String)
    case unknownRole(SourceLocation, role: String)
    case unknownTimeZone(SourceLocation, name: String)
    case unknownWorkflow(SourceLocation, name: String, allowed: [String], listedIn: String)
    case notCommitted(path: String)

    public var location: SourceLocation? {
        switch self {
        case .missing(let path), .notCommitted(let path): return SourceLocation(path: path)
        case .unreadable(let location, _), .malformedYAML(let location, _), .unknownKey(let location, _, _),
            .missingKey(let location, _), .wrongType(let location, _, _), .unknownState(let location, _),
            .unknownRole(let location, _), .unknownTimeZone(let location, _), .unknownWorkflow(let location, _, _, _):
            return location
        }
    }

    public var isConfigurationError: Bool { true }

    public var description: String {
        switch self {
        case .missing(let path): return "no workflow file at \(path); run 'press init' to create one"
        case .unreadable(_, let reason): return "the workflow cannot be read: \(reason)"
        case .malformedYAML(_, let problem): return "malformed YAML in the workflow: \(problem)"
        case .unknownKey(_, let key, let allowed):
            return "unknown key '\(key)'; expected one of: \(allowed.joined(separator: ", "))"
        case .missingKey(_, let key): return "the workflow needs the key '\(key)'"
        case .wrongType(_, let key, let expected): return "'\(key)' must be \(expected)"
        case .unknownState(_, let state): return "unknown state '\(state)': it is not listed in 'states'"
        case .unknownRole(_, let role):
            return "unknown role '\(role)': it is not in 'roles' and not built in (author, scheduler)"
        case .unknownTimeZone(_, let name): return "unknown time zone '\(name)'"
        case .unknownWorkflow(_, let name, let allowed, let listedIn):
            let list = allowed.isEmpty ? "it lists none" : "it lists \(allowed.joined(separator: ", "))"
            return "the post names workflow '\(name)', which \(listedIn) does not allow under 'workflows:' (\(list))"
        case .notCommitted(let path):
            return "\(path) is not committed: press takes its rules from the committed workflows only; commit it first"
        }
    }
}
