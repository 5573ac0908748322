import Simulation
import Testing
@testable import Sharding

// Drawn faults: crashes of any node, partitions, one-way cuts, slowed links, lossy periods.

@Test(arguments: ["crash", "partition", "drop", "crash,partition,drop", "all"])
func drawnLinkFaultsKeepEveryInvariant(kinds: String) throws {
    var prepared = try AnyDemo(ShardingDemo.self).prepare(["--faults", kinds]).get()
    for seed in UInt64(1)...4 {
        prepared.seed = seed
        #expect(prepared.runQuietly().verdict == .pass, "\(kinds) seed \(seed)")
    }
}

/// Nodes kept nothing on disk, so a restarted storage node came back with its initial data
/// and session table: acknowledged writes vanished and request ids were answered twice
/// (seeds 1, 296 and 300 of `--faults all`). Each handler now persists the node's state.
@Test func aRestartedNodeComesBackWithItsState() {
    let config = ShardingDemo.Options(seed: 1).config
    let sim = Simulator<ShardingNode, Never>(seed: 1, nodeCount: config.nodeCount, network: .reliable,
                                             disks: Array(repeating: ShardingDurable(config: config), count: config.nodeCount))
    func storage(_ id: NodeID) -> StorageNode? {
        if case .storage(let node)? = sim.nodes[id]?.role { return node }
        return nil
    }
    sim.run(until: .zero + .milliseconds(400))
    let before = storage(1)!
    #expect(before.store.values.contains { $0.version > 1 } && !before.sessions.isEmpty)
    sim.inject(.crash(1))
    sim.inject(.restart(1))
    sim.step()
    #expect(storage(1) == nil)
    sim.step()
    let after = storage(1)
    #expect(after?.store == before.store && after?.table.version == before.table.version)
    #expect(after?.sessions.keys.sorted() == before.sessions.keys.sorted())
}

@Test(arguments: [UInt64(1), 296, 300])
func swarmSeedsThatLostWritesPass(seed: UInt64) throws {
    var prepared = try AnyDemo(ShardingDemo.self).prepare(["--faults", "all"]).get()
    prepared.seed = seed
    #expect(prepared.runQuietly().verdict == .pass, "seed \(seed)")
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
    let options = ShardingDemo.Options(seed: 3, faults: .swarm(.all))
    _ = ShardingDemo.run(options, on: Timeline(format: .text, quiet: false) { out.append($0) })
    #expect(out.contains { $0.hasPrefix("swarm faults for this seed") })
    #expect(out.contains { $0.contains(" fault ") })
}
