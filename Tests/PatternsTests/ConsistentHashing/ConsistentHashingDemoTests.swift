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

/// `--experiment bench` is the declaration's: it exists where a clock is handed in, and runs
/// that hook instead of the demo; the module alone offers no such parameter.
@Test func benchIsSelectedThroughTheDeclaration() throws {
    var benchRuns = 0
    let declaration = ConsistentHashingDemo.declaration(timing: { options, _ in
        benchRuns += 1
        #expect(options.virtualNodes == 8)
        return .passed
    })
    let options = try declaration.options(from: ["--experiment", "bench", "--vnodes", "8"]).get()
    let quiet = Timeline(format: .text, quiet: true) { _ in }
    #expect(declaration.run(options, quiet).verdict == .pass)
    #expect(benchRuns == 1)
    _ = declaration.run(try declaration.options(from: ["--keys", "1000"]).get(), quiet)
    #expect(benchRuns == 1)
    if case .success = AnyDemo(ConsistentHashingDemo.self).prepare(["--experiment", "bench"]) {
        Issue.record("the pure declaration must not offer --experiment")
    }
}

@Test func largestRingPasses() throws {
    var prepared = try AnyDemo(ConsistentHashingDemo.self).prepare(["--nodes", "100", "--vnodes", "1000", "--keys", "1000"]).get()
    prepared.seed = 2
    #expect(prepared.runQuietly().verdict == .pass)
}
