import Simulation
import Testing
@testable import Sharding

// Drawn faults: partitions, one-way cuts, slowed links and lossy periods (nodes never crash:
// no node of this store keeps its data on a disk, so a crash would be data loss by design).

@Test(arguments: ["partition", "drop", "partition,drop", "all"])
func drawnLinkFaultsKeepEveryInvariant(kinds: String) throws {
    var prepared = try AnyDemo(ShardingDemo.self).prepare(["--faults", kinds]).get()
    for seed in UInt64(1)...4 {
        prepared.seed = seed
        #expect(prepared.runQuietly().verdict == .pass, "\(kinds) seed \(seed)")
    }
}

@Test func crashesAreNotOffered() {
    for words in [["--faults", "crash"], ["--faults", "crash,drop"]] {
        if case .success = AnyDemo(ShardingDemo.self).prepare(words) { Issue.record("\(words) accepted") }
    }
}

/// The unsafe switch is still caught when the seed draws the faults.
@Test func theUnsafeSwitchIsCaughtUnderSwarmFaults() throws {
    var prepared = try AnyDemo(ShardingDemo.self).prepare(["--faults", "all", "--unsafe-switch"]).get()
    var caught = false
    for seed in UInt64(1)...5 where !caught {
        prepared.seed = seed
        caught = prepared.runQuietly().verdict == .violated
    }
    #expect(caught)
}

/// A swarm seed's faults reach the simulator: the run's timeline shows them.
@Test func swarmFaultsStrike() {
    var out: [String] = []
    let options = ShardingDemo.Options(seed: 3, faults: .swarm([.partition, .drop]))
    _ = ShardingDemo.run(options, on: Timeline(format: .text, quiet: false) { out.append($0) })
    #expect(out.contains { $0.hasPrefix("swarm faults for this seed") })
    #expect(out.contains { $0.contains(" fault ") })
}
