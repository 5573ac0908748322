import DSAdvisorCore
import Simulation

/// `check NAME --edges` and `check NAME --variants`: a demo tried across what its declaration
/// allows. The edges are every parameter at each end of its range, one at a time, then random
/// combinations of all of them drawn from a fixed seed; every run must PASS, since a correct
/// protocol at a setting `--help` allows must neither break nor run out of horizon. The
/// variants are the deliberately broken builds the demo declares; each must be caught.
struct CheckSweep {
    let demo: AnyDemo
    /// Options typed after the demo's name, applied before each setting.
    let base: [String]
    let seeds: SeedRange
    let failFast: Bool
    /// Print each setting before it runs (to find one that is slow or large).
    var verbose = false

    /// The combinations' generator: fixed, so CI tries the same settings every run.
    static let combinationSeed: UInt64 = 0xED6E5

    /// Returns whether anything failed.
    func edges(combinations: Int, acceptUndecided: Bool) throws -> Bool {
        // The ends of every range run at every seed of `seeds`; each random combination runs
        // once, at a seed drawn with it, so the combinations also spread over many seeds.
        var settings: [(words: [String], seeds: SeedRange)] = []
        for parameter in demo.parameters where parameter.sweep == .value {
            for sample in parameter.samples { settings.append((parameter.words(sample), seeds)) }
        }
        var rng = SeededRNG(seed: Self.combinationSeed)
        let combinable = demo.parameters.filter { $0.sweep == .value }
        for _ in 0..<combinations {
            var words: [String] = []
            for parameter in combinable where rng.below(2) == 0 {
                if let value = parameter.draw(&rng) { words += parameter.words(value) }
            }
            let seed = rng.below(1_000_000) + 1
            settings.append((words, SeedRange(first: seed, last: seed)))
        }
        var tally = CheckTally()
        var rejected = 0
        for (words, seeds) in settings {
            guard case .success(let prepared) = demo.prepare(base + words) else {
                // A combination that breaks a rule between parameters is not a run.
                rejected += 1
                continue
            }
            let label = words.isEmpty ? "defaults " : words.joined(separator: " ") + " "
            if verbose { Console.out("setting: \(label)seeds \(seeds.first)..\(seeds.last)\n") }
            tally.add(try CheckCommand.run(prepared, seeds: seeds, failFast: failFast, label: label))
            if tally.interrupted || (failFast && tally.failingVerdict(acceptUndecided: acceptUndecided) != nil) { break }
        }
        var report = tally.report(name: "\(demo.id) edges: \(settings.count - rejected) settings")
        if rejected > 0 { report += "\(rejected) random combinations broke a rule between parameters and were skipped\n" }
        Console.out(report)
        return tally.failingVerdict(acceptUndecided: acceptUndecided) != nil
    }

    /// Returns whether some variant went uncaught.
    func variants() throws -> Bool {
        var uncaught: [String] = []
        var tried = 0
        for parameter in demo.parameters where parameter.sweep == .brokenVariant {
            let values = parameter.isFlag ? [""] : parameter.values.filter { $0 != "none" && $0 != parameter.defaultText }
            for value in values {
                tried += 1
                let words = base + parameter.words(value)
                let prepared = try demo.prepared(words)
                var caught: (seed: UInt64, finding: InvariantViolation)? = nil
                var seed = seeds.first
                while caught == nil && !Interrupt.requested {
                    var run = prepared
                    run.seed = seed
                    let outcome = run.runQuietly()
                    if let violation = outcome.violation { caught = (seed, violation) }
                    guard seed < seeds.last else { break }
                    seed += 1
                }
                let label = parameter.words(value).joined(separator: " ")
                if let caught {
                    Console.out("\(label): caught at seed \(caught.seed): '\(caught.finding.invariant)'\n")
                } else {
                    Console.out("\(label): NOT CAUGHT in seeds \(seeds.first)..\(seeds.last)\n")
                    uncaught.append(label)
                }
            }
        }
        Console.out(tried == 0 ? "\(demo.id) declares no deliberately broken variant\n"
                               : "\(demo.id) variants: \(tried - uncaught.count)/\(tried) caught\n")
        return !uncaught.isEmpty
    }
}
