import ArgumentParser
import Foundation
import Git
import PressKit

#if canImport(Glibc)
    import Glibc
#endif

/// Retries of hooks that failed at the terminal, in a `press hook retry` process of their own
/// that outlives the command: a new session, no terminal, none of press's descriptors, output
/// appended to `.press/hooks.log`. Started with posix_spawn, not swift-subprocess, which waits
/// for every process it starts; this one must outlive press.
enum HookRetry {
    /// glibc's POSIX_SPAWN_SETSID (a GNU extension the Swift module does not show).
    private static let setSessionFlag: Int32 = 0x80

    /// Starts the retry process; false when it could not be started (then nothing retries).
    static func start(_ result: TransitionResult, hooks: [Int], in root: String) -> Bool {
        let log = root + "/.press/hooks.log"
        try? FileManager.default.createDirectory(atPath: root + "/.press", withIntermediateDirectories: true)
        var buffer = [CChar](repeating: 0, count: 4096)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard length > 0 else { return false }
        let executable = String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let arguments = [
            executable, "hook", "retry", "--repo", root, "--slug", result.slug, "--path", result.path, "--state",
            result.to,
            "--transition", result.transition, "--commit", result.commit.description,
            "--hooks", hooks.map(String.init).joined(separator: ","),
        ]
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_APPEND | O_CREAT, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        closeInheritedDescriptors(in: &actions)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(setSessionFlag))
        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        return posix_spawn(&pid, executable, &actions, &attributes, argv, environ) == 0
    }

    /// Adds a close for every descriptor above standard error that is open now: the retry gets
    /// none of press's files, sockets, locks or the pipes of whoever started press (it must not
    /// keep a caller waiting for the end of press's output). glibc's addclosefrom is not in the
    /// Swift module.
    private static func closeInheritedDescriptors(in actions: inout posix_spawn_file_actions_t) {
        let listed = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        for descriptor in listed.compactMap(Int32.init).sorted()
        where descriptor > 2 && fcntl(descriptor, F_GETFD) != -1 {
            posix_spawn_file_actions_addclose(&actions, descriptor)
        }
    }
}

extension Press.Hook {
    /// `press hook retry`: what `HookRetry.start` runs; not for people.
    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "retry",
            abstract: "Retry hooks that failed after a transition (run by press itself).", shouldDisplay: false)

        @OptionGroup var options: RepositoryOptions
        @Option var slug: String
        @Option var path: String
        @Option var state: String
        @Option var transition: String
        @Option var commit: String
        @Option var hooks: String

        func run() async throws {
            let repository = try options.open()
            guard let id = ObjectID(hex: commit) else {
                throw ValidationError("'--commit \(commit)' is not a commit id")
            }
            let result = TransitionResult(
                slug: slug, transition: transition, from: "", to: state, path: path, commit: id, publishAt: nil)
            let runner = HookRunner()
            guard let plan = runner.plan(result, in: repository) else { return }
            let indices = hooks.split(separator: ",").compactMap { Int($0) }
            for outcome in await runner.run(runner.only(indices, of: plan), retrying: true) {
                let verdict =
                    outcome.failure.map { "failed after \(outcome.attempts) more attempts: \($0)" }
                    ?? "succeeded on a retry"
                print(
                    "\(PressTime.format(Date(), zone: .current)) \(slug) \(transition) [\(commit.prefix(7))] hook \(outcome.hook) \(verdict)"
                )
            }
        }
    }
}
