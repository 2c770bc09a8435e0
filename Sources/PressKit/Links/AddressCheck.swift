import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// What looking up a host name gave.
package enum HostResolution: Sendable, Equatable {
    case addresses([String])
    /// The name does not exist (or has no address): asking again will not change that.
    case noSuchName(String)
    /// The name service failed, perhaps for a moment.
    case failed(String)
}

/// Which addresses press may send a request to, for links and webhooks alike. Link-local
/// addresses (169.254.0.0/16, fe80::/10: where clouds serve instance metadata and credentials)
/// are always refused; with `links.private: deny`, so are loopback, private and shared ranges.
///
/// The host's name is looked up here, once, before any request: a name that does not exist fails
/// at once (an HTTP client would try it again and again until its connect timeout), and a
/// temporary failure of the name service is tried once more.
struct AddressCheck: Sendable {
    var rule: LinkPolicy.AddressRule
    /// How host names are looked up; `AddressCheck.resolve` but in tests.
    var resolver: @Sendable (String) -> HostResolution = AddressCheck.resolve

    init(rule: LinkPolicy.AddressRule, resolver: (@Sendable (String) -> HostResolution)? = nil) {
        self.rule = rule
        if let resolver { self.resolver = resolver }
    }

    /// Why `url` may not be requested, or nil: its host's name does not resolve, or it resolves
    /// to an address in a refused range. The name is looked up on a thread of NIO's pool, never
    /// on a task's.
    func refusal(for url: String) async -> String? {
        guard let host = URLComponents(string: url)?.host, !host.isEmpty else { return nil }
        let name = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        let resolver = self.resolver
        var resolution = HostResolution.failed("the lookup could not start")
        for attempt in 0..<2 {
            resolution =
                (try? await blocking { resolver(name) })
                ?? .failed("the lookup could not start")
            guard case .failed = resolution, attempt == 0 else { break }
        }
        let addresses: [String]
        switch resolution {
        case .addresses(let found): addresses = found
        case .noSuchName(let reason): return "DNS: no host named \(host) (\(reason))"
        case .failed(let reason): return "DNS: \(host) could not be looked up, twice (\(reason))"
        }
        for address in addresses {
            if let range = refusedRange(address) {
                return "refused: \(host) is \(address), \(range); press does not send requests there"
            }
        }
        return nil
    }

    /// The kind of range `address` is in, when requests there are refused.
    func refusedRange(_ text: String) -> String? {
        let address = String(text.split(separator: "%", maxSplits: 1).first ?? "")
        if let v4 = AddressCheck.ipv4(address) { return refusedRange(v4: v4) }
        var raw = in6_addr()
        guard inet_pton(AF_INET6, address, &raw) == 1 else { return nil }
        let bytes = withUnsafeBytes(of: raw) { Array($0) }
        if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xFF && bytes[11] == 0xFF {
            return refusedRange(v4: bytes[12..<16].reduce(0) { $0 << 8 | UInt32($1) })
        }
        if bytes[0] == 0xFE && bytes[1] & 0xC0 == 0x80 {
            return "a link-local address (where clouds serve instance metadata)"
        }
        guard rule == .deny else { return nil }
        if bytes.dropLast().allSatisfy({ $0 == 0 }) && (bytes[15] == 1 || bytes[15] == 0) {
            return "a loopback address (links.private: deny)"
        }
        if bytes[0] & 0xFE == 0xFC { return "a private address (links.private: deny)" }
        return nil
    }

    private func refusedRange(v4: UInt32) -> String? {
        func within(_ base: UInt32, _ bits: UInt32) -> Bool { v4 >> (32 - bits) == base >> (32 - bits) }
        if within(0xA9FE_0000, 16) { return "a link-local address (where clouds serve instance metadata)" }
        guard rule == .deny else { return nil }
        if within(0x7F00_0000, 8) || within(0, 8) { return "a loopback address (links.private: deny)" }
        if within(0x0A00_0000, 8) || within(0xAC10_0000, 12) || within(0xC0A8_0000, 16) || within(0x6440_0000, 10) {
            return "a private address (links.private: deny)"
        }
        return nil
    }

    static func ipv4(_ text: String) -> UInt32? {
        var raw = in_addr()
        guard inet_pton(AF_INET, text, &raw) == 1 else { return nil }
        return UInt32(bigEndian: raw.s_addr)
    }

    /// Every address `host` resolves to, as text, or why there is none.
    @Sendable static func resolve(_ host: String) -> HostResolution {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, nil, &hints, &list)
        guard status == 0 else {
            let reason = String(cString: gai_strerror(status))
            return status == EAI_NONAME || status == -5 /* EAI_NODATA, glibc's */ || status == EAI_FAIL
                ? .noSuchName(reason) : .failed(reason)
        }
        defer { freeaddrinfo(list) }
        var result: [String] = []
        var entry = list
        while let current = entry {
            var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            if getnameinfo(
                current.pointee.ai_addr, current.pointee.ai_addrlen, &buffer, socklen_t(buffer.count), nil, 0,
                NI_NUMERICHOST) == 0
            {
                let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
                result.append(String(decoding: bytes, as: UTF8.self))
            }
            entry = current.pointee.ai_next
        }
        return .addresses(result)
    }
}
