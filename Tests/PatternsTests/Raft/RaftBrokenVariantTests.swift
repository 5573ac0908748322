@testable import Raft
import Simulation
import Testing

/// A checker that never fails proves nothing: each deliberately broken Raft must be caught,
/// and the correct one must pass the very same scenario.
@Suite struct RaftBrokenVariantTests {
    /// Node 0 bridges two pairs ({1,2} and {3,4}) that cannot reach each other, and keeps
    /// crashing and restarting. Each pair needs node 0's vote to win. A node 0 that forgets
    /// its vote when it restarts can give it to both sides in one term.
    static func bridgeStorm(seed: UInt64, flaw: RaftFlaw?,
                            storage: StorageConditions = .instant) -> InvariantViolation? {
        var faults = [ScheduledFault(at: .zero + .milliseconds(50),
                                     .partition(.bridge(0, between: [1, 2], and: [3, 4], nodeCount: 5)))]
        var rng = SeededRNG(seed: seed).stream(5)
        var t: UInt64 = 100
        while t < 10_000 {
            let up = 20 + rng.below(120)
            let down = 5 + rng.below(40)
            faults.append(ScheduledFault(at: .zero + .milliseconds(t + up), .crash(0)))
            faults.append(ScheduledFault(at: .zero + .milliseconds(t + up + down), .restart(0)))
            t += up + down
        }
        let config = RaftConfig(preVote: false, checkQuorum: false, flaw: flaw)
        let cluster = RaftCluster(seed: seed, nodeCount: 5, config: config, network: .reliable,
                                  storage: storage, faults: FaultPlan(faults))
        cluster.run(until: .zero + .seconds(10))
        return cluster.violation
    }

    @Test func forgettingVotedForIsCaughtByElectionSafety() throws {
        let caught = (UInt64(1)...40).lazy.compactMap { Self.bridgeStorm(seed: $0, flaw: .forgetsVote) }.first
        let violation = try #require(caught)
        #expect(violation.invariant == "election safety")
        #expect(violation.detail.contains("were both elected leader of term"))
    }

    @Test func theCorrectVariantSurvivesTheSameStorms() {
        for seed in UInt64(1)...8 {
            #expect(Self.bridgeStorm(seed: seed, flaw: nil) == nil)
        }
    }

    /// With disks that take 1–30 ms per write, a voter's write can finish long before the
    /// candidate's own. Node 0 campaigns among {0, 1, 2} while {3, 4} are cut off, and crashes
    /// the moment it wins. Then it restarts among {0, 3, 4}, and node 3 campaigns. If node 0's
    /// vote for itself was not yet on disk when it won, it forgets it and votes for node 3 in
    /// the same term: two leaders of one term.
    static func wonBeforeOwnVoteWasWritten(seed: UInt64, flaw: RaftFlaw?) -> InvariantViolation? {
        let storage = StorageConditions(writeLatency: .milliseconds(1), writeJitter: .milliseconds(29))
        let base = RaftConfig(preVote: true, checkQuorum: false, flaw: flaw)
        let cluster = RaftCluster(seed: seed, nodeCount: 5, config: base, network: .reliable, storage: storage,
                                  faults: FaultPlan([ScheduledFault(at: .zero, .partition(.split([0, 1, 2], [3, 4], nodeCount: 5)))]),
                                  configure: { id in
            var config = base
            // Nodes 0 and 3 are the only ones quick to campaign.
            let quick = id == 0 || id == 3
            config.electionTimeoutMin = .milliseconds(quick ? 100 : 2_000)
            config.electionTimeoutMax = .milliseconds(quick ? 150 : 3_000)
            return config
        })
        var crashed = false
        cluster.run(until: .zero + .seconds(1)) { _ in
            for (node, output) in cluster.sim.outputs {
                guard node == 0, case .becameLeader = output, !crashed else { continue }
                crashed = true
                cluster.sim.inject(.crash(0))
                cluster.sim.inject(.partition(.split([0, 3, 4], [1, 2], nodeCount: 5)), after: .milliseconds(1))
                cluster.sim.inject(.restart(0), after: .milliseconds(2))
            }
            return true
        }
        return cluster.violation
    }

    @Test func countingTheOwnVoteBeforeItIsDurableIsCaught() throws {
        let caught = (UInt64(1)...40).lazy.compactMap { Self.wonBeforeOwnVoteWasWritten(seed: $0, flaw: .countsOwnVoteEarly) }.first
        let violation = try #require(caught)
        #expect(violation.invariant == "election safety")
    }

    @Test func waitingForTheOwnVoteSurvivesTheSameRuns() {
        for seed in UInt64(1)...40 {
            #expect(Self.wonBeforeOwnVoteWasWritten(seed: seed, flaw: nil) == nil)
        }
    }

    /// Three nodes on disks that take 1–30 ms per write, clients writing: the leader sends each
    /// entry while writing it. Counting itself before its write is done lets it commit an entry
    /// only one follower holds, which the checker sees as a committed entry on a minority of
    /// disks (a leader crash at that moment would lose it).
    static func leaderWritesInParallel(seed: UInt64, flaw: RaftFlaw?) -> InvariantViolation? {
        let options = RaftDemo.Options(nodes: 3, seed: seed, clients: 3, operations: 40, faults: .drawn(.crash),
                                       flaw: flaw, storage: StorageConditions(writeLatency: .milliseconds(1), writeJitter: .milliseconds(29)))
        return RaftDemo.run(options, on: Timeline(format: .text, quiet: true) { _ in }).violation
    }

    @Test func countingTheLeadersOwnEntriesBeforeTheyAreDurableIsCaught() throws {
        let caught = (UInt64(1)...20).lazy.compactMap { Self.leaderWritesInParallel(seed: $0, flaw: .countsOwnEntriesEarly) }.first
        let violation = try #require(caught)
        #expect(violation.invariant == "no committed entry lost")
        #expect(violation.detail.contains("fewer than a majority"))
    }

    @Test func countingOnlyDurableEntriesSurvivesTheSameRuns() {
        for seed in UInt64(1)...20 {
            #expect(Self.leaderWritesInParallel(seed: seed, flaw: nil) == nil)
        }
    }

    @Test func slowDisksSurviveTheBridgeStorms() {
        let storage = StorageConditions(writeLatency: .milliseconds(1), writeJitter: .milliseconds(29))
        for seed in UInt64(1)...20 {
            #expect(Self.bridgeStorm(seed: seed, flaw: nil, storage: storage) == nil)
        }
    }

    /// The paper's Figure 8, played out on the cluster. (a) Leader L replicates entry 3 to one
    /// follower F only, and crashes. (b) X is elected by the other three, appends its no-op at
    /// index 3, and crashes before sending it. (c) L or F is elected, replicates the old entry 3
    /// to a majority and crashes at its first commit. (d) X returns and is elected by the two
    /// that lack the newer entries, and overwrites index 3. Counting replicas of an old-term
    /// entry committed it at (c), so (d) destroys a committed entry; the correct rule commits
    /// nothing at (c) until its own no-op is on a majority, which then keeps X from winning.
    static func figure8(seed: UInt64, flaw: RaftFlaw?) throws -> (violation: InvariantViolation?, firstCommit: Int) {
        let config = RaftConfig(snapshotThreshold: 0, maxEntriesPerMessage: 1, flaw: flaw)
        let lab = LabCluster(nodes: 5, seed: seed, config: config)
        let l = try #require(lab.checkOneLeader())
        #expect(try #require(lab.one(expected: 5)) == 2)
        let f = (l + 1) % 5
        let others = [2, 3, 4].map { (l + $0) % 5 }
        // (a)
        for id in others { lab.disconnect(id) }
        #expect(lab.start(lab.command(), at: l) == 3)
        lab.run(ms: 200)
        lab.crash(l)
        lab.disconnect(f)
        for id in others { lab.connect(id) }
        // (b)
        let x = try #require(lab.runUntil { _, output in if case .becameLeader = output { true } else { false } })
        lab.disconnect(x)
        lab.crash(x)
        // (c)
        lab.restart(l)
        lab.connect(f)
        var firstCommit = 0
        let leader = try #require(lab.runUntil { node, output in
            guard case .committed(let index) = output, index > 2, node == l || node == f else { return false }
            firstCommit = index
            return true
        })
        lab.disconnect(leader)
        lab.crash(leader)
        // (d)
        lab.disconnect(leader == l ? f : l)
        lab.restart(x)
        lab.connect(x)
        lab.run(ms: 5_000)
        return (lab.violation, firstCommit)
    }

    @Test(arguments: [UInt64(1), 2, 3])
    func committingOldTermsByCountingIsCaught(seed: UInt64) throws {
        let broken = try Self.figure8(seed: seed, flaw: .commitsOldTermsByCounting)
        #expect(broken.firstCommit == 3)
        let violation = try #require(broken.violation)
        #expect(["state machine safety", "no committed entry lost", "leader completeness"].contains(violation.invariant))
        let correct = try Self.figure8(seed: seed, flaw: nil)
        #expect(correct.firstCommit == 4)
        #expect(correct.violation == nil)
    }
}

/// Linearizability is checked on the clients' history, so a read path that skips the
/// leadership check must be caught by it, not by the log invariants (the logs stay perfect).
@Suite struct RaftStaleReadTests {
    static func run(seed: UInt64, flaw: RaftFlaw?) -> InvariantViolation? {
        let options = RaftDemo.Options(seed: seed, clients: 6, operations: 120, keys: 1, faults: .drawn(.partition),
                                       flaw: flaw)
        return RaftDemo.run(options, on: Timeline(format: .text, quiet: true) { _ in }).violation
    }

    @Test func staleLeaderReadsAreCaughtByTheLinearizabilityChecker() throws {
        let caught = (UInt64(1)...30).lazy.compactMap { Self.run(seed: $0, flaw: .servesReadsLocally) }.first
        let violation = try #require(caught)
        #expect(violation.invariant == "linearizability")
        #expect(violation.detail.contains("cannot be linearized"))
        #expect(violation.detail.contains("Around it"))
    }

    @Test func readIndexReadsPassTheSameRuns() {
        for seed in UInt64(1)...6 { #expect(Self.run(seed: seed, flaw: nil) == nil) }
    }
}
