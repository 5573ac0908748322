import Raft
import Simulation
import Testing

/// The agreement tests of the MIT 6.824 Raft lab (2B), each over several seeds. One
/// difference: a new leader appends a no-op first (Raft §8), so client commands start at
/// index 2 rather than 1.
@Suite struct RaftLabAgreementTests {
    static let seeds: [UInt64] = [1, 2, 3]

    @Test(arguments: seeds)
    func basicAgree(seed: UInt64) throws {
        let lab = LabCluster(nodes: 3, seed: seed)
        _ = try #require(lab.checkOneLeader())
        for i in 1...3 {
            let index = try #require(lab.one(expected: 3))
            #expect(index == i + 1)
        }
        #expect(lab.violation == nil)
    }

    @Test(arguments: seeds)
    func failAgree(seed: UInt64) throws {
        let lab = LabCluster(nodes: 3, seed: seed)
        #expect(lab.one(expected: 3) != nil)
        let leader = try #require(lab.checkOneLeader())
        lab.disconnect((leader + 1) % 3)
        for _ in 0..<4 { #expect(lab.one(expected: 2) != nil) }
        lab.connect((leader + 1) % 3)
        // The follower catches up on the next heartbeats.
        #expect(lab.one(expected: 3) != nil)
        #expect(lab.one(expected: 3) != nil)
        #expect(lab.violation == nil)
    }

    @Test(arguments: seeds)
    func failNoAgree(seed: UInt64) throws {
        let lab = LabCluster(nodes: 5, seed: seed)
        #expect(lab.one(expected: 5) != nil)
        let leader = try #require(lab.checkOneLeader())
        for k in 1...3 { lab.disconnect((leader + k) % 5) }
        let index = try #require(lab.start(lab.command(), at: leader))
        lab.run(ms: 2_000)
        #expect(lab.nCommitted(index) == 0)
        for k in 1...3 { lab.connect((leader + k) % 5) }
        #expect(lab.one(expected: 5) != nil)
        #expect(lab.violation == nil)
    }

    @Test(arguments: seeds)
    func concurrentStarts(seed: UInt64) throws {
        let lab = LabCluster(nodes: 3, seed: seed)
        let leader = try #require(lab.checkOneLeader())
        let term = lab.term(of: leader)
        let indices = (0..<5).compactMap { _ in lab.start(lab.command(), at: leader) }
        #expect(indices.count == 5)
        lab.run(ms: 1_000)
        #expect(lab.term(of: leader) == term)
        for index in indices { #expect(lab.nCommitted(index) == 3) }
    }

    @Test(arguments: seeds)
    func rejoinOfPartitionedLeader(seed: UInt64) throws {
        let lab = LabCluster(nodes: 3, seed: seed)
        #expect(lab.one(expected: 3) != nil)
        let leader1 = try #require(lab.checkOneLeader())
        lab.disconnect(leader1)
        // The cut-off leader accepts commands it can never commit.
        let stale = (0..<3).map { _ in lab.command() }
        for request in stale { #expect(lab.start(request, at: leader1) != nil) }
        #expect(lab.one(expected: 2) != nil)
        let leader2 = try #require(lab.checkOneLeader())
        lab.disconnect(leader2)
        lab.connect(leader1)
        #expect(lab.one(expected: 2) != nil)
        lab.connect(leader2)
        #expect(lab.one(expected: 3) != nil)
        // Its uncommitted entries were replaced: none of them was ever committed.
        let committed = lab.cluster.committed.map(\.payload)
        for request in stale { #expect(!committed.contains(.client(request))) }
        #expect(lab.violation == nil)
    }

    /// 6.824 TestBackup2B: long divergent logs are reconciled with few rejections thanks to
    /// the conflict-term hint (one round trip per divergent term, not per entry).
    @Test(arguments: seeds)
    func fastBackupOfDivergentLogs(seed: UInt64) throws {
        let lab = LabCluster(nodes: 5, seed: seed, config: RaftConfig(snapshotThreshold: 0))
        #expect(lab.one(expected: 5) != nil)
        let leader1 = try #require(lab.checkOneLeader())
        // Leader and one follower in a minority: 50 commands that will never commit.
        for k in 2...4 { lab.disconnect((leader1 + k) % 5) }
        for _ in 0..<50 { _ = lab.start(lab.command(), at: leader1) }
        lab.run(ms: 500)
        lab.disconnect(leader1)
        lab.disconnect((leader1 + 1) % 5)
        for k in 2...4 { lab.connect((leader1 + k) % 5) }
        // The other three commit 50 commands.
        for _ in 0..<50 { #expect(lab.one(expected: 3) != nil) }
        let leader2 = try #require(lab.checkOneLeader())
        let other = (leader1 + 2) % 5 == leader2 ? (leader1 + 3) % 5 : (leader1 + 2) % 5
        lab.disconnect(other)
        // Another 50 that will not commit, on the new leader's side.
        for _ in 0..<50 { _ = lab.start(lab.command(), at: leader2) }
        lab.run(ms: 500)
        for id in 0..<5 { lab.disconnect(id) }
        lab.connect(leader1)
        lab.connect((leader1 + 1) % 5)
        lab.connect(other)
        // The old leader and its follower hold 50 entries of an old term where `other` holds
        // 50 committed ones: `other` wins, and its first rejection from each of them carries
        // the conflicting term, so one round trip skips all 50 entries.
        lab.resetRejections()
        let leader3 = try #require(lab.checkOneLeader())
        #expect(leader3 == other)
        lab.run(ms: 500)
        #expect(lab.rejections.max()! <= 3, "rejections per follower: \(lab.rejections)")
        let last = lab.cluster.node(leader3)!.log.lastIndex
        #expect(lab.nCommitted(last) == 3)
        for _ in 0..<50 { #expect(lab.one(expected: 3) != nil) }
        for id in 0..<5 { lab.connect(id) }
        #expect(lab.one(expected: 5) != nil)
        #expect(lab.violation == nil)
    }
}
