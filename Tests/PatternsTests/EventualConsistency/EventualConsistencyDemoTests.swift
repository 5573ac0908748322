import Simulation
import Testing
@testable import EventualConsistency

/// The demo end to end: determinism, a bounded seed sweep, and the checker against a broken merge.

func runDemo(_ options: EventualConsistencyDemo.Options, quiet: Bool = false) -> (DemoOutcome, [String]) {
    var lines: [String] = []
    let timeline = Timeline(format: .text, quiet: quiet) { lines.append($0) }
    let outcome = EventualConsistencyDemo.run(options, on: timeline)
    return (outcome, lines)
}

/// Smaller than the default so that debug builds stay fast.
func small(seed: UInt64, mode: AntiEntropyMode = .merkle) -> EventualConsistencyDemo.Options {
    EventualConsistencyDemo.Options(seed: seed, replicas: 4, keys: 256, writes: 200, reads: 30, treeDepth: 4,
                                    mode: mode, writePhase: .milliseconds(800))
}

@Test func sameSeedSameBytesDifferentSeedsDiffer() {
    let (first, a) = runDemo(small(seed: 7))
    let (_, b) = runDemo(small(seed: 7))
    let (_, c) = runDemo(small(seed: 8))
    #expect(first.violation == nil)
    #expect(a == b)
    #expect(a != c)
    #expect(a.allSatisfy { $0.count <= 100 })
}

@Test func seedSweepHoldsTheInvariantsInBothModes() {
    for seed in UInt64(1)...12 {
        for mode in AntiEntropyMode.allCases {
            let (outcome, _) = runDemo(small(seed: seed, mode: mode), quiet: true)
            #expect(outcome.violation == nil, "seed \(seed) \(mode): \(String(describing: outcome.violation))")
        }
    }
}

@Test func merkleSendsFewerBytesThanFullState() throws {
    // Through the declaration, which prints the summary.
    var demo = try AnyDemo(EventualConsistencyDemo.self).prepare(["--replicas", "4", "--keys", "256", "--writes", "200",
        "--reads", "30", "--tree-depth", "4", "--write-phase-ms", "800"]).get()
    demo.seed = 3
    var lines: [String] = []
    _ = demo.run(on: Timeline(format: .text, quiet: false) { lines.append($0) })
    #expect(lines.contains { $0.hasPrefix("  merkle") } && lines.contains { $0.hasPrefix("  full") })
    func bytes(_ mode: String) -> Int {
        let row = lines.first { $0.contains("anti-entropy bytes \(mode) ") } ?? ""
        return row.split(separator: " ").last.flatMap { Int($0) } ?? 0
    }
    #expect(bytes("full") > bytes("merkle") * 3 / 2, "\(bytes("full")) vs \(bytes("merkle"))")
}

@Test func checkerCatchesAStoreThatGoesBackwards() {
    var options = small(seed: 2)
    options.brokenMerge = true
    let (outcome, _) = runDemo(options, quiet: true)
    #expect(outcome.violation?.invariant == "monotonic versions")
    #expect(outcome.violation?.seed == 2)
}

@Test func checkerCatchesConvergenceToALoserAndDivergence() {
    var checker = ConvergenceChecker(replicas: 2, initial: Array(repeating: nil, count: 4))
    checker.recordWrite(entry(1, 10, 0))
    checker.recordWrite(entry(1, 12, 1))
    var store: [KVEntry?] = [nil, entry(1, 10, 0), nil, nil]
    #expect(checker.checkWinners(store) != nil)
    store[1] = entry(1, 12, 1)
    #expect(checker.checkWinners(store) == nil)
    #expect(!ConvergenceChecker.converged([store, [nil, nil, nil, nil]]))
    #expect(ConvergenceChecker.lag([store, [nil, nil, nil, nil]]) == [0, 1])
    #expect(checker.writesSuperseded == 1)
}

@Test func aReplicaThatNeverComesBackIsAShortfallNotAViolation() {
    // A crash after the write phase with no restart: the others cannot converge with it, and
    // the run says so at its horizon without claiming that anything was lost.
    var options = small(seed: 4)
    options.injections = [ScheduledFault(at: .zero + .milliseconds(900), .crash(1))]
    let (outcome, _) = runDemo(options, quiet: true)
    #expect(outcome.violation == nil)
    #expect(outcome.shortfall?.invariant == "convergence")
    #expect(outcome.verdict == .incomplete)
}
