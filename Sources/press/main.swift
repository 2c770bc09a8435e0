import Foundation
import PressKit

Heap.growInLargeSteps()

// Parses the command line, runs the subcommand, and turns any error into a diagnostic and an
// exit code in one place: 0 done, 1 refused, 2 usage or configuration error.
exit(await Press.runAndReport(CommandLine.arguments.dropFirst().map { $0 }))
