import ArgumentParser
import DSAdvisorCore
import Simulation

/// Runs a catalog pattern's demo from the advisor commands (`recommend --demo`, `ask`).
enum DemoLauncher {
    static var builtDemos: Set<String> { Set(DemoRegistry.ids) }

    /// Runs the demo with its default options. A catalog demo that is not registered yet is
    /// EX_UNAVAILABLE (69); a broken invariant is EX_SOFTWARE (70), as for `dsadvisor demo`.
    static func run(_ pattern: Pattern) throws {
        guard let id = pattern.demo else {
            throw AdvisorError(.unavailable, "pattern '\(pattern.id)' has no demo")
        }
        guard let entry = DemoRegistry.entry(for: id) else {
            throw AdvisorError(.unavailable, "the demo '\(id)' of pattern '\(pattern.id)' is not built yet")
        }
        try DemoExecution.run(entry.demo, words: [])
    }
}
