import ArgumentParser
import DSAdvisorCore
import Foundation
import Simulation

/// `dsadvisor check NAME --seeds FIRST..LAST [demo options]`: runs a demo quietly over many
/// seeds, in-process, and counts each verdict. It exits 0 only when every seed passed
/// (`--accept-undecided` lets UNDECIDED seeds through); otherwise with the exit code of the
/// most serious verdict seen. Ctrl-C stops after the seed in progress and prints the counts so far.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Run a demo over many seeds and count every verdict.",
        discussion: """
            Examples:
              dsadvisor check raft --seeds 1..300 --faults all
              dsadvisor check crdt --seeds 1..1000
            Options after the demo name that check does not know are passed to the demo; --seed is not \
            one of them (check chooses the seeds). Exit codes: 0 when every seed passed, else that of the \
            most serious verdict seen: 70 VIOLATED, 75 INCOMPLETE, 2 UNDECIDED; 64 for a usage error.
            """
    )

    @Argument(help: "The demo to check (see 'dsadvisor demo --list').",
              completion: .custom { _, _, _ in DemoRegistry.ids })
    var name: String

    @Option(help: "Seeds to run, as FIRST..LAST (inclusive), or one seed. (default: 1..100; with --edges or --variants, 1..3)")
    var seeds: SeedRange?

    @Flag(help: "Sweep the demo's declared ranges: every parameter at each end of its range, one at a time, then --combinations random settings of all of them; every run must pass.")
    var edges = false

    @Option(help: "With --edges: how many random combinations of in-range values to try (drawn from a fixed seed).")
    var combinations = 200

    @Flag(help: "Run every deliberately broken variant the demo declares: each must be caught (VIOLATED) on at least one seed.")
    var variants = false

    @Flag(help: "With --edges: print each setting before it runs.")
    var verbose = false

    @Flag(help: "Stop at the first seed that does not pass.")
    var failFast = false

    @Flag(help: "Count UNDECIDED seeds (a checker out of budget) as acceptable for the exit code.")
    var acceptUndecided = false

    @Argument(parsing: .allUnrecognized, help: "Options for the demo, as for 'dsadvisor demo NAME'.")
    var demoOptions: [String] = []

    func run() throws {
        try reportingErrors {
            guard let entry = DemoRegistry.entry(for: name) else {
                throw AdvisorError(.usage, "no demo named '\(name)'\(Suggest.hint(name, among: DemoRegistry.ids)); see 'dsadvisor demo --list'")
            }
            let (shared, own) = try DemoSharedOptions.split(demoOptions, seedAllowed: false)
            guard !shared.help, shared.format == .text, !shared.quiet else {
                throw AdvisorError(.usage, "check takes no --help, --format or --quiet for the demo; see 'dsadvisor check --help'")
            }
            Interrupt.install()
            defer { Interrupt.restore() }
            if edges || variants {
                let sweep = CheckSweep(demo: entry.demo, base: own, seeds: seeds ?? SeedRange(first: 1, last: 3),
                                       failFast: failFast, verbose: verbose)
                let failed = variants ? try sweep.variants() : try sweep.edges(combinations: combinations,
                                                                                 acceptUndecided: acceptUndecided)
                if failed { throw ExitCode(1) }
                return
            }
            let prepared = try entry.demo.prepared(own)
            let tally = try CheckCommand.run(prepared, seeds: seeds ?? SeedRange(first: 1, last: 100), failFast: failFast)
            Console.out(tally.report(name: name))
            if let verdict = tally.failingVerdict(acceptUndecided: acceptUndecided) { throw ExitCode(verdict.exitCode) }
        }
    }

    /// Runs `prepared` quietly at every seed of `seeds`, printing each one that does not pass.
    static func run(_ prepared: PreparedDemo, seeds: SeedRange, failFast: Bool, label: String = "") throws -> CheckTally {
        var tally = CheckTally()
        var seed = seeds.first
        while true {
            if Interrupt.requested {
                tally.interrupted = true
                break
            }
            var run = prepared
            run.seed = seed
            let outcome = run.runQuietly()
            tally.count(outcome, seed: seed, replay: run.replayCommand)
            if let finding = outcome.finding {
                Console.out("\(label)seed \(seed): \(outcome.verdict.rawValue) \(finding)\n")
                if failFast { break }
            }
            guard seed < seeds.last else { break }
            seed += 1
        }
        return tally
    }
}

/// How many seeds ended with each verdict, and the first of each that did not pass.
struct CheckTally {
    var counts: [DemoVerdict: Int] = [:]
    var first: [DemoVerdict: (seed: UInt64, replay: String)] = [:]
    var interrupted = false

    var total: Int { counts.values.reduce(0, +) }

    mutating func count(_ outcome: DemoOutcome, seed: UInt64, replay: String) {
        let verdict = outcome.verdict
        counts[verdict, default: 0] += 1
        if verdict != .pass, first[verdict] == nil { first[verdict] = (seed, replay) }
    }

    mutating func add(_ other: CheckTally) {
        for (verdict, count) in other.counts { counts[verdict, default: 0] += count }
        for (verdict, found) in other.first where first[verdict] == nil { first[verdict] = found }
        interrupted = interrupted || other.interrupted
    }

    /// The most serious verdict that makes the check fail, if any.
    func failingVerdict(acceptUndecided: Bool) -> DemoVerdict? {
        DemoVerdict.allCases.reversed().first { verdict in
            verdict != .pass && (counts[verdict] ?? 0) > 0 && !(verdict == .undecided && acceptUndecided)
        } ?? (interrupted ? .undecided : nil)
    }

    func report(name: String) -> String {
        let passed = counts[.pass] ?? 0
        var out = "\(name): \(passed)/\(total) seeds passed"
        let others = DemoVerdict.allCases.filter { $0 != .pass && (counts[$0] ?? 0) > 0 }
        if !others.isEmpty { out += " (" + others.map { "\(counts[$0]!) \($0.rawValue)" }.joined(separator: ", ") + ")" }
        if interrupted { out += "; interrupted, counts so far" }
        out += "\n"
        for verdict in DemoVerdict.allCases.reversed() {
            if let (seed, replay) = first[verdict] {
                out += "first \(verdict.rawValue) seed: \(seed); replay: \(replay)\n"
            }
        }
        return out
    }
}

/// Ctrl-C during `check`: finish the seed in progress, then report.
enum Interrupt {
    nonisolated(unsafe) static var requested = false

    static func install() {
        requested = false
        signal(SIGINT) { _ in Interrupt.requested = true }
    }

    static func restore() { signal(SIGINT, SIG_DFL) }
}

/// `FIRST..LAST`, both inclusive, as in `--seeds 1..300`, or a single seed.
struct SeedRange: ExpressibleByArgument {
    var first: UInt64
    var last: UInt64

    init(first: UInt64, last: UInt64) {
        self.first = first
        self.last = last
    }

    init?(argument: String) {
        if let only = UInt64(argument) {
            self.init(first: only, last: only)
            return
        }
        // Exactly two dots between two whole numbers: `1...3` and `1..` are mistakes.
        let parts = argument.components(separatedBy: "..")
        guard parts.count == 2, let a = UInt64(parts[0]), let b = UInt64(parts[1]), a <= b else { return nil }
        self.init(first: a, last: b)
    }

    static var defaultCompletionKind: CompletionKind { .default }

    /// How `--help` shows the default: as it is typed.
    var defaultValueDescription: String { "\(first)..\(last)" }
}
