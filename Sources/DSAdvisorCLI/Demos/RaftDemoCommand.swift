import ArgumentParser
import Foundation
import Raft
import Simulation

/// `dsadvisor demo raft`: Raft consensus with a replicated key-value store, under a scripted
/// story or a fault plan drawn from the seed; or the paper's election-timeout experiment.
struct RaftDemoCommand: DemoRunner {
    static let demoID = "raft"
    static let configuration = CommandConfiguration(
        commandName: "raft",
        abstract: "Raft consensus: elections, log replication, snapshots, a linearizable key-value store.",
        discussion: """
            Without --faults the run tells a story: a leader is elected and commands commit; the leader \
            crashes and a new one is elected; the old leader restarts and catches up (InstallSnapshot); \
            the new leader is cut off, steps down (check quorum) while the others elect a third, and \
            rejoins without raising the term (PreVote). Safety invariants are checked after every \
            step; the client history is checked for linearizability at the end.

            Examples:
              dsadvisor demo raft
              dsadvisor demo raft --nodes 7 --faults all --seed 42 --history /tmp/h.jsonl
              dsadvisor demo raft --experiment election-timeouts
              dsadvisor check raft --seeds 1..1000 --ops 200 --faults all
              dsadvisor check raft --seeds 1..1000 --faults all --disk-write-ms 14
            """
    )

    enum Experiment: String, ExpressibleByArgument, CaseIterable {
        case electionTimeouts = "election-timeouts"
    }

    @OptionGroup var common: DemoCommonOptions

    @Option(help: "Cluster size (3...9).")
    var nodes = 5

    @Option(help: "Concurrent client processes (1...32).")
    var clients = 4

    @Option(help: "Client operations in the run (1...10000).")
    var ops = 40

    @Option(help: "Distinct keys the clients touch (1...100).")
    var keys = 3

    @Option(help: "Faults: story (default, scripted), none, crash, partition, drop or all (drawn from the seed).")
    var faults: RaftDemo.FaultMode = .story

    @Option(help: "How reads are made linearizable: read-index or log.")
    var reads: RaftConfig.ReadMode = .readIndex

    @Flag(help: "Disable PreVote (a rejoining node may then disrupt the cluster).")
    var noPrevote = false

    @Option(help: "Snapshot after this many applied entries (0: never; 4...100000).")
    var snapshotEvery = 10

    @Option(help: ArgumentHelp(
        "Milliseconds each disk write takes to become durable (0...100; 0: at once). Candidates then ask for votes while their own is being written, and leaders write in parallel with replication.",
        valueName: "ms"))
    var diskWriteMs = 0

    @Option(help: "Write the client history (Jepsen convention, one JSON object per line) to this file.")
    var history: String?

    @Option(help: "Run an experiment instead of the demo: election-timeouts (the paper's Figure 16).")
    var experiment: Experiment?

    @Option(help: "Trials per timeout range for --experiment (1...10000).")
    var trials = 1000

    func validate() throws {
        guard (3...9).contains(nodes) else { throw ValidationError("--nodes must be within 3...9") }
        guard (1...32).contains(clients) else { throw ValidationError("--clients must be within 1...32") }
        guard (1...10_000).contains(ops) else { throw ValidationError("--ops must be within 1...10000") }
        guard (1...100).contains(keys) else { throw ValidationError("--keys must be within 1...100") }
        guard snapshotEvery == 0 || (4...100_000).contains(snapshotEvery) else {
            throw ValidationError("--snapshot-every must be 0 or within 4...100000")
        }
        guard (1...10_000).contains(trials) else { throw ValidationError("--trials must be within 1...10000") }
        guard (0...100).contains(diskWriteMs) else { throw ValidationError("--disk-write-ms must be within 0...100") }
    }

    func runDemo(on timeline: Timeline) throws -> DemoOutcome {
        if experiment == .electionTimeouts {
            return RaftElectionExperiment.run(trials: trials, seed: common.seed, on: timeline)
        }
        let options = RaftDemo.Options(nodes: nodes, seed: common.seed, clients: clients, operations: ops, keys: keys,
                                       faults: faults, readMode: reads, preVote: !noPrevote,
                                       snapshotEvery: snapshotEvery, storage: StorageConditions(writeLatency: .milliseconds(UInt64(diskWriteMs))))
        let result = RaftDemo.execute(options, on: timeline)
        if let history {
            var text = ""
            for event in result.history {
                event.json.write(to: &text)
                text += "\n"
            }
            do {
                try text.write(toFile: history, atomically: true, encoding: .utf8)
            } catch {
                FileHandle.standardError.write(Data("cannot write --history file \(history): \(error.localizedDescription)\n".utf8))
                throw ExitCode(73)  // EX_CANTCREAT
            }
        }
        return result.outcome
    }
}

extension RaftDemo.FaultMode: ExpressibleByArgument {}
extension RaftConfig.ReadMode: ExpressibleByArgument {
    public init?(argument: String) {
        switch argument {
        case "read-index", "readindex", "readIndex": self = .readIndex
        case "log": self = .log
        default: return nil
        }
    }
}
