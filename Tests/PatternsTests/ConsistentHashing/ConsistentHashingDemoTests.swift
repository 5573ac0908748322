import Synchronization
import Simulation
import Testing
@testable import ConsistentHashing

func demoLines(_ options: ConsistentHashingDemo.Options, format: OutputFormat = .text) -> ([String], DemoOutcome) {
    var out: [String] = []
    let outcome = ConsistentHashingDemo.run(options, on: Timeline(format: format, quiet: false) { out.append($0) })
    return (out, outcome)
}

@Test func smallRunsAreDeterministicAndSeedsDiffer() {
    let options = ConsistentHashingDemo.Options(seed: 3, keys: 5_000)
    #expect(demoLines(options).0 == demoLines(options).0)
    #expect(demoLines(options, format: .json).0 == demoLines(options, format: .json).0)
    #expect(demoLines(options).0 != demoLines(ConsistentHashingDemo.Options(seed: 4, keys: 5_000)).0)
    #expect(demoLines(options).0.allSatisfy { $0.count <= 100 })
}

@Test func seedSweepPasses() {
    for seed in UInt64(1)...10 {
        let options = ConsistentHashingDemo.Options(seed: seed, keys: 4_000, nodes: 3 + Int(seed % 8),
                                                    virtualNodes: 1 + Int(seed * 7 % 50), replicas: 1 + Int(seed % 4))
        let outcome = demoLines(options).1
        #expect(outcome.violation == nil, "seed \(seed): \(String(describing: outcome.violation))")
    }
}

@Test func theSketchWalkIsCaught() {
    let outcome = demoLines(ConsistentHashingDemo.Options(keys: 2_000, naiveWalk: true)).1
    #expect(outcome.violation?.invariant == "replicas are distinct physical nodes")
}

@Test func theExperimentCatchesAStrayMove() {
    var experiment = PlacementExperiment(seed: 1, keys: 10, nodes: 3)
    let before: [NodeID] = [0, 1, 2, 0, 1, 2, 0, 1, 2, 0]
    var after = before
    after[4] = 3
    experiment.expectMovesOnlyTo(3, before, after, scheme: "test")
    #expect(experiment.violation == nil)
    after[5] = 0
    experiment.expectMovesOnlyTo(3, before, after, scheme: "test")
    #expect(experiment.violation?.invariant == "join moves keys only to the new node")
    var leaving = PlacementExperiment(seed: 1, keys: 10, nodes: 3)
    leaving.expectMovesOnlyFrom(1, before, after, scheme: "test")
    #expect(leaving.violation?.invariant == "leave moves only the leaving node's keys")
}

/// `--experiment bench` measures with the stopwatch the CLI hands in; without one (under
/// `check`) it says so and measures nothing.
@Test func benchTimesWithTheStopwatchItIsGiven() throws {
    let declaration = ConsistentHashingDemo.declaration
    let options = try declaration.options(from: ["--experiment", "bench", "--vnodes", "8", "--nodes", "4"]).get()
    var lines: [String] = []
    let timeline = Timeline(format: .text, quiet: false) { lines.append($0) }
    // A stopwatch that advances 1 µs of wall and CPU time per reading.
    let ticks = Mutex<UInt64>(0)
    timeline.stopwatch = Stopwatch { ticks.withLock { $0 += 1_000; return ($0, $0) } }
    #expect(declaration.run(options, timeline).verdict == .pass)
    #expect(lines.contains { $0.contains("Lookup benchmark: 4 nodes x 8 virtual nodes = 32 points") })
    var quiet: [String] = []
    _ = declaration.run(options, Timeline(format: .text, quiet: false) { quiet.append($0) })
    #expect(quiet.joined().contains("This mode measures wall-clock time"))
}

@Test func largestRingPasses() throws {
    var prepared = try AnyDemo(ConsistentHashingDemo.self).prepare(["--nodes", "100", "--vnodes", "1000", "--keys", "1000"]).get()
    prepared.seed = 2
    #expect(prepared.runQuietly().verdict == .pass)
}
