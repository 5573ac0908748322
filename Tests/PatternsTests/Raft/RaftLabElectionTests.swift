import Raft
import Simulation
import Testing

/// The election tests of the MIT 6.824 Raft lab (2A) and its traffic limits (2B TestCount),
/// each over several seeds.
@Suite struct RaftLabElectionTests {
    static let seeds: [UInt64] = [1, 2, 3, 4]

    @Test(arguments: seeds)
    func initialElection(seed: UInt64) throws {
        let lab = LabCluster(nodes: 3, seed: seed)
        let leader = try #require(lab.checkOneLeader())
        let term = lab.term(of: leader)
        #expect(term >= 1)
        // With no failures the term must not move, and the leader must stay.
        lab.run(ms: 2_000)
        #expect(lab.term(of: leader) == term)
        #expect(lab.checkOneLeader() == leader)
        #expect(lab.violation == nil)
    }

    @Test(arguments: seeds)
    func reElection(seed: UInt64) throws {
        let lab = LabCluster(nodes: 3, seed: seed)
        let leader1 = try #require(lab.checkOneLeader())
        lab.disconnect(leader1)
        let leader2 = try #require(lab.checkOneLeader())
        #expect(leader2 != leader1)
        // The old leader rejoins: it must not disturb the new one (it stepped down, PreVote).
        lab.connect(leader1)
        #expect(lab.checkOneLeader() == leader2)
        // Without a majority nobody may lead.
        lab.disconnect(leader2)
        lab.disconnect((leader2 + 1) % 3)
        lab.run(ms: 2_000)
        #expect(lab.liveLeaders().isEmpty)
        lab.connect((leader2 + 1) % 3)
        #expect(lab.checkOneLeader() != nil)
        lab.connect(leader2)
        #expect(lab.checkOneLeader() != nil)
        #expect(lab.violation == nil)
    }

    @Test(arguments: seeds)
    func manyElections(seed: UInt64) throws {
        let lab = LabCluster(nodes: 7, seed: seed)
        _ = try #require(lab.checkOneLeader())
        var rng = SeededRNG(seed: seed).stream(9)
        for _ in 0..<6 {
            var picked: [NodeID] = []
            while picked.count < 3 {
                let id = Int(rng.below(7))
                if !picked.contains(id) { picked.append(id) }
            }
            for id in picked { lab.disconnect(id) }
            // Four of seven remain: they must elect a leader (or keep one).
            #expect(lab.checkOneLeader() != nil)
            for id in picked { lab.connect(id) }
        }
        #expect(lab.checkOneLeader() != nil)
        #expect(lab.violation == nil)
    }

    /// 6.824 TestCount2B: electing a leader in a 3-server cluster takes at most 30 messages,
    /// and an idle cluster sends at most 60 messages per second.
    @Test(arguments: seeds)
    func trafficLimits(seed: UInt64) throws {
        let lab = LabCluster(nodes: 3, seed: seed)
        _ = try #require(lab.checkOneLeader())
        #expect(lab.messages <= 30, "election took \(lab.messages) messages")
        lab.run(ms: 1_000)
        let before = lab.messages
        lab.run(ms: 1_000)
        #expect(lab.messages - before <= 60, "idle second took \(lab.messages - before) messages")
    }

    /// PreVote (thesis §9.6): a follower cut off for a long time does not raise the term, so it
    /// cannot depose the leader when it comes back.
    @Test(arguments: seeds)
    func preVoteKeepsTermsStable(seed: UInt64) throws {
        let lab = LabCluster(nodes: 5, seed: seed)
        let leader = try #require(lab.checkOneLeader())
        let term = lab.term(of: leader)
        let follower = (leader + 1) % 5
        lab.disconnect(follower)
        lab.run(ms: 3_000)
        #expect(lab.term(of: follower) == term)
        lab.connect(follower)
        lab.run(ms: 1_000)
        #expect(lab.checkOneLeader() == leader)
        #expect(lab.term(of: leader) == term)
    }

    /// Without PreVote the same scenario inflates the cut-off node's term: the contrast shows
    /// what PreVote buys.
    @Test func withoutPreVoteAnIsolatedNodeInflatesItsTerm() throws {
        let lab = LabCluster(nodes: 5, seed: 1, config: RaftConfig(preVote: false))
        let leader = try #require(lab.checkOneLeader())
        let follower = (leader + 1) % 5
        lab.disconnect(follower)
        lab.run(ms: 3_000)
        #expect(lab.term(of: follower) > lab.term(of: leader) + 2)
    }

    /// Check quorum (thesis §6.2): a leader cut off from the majority steps down.
    @Test(arguments: seeds)
    func isolatedLeaderStepsDown(seed: UInt64) throws {
        let lab = LabCluster(nodes: 5, seed: seed)
        let leader = try #require(lab.checkOneLeader())
        lab.disconnect(leader)
        lab.run(ms: 1_500)
        #expect(lab.cluster.node(leader)?.role != .leader)
        #expect(lab.violation == nil)
    }
}
