import ArgumentParser
import EventualConsistency
import Simulation

/// `dsadvisor demo eventual-consistency`: LWW replicas converging by Merkle anti-entropy and
/// read repair, compared with full-state exchange.
struct EventualConsistencyDemoCommand: DemoRunner {
    static let demoID = "eventual-consistency"
    static let configuration = CommandConfiguration(
        commandName: "eventual-consistency",
        abstract: "LWW replicas converging by Merkle-tree anti-entropy and read repair.",
        discussion: """
            Replicas take writes independently (last-writer-wins on (timestamp, replica) \
            versions), suffer partitions, loss and crashes drawn from the seed, and converge \
            through Merkle anti-entropy and read repair. The same run is replayed with \
            full-state exchange and both are compared on convergence time and bytes.

            Examples:
              dsadvisor demo eventual-consistency
              dsadvisor demo eventual-consistency --replicas 7 --keys 1024 --faults partition
              dsadvisor check eventual-consistency --seeds 1..300 --mode full
            """
    )

    @OptionGroup var common: DemoCommonOptions

    @Option(help: "Number of replicas (2...9).")
    var replicas = 5

    @Option(help: "Size of the key space (16...8192).")
    var keys = 2_048

    @Option(help: "Client writes during the write phase (0...5000).")
    var writes = 600

    @Option(help: "Quorum reads during the write phase (0...2000).")
    var reads = 80

    @Option(help: "Replicas each read asks, coordinator included (1...replicas).")
    var readQuorum = 3

    @Option(help: "Depth of the Merkle tree; 2^depth leaves (1...10).")
    var treeDepth = 7

    @Flag(help: "Start from empty stores instead of a 'keys'-sized data set every replica holds.")
    var emptyStart = false

    @Option(help: "Anti-entropy mode of the printed run: merkle or full (the other is run for comparison).")
    var mode: AntiEntropyMode = .merkle

    @Option(help: "Faults drawn from the seed: none, crash, partition, drop, all.")
    var faults = "all"

    @Option(help: "Length of the write phase in ms; faults heal by its end (100...10000).")
    var writePhaseMs: UInt64 = 2_000

    @Option(help: "Mean anti-entropy period in ms (10...2000).")
    var antiEntropyMs: UInt64 = 200

    func validate() throws {
        guard (2...9).contains(replicas) else { throw ValidationError("--replicas must be 2...9") }
        guard (16...8192).contains(keys) else { throw ValidationError("--keys must be 16...8192") }
        guard (0...5000).contains(writes) else { throw ValidationError("--writes must be 0...5000") }
        guard (0...2000).contains(reads) else { throw ValidationError("--reads must be 0...2000") }
        guard (1...replicas).contains(readQuorum) else { throw ValidationError("--read-quorum must be 1...replicas") }
        guard (1...10).contains(treeDepth) else { throw ValidationError("--tree-depth must be 1...10") }
        guard FaultPlan.Kinds(name: faults) != nil else {
            throw ValidationError("--faults must be one of \(FaultPlan.Kinds.names.joined(separator: ", "))")
        }
        guard (100...10_000).contains(writePhaseMs) else { throw ValidationError("--write-phase-ms must be 100...10000") }
        guard (10...2_000).contains(antiEntropyMs) else { throw ValidationError("--anti-entropy-ms must be 10...2000") }
    }

    func runDemo(on timeline: Timeline) throws -> DemoOutcome {
        let options = EventualConsistencyDemo.Options(
            seed: common.seed, replicas: replicas, keys: keys, writes: writes, reads: reads,
            readQuorum: readQuorum, treeDepth: treeDepth, preloaded: !emptyStart, mode: mode, faults: FaultPlan.Kinds(name: faults) ?? .all,
            writePhase: .milliseconds(writePhaseMs), antiEntropyPeriod: .milliseconds(antiEntropyMs))
        return EventualConsistencyDemo.run(options, on: timeline)
    }
}

extension AntiEntropyMode: ExpressibleByArgument {}
