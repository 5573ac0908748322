import ArgumentParser
import Simulation
import VectorClocks

/// `dsadvisor demo vector-clock`: causal broadcast with vector clocks, against delivery on
/// arrival, and Lamport clocks for contrast.
struct VectorClockDemoCommand: DemoRunner {
    static let demoID = "vector-clock"
    static let configuration = CommandConfiguration(
        commandName: "vector-clock",
        abstract: "Vector clocks: causal chat broadcast with hold-back, against Lamport clocks.",
        discussion: """
            A question and its answer race past a partial partition; vector clocks hold the \
            answer back until the question arrives. Then random posts race over a reordering \
            network; every delivery is checked against the harness's ground-truth causality.
            Examples:
              dsadvisor demo vector-clock
              dsadvisor demo vector-clock --seed 7 --nodes 5 --posts 40 --faults all
              dsadvisor check vector-clock --seeds 1..300 --faults all
            """
    )

    @OptionGroup var common: DemoCommonOptions

    @Option(help: "Chat participants (3-8).")
    var nodes = 3

    @Option(help: "Random posts after the scripted question and answer (0-200).")
    var posts = 12

    @Option(help: "Faults drawn from the seed: none, crash, partition, drop, all.")
    var faults = "none"

    @Option(help: ArgumentHelp("Delivery rule under test: causal, or immediate (a broken variant).",
                               visibility: .hidden))
    var delivery = "causal"

    func validate() throws {
        guard (3...8).contains(nodes) else { throw ValidationError("--nodes must be 3...8") }
        guard (0...200).contains(posts) else { throw ValidationError("--posts must be 0...200") }
        guard FaultPlan.Kinds(name: faults) != nil else {
            throw ValidationError("--faults must be one of \(FaultPlan.Kinds.names.joined(separator: ", "))")
        }
        guard VectorClockDemo.Delivery(rawValue: delivery) != nil else {
            throw ValidationError("--delivery must be causal or immediate")
        }
    }

    func runDemo(on timeline: Timeline) throws -> DemoOutcome {
        let options = VectorClockDemo.Options(
            seed: common.seed, nodes: nodes, posts: posts, faults: FaultPlan.Kinds(name: faults) ?? [],
            delivery: VectorClockDemo.Delivery(rawValue: delivery) ?? .causal)
        return VectorClockDemo.run(options, on: timeline)
    }
}
