/// Why a transition was refused. Each names the rule of the workflow that it broke.
public enum TransitionError: PressError, Equatable {
    case unknownTransition(String, available: [String])
    case wrongState(SourceLocation, transition: String, state: String, allowed: [String])
    case unknownStatus(SourceLocation, status: String?, workflow: String)
    case notPermitted(transition: String, person: String, roles: [String])
    case authorMayNot(transition: String)
    case commentRequired(transition: String)
    case commentNotTaken(transition: String)
    case approvalsNeeded(transition: String, needed: Int, have: Int)
    case alreadyApproved(transition: String, person: String)
    case timeRequired(transition: String)
    case timeNotTaken(transition: String)
    case missingKeys(SourceLocation, state: String, keys: [String])

    public var location: SourceLocation? {
        switch self {
        case .wrongState(let location, _, _, _), .unknownStatus(let location, _, _), .missingKeys(let location, _, _):
            return location
        default: return nil
        }
    }

    public var isConfigurationError: Bool {
        switch self {
        case .unknownTransition, .timeRequired, .timeNotTaken, .commentNotTaken: return true
        default: return false
        }
    }

    public var description: String {
        switch self {
        case .unknownTransition(let name, let available):
            return "the workflow has no transition '\(name)'; it has: \(available.joined(separator: ", "))"
        case .wrongState(_, let transition, let state, let allowed):
            return
                "'\(transition)' is not allowed from the state '\(state)'; the workflow allows it from: \(allowed.joined(separator: ", "))"
        case .unknownStatus(_, let status, let workflow):
            guard let status else { return "the post has no 'status'" }
            return "the post's status '\(status)' is not a state of the workflow '\(workflow)'"
        case .notPermitted(let transition, let person, let roles):
            return
                "\(person) may not '\(transition)' this post: the workflow allows it to \(roles.joined(separator: ", "))"
        case .authorMayNot(let transition):
            return "the post's own author may not '\(transition)' it (not_author)"
        case .commentRequired(let transition):
            return "'\(transition)' needs a comment: pass --comment TEXT"
        case .commentNotTaken(let transition):
            return "'\(transition)' takes no comment"
        case .approvalsNeeded(let transition, let needed, let have):
            return
                "'\(transition)' needs \(needed) approval\(needed == 1 ? "" : "s"); history shows \(have) (an approval counts when an approve commit records it)"
        case .alreadyApproved(let transition, let person):
            return "already approved by you (\(person)); '\(transition)' records each person's approval once"
        case .timeRequired(let transition):
            return "'\(transition)' needs a time: pass --at TIME"
        case .timeNotTaken(let transition):
            return "'\(transition)' takes no time (--at)"
        case .missingKeys(_, let state, let keys):
            return "a post in '\(state)' needs \(keys.map { "'\($0)'" }.joined(separator: ", ")) in its front matter"
        }
    }
}
