import ArgumentParser
import Simulation

/// `dsadvisor check NAME --seeds 1..N [demo options]`: runs a demo quietly over many seeds,
/// in-process, and reports how many passed, the first failure and how to replay it.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Run a demo over many seeds and report every broken invariant.",
        discussion: """
            Examples:
              dsadvisor check raft --seeds 1..300 --faults all
              dsadvisor check crdt --seeds 1..1000
            Options after the demo name that check does not know are passed to the demo.
            """
    )

    @Argument(help: "The demo to check (see 'dsadvisor demo --list').")
    var name: String

    @Option(help: "Seeds to run, as FIRST..LAST (inclusive).")
    var seeds: SeedRange = SeedRange(first: 1, last: 100)

    @Flag(help: "Stop at the first failing seed.")
    var failFast = false

    @Argument(parsing: .allUnrecognized, help: "Options for the demo, as for 'dsadvisor demo NAME'.")
    var demoOptions: [String] = []

    func run() throws {
        guard let command = DemoRegistry.command(for: name) else {
            throw ValidationError("no demo named '\(name)'; see 'dsadvisor demo --list'")
        }
        var passed = 0
        var failures: [InvariantViolation] = []
        for seed in seeds.first...seeds.last {
            let parsed = try command.parseAsRoot(["--seed", String(seed), "--quiet"] + demoOptions)
            guard let runner = parsed as? any DemoRunner else { continue }
            let silent = Timeline(format: .text, quiet: true) { _ in }
            if let violation = try runner.runDemo(on: silent).violation {
                failures.append(violation)
                print("seed \(seed): \(violation)")
                if failFast { break }
            } else {
                passed += 1
            }
        }
        let total = passed + failures.count
        print("\(name): \(passed)/\(total) seeds passed")
        if let first = failures.first {
            let extra = demoOptions.isEmpty ? "" : " " + demoOptions.joined(separator: " ")
            print("first failing seed: \(first.seed); replay: dsadvisor demo \(name) --seed \(first.seed)\(extra)")
            throw ExitCode(70)
        }
    }
}

/// `FIRST..LAST`, both inclusive, as in `--seeds 1..300`.
struct SeedRange: ExpressibleByArgument {
    var first: UInt64
    var last: UInt64

    init(first: UInt64, last: UInt64) {
        self.first = first
        self.last = last
    }

    init?(argument: String) {
        let parts = argument.split(separator: ".", omittingEmptySubsequences: true)
        if parts.count == 1, let only = UInt64(parts[0]) {
            self.init(first: only, last: only)
        } else if parts.count == 2, argument.contains(".."), let a = UInt64(parts[0]), let b = UInt64(parts[1]), a <= b {
            self.init(first: a, last: b)
        } else {
            return nil
        }
    }

    static var defaultCompletionKind: CompletionKind { .default }

    /// How `--help` shows the default: as it is typed.
    var defaultValueDescription: String { "\(first)..\(last)" }
}
