import Foundation

/// Values handed to another thread to be freed there: freeing ten thousand posts' values takes
/// a tenth of a run, and a command that has its answer need not wait for it (one that exits
/// first skips it altogether).
final class Leftovers<T: Sendable>: Sendable {
    let values: T
    private init(_ values: T) { self.values = values }

    static func free(_ values: T) {
        let leftovers = Leftovers(values)
        DispatchQueue.global(qos: .utility).async { withExtendedLifetime(leftovers) {} }
    }
}
