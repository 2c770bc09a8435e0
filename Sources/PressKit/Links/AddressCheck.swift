import Foundation
import NIOPosix

#if canImport(Glibc)
    import Glibc
#endif

/// Which addresses press may send a request to, for links and webhooks alike. Link-local
/// addresses (169.254.0.0/16, fe80::/10: where clouds serve instance metadata and credentials)
/// are always refused; with `links.private: deny`, so are loopback, private and shared ranges.
struct AddressCheck: Sendable {
    var rule: LinkPolicy.AddressRule

    /// Why `url` may not be requested, or nil. The host's addresses are looked up on a thread
    /// of NIO's pool, never on a task's.
    func refusal(for url: String) async -> String? {
        guard let host = URLComponents(string: url)?.host, !host.isEmpty else { return nil }
        let name = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        let addresses = (try? await NIOThreadPool.singleton.runIfActive { AddressCheck.resolve(name) }) ?? []
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
        if bytes[0] == 0xFE && bytes[1] & 0xC0 == 0x80 { return "a link-local address (where clouds serve instance metadata)" }
        guard rule == .deny else { return nil }
        if bytes.dropLast().allSatisfy({ $0 == 0 }) && (bytes[15] == 1 || bytes[15] == 0) { return "a loopback address (links.private: deny)" }
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

    /// Every address `host` resolves to, as text; empty when it does not resolve (the request
    /// itself then reports that).
    static func resolve(_ host: String) -> [String] {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &list) == 0 else { return [] }
        defer { freeaddrinfo(list) }
        var result: [String] = []
        var entry = list
        while let current = entry {
            var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            if getnameinfo(current.pointee.ai_addr, current.pointee.ai_addrlen, &buffer, socklen_t(buffer.count), nil, 0, NI_NUMERICHOST) == 0 {
                result.append(String(cString: buffer))
            }
            entry = current.pointee.ai_next
        }
        return result
    }
}
