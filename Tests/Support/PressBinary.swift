import Foundation

/// The built `press` executable: `PRESS_BIN`, else the one beside the test bundle, else
/// `.build/debug/press` in the package.
public let pressBinary: String = {
    if let configured = ProcessInfo.processInfo.environment["PRESS_BIN"] { return configured }
    let bundleFolder = Bundle.main.bundleURL.deletingLastPathComponent().path
    for candidate in [
        bundleFolder + "/press",
        (CommandLine.arguments.first.map { ($0 as NSString).deletingLastPathComponent } ?? "") + "/press",
    ]
    where FileManager.default.isExecutableFile(atPath: candidate) {
        return candidate
    }
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    return root.appendingPathComponent(".build/debug/press").path
}()

/// Runs `press` in `directory` as `person` (environment variables) and returns its output.
@discardableResult
public func press(
    _ arguments: [String], in directory: String, as person: [String: String] = [:], environment: [String: String] = [:]
) async throws -> Output {
    try await run(pressBinary, arguments, in: directory, environment: person.merging(environment) { $1 })
}
