import AsyncHTTPClient
import Foundation
import NIOCore

/// What running one hook came to.
public struct HookOutcome: Sendable {
    public var hook: Hook
    public var attempts: Int
    /// Nil when it succeeded; else the last failure.
    public var failure: String?
}

/// Runs the workflow's hooks for the state a transition entered, after its commit. A failing
/// hook is retried (3 more times, with backoff) and reported; it never undoes the transition.
public struct HookRunner: Sendable {
    public var retries = 3
    /// Seconds before the first retry; doubled each time.
    public var backoff: Double = 0.5

    public init(retries: Int = 3, backoff: Double = 0.5) {
        self.retries = retries
        self.backoff = backoff
    }

    public func run(_ result: TransitionResult, in repository: ContentRepository) async -> [HookOutcome] {
        // The hooks of the post's own workflow (`workflow:`), else the default one's.
        let post = try? repository.readPost(at: result.path)
        guard let workflow = try? post.map(repository.workflow(for:)) ?? repository.workflow(),
            let hooks = workflow.hooks[result.to], !hooks.isEmpty
        else { return [] }
        let facts: [String: String] = [
            "slug": result.slug, "path": result.path, "state": result.to, "transition": result.transition,
            "commit": result.commit.description, "title": post?.title ?? "", "author": post?.author?.description ?? "",
        ]
        var outcomes: [HookOutcome] = []
        for hook in hooks {
            var attempt = 0
            var failure: String?
            repeat {
                if attempt > 0 { try? await Task.sleep(nanoseconds: UInt64(backoff * pow(2, Double(attempt - 1)) * 1e9)) }
                attempt += 1
                switch hook {
                case .run(let command): failure = runCommand(command, facts: facts, in: repository.root)
                case .webhook(let url): failure = await deliver(facts, to: url)
                }
            } while failure != nil && attempt <= retries
            outcomes.append(HookOutcome(hook: hook, attempts: attempt, failure: failure))
        }
        return outcomes
    }

    private func runCommand(_ command: String, facts: [String: String], in directory: String) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        var environment = ProcessInfo.processInfo.environment
        for key in ["slug", "path", "state", "transition", "commit"] { environment["PRESS_\(key.uppercased())"] = facts[key] }
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return "cannot start /bin/sh: \(error)"
        }
        process.waitUntilExit()
        return process.terminationStatus == 0 ? nil : "'\(command)' exited with \(process.terminationStatus)"
    }

    private func deliver(_ facts: [String: String], to url: String) async -> String? {
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let failure = await deliver(facts, to: url, with: client)
        try? await client.shutdown()
        return failure
    }

    private func deliver(_ facts: [String: String], to url: String, with client: HTTPClient) async -> String? {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "press")
        guard let body = try? JSONSerialization.data(withJSONObject: facts, options: [.sortedKeys]) else { return "cannot encode the facts" }
        request.body = .bytes(ByteBuffer(bytes: body))
        do {
            let response = try await client.execute(request, timeout: .seconds(10))
            _ = try? await response.body.collect(upTo: 1 << 16)
            return (200..<300).contains(Int(response.status.code)) ? nil : "\(url) answered HTTP \(response.status.code)"
        } catch {
            return "\(url) cannot be reached: \(error)"
        }
    }
}
