import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import PressKit
import TestSupport
import Testing

/// `press preview`'s web server on 127.0.0.1: real HTTP, with AsyncHTTPClient.
@Suite struct PreviewServerTests {
    @Test(.timeLimit(.minutes(1))) func itServesTheSiteAnswersAWaitingPageOnAChangeAndRefusesTheRest() async throws {
        let fixture = try Fixture()
        try fixture.perform("submit", adaPerson)
        let site = PreviewSite(repository: fixture.repository, at: nil)
        site.refresh(now: now)
        let server = try await PreviewServer(site: site)
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        defer { _ = client.shutdown() }
        let base = "http://127.0.0.1:\(server.port)"
        func get(_ path: String, method: HTTPMethod = .GET) async throws -> (Int, String) {
            var request = HTTPClientRequest(url: base + path)
            request.method = method
            let response = try await client.execute(request, timeout: .seconds(30))
            let body = try await response.body.collect(upTo: 1 << 24)
            return (Int(response.status.code), String(buffer: body))
        }

        let (status, page) = try await get("/posts/hello/")
        #expect(status == 200 && page.contains("class=\"press-banner\""), "\(page)")
        #expect(try await get("/_press/").1.contains("Editorial board"))
        #expect(try await get("/%2e%2e/workflows/default.yml").0 == 400)
        #expect(try await get("/nothing-here/").0 == 404)
        #expect(try await get("/posts/hello/", method: .POST).0 == 405)

        // A page on another site whose name was pointed at 127.0.0.1 (DNS rebinding) gets
        // nothing; this machine's names get the preview, with or without a port.
        for host in ["evil.example:\(server.port)", "evil.example", "127.0.0.1.evil.example", "localhost.evil.example"]
        {
            var request = HTTPClientRequest(url: base + "/posts/hello/")
            request.headers.replaceOrAdd(name: "Host", value: host)
            let response = try await client.execute(request, timeout: .seconds(30))
            let body = String(buffer: try await response.body.collect(upTo: 1 << 24))
            #expect(response.status.code == 403 && !body.contains("press-banner"), "\(host): \(body)")
        }
        for host in [
            "localhost:\(server.port)", "127.0.0.1", "127.1.2.3:80", "[::1]:\(server.port)", "preview.localhost",
        ] {
            var request = HTTPClientRequest(url: base + "/_press/")
            request.headers.replaceOrAdd(name: "Host", value: host)
            #expect(try await client.execute(request, timeout: .seconds(30)).status.code == 200, "\(host)")
        }

        // A page waiting for a change is answered when the post changes, with the new token.
        let token = site.token
        async let waited = get("/_press/changes?since=\(token)")
        // The change once the server holds the request (it is then among the waiting).
        while site.waiting == 0 { try await Task.sleep(for: .milliseconds(5)) }
        let text = fixture.directory.read("drafts/hello.md") ?? ""
        try fixture.directory.write("drafts/hello.md", text + "\nMore.\n")
        #expect(site.refresh(now: now))
        let (changedStatus, newToken) = try await waited
        #expect(changedStatus == 200)
        #expect(newToken == site.token && newToken != token)
        // An old token is answered at once.
        #expect(try await get("/_press/changes?since=\(token)").1 == site.token)
        try await client.shutdown()
        try await server.close()
    }

    @Test(.timeLimit(.minutes(1))) func aWaitThatRunsOutIsAnsweredWithTheSameTokenAndForgotten() async throws {
        let fixture = try Fixture()
        let site = PreviewSite(repository: fixture.repository, at: nil)
        site.refresh(now: now)
        let server = try await PreviewServer(site: site, patience: .milliseconds(100))
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        defer { _ = client.shutdown() }
        // A page left open with nothing changing asks again and again: none of its questions
        // stays among the waiting once answered.
        for _ in 0..<3 {
            let request = HTTPClientRequest(url: "http://127.0.0.1:\(server.port)/_press/changes?since=\(site.token)")
            let response = try await client.execute(request, timeout: .seconds(30))
            #expect(String(buffer: try await response.body.collect(upTo: 1 << 16)) == site.token)
            #expect(site.waiting == 0)
        }
        try await client.shutdown()
        try await server.close()
    }

    @Test(.timeLimit(.minutes(1))) func aPortInUseIsSaidInPlainWords() async throws {
        let fixture = try Fixture()
        let site = PreviewSite(repository: fixture.repository, at: nil)
        let first = try await PreviewServer(site: site)
        do {
            _ = try await PreviewServer(site: site, port: first.port)
            Issue.record("a second server listened on \(first.port)")
        } catch let error as PreviewServer.ListenError {
            #expect(error.isConfigurationError)
            #expect(
                error.description
                    == "cannot listen on 127.0.0.1:\(first.port): address already in use (another preview? --port 0 takes any free one)"
            )
        }
        try await first.close()
    }
}
