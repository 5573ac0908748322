import Raft
import Simulation
import Testing

/// The persistence and snapshot tests of the MIT 6.824 Raft lab (2C, 2D), each over several
/// seeds, with the safety checker watching every step.
@Suite struct RaftLabPersistenceTests {
    static let seeds: [UInt64] = [1, 2, 3]

    @Test(arguments: seeds)
    func persistAcrossRestarts(seed: UInt64) throws {
        let lab = LabCluster(nodes: 3, seed: seed)
        #expect(lab.one(expected: 3) != nil)
        // Everyone crashes and restarts: the log survives.
        for id in 0..<3 { lab.crash(id) }
        for id in 0..<3 { lab.restart(id) }
        #expect(lab.one(expected: 3) != nil)
        let leader1 = try #require(lab.checkOneLeader())
        lab.crash(leader1)
        lab.restart(leader1)
        #expect(lab.one(expected: 3) != nil)
        let leader2 = try #require(lab.checkOneLeader())
        lab.crash(leader2)
        #expect(lab.one(expected: 2) != nil)
        lab.restart(leader2)
        #expect(lab.one(expected: 3) != nil)
        #expect(lab.violation == nil)
    }

    /// 6.824 TestPersist22C: repeatedly crash two of five and keep committing.
    @Test(arguments: seeds)
    func persistUnderRollingCrashes(seed: UInt64) throws {
        let lab = LabCluster(nodes: 5, seed: seed)
        for round in 0..<5 {
            #expect(lab.one(expected: 5) != nil)
            let leader = try #require(lab.checkOneLeader())
            let a = (leader + 1 + round) % 5
            let b = (leader + 2 + round) % 5
            lab.crash(a)
            lab.crash(b)
            #expect(lab.one(expected: 3) != nil)
            lab.restart(a)
            lab.restart(b)
        }
        #expect(lab.one(expected: 5) != nil)
        #expect(lab.violation == nil)
    }

    /// 6.824 TestFigure82C: leaders crash at random moments, often right after taking a
    /// command, so that entries of old terms are left on minorities. Safety must hold
    /// throughout (the checker would report an old-term entry committed by counting and later
    /// overwritten), and the cluster must agree at the end.
    @Test(arguments: seeds)
    func figure8(seed: UInt64) throws {
        let lab = runFigure8(seed: seed, flaw: nil, iterations: 60)
        #expect(lab.violation == nil, "\(lab.violation!)")
        #expect(lab.one(expected: 5) != nil)
    }

    /// The same scenario on a lossy network (6.824 TestFigure8Unreliable2C).
    @Test(arguments: seeds)
    func figure8Unreliable(seed: UInt64) throws {
        let lab = runFigure8(seed: seed, flaw: nil, iterations: 40, network: .unreliable)
        #expect(lab.violation == nil, "\(lab.violation!)")
        #expect(lab.one(expected: 5) != nil)
    }

    func runFigure8(seed: UInt64, flaw: RaftFlaw?, iterations: Int,
                    network: NetworkConditions = .reliable, batch: Int = 64) -> LabCluster {
        let config = RaftConfig(snapshotThreshold: 0, maxEntriesPerMessage: batch, flaw: flaw)
        let lab = LabCluster(nodes: 5, seed: seed, config: config, network: network)
        var rng = SeededRNG(seed: seed).stream(8)
        _ = lab.one(expected: 1)
        var up = 5
        for _ in 0..<iterations where lab.violation == nil {
            var leader: NodeID?
            for id in 0..<5 where !lab.crashed.contains(id) {
                if lab.start(lab.command(), at: id) != nil { leader = id }
            }
            lab.run(ms: rng.below(10) == 0 ? rng.below(500) : rng.below(13))
            if let leader, !lab.crashed.contains(leader) {
                lab.crash(leader)
                up -= 1
            }
            if up < 3 {
                let down = lab.crashed.sorted()
                lab.restart(down[Int(rng.below(UInt64(down.count)))])
                up += 1
            }
        }
        for id in lab.crashed.sorted() { lab.restart(id) }
        return lab
    }

    /// 6.824 TestUnreliableChurn2C: a lossy network, servers crashing, restarting and being
    /// cut off at random, commands offered all along; agreement at the end.
    @Test(arguments: seeds)
    func unreliableChurn(seed: UInt64) throws {
        let lab = LabCluster(nodes: 5, seed: seed, network: .unreliable)
        var rng = SeededRNG(seed: seed).stream(4)
        for _ in 0..<40 where lab.violation == nil {
            for id in 0..<5 { _ = lab.start(lab.command(), at: id) }
            lab.run(ms: 50 + rng.below(150))
            let id = Int(rng.below(5))
            switch rng.below(6) {
            case 0 where lab.crashed.count < 2: lab.crash(id)
            case 1 where lab.crashed.contains(id): lab.restart(id)
            case 2 where lab.disconnected.count < 2: lab.disconnect(id)
            case 3: lab.connect(id)
            default: break
            }
        }
        for id in lab.crashed.sorted() { lab.restart(id) }
        for id in 0..<5 { lab.connect(id) }
        #expect(lab.one(expected: 5) != nil)
        #expect(lab.violation == nil)
    }

    /// 6.824 TestSnapshotBasic2D: logs stay bounded during a long run.
    @Test(arguments: seeds)
    func snapshotsKeepTheLogBounded(seed: UInt64) throws {
        let lab = LabCluster(nodes: 3, seed: seed, config: RaftConfig(snapshotThreshold: 10))
        for _ in 0..<60 { #expect(lab.one(expected: 3) != nil) }
        #expect(lab.maxLogEntries <= 10 + 5, "log grew to \(lab.maxLogEntries) entries")
        #expect(lab.violation == nil)
    }

    /// 6.824 TestSnapshotInstall2D and TestSnapshotInstallCrash2D: a follower that fell behind
    /// the leader's snapshot catches up through InstallSnapshot, after a partition or a crash.
    @Test(arguments: seeds)
    func snapshotInstall(seed: UInt64) throws {
        for crash in [false, true] {
            let lab = LabCluster(nodes: 3, seed: seed, config: RaftConfig(snapshotThreshold: 10))
            let leader = try #require(lab.checkOneLeader())
            let victim = (leader + 1) % 3
            if crash { lab.crash(victim) } else { lab.disconnect(victim) }
            for _ in 0..<30 { #expect(lab.one(expected: 2) != nil) }
            if crash { lab.restart(victim) } else { lab.connect(victim) }
            let index = try #require(lab.one(expected: 3))
            lab.run(ms: 500)
            #expect(lab.installs >= 1)
            #expect(lab.cluster.node(victim)!.lastApplied >= index)
            #expect(lab.cluster.node(victim)!.store == lab.cluster.node((victim + 1) % 3)!.store)
            #expect(lab.violation == nil)
        }
    }
}
