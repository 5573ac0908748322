import ArgumentParser
import CRDTs
import Simulation

/// `dsadvisor demo crdt`: replicas of a state-based CRDT diverge under a partition and
/// converge by gossip, with full-state and delta-state shipping compared.
struct CRDTDemoCommand: DemoRunner {
    static let demoID = "crdt"
    static let configuration = CommandConfiguration(
        commandName: "crdt",
        abstract: "State-based CRDTs (counter, OR-Set, LWW, MV, RGA text) converging by gossip.",
        discussion: """
            Replicas edit concurrently through a partition on a lossy network (one crashes and \
            restarts from disk), the partition heals, and periodic anti-entropy to random peers \
            converges them. Every step checks that states only inflate, every state against a \
            log of the updates, and convergence by a deadline. The run is repeated with the \
            other shipping mode to compare bytes.

            Examples:
              dsadvisor demo crdt
              dsadvisor demo crdt --type text --replicas 3 --seed 7
              dsadvisor demo crdt --type counter --replicas 16 --deltas off --updates 200
            """
    )

    @OptionGroup var common: DemoCommonOptions

    @Option(name: .customLong("type"), help: "The story: counter, orset, lww, mv or text.")
    var story: CRDTsDemo.Story = .orset

    @Option(help: "Number of replicas (2...16).")
    var replicas: Int = 4

    @Option(help: "Ship delta groups (on) or full states (off); the other mode is run for comparison.")
    var deltas: OnOff = .on

    @Option(help: "Background updates on top of the story's scripted ones (0...500; default: per story).")
    var updates: Int?

    @Option(help: ArgumentHelp("Run a measurement instead of the demo: merge-benchmark.", visibility: .hidden))
    var experiment: String?

    func validate() throws {
        guard CRDTsDemo.replicaRange.contains(replicas) else {
            throw ValidationError("--replicas must be in \(CRDTsDemo.replicaRange)")
        }
        if let updates, !CRDTsDemo.updateRange.contains(updates) {
            throw ValidationError("--updates must be in \(CRDTsDemo.updateRange)")
        }
        if let experiment, experiment != "merge-benchmark" {
            throw ValidationError("unknown experiment '\(experiment)'; known: merge-benchmark")
        }
    }

    func runDemo(on timeline: Timeline) throws -> DemoOutcome {
        if experiment == "merge-benchmark" {
            MergeBenchmark.run()
            return .passed
        }
        let options = CRDTsDemo.Options(seed: common.seed, story: story, replicas: replicas,
                                        deltas: deltas == .on, updates: updates)
        return CRDTsDemo.run(options, on: timeline)
    }

    /// `--deltas on|off`: reads better as a word than as a flag pair.
    enum OnOff: String, ExpressibleByArgument, CaseIterable {
        case on, off
    }
}

extension CRDTsDemo.Story: ExpressibleByArgument {}
