/// What checking one external URL found.
public enum ExternalResult: Equatable, Sendable {
    case ok
    /// Reached through permanent redirects: the link works, but should point to `to`.
    case movedPermanently(to: String)
    case excluded
    /// An HTTP status that is not success (after retries).
    case status(Int)
    case tooManyRedirects
    case redirectLoop
    case timedOut
    case failed(String)

    /// The diagnostic a use of `url` gets: nil for success.
    func finding(for url: String) -> (Diagnostic.Severity, String)? {
        switch self {
        case .ok, .excluded: return nil
        case .movedPermanently(let to): return (.warning, "\(url) has moved permanently to \(to)")
        case .status(let code): return (.error, "\(url) answered HTTP \(code)")
        case .tooManyRedirects: return (.error, "\(url) redirects more than 10 times")
        case .redirectLoop: return (.error, "\(url) redirects in a loop")
        case .timedOut: return (.error, "\(url) did not answer in time")
        case .failed(let reason): return (.error, "\(url) cannot be reached: \(reason)")
        }
    }
}

/// Checks external URLs; `press validate --external` and the schedule and publish gates use one
/// built on AsyncHTTPClient.
public protocol ExternalChecking: Sendable {
    /// Checks each URL once and returns what each gave.
    func check(_ urls: [String], policy: LinkPolicy) async -> [String: ExternalResult]
}
