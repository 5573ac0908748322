@testable import Raft
import Simulation
import Testing

@Suite struct RaftDemoTests {
    static func lines(_ options: RaftDemo.Options, format: OutputFormat = .text) -> (lines: [String], outcome: DemoOutcome) {
        var lines: [String] = []
        let timeline = Timeline(format: format, quiet: false) { lines.append($0) }
        let outcome = RaftDemo.run(options, on: timeline)
        return (lines, outcome)
    }

    /// A run through the declaration, as the CLI makes it: parsed, validated, with its header
    /// and verdict printed by the harness.
    static func declared(_ words: [String], seed: UInt64 = 1,
                         format: OutputFormat = .text) throws -> (lines: [String], outcome: DemoOutcome) {
        var prepared = try AnyDemo(RaftDemo.self).prepare(words).get()
        prepared.seed = seed
        var lines: [String] = []
        let outcome = prepared.run(on: Timeline(format: format, quiet: false) { lines.append($0) })
        return (lines, outcome)
    }

    @Test func defaultRunTellsTheStoryAndPasses() throws {
        let (lines, outcome) = try Self.declared([])
        #expect(outcome.violation == nil)
        let text = lines.joined(separator: "\n")
        for phrase in ["elected leader of term 1", "crash the leader", "node crashes", "asks for pre-votes",
                       "partition healed", "restart the old leader", "caught-up", "linearizable", "PASS"] {
            #expect(text.contains(phrase), "missing: \(phrase)")
        }
        // A second leader takes over after the crash.
        #expect(lines.filter { $0.contains("elected leader of term") }.count >= 2)
        #expect(lines.allSatisfy { $0.count <= Timeline.width })
    }

    @Test func sameSeedSameBytesDifferentSeedsDiffer() {
        for format in [OutputFormat.text, .json] {
            let options = RaftDemo.Options(seed: 7, operations: 60, faults: .drawn(.all))
            #expect(Self.lines(options, format: format).lines == Self.lines(options, format: format).lines)
        }
        let a = Self.lines(RaftDemo.Options(seed: 1, faults: .drawn(.all))).lines
        let b = Self.lines(RaftDemo.Options(seed: 2, faults: .drawn(.all))).lines
        #expect(a != b)
    }

    @Test func jsonLinesAreObjects() throws {
        let (lines, _) = try Self.declared(["--ops", "10", "--faults", "crash"], format: .json)
        #expect(lines.allSatisfy { $0.hasPrefix("{") && $0.hasSuffix("}") })
        #expect(lines.first?.contains(#""type":"run""#) == true)
        #expect(lines.last?.contains(#""type":"summary""#) == true)
    }

    @Test func historyIsJepsenShaped() {
        let timeline = Timeline(format: .text, quiet: true) { _ in }
        let result = RaftDemo.execute(RaftDemo.Options(operations: 30, faults: .drawn(.all)), on: timeline)
        let invokes = result.history.filter { $0.kind == .invoke }
        #expect(invokes.count == 30)
        #expect(result.history.count == 60)
        #expect(zip(result.history, result.history.dropFirst()).allSatisfy { $0.time <= $1.time })
        // One outstanding operation per process.
        var open: Set<Int> = []
        for event in result.history {
            if event.kind == .invoke {
                #expect(!open.contains(event.process))
                open.insert(event.process)
            } else {
                #expect(open.remove(event.process) != nil)
            }
        }
    }

    /// A bounded sweep: every fault mode, both read paths, small and large clusters.
    @Test(arguments: [FaultMode.none, .drawn(.crash), .drawn(.partition), .drawn(.drop), .drawn(.all)])
    func seedSweep(faults: FaultMode) {
        for seed in UInt64(1)...4 {
            for (nodes, reads) in [(3, RaftConfig.ReadMode.readIndex), (5, .log), (7, .readIndex)] {
                let options = RaftDemo.Options(nodes: nodes, seed: seed, clients: 5, operations: 60, faults: faults,
                                               readMode: reads, snapshotEvery: 8)
                let timeline = Timeline(format: .text, quiet: true) { _ in }
                let outcome = RaftDemo.run(options, on: timeline)
                #expect(outcome.verdict == .pass, "seed \(seed) nodes \(nodes) \(reads): \(String(describing: outcome.finding))")
            }
        }
    }

    /// Seed 6744 with every fault: n0 collects votes for term 3, is cut off, and wins term 3
    /// when the partition heals, after the majority has committed entries in term 4. Raft allows
    /// it (votes for term 3 were given before the voters moved on; n0 can commit nothing), and
    /// leader completeness only speaks of entries committed in earlier terms.
    @Test func aLowerTermLeaderAfterHigherTermCommitsIsNotAViolation() {
        let (lines, outcome) = Self.lines(RaftDemo.Options(seed: 6744, faults: .drawn(.all)))
        #expect(outcome.violation == nil, "\(outcome.violation!)")
        let text = lines.joined(separator: "\n")
        #expect(text.contains("elected leader of term 4"))
        #expect(text.contains("n0   leader    elected leader of term 3"))
    }

    /// Seed 313 under swarm faults: leader n3 commits index 20, applies it and writes a
    /// snapshot through it, and a trap crashes it the moment that snapshot is durable. The
    /// apply happened, so the checker must see it: the restarted snapshot is committed state.
    @Test func aLeaderCrashedRightAfterItsSnapshotIsNotAViolation() {
        let (lines, outcome) = Self.lines(RaftDemo.Options(seed: 313, faults: .swarm(.all)))
        #expect(outcome.verdict == .pass, "\(String(describing: outcome.finding))")
        #expect(lines.joined(separator: "\n").contains("n3   armed"))
    }

    /// Seed 6809 under swarm faults draws a slow disk and a nemesis that crashes new leaders:
    /// a candidate that counted its own vote before writing it wins, crashes with the write in
    /// flight, and votes for another in the same term. The correct protocol passes the seed.
    @Test func theNemesisCatchesACandidateCountingItsVoteEarly() {
        let broken = Self.lines(RaftDemo.Options(seed: 6809, faults: .swarm(.all), flaw: .countsOwnVoteEarly)).1
        #expect(broken.violation?.invariant == "election safety")
        let (lines, correct) = Self.lines(RaftDemo.Options(seed: 6809, faults: .swarm(.all)))
        #expect(correct.verdict == .pass, "\(String(describing: correct.finding))")
        #expect(lines.contains { $0.contains("nemesis for this seed") })
    }

    /// The same runs with disks that take 14 ms per write (the election experiment's), so that
    /// candidates overlap their vote requests with their own writes: still safe, still
    /// linearizable, under crashes and everything else.
    @Test(arguments: [FaultMode.drawn(.crash), .drawn(.all)])
    func slowDisksStaySafe(faults: FaultMode) {
        for seed in UInt64(1)...10 {
            let options = RaftDemo.Options(nodes: 5, seed: seed, clients: 5, operations: 60, faults: faults,
                                           snapshotEvery: 8, storage: StorageConditions(writeLatency: .milliseconds(14)))
            let timeline = Timeline(format: .text, quiet: true) { _ in }
            let outcome = RaftDemo.run(options, on: timeline)
            #expect(outcome.verdict == .pass, "seed \(seed): \(String(describing: outcome.finding))")
        }
    }

    /// The thesis's own examples (s = 4, c = 3): 0.06%, 5.2% and 18.1% split votes at latencies
    /// of 1%, 10% and 20% of the timeout range.
    @Test func splitVoteFormulaMatchesTheThesis() {
        #expect(abs(RaftElectionExperiment.splitVoteRate(latency: 0.01) - 0.0006) < 0.00005)
        #expect(abs(RaftElectionExperiment.splitVoteRate(latency: 0.1) - 0.052) < 0.0005)
        #expect(abs(RaftElectionExperiment.splitVoteRate(latency: 0.2) - 0.181) < 0.0005)
        #expect(abs(RaftElectionExperiment.impliedLatency(splitRate: 0.052) - 0.1) < 0.001)
    }

    @Test func electionExperimentMeasuresDowntime() throws {
        let setting = RaftElectionExperiment.settings.first { $0.minimum == 150 && $0.maximum == 300 }!
        let trials = try RaftElectionExperiment.measure(setting, trials: 20, seed: 1)
        #expect(trials.allSatisfy { $0.downtime != nil && $0.terms >= 1 && $0.leaders >= 1 })
        let ms = trials.compactMap(\.downtime).map { Double($0) / 1e6 }
        // At least half the minimum timeout (the crash comes at most one heartbeat after the
        // last one), and well under a second with this much randomness.
        #expect(ms.allSatisfy { $0 >= 75 && $0 < 1_000 })
        // With no randomness every round splits: no leader, and a new term every timeout.
        let none = RaftElectionExperiment.settings.first { $0.minimum == 150 && $0.maximum == 150 }!
        let stuck = try RaftElectionExperiment.measure(none, trials: 3, seed: 1)
        #expect(stuck.allSatisfy { $0.downtime == nil && $0.leaders == 0 && $0.terms > 20 })
    }
}
