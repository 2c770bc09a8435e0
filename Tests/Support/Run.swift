import Foundation
import PressKit
import Subprocess

#if canImport(System)
    import System
#else
    import SystemPackage
#endif

/// What a finished process printed and how it exited.
public struct Output: CustomStringConvertible, Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
    public var description: String { "exit \(status)\nstdout:\n\(stdout)\nstderr:\n\(stderr)" }
}

/// Runs `executable` with `arguments` in `directory` through swift-subprocess, waits for it
/// without holding a thread (a test may start many at once on two cores), and returns its
/// output. Standard input is empty unless `input` is given.
@discardableResult
public func run(
    _ executable: String, _ arguments: [String], in directory: String? = nil, environment: [String: String] = [:],
    input: String? = nil
) async throws -> Output {
    var variables = ProcessInfo.processInfo.environment
    for key in ["GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL", "NO_COLOR"] {
        variables[key] = nil
    }
    variables.merge(environment) { $1 }
    var keyed: [Environment.Key: String] = [:]
    for (name, value) in variables {
        if let key = Environment.Key(rawValue: name) { keyed[key] = value }
    }
    let configuration = Configuration(
        executable: .path(FilePath(executable)), arguments: Arguments(arguments), environment: .custom(keyed),
        workingDirectory: directory.map { FilePath($0) })
    let limit = 1 << 28
    let result =
        if let input {
            try await Subprocess.run(
                configuration, input: .string(input), output: .string(limit: limit), error: .string(limit: limit))
        } else {
            try await Subprocess.run(
                configuration, input: .none, output: .string(limit: limit), error: .string(limit: limit))
        }
    let status: Int32
    switch result.terminationStatus {
    case .exited(let code): status = code
    case .signaled(let signal): status = signal
    }
    return Output(status: status, stdout: result.standardOutput, stderr: result.standardError)
}

/// The git CLI, for cross-checking what press wrote through libgit2.
@discardableResult
public func git(_ arguments: [String], in directory: String, environment: [String: String] = [:]) async throws
    -> Output
{
    try await run("/usr/bin/env", ["git"] + arguments, in: directory, environment: environment)
}

/// People for tests, as environment variables that git and press read.
public enum People {
    public static let ada = ["GIT_AUTHOR_NAME": "Ada Author", "GIT_AUTHOR_EMAIL": "ada@example.com"]
    public static let rita = ["GIT_AUTHOR_NAME": "Rita Reviewer", "GIT_AUTHOR_EMAIL": "reviewer@example.com"]
    public static let eddie = ["GIT_AUTHOR_NAME": "Eddie Editor", "GIT_AUTHOR_EMAIL": "editor@example.com"]
    public static let mallory = ["GIT_AUTHOR_NAME": "Mallory", "GIT_AUTHOR_EMAIL": "mallory@example.com"]
}

/// The workflow the tests use: the one `press init` writes, with known people, and without its
/// comments (tests name lines and columns in it).
public let testWorkflow = ContentRepository.defaultWorkflow(
    editors: ["editor@example.com"], reviewers: ["reviewer@example.com"], timeZone: "Europe/London"
)
.split(separator: "\n", omittingEmptySubsequences: false)
.filter { !$0.hasPrefix("#") }
.map { line -> String in
    guard let comment = line.range(of: " #") else { return String(line) }
    var kept = line[..<comment.lowerBound]
    while kept.last == " " { kept = kept.dropLast() }
    return String(kept)
}
.joined(separator: "\n")
