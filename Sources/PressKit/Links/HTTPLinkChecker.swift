import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Checks external links over HTTP with AsyncHTTPClient: HEAD (GET when a server refuses HEAD),
/// redirects followed by hand (at most 10, loops caught), retries with backoff on 429 and 5xx
/// honouring `Retry-After`, a global and a per-host limit on requests in flight, and
/// successes remembered in a cache file for the policy's time to live.
public final class HTTPLinkChecker: ExternalChecking {
    private let cache: LinkCache?
    private let progress: (@Sendable (Int, Int) -> Void)?
    private let now: @Sendable () -> Date
    private let resolver: (@Sendable (String) -> HostResolution)?

    /// - Parameters:
    ///   - cacheDirectory: where successes are remembered (`.press/cache`); nil for no cache.
    ///   - progress: called with (done, total) as URLs finish.
    public convenience init(
        cacheDirectory: String?, progress: (@Sendable (Int, Int) -> Void)? = nil,
        now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.init(cacheDirectory: cacheDirectory, progress: progress, now: now, resolver: nil)
    }

    /// A checker whose host names are looked up by `resolver` (tests: a name service that
    /// fails); nil looks them up with getaddrinfo.
    package init(
        cacheDirectory: String?, progress: (@Sendable (Int, Int) -> Void)? = nil,
        now: @escaping @Sendable () -> Date = Date.init, resolver: (@Sendable (String) -> HostResolution)?
    ) {
        cache = cacheDirectory.flatMap { LinkCache.isPlainDirectoryPath($0) ? LinkCache(directory: $0) : nil }
        self.progress = progress
        self.now = now
        self.resolver = resolver
    }

    public func check(_ urls: [String], policy: LinkPolicy) async -> [String: ExternalResult] {
        let unique = Array(Set(urls)).sorted()
        let started = now()
        var results: [String: ExternalResult] = [:]
        let fresh = cache?.fresh(at: started, ttl: policy.cacheTTL) ?? []
        let exclusions = policy.exclude.compactMap { try? Pattern($0) }
        var pending: [String] = []
        for url in unique {
            if fresh.contains(url) {
                results[url] = .ok
            } else if exclusions.contains(where: { $0.matches(url) }) {
                results[url] = .excluded
            } else {
                pending.append(url)
            }
        }
        guard !pending.isEmpty else { return results }

        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        configuration.timeout = .init(
            connect: .milliseconds(Int64(policy.timeout * 1000)), read: .milliseconds(Int64(policy.timeout * 1000)))
        configuration.connectionPool = .init(
            idleTimeout: .seconds(30), concurrentHTTP1ConnectionsPerHostSoftLimit: policy.perHost)
        configuration.decompression = .disabled
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let slots = Slots(global: policy.concurrency, perHost: policy.perHost)
        let addresses = AddressCheck(rule: policy.privateAddresses, resolver: resolver)
        let total = pending.count
        let progress = self.progress

        let checked = await withTaskGroup(of: (String, ExternalResult).self) { group in
            for url in pending {
                group.addTask {
                    let host = URLComponents(string: url)?.host?.lowercased() ?? url
                    await slots.acquire(host)
                    let result = await Probe(client: client, policy: policy, addresses: addresses).run(url)
                    await slots.release(host)
                    return (url, result)
                }
            }
            var collected: [String: ExternalResult] = [:]
            for await (url, result) in group {
                collected[url] = result
                progress?(collected.count, total)
            }
            return collected
        }
        try? await client.shutdown()
        results.merge(checked) { $1 }
        cache?.record(checked.filter { $0.value == .ok }.map(\.key), at: now())
        return results
    }
}

/// Checking one URL: the redirect chain, the HEAD-then-GET fallback and the retries.
struct Probe {
    let client: HTTPClient
    let policy: LinkPolicy
    let addresses: AddressCheck
    static let maxRedirects = 10

    func run(_ url: String) async -> ExternalResult {
        var current = url
        var visited: Set<String> = [url]
        var allPermanent = true
        for _ in 0...Probe.maxRedirects {
            if let refusal = await addresses.refusal(for: current) { return .failed(refusal) }
            let answer: Answer
            do {
                answer = try await request(current)
            } catch let error as HTTPClientError
                where error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout
            {
                return .timedOut
            } catch {
                return .failed(Probe.describe(error))
            }
            switch answer.status {
            case 301, 302, 303, 307, 308:
                guard let location = answer.location,
                    let next = URL(string: location, relativeTo: URL(string: current))?.absoluteString
                else {
                    return .failed("a redirect (\(answer.status)) without a usable Location")
                }
                // Only the web: a redirect to http+unix://, file: or any other scheme is not followed.
                guard let scheme = URL(string: next)?.scheme?.lowercased(), scheme == "http" || scheme == "https" else {
                    return .failed(
                        "a redirect (\(answer.status)) to '\(next)', which is not an http(s) URL; not followed")
                }
                if answer.status != 301 && answer.status != 308 { allPermanent = false }
                guard visited.insert(next).inserted else { return .redirectLoop }
                current = next
            default:
                guard (200..<300).contains(answer.status) || policy.accept.contains(answer.status) else {
                    return .status(answer.status)
                }
                return current != url && allPermanent ? .movedPermanently(to: current) : .ok
            }
        }
        return .tooManyRedirects
    }

    struct Answer {
        var status: Int
        var location: String?
        var retryAfter: Double?
    }

    /// One hop: HEAD, or GET when HEAD is refused (405, 403, 501); retried on 429 and 5xx.
    private func request(_ url: String) async throws -> Answer {
        var attempt = 0
        while true {
            var answer = try await send(url, method: .HEAD)
            if [405, 403, 501].contains(answer.status) { answer = try await send(url, method: .GET) }
            let retryable =
                (answer.status == 429 || (500..<600).contains(answer.status)) && !policy.accept.contains(answer.status)
            guard retryable, attempt < policy.retries else { return answer }
            let backoff = answer.retryAfter ?? 0.25 * pow(2, Double(attempt))
            try await Task.sleep(nanoseconds: UInt64(min(backoff, 30) * 1_000_000_000))
            attempt += 1
        }
    }

    private func send(_ url: String, method: HTTPMethod) async throws -> Answer {
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers.add(name: "User-Agent", value: "press-link-checker")
        let response = try await client.execute(request, timeout: .milliseconds(Int64(policy.timeout * 1000)))
        // The status is all that counts: the body is not read, and the connection goes with it.
        let answer = Answer(
            status: Int(response.status.code), location: response.headers.first(name: "Location"),
            retryAfter: response.headers.first(name: "Retry-After").flatMap(Double.init))
        return answer
    }

    static func describe(_ error: Error) -> String {
        let text = String(describing: error)
        if text.contains("connectionRefused") || text.contains("Connection refused") { return "connection refused" }
        return text
    }
}

/// A global and a per-host limit on requests in flight, handed out in arrival order.
actor Slots {
    private let global: Int
    private let perHost: Int
    private var inFlight = 0
    private var byHost: [String: Int] = [:]
    private var waiting: [(host: String, continuation: CheckedContinuation<Void, Never>)] = []

    init(global: Int, perHost: Int) {
        self.global = global
        self.perHost = perHost
    }

    func acquire(_ host: String) async {
        if canStart(host) {
            start(host)
            return
        }
        await withCheckedContinuation { waiting.append((host, $0)) }
    }

    func release(_ host: String) {
        inFlight -= 1
        byHost[host, default: 1] -= 1
        var index = 0
        while index < waiting.count, inFlight < global {
            let candidate = waiting[index]
            if canStart(candidate.host) {
                start(candidate.host)
                waiting.remove(at: index)
                candidate.continuation.resume()
            } else {
                index += 1
            }
        }
    }

    private func canStart(_ host: String) -> Bool { inFlight < global && byHost[host, default: 0] < perHost }

    private func start(_ host: String) {
        inFlight += 1
        byHost[host, default: 0] += 1
    }
}

/// Successful URLs and when they were checked, in `.press/cache/links.json`.
struct LinkCache {
    let directory: String
    var file: String { directory + "/links.json" }

    /// Whether neither the cache folder nor its parent (`.press`) is a symbolic link: a committed
    /// `.press` link must not make press write outside the repository.
    static func isPlainDirectoryPath(_ path: String) -> Bool {
        let parent = path.parentFolder
        return [parent, path].allSatisfy { part in
            var info = stat()
            return lstat(part, &info) != 0 || info.st_mode & S_IFMT != S_IFLNK
        }
    }

    func fresh(at now: Date, ttl: Double) -> Set<String> {
        guard let data = FileManager.default.contents(atPath: file),
            let entries = try? JSONDecoder().decode([String: Double].self, from: data)
        else { return [] }
        // An entry from the future (a clock set back, or a hand-made file) proves nothing.
        return Set(
            entries.filter { now.timeIntervalSince1970 - $0.value < ttl && $0.value <= now.timeIntervalSince1970 + 60 }
                .keys)
    }

    func record(_ urls: [String], at now: Date) {
        guard !urls.isEmpty else { return }
        var entries =
            (FileManager.default.contents(atPath: file)).flatMap {
                try? JSONDecoder().decode([String: Double].self, from: $0)
            } ?? [:]
        for url in urls { entries[url] = now.timeIntervalSince1970 }
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        guard let data = try? JSONEncoder().encode(entries) else { return }
        // Written whole to a temporary file and renamed, so a reader never sees half of it.
        let temporary = file + ".\(getpid()).tmp"
        if FileManager.default.createFile(atPath: temporary, contents: data) { rename(temporary, file) }
    }
}
