import Foundation
import PressKit

/// What a finished process printed and how it exited.
public struct Output: CustomStringConvertible {
    public var status: Int32
    public var stdout: String
    public var stderr: String
    public var description: String { "exit \(status)\nstdout:\n\(stdout)\nstderr:\n\(stderr)" }
}

/// Runs `executable` with `arguments` in `directory`, waits for it, and returns its output.
@discardableResult
public func run(
    _ executable: String, _ arguments: [String], in directory: String? = nil, environment: [String: String] = [:],
    input: String? = nil
) throws -> Output {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
    var env = ProcessInfo.processInfo.environment
    for key in ["GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL", "NO_COLOR"] {
        env[key] = nil
    }
    env.merge(environment) { $1 }
    process.environment = env
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = input == nil ? FileHandle.nullDevice : nil
    try process.run()
    // Read both pipes to the end before waiting, so a chatty process cannot block on a full pipe.
    let stderrSink = Sink()
    let group = DispatchGroup()
    group.enter()
    DispatchQueue.global().async {
        stderrSink.data = err.fileHandleForReading.readDataToEndOfFile()
        group.leave()
    }
    let stdoutData = out.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    let stderrData = stderrSink.data
    process.waitUntilExit()
    return Output(
        status: process.terminationStatus, stdout: String(decoding: stdoutData, as: UTF8.self),
        stderr: String(decoding: stderrData, as: UTF8.self))
}

/// The git CLI, for cross-checking what press wrote through libgit2.
@discardableResult
public func git(_ arguments: [String], in directory: String, environment: [String: String] = [:]) throws -> Output {
    try run("/usr/bin/env", ["git"] + arguments, in: directory, environment: environment)
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

/// Holds what a reader thread read; the DispatchGroup orders the write before the read.
private final class Sink: @unchecked Sendable {
    var data = Data()
}
