import AsyncHTTPClient
import Crypto
import Foundation
import Git
import NIOCore
import NIOHTTP1

/// What running one hook came to.
public struct HookOutcome: Sendable {
    public var hook: Hook
    public var attempts: Int
    /// Nil when it succeeded; else the last failure.
    public var failure: String?
    /// Whether trying again may help: not after a command was killed for running too long.
    public var retryable = true
}

/// Runs the workflow's hooks for the state a transition entered, after its commit. A failing
/// hook is retried (`retries` more times, with backoff) and reported; it never undoes the
/// transition.
///
/// Commands run only when an admin made the last change to them (`CommandTrust`), with a clean
/// environment (the `PRESS_*` facts, `PATH`, `HOME`, `LANG` and the names the workflow lists
/// under `hook_env`), and are killed, with every process they started, after `hook_timeout`.
public struct HookRunner: Sendable {
    public var retries = 3
    /// Seconds before the first retry; doubled each time.
    public var backoff: Double = 0.5
    /// The environment the hook's variables are taken from.
    public var environment: [String: String]

    public init(
        retries: Int = 3, backoff: Double = 0.5, environment: [String: String] = ProcessInfo.processInfo.environment
    ) {
        self.retries = retries
        self.backoff = backoff
        self.environment = environment
    }

    /// Variables every hook gets from press's own environment, whatever the workflow says.
    static let passedThrough = ["PATH", "HOME", "LANG"]

    /// What a transition's hooks are to do, worked out from the repository: the hooks of the
    /// post's workflow for the state it entered, whether they may run, and the facts they get.
    /// Making the plan reads git; carrying it out does not, so it may run on another task while
    /// the repository goes on being used.
    public struct Plan: Sendable {
        var hooks: [Hook]
        var refusal: String?
        var facts: [String: String]
        var workflow: Workflow
        var directory: String
    }

    public func plan(_ result: TransitionResult, in repository: ContentRepository) -> Plan? {
        // The hooks of the post's own workflow (`workflow:`), else the default one's.
        let post = try? repository.readPost(at: result.path)
        guard let workflow = try? post.map(repository.workflow(for:)) ?? repository.workflow() else { return nil }
        // The hooks of the state the post entered, then those of the transition that took it there.
        let hooks =
            (workflow.hooks[result.to] ?? [])
            + (result.transition != result.to ? workflow.hooks[result.transition] ?? [] : [])
        guard !hooks.isEmpty else { return nil }
        let trust: CommandTrust
        do {
            trust = try repository.commandTrust(of: workflow)
        } catch {
            trust = .untrusted(
                path: workflow.path, commit: "?", author: "an unknown person (\(error))", admins: workflow.admins)
        }
        // Who acted, from where, and what they said: read from the commit, so that a retry in
        // another process tells the same.
        let commit = try? repository.git.commitInfo(result.commit)
        let from = commit?.trailer("Press-From") ?? result.from
        let comment = commit.flatMap(ContentRepository.comment(of:)) ?? ""
        let actor = commit.map { "\($0.author.name) <\($0.author.email)>" } ?? ""
        let title = post?.title ?? result.slug
        let sitePath = workflow.postPathPattern?.replacingOccurrences(of: "{slug}", with: result.slug) ?? ""
        var text =
            "\(commit?.author.name ?? "press") — \(result.transition): “\(title)” (\(result.slug)), \(from.isEmpty ? "" : from + " → ")\(result.to)"
        if !comment.isEmpty { text += ": \(comment)" }
        let facts: [String: String] = [
            "slug": result.slug, "path": result.path, "state": result.to, "from": from, "transition": result.transition,
            "commit": result.commit.description, "title": post?.title ?? "",
            "author": (post.map(workflow.authors(of:)) ?? []).map(\.description).joined(separator: ", "),
            "actor": actor, "comment": comment, "site_path": sitePath, "text": text,
        ]
        return Plan(hooks: hooks, refusal: trust.refusal, facts: facts, workflow: workflow, directory: repository.root)
    }

    public func run(_ result: TransitionResult, in repository: ContentRepository) async -> [HookOutcome] {
        guard let plan = plan(result, in: repository) else { return [] }
        return await run(plan)
    }

    /// The plan with only the hooks at `indices` (those that failed), for a retry.
    public func only(_ indices: [Int], of plan: Plan) -> Plan {
        var subset = plan
        subset.hooks = indices.filter(plan.hooks.indices.contains).map { plan.hooks[$0] }
        return subset
    }

    /// Runs the plan's hooks; with `retrying`, each has already been tried once, and the first
    /// attempt here waits the first backoff.
    public func run(_ plan: Plan, retrying: Bool = false) async -> [HookOutcome] {
        if let refusal = plan.refusal {
            return plan.hooks.map { HookOutcome(hook: $0, attempts: 0, failure: refusal) }
        }
        let workflow = plan.workflow
        var outcomes: [HookOutcome] = []
        for hook in plan.hooks {
            var attempt = retrying ? 1 : 0
            var failure: String?
            var retryable = true
            repeat {
                if attempt > 0 {
                    try? await Task.sleep(nanoseconds: UInt64(backoff * pow(2, Double(attempt - 1)) * 1e9))
                }
                attempt += 1
                switch hook {
                case .run(let command):
                    (failure, retryable) = await runCommand(
                        command, facts: plan.facts, workflow: workflow, in: plan.directory)
                case .webhook(let url):
                    failure = await deliver(
                        plan.facts, to: url, addresses: AddressCheck(rule: workflow.links.privateAddresses))
                }
            } while failure != nil && retryable && attempt <= retries
            outcomes.append(
                HookOutcome(
                    hook: hook, attempts: retrying ? attempt - 1 : attempt, failure: failure, retryable: retryable))
        }
        return outcomes
    }

    /// The environment a hook command runs with: nothing of press's own but what is named.
    func hookEnvironment(facts: [String: String], workflow: Workflow) -> [String: String] {
        var variables: [String: String] = [:]
        for name in HookRunner.passedThrough + workflow.hookEnvironment { variables[name] = environment[name] }
        if variables["PATH"] == nil { variables["PATH"] = "/usr/local/bin:/usr/bin:/bin" }
        for key in ["slug", "path", "state", "transition", "commit"] {
            variables["PRESS_\(key.uppercased())"] = facts[key]
        }
        return variables
    }

    /// The failure, if any, and whether another try may help.
    private func runCommand(_ command: String, facts: [String: String], workflow: Workflow, in directory: String) async
        -> (String?, Bool)
    {
        let child = ChildProcess(
            command: command, environment: hookEnvironment(facts: facts, workflow: workflow), directory: directory,
            timeout: workflow.hookTimeout)
        switch await child.run() {
        case .exited(0): return (nil, true)
        case .exited(let status): return ("'\(command)' exited with \(status)", true)
        case .signalled(let signal): return ("'\(command)' was killed by signal \(signal)", true)
        case .timedOut:
            return (
                "'\(command)' ran longer than \(Int(workflow.hookTimeout)) s (hook_timeout) and was killed; not retried",
                false
            )
        case .notStarted(let reason): return (reason, true)
        }
    }

    private func deliver(_ facts: [String: String], to url: String, addresses: AddressCheck) async -> String? {
        var configuration = HTTPClient.Configuration()
        // Redirects are followed by hand, and only on the same host (`Webhook.next`).
        configuration.redirectConfiguration = .disallow
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let failure = await deliver(facts, to: url, with: client, addresses: addresses)
        try? await client.shutdown()
        return failure
    }

    private func deliver(_ facts: [String: String], to url: String, with client: HTTPClient, addresses: AddressCheck)
        async -> String?
    {
        guard let body = try? JSONSerialization.data(withJSONObject: facts, options: [.sortedKeys]) else {
            return "cannot encode the facts"
        }
        var target = url
        for _ in 0...Webhook.maxRedirects {
            if let refusal = await addresses.refusal(for: target) { return "\(target): \(refusal)" }
            var request = HTTPClientRequest(url: target)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.headers.add(name: "User-Agent", value: "press")
            if let signature = Webhook.signature(of: body) {
                request.headers.add(name: "X-Press-Signature-256", value: signature)
            }
            request.body = .bytes(ByteBuffer(bytes: body))
            do {
                let response = try await client.execute(request, timeout: .seconds(10))
                _ = try? await response.body.collect(upTo: 1 << 16)
                let status = Int(response.status.code)
                if (200..<300).contains(status) { return nil }
                guard [307, 308].contains(status), let location = response.headers.first(name: "Location") else {
                    return "\(target) answered HTTP \(status)"
                }
                switch Webhook.next(from: target, location: location) {
                case .success(let next): target = next
                case .failure(let refusal): return "\(target) answered HTTP \(status): \(refusal.reason)"
                }
            } catch {
                return "\(target) cannot be reached: \(error)"
            }
        }
        return "\(url) redirected more than \(Webhook.maxRedirects) times"
    }
}

/// Where a webhook may be redirected: only to http(s) on the same host and port, so the facts
/// are never posted to a host the workflow did not name.
enum Webhook {
    /// `sha256=` and the HMAC-SHA256 of `body` under `PRESS_WEBHOOK_SECRET`, as GitHub signs its
    /// webhooks, so the receiver knows the facts came from this press; nil without a secret.
    static func signature(of body: Data, secret: String? = ProcessInfo.processInfo.environment["PRESS_WEBHOOK_SECRET"])
        -> String?
    {
        guard let secret, !secret.isEmpty else { return nil }
        let code = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Data(secret.utf8)))
        return "sha256=" + code.map { String(format: "%02x", $0) }.joined()
    }

    static let maxRedirects = 5

    struct Refusal: Error, Equatable {
        var reason: String
    }

    static func next(from current: String, location: String) -> Result<String, Refusal> {
        guard let base = URL(string: current), let next = URL(string: location, relativeTo: base)?.absoluteURL,
            let scheme = next.scheme?.lowercased(), scheme == "http" || scheme == "https"
        else {
            return .failure(
                Refusal(reason: "a redirect to '\(location)', which is not an http(s) URL, is not followed"))
        }
        guard next.host?.lowercased() == base.host?.lowercased(), next.port == base.port,
            scheme == base.scheme?.lowercased()
        else {
            return .failure(
                Refusal(reason: "a redirect to another host ('\(next.absoluteString)') is not followed for a webhook"))
        }
        return .success(next.absoluteString)
    }
}
