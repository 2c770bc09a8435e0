import Foundation

/// A named point where a test has the process die as by `kill -9` (`PRESS_CRASHPOINT=NAME`), to
/// show that what it leaves is whole and that the next command tidies it. A release build has
/// none of it.
public enum Crashpoint {
    public static func here(_ name: String) {
        #if DEBUG
            if ProcessInfo.processInfo.environment["PRESS_CRASHPOINT"] == name { kill(getpid(), SIGKILL) }
        #endif
    }
}
