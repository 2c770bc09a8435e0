import Foundation
@testable import PressKit
import TestSupport
import Testing

/// The link checker and webhooks as a way into the machine that runs them.
@Suite struct HostileLinkTests {
    @Test func aRedirectToAnythingButTheWebIsNotFollowed() async throws {
        let server = try TestHTTPServer()
        let url = server.url("/to-unix")
        let results = await HTTPLinkChecker(cacheDirectory: nil).check([url], policy: ExternalLinkTests.policy())
        guard case .failed(let reason) = results[url] else {
            Issue.record("\(String(describing: results[url]))"); return
        }
        #expect(
            reason.contains(
                "'http+unix://%2Ftmp%2Fpress-test.sock/secret-admin', which is not an http(s) URL; not followed"))
    }

    @Test func linkLocalAddressesAreNeverRequested() async throws {
        let urls = [
            "http://169.254.169.254/latest/meta-data/", "http://[fe80::1]/", "http://[::ffff:169.254.169.254]/",
        ]
        let results = await HTTPLinkChecker(cacheDirectory: nil).check(urls, policy: ExternalLinkTests.policy())
        for url in urls {
            guard case .failed(let reason) = results[url] else {
                Issue.record("\(url): \(String(describing: results[url]))"); continue
            }
            #expect(reason.contains("a link-local address"), "\(reason)")
        }
    }

    @Test func privateAddressesAreRefusedWhenTheWorkflowSaysDeny() async throws {
        let server = try TestHTTPServer()
        var policy = ExternalLinkTests.policy()
        #expect(
            await HTTPLinkChecker(cacheDirectory: nil).check([server.url("/ok")], policy: policy)[server.url("/ok")]
                == .ok)
        policy.privateAddresses = .deny
        let result = await HTTPLinkChecker(cacheDirectory: nil).check([server.url("/ok")], policy: policy)[
            server.url("/ok")]
        guard case .failed(let reason) = result else { Issue.record("\(String(describing: result))"); return }
        #expect(reason.contains("127.0.0.1, a loopback address (links.private: deny)"))
        #expect(server.requests("/ok").count == 1)
    }

    @Test(
        arguments: [
            ("169.254.169.254", "link-local", "link-local"), ("fe80::1", "link-local", "link-local"),
            ("::ffff:169.254.1.2", "link-local", "link-local"), ("10.1.2.3", nil, "private"),
            ("172.20.0.1", nil, "private"),
            ("192.168.1.1", nil, "private"), ("127.0.0.1", nil, "loopback"), ("::1", nil, "loopback"),
            ("fd00:ec2::254", nil, "private"),
            ("93.184.216.34", nil, nil), ("2606:4700::1", nil, nil), ("172.32.0.1", nil, nil),
        ] as [(String, String?, String?)])
    func addressRanges(address: String, byDefault: String?, denied: String?) {
        let allow = AddressCheck(rule: .allow).refusedRange(address)
        let deny = AddressCheck(rule: .deny).refusedRange(address)
        #expect(
            byDefault.map { allow?.contains($0) == true } ?? (allow == nil), "\(address): \(String(describing: allow))")
        #expect(denied.map { deny?.contains($0) == true } ?? (deny == nil), "\(address): \(String(describing: deny))")
    }

    @Test func aWebhookFollowsNoRedirectToAnotherHost() {
        #expect(
            Webhook.next(from: "http://a.example:8080/hook", location: "/moved")
                == .success("http://a.example:8080/moved"))
        #expect(
            Webhook.next(from: "http://a.example/hook", location: "http://b.example/hook")
                == .failure(
                    .init(reason: "a redirect to another host ('http://b.example/hook') is not followed for a webhook"))
        )
        #expect(
            Webhook.next(from: "http://a.example/hook", location: "http://a.example:81/hook")
                != .success("http://a.example:81/hook"))
        #expect(
            Webhook.next(from: "http://a.example/hook", location: "file:///etc/passwd")
                == .failure(
                    .init(reason: "a redirect to 'file:///etc/passwd', which is not an http(s) URL, is not followed")))
    }

    @Test func cacheEntriesFromTheFutureProveNothing() throws {
        let directory = TemporaryDirectory()
        let now = Date(timeIntervalSince1970: 2_000_000_000)
        let cache = LinkCache(directory: directory.path)
        cache.record(["https://dead.example/"], at: now.addingTimeInterval(86_400 * 365))
        cache.record(["https://fine.example/"], at: now.addingTimeInterval(-60))
        #expect(cache.fresh(at: now, ttl: 86_400) == ["https://fine.example/"])
    }

    @Test func aSymlinkedCacheFolderIsNotWrittenThrough() throws {
        let repository = TemporaryDirectory()
        let outside = TemporaryDirectory()
        #expect(symlink(outside.path, repository.file(".press")) == 0)
        #expect(!LinkCache.isPlainDirectoryPath(repository.file(".press/cache")))
        #expect(LinkCache.isPlainDirectoryPath(repository.file("plain/cache")))
    }
}

/// Link exclusions are matched in linear time, and agree with a regular expression engine.
@Suite struct PatternTests {
    static let cases: [(String, [String])] = [
        ("example\\.com", ["https://example.com/x", "https://exampleXcom", "https://other.org"]),
        (
            "^https://(www\\.)?twitter\\.com/",
            ["https://twitter.com/a", "https://www.twitter.com/", "http://twitter.com/"]
        ),
        ("\\.(pdf|zip)$", ["https://a.b/c.pdf", "https://a.b/c.zip?x", "https://a.b/c.zipx"]),
        ("[0-9]{3,4}", ["a12b", "a123b", "a12345"]),
        (
            "^[^/]+//[a-z-]+\\.internal(:\\d+)?/",
            ["http://db-1.internal:5432/", "http://db.internal/", "http://db.internal.com/"]
        ),
        ("(a+)+$", [String(repeating: "a", count: 30) + "!", "aaa"]),
        ("a|b|c", ["xyz", "xbz"]),
        ("colou?r", ["color", "colour", "colouur"]),
        ("\\s\\w+\\S", ["a bc!", "abc"]),
        ("x{2}y*?z", ["xxz", "xxyyz", "xz"]),
    ]

    @Test(arguments: cases)
    func agreesWithNSRegularExpression(pattern: String, texts: [String]) throws {
        let ours = try Pattern(pattern)
        let reference = try NSRegularExpression(pattern: pattern)
        for text in texts {
            let expected = reference.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
            #expect(ours.matches(text) == expected, "\(pattern) on \(text)")
        }
    }

    @Test func caseInsensitiveFlag() throws {
        #expect(try Pattern("(?i)EXAMPLE\\.com").matches("https://example.COM/"))
        #expect(try !Pattern("EXAMPLE").matches("example"))
    }

    @Test func aCatastrophicPatternRunsInLinearTime() throws {
        let pattern = try Pattern("(a+)+$")
        let text = String(repeating: "a", count: 10_000) + "!"
        let clock = ContinuousClock()
        let elapsed = clock.measure { #expect(!pattern.matches(text)) }
        // A backtracking engine needs 2^10000 steps here; this one a few per character.
        #expect(elapsed < .seconds(5))
    }

    @Test(arguments: ["(a)\\1", "(?=a)", "(?<!a)b", "a*+", "(", "[a", "*a", "a{3,1}", "\\p{L}"])
    func patternsThatNeedBacktrackingOrAreBrokenAreRefused(pattern: String) {
        #expect(throws: Pattern.SyntaxError.self) { try Pattern(pattern) }
    }
}

/// Issue 12: a webhook's signature is HMAC-SHA256 as RFC 4231 gives it.
@Suite struct WebhookSignatureTests {
    @Test func theSignatureIsHMACSHA256OfTheBody() {
        let signature = Webhook.signature(of: Data("what do ya want for nothing?".utf8), secret: "Jefe")
        #expect(signature == "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        #expect(Webhook.signature(of: Data("x".utf8), secret: nil) == nil)
        #expect(Webhook.signature(of: Data("x".utf8), secret: "") == nil)
    }
}
