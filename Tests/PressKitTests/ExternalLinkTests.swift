import Foundation
@testable import PressKit
import TestSupport
import Git
import Testing

/// External links against a server this test starts on 127.0.0.1; nothing reaches the internet.
@Suite struct ExternalLinkTests {
    static func policy(timeout: Double = 2, retries: Int = 3) -> LinkPolicy {
        var policy = LinkPolicy()
        policy.timeout = timeout
        policy.retries = retries
        return policy
    }

    func check(_ paths: [String], server: TestHTTPServer, policy: LinkPolicy = policy()) async -> [String:
        ExternalResult]
    {
        let urls = paths.map(server.url)
        let results = await HTTPLinkChecker(cacheDirectory: nil).check(urls, policy: policy)
        return Dictionary(uniqueKeysWithValues: paths.map { ($0, results[server.url($0)] ?? .failed("missing")) })
    }

    @Test func successesFailuresAndRedirectsAreToldApart() async throws {
        let server = try TestHTTPServer()
        let results = await check(
            ["/ok", "/missing", "/redirect/3", "/temporary", "/loop/a", "/redirect/11"], server: server)
        #expect(results["/ok"] == .ok)
        #expect(results["/missing"] == .status(404))
        #expect(results["/redirect/3"] == .movedPermanently(to: server.url("/redirect/0")))
        #expect(results["/temporary"] == .ok)
        #expect(results["/loop/a"] == .redirectLoop)
        #expect(results["/redirect/11"] == .tooManyRedirects)
    }

    @Test func aServerThatRefusesHeadIsAskedWithGet() async throws {
        let server = try TestHTTPServer()
        #expect(await check(["/no-head"], server: server)["/no-head"] == .ok)
        #expect(server.requests("/no-head") == ["HEAD", "GET"])
    }

    @Test func rateLimitsAreWaitedOutAsRetryAfterSays() async throws {
        let server = try TestHTTPServer()
        let started = Date()
        #expect(await check(["/rate-limited"], server: server)["/rate-limited"] == .ok)
        #expect(Date().timeIntervalSince(started) >= 1)
        #expect(server.requests("/rate-limited").count == 2)
    }

    @Test func aServerErrorIsRetried() async throws {
        let server = try TestHTTPServer()
        #expect(await check(["/flaky"], server: server)["/flaky"] == .ok)
        #expect(server.requests("/flaky").count == 2)
    }

    // Alone this takes about 1 s. A hang is caught by the time limit rather than by timing the
    // test from inside: other suites' synchronous work can hold both threads of the shared
    // concurrency pool for half a minute, which a wall-clock bound here would count.
    @Test(.timeLimit(.minutes(1))) func aServerThatNeverAnswersTimesOut() async throws {
        let server = try TestHTTPServer()
        let results = await check(["/hang", "/trickle"], server: server, policy: Self.policy(timeout: 1, retries: 0))
        #expect(results["/hang"] == .timedOut)
        // The head arrives at once; the body that never ends is not read.
        #expect(results["/trickle"] == .ok)
    }

    /// Issue 11, item 5: a name that does not exist is looked up once and fails at once; a
    /// failing name service is asked once more. The HTTP client, which would try the name again
    /// until its connect timeout (here a minute), is never reached.
    @Test(arguments: [
        (
            HostResolution.noSuchName("Name or service not known"), 1,
            "DNS: no host named missing.example (Name or service not known)"
        ),
        (
            HostResolution.failed("Temporary failure in name resolution"), 2,
            "DNS: missing.example could not be looked up, twice (Temporary failure in name resolution)"
        ),
    ])
    func aHostThatDoesNotResolveFailsAtOnce(answer: HostResolution, lookups: Int, message: String) async throws {
        let asked = Counter()
        let checker = HTTPLinkChecker(
            cacheDirectory: nil,
            resolver: { name in
                asked.add(name)
                return answer
            })
        let url = "http://missing.example/x"
        let results = await checker.check([url], policy: Self.policy(timeout: 60))
        #expect(results[url] == .failed(message))
        #expect(asked.names == Array(repeating: "missing.example", count: lookups))
    }

    @Test func aClosedPortFailsWithoutHanging() async throws {
        let results = await HTTPLinkChecker(cacheDirectory: nil).check(["http://127.0.0.1:1/x"], policy: Self.policy())
        guard case .failed = results["http://127.0.0.1:1/x"] else {
            Issue.record("expected a failure, got \(String(describing: results))")
            return
        }
    }

    @Test func aURLUsedByManyPostsIsRequestedOnce() async throws {
        let server = try TestHTTPServer()
        let fixture = try ValidationFixture()
        for index in 0..<5 {
            try fixture.post("p\(index)", body: "[x](\(server.url("/ok"))) and [y](\(server.url("/missing")))\n")
        }
        let report = try await fixture.validate(checker: HTTPLinkChecker(cacheDirectory: nil), external: true)
        #expect(server.requests("/ok") == ["HEAD"])
        #expect(server.requests("/missing").count == 1)
        #expect(report.externalLinks == 10)
        #expect(report.diagnostics.filter { $0.rule == "link-external" }.count == 5)
    }

    @Test func aSecondRunUsesTheCache() async throws {
        let server = try TestHTTPServer()
        let fixture = try ValidationFixture()
        try fixture.post("cached", body: "[x](\(server.url("/ok")))\n")
        let cache = fixture.directory.file(".press/cache")
        _ = try await fixture.validate(checker: HTTPLinkChecker(cacheDirectory: cache), external: true)
        _ = try await fixture.validate(checker: HTTPLinkChecker(cacheDirectory: cache), external: true)
        #expect(server.requests("/ok").count == 1)
        let later = Date().addingTimeInterval(2 * 86_400)
        _ = try await fixture.validate(checker: HTTPLinkChecker(cacheDirectory: cache, now: { later }), external: true)
        #expect(server.requests("/ok").count == 2)
    }

    @Test func excludedURLsAreNotRequestedAndAcceptedCodesPass() async throws {
        let server = try TestHTTPServer()
        var policy = Self.policy()
        policy.exclude = ["/missing$"]
        policy.accept = [429]
        let results = await HTTPLinkChecker(cacheDirectory: nil).check(
            [server.url("/missing"), server.url("/rate-limited")], policy: policy)
        #expect(results[server.url("/missing")] == .excluded)
        #expect(server.requests("/missing").isEmpty)
        #expect(results[server.url("/rate-limited")] == .ok)
        #expect(server.requests("/rate-limited").count == 1)
    }

    @Test func perHostLimitIsHeld() async throws {
        let server = try TestHTTPServer()
        var policy = Self.policy()
        policy.perHost = 2
        let urls = (0..<8).map { server.url("/slow/200?n=\($0)") }
        let started = Date()
        let results = await HTTPLinkChecker(cacheDirectory: nil).check(urls, policy: policy)
        #expect(results.values.allSatisfy { $0 == .ok })
        // Eight 200 ms requests, two at a time: at least four rounds.
        #expect(Date().timeIntervalSince(started) >= 0.8)
    }
}

@Suite struct BadURLTests {
    @Test(arguments: [
        ("https://bücher.example/", "https://xn--bcher-kva.example/"),
        ("https://münchen.de/", "https://xn--mnchen-3ya.de/"),
        ("https://例え.jp/", "https://xn--r8jz45g.jp/"), ("https://テスト.example/", "https://xn--zckzah.example/"),
        // UTS #46 maps before it encodes: capitals and fullwidth forms.
        ("https://BÜCHER.example/", "https://xn--bcher-kva.example/"), ("https://ｅｘａｍｐｌｅ.com/", "https://example.com/"),
    ])
    func hostsAreRequestedInTheirASCIIForm(typed: String, requested: String) {
        #expect(LinkCheck.requestURL(typed) == requested)
    }

    /// The fast path for plain URLs never accepts what the full parser refuses.
    @Test func thePlainURLShortcutAgreesWithURLComponents() {
        let urls = [
            "https://example.com", "https://example.com/a/b?c=d#e", "http://a-b.example.org/x_y~z.html",
            "https://example.com/a b",
            "https://example.com/<x>", "https://", "https:///path", "https://exa mple.com/", "https://example.com/%zz",
            "https://user@example.com/", "https://example.com:8080/", "https://[::1]/", "https://bücher.de/",
            "https:example.com",
            "https://.example.com/", "https://example.com/{x}", "https://example.com/a|b", "https://example.com/\\",
        ]
        for url in urls where LinkCheck.isPlainURL(url) {
            let components = URLComponents(string: url)
            #expect(components?.host?.isEmpty == false, "\(url)")
        }
        #expect(LinkCheck.isPlainURL("https://example.com/a/b?c=d#e"))
        #expect(!LinkCheck.isPlainURL("https://example.com/a b"))
        #expect(!LinkCheck.isPlainURL("https://bücher.de/"))
    }

    @Test(arguments: [
        ("a/b.md", "a/b.md"), ("a/./b", "a/b"), ("a/../b", "b"), ("a//b", "a/b"), ("a/b/", "a/b"),
        ("a/.../b", "a/.../b"),
        ("a/.b", "a/.b"), ("a/b.", "a/b."), ("./a", "a"), ("a/.", "a"), ("a/..", ""),
    ])
    func pathsAreNormalisedWithOrWithoutTheShortcut(path: String, expected: String) {
        #expect(LinkCheck.normalise(path) == expected)
    }

    @Test func emailAddressesAreToldFromLookalikes() {
        for good in ["ada@example.com", "a.b+c@mail.example.org", "zoë@example.com"] {
            #expect(MetadataCheck.isEmail(good), "\(good)")
        }
        for bad in [
            "", "ada", "@example.com", "ada@", "ada@example", "ada@@example.com", "a@b@example.com", "ada @example.com",
            "ada@example.com\t", "ada@.example.com", "ada@example.com.", "ada\u{2003}x@example.com",
        ] {
            #expect(!MetadataCheck.isEmail(bad), "\(bad)")
        }
    }

    @Test func aPathAboveTheRootIsRefused() {
        #expect(LinkCheck.normalise("../x") == nil)
        #expect(LinkCheck.normalise("a/../../x") == nil)
    }

    @Test func internationalisedHostsAreCheckedInTheirASCIIForm() {
        #expect(LinkCheck.requestURL("https://Bücher.example:8080/a?b#c") == "https://xn--bcher-kva.example:8080/a?b#c")
        #expect(LinkCheck.requestURL("https://example.com/ü") == "https://example.com/%C3%BC")
        #expect(LinkCheck.requestURL("http://[::1/x") == nil)
        #expect(LinkCheck.requestURL("http:///path") == nil)
    }

    // A hang is caught by the time limit, for the reason given at aServerThatNeverAnswersTimesOut.
    @Test(.timeLimit(.minutes(1))) func badURLsGetDiagnosticsNotCrashesOrHangs() async throws {
        let fixture = try ValidationFixture(
            workflow: ValidationFixture.workflow + "links: { timeout: 2, retries: 0 }\n")
        try fixture.post(
            "bad",
            body: """
                [idn](https://bücher.invalid/) [broken](http://[::1/x) [empty host](http:///path)
                <a href="https://exa mple.com/">spaces</a>
                """)
        let report = try await fixture.validate(checker: HTTPLinkChecker(cacheDirectory: nil), external: true)
        #expect(report.sorted.map(\.rule) == ["link-external", "link-syntax", "link-syntax", "link-syntax"])
        #expect(
            report.diagnostics.first { $0.rule == "link-external" }?.message.contains("xn--bcher-kva.invalid") == true)
    }
}

/// The host names a test resolver was asked for, in order.
final class Counter: Sendable {
    private let state = Locked<[String]>([])
    func add(_ name: String) { state.withLock { $0.append(name) } }
    var names: [String] { state.withLock { $0 } }
}
