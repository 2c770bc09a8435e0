import Foundation

/// How external links are checked, from the workflow's `links:` section.
public struct LinkPolicy: Equatable, Sendable {
    /// Seconds to wait for one request.
    public var timeout: Double = 10
    public var concurrency: Int = 64
    public var perHost: Int = 4
    /// Seconds a success stays in `.press/cache/`.
    public var cacheTTL: Double = 86_400
    public var retries: Int = 3
    /// Regular expressions; a URL matching any is not checked.
    public var exclude: [String] = []
    /// Status codes that count as success besides 2xx.
    public var accept: Set<Int> = []
    /// Whether loopback and private addresses may be requested (`links.private: allow|deny`);
    /// link-local addresses (cloud metadata) never are.
    public var privateAddresses: AddressRule = .allow

    public enum AddressRule: String, Sendable {
        case allow, deny
    }

    public init() {}
}
