import Foundation

/// Values handed to another thread to be freed there: freeing ten thousand posts' values takes
/// a tenth of a run, and a command that has its answer need not wait for it (one that exits
/// first skips it altogether).
public final class Leftovers<T: Sendable>: Sendable {
    let values: T
    private init(_ values: T) { self.values = values }

    /// Frees `values` on a background thread a moment from now. (Not at once: the caller's own
    /// copies go when it returns, and whichever copy goes last frees the values, on its own
    /// thread. Released at once, the background's copy went first, and a whole build freed its
    /// 10,000 posts on the build's thread after all.)
    public static func free(_ values: T) {
        let leftovers = Leftovers(values)
        DispatchQueue.global(qos: .utility).asyncAfter(deadline: .now() + .milliseconds(250)) {
            withExtendedLifetime(leftovers) {}
        }
    }
}
