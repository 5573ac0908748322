import ArgumentParser
import DSAdvisorCore
import Simulation

/// `dsadvisor demo NAME`: each registered demo is a subcommand with its own options.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run a pattern's in-process demo on the deterministic simulator.",
        discussion: """
            Every demo takes --seed, --format text|json and --quiet; the same seed prints the \
            same bytes. A demo checks its invariants while it runs and exits 70 when one breaks.
            """,
        // Upcast one element at a time: converting the array as a whole is a runtime cast
        // per element, each a scan of every protocol conformance in the process (at start-up,
        // for every command, since ArgumentParser reads this configuration to build its tree).
        subcommands: DemoRegistry.entries.map(\.subcommand)
    )

    @Flag(name: .long, help: "List every catalog pattern with its demo and whether it is built.")
    var list = false

    @Flag(name: .long, help: "With --list: print only the ids of the built demos, one per line.")
    var ids = false

    // No positional argument here: ArgumentParser would bind the demo's name to it instead of
    // dispatching to the subcommand of that name.
    func run() throws {
        try reportingErrors {
            let base = KnowledgeBase.embedded
            Console.out(ids ? DemoLauncher.builtDemos.sorted().joined(separator: "\n") + "\n"
                            : DemoCommand.listing(base: base))
        }
    }

    /// `dsadvisor demo NAME` where NAME is not a registered demo. ArgumentParser binds a
    /// positional argument before it looks for a subcommand, so `demo` cannot declare one; the
    /// entry point asks this first. Returns the error to report, or nil to let parsing proceed.
    static func unregisteredDemoError(in arguments: [String]) -> AdvisorError? {
        // Only root options may come before `demo`; `--tree` takes a value.
        var demoIndex = 0
        while demoIndex < arguments.count, arguments[demoIndex] != "demo" {
            guard arguments[demoIndex].hasPrefix("-") else { return nil }
            demoIndex += arguments[demoIndex] == "--tree" ? 2 : 1
        }
        guard demoIndex + 1 < arguments.count else { return nil }
        let name = arguments[demoIndex + 1]
        guard !name.hasPrefix("-"), DemoRegistry.entry(for: name) == nil else { return nil }
        let base = KnowledgeBase.embedded
        if let pattern = base.patterns.first(where: { $0.demo == name || $0.id == name }) {
            guard let demo = pattern.demo else {
                return AdvisorError(.unavailable, "pattern '\(pattern.id)' has no demo")
            }
            return AdvisorError(.unavailable, "the demo '\(demo)' (\(pattern.name)) is not built yet")
        }
        let known = DemoRegistry.ids + base.patterns.compactMap(\.demo)
        return AdvisorError(.usage, "unknown demo '\(name)'\(Suggest.hint(name, among: known)) (see 'dsadvisor demo --list')")
    }

    /// Every catalog pattern with its demo and whether this binary has it, then any
    /// registered demo the catalog does not name.
    static func listing(base: KnowledgeBase) -> String {
        let built = DemoLauncher.builtDemos
        var out = ""
        for pattern in base.patterns {
            let demo = pattern.demo ?? "-"
            let status = pattern.demo.map { built.contains($0) ? "built" : "not built yet" } ?? "no demo"
            out += pattern.id.padding(24) + demo.padding(24) + status.padding(15) + pattern.name + "\n"
        }
        for entry in DemoRegistry.entries where !base.patterns.contains(where: { $0.demo == entry.id }) {
            out += "-".padding(24) + entry.id.padding(24) + "built".padding(15) + entry.title + "\n"
        }
        return out
    }
}

extension String {
    func padding(_ width: Int) -> String {
        count >= width ? self + " " : self + String(repeating: " ", count: width - count)
    }
}
