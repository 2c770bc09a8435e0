import Foundation
import Subprocess

#if canImport(System)
    import System
#else
    import SystemPackage
#endif

/// A command run by `/bin/sh` through swift-subprocess: in a process group of its own, with
/// exactly the environment it is given, standard input from /dev/null, no descriptor of press's
/// but standard output and error, and a time limit after which the whole group is killed.
struct ChildProcess {
    var command: String
    var environment: [String: String]
    var directory: String
    var timeout: Double

    enum Ending: Equatable {
        case exited(Int32)
        case signalled(Int32)
        case timedOut
        case notStarted(String)
    }

    /// Runs the command to its end or its time limit. swift-subprocess waits on a thread of its
    /// own (a pidfd under epoll), so a slow hook holds no cooperative thread.
    func run() async -> Ending {
        var options = PlatformOptions()
        // A group led by the shell: the time limit reaches whatever the hook started.
        options.processGroupID = 0
        options.teardownSequence = [.send(signal: .kill, toProcessGroup: true, allowedDurationToNextStep: .seconds(1))]
        var variables: [Environment.Key: String] = [:]
        for (name, value) in environment {
            if let key = Environment.Key(rawValue: name) { variables[key] = value }
        }
        let configuration = Configuration(
            executable: .path("/bin/sh"), arguments: ["-c", command], environment: .custom(variables),
            workingDirectory: FilePath(directory), platformOptions: options)
        let limit = Duration.milliseconds(Int64(max(0, timeout) * 1000))
        return await withTaskGroup(of: Ending?.self) { group in
            group.addTask {
                do {
                    let result = try await Subprocess.run(
                        configuration, input: .none, output: .currentStandardOutput, error: .currentStandardError)
                    switch result.terminationStatus {
                    case .exited(let code): return .exited(Int32(code))
                    case .signaled(let signal): return .signalled(Int32(signal))
                    }
                } catch is CancellationError {
                    return .timedOut
                } catch {
                    return Task.isCancelled ? .timedOut : .notStarted("cannot start /bin/sh: \(error)")
                }
            }
            // nil: the time limit came first. Cancelling the run tears the group down.
            group.addTask {
                try? await Task.sleep(for: limit)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            guard let ending = first else {
                await group.waitForAll()
                return .timedOut
            }
            return ending
        }
    }
}
