import ArgumentParser
import Gossip
import Simulation

/// `dsadvisor demo gossip`: SWIM membership with suspicion, incarnations, piggybacked
/// dissemination and push-pull anti-entropy.
struct GossipDemoCommand: DemoRunner {
    static let demoID = "gossip"
    static let configuration = CommandConfiguration(
        commandName: "gossip",
        abstract: "SWIM membership: suspicion, refutation, piggybacked gossip, push-pull sync.",
        discussion: """
            The story (64 members) crashes members, isolates one for less than the suspicion \
            timeout (it refutes), splits the group for longer (each side confirms the other dead; \
            they rejoin after the heal) and restarts a crashed member. The scale experiment runs \
            1,000 members for 100 periods and compares detection and dissemination with the paper.

            Examples:
              dsadvisor demo gossip
              dsadvisor demo gossip --experiment scale
              dsadvisor demo gossip --seed 9 --members 128 --faults all --drop 20
            """
    )

    @OptionGroup var common: DemoCommonOptions

    @Option(help: "story or scale (1,000 members, 100 periods).")
    var experiment = "story"

    @Option(help: "Members (4-1000; default 64 for the story, 1000 for scale).")
    var members: Int?

    @Option(help: "Protocol periods to run at least (10-1000).")
    var periods = 100

    @Option(help: "Members to crash (default 3 for the story, 10 for scale).")
    var kill: Int?

    @Option(help: "Random faults from the seed: \(FaultPlan.Kinds.names.joined(separator: ", ")).")
    var faults = "none"

    @Option(help: "Baseline message loss, per mille (0-300).")
    var drop: UInt32 = 0

    @Option(help: "k: members asked for an indirect probe (0-8).")
    var k = 3

    @Option(help: "lambda: each update is piggybacked lambda * ceil(log2 n) times (1-10).")
    var lambda = 3

    @Option(name: .customLong("push-pull"), help: "Periods between a member's push-pull exchanges (1-100).")
    var pushPull = 5

    @Option(help: "Protocol variant: \(SwimVariant.allCases.map(\.rawValue).joined(separator: ", ")).")
    var variant = "correct"

    func validate() throws {
        guard GossipExperiment(rawValue: experiment) != nil else { throw ValidationError("--experiment must be story or scale") }
        guard FaultPlan.Kinds(name: faults) != nil else {
            throw ValidationError("--faults must be one of \(FaultPlan.Kinds.names.joined(separator: ", "))")
        }
        guard SwimVariant(rawValue: variant) != nil else {
            throw ValidationError("--variant must be one of \(SwimVariant.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard (4...1_000).contains(members ?? 64), (10...1_000).contains(periods) else {
            throw ValidationError("--members must be in 4...1000 and --periods in 10...1000")
        }
        let memberCount = members ?? (experiment == "scale" ? 1_000 : 64)
        guard (0...(memberCount / 2)).contains(kill ?? 0) else { throw ValidationError("--kill must be 0...members/2") }
        guard drop <= 300, (0...8).contains(k), (1...10).contains(lambda), (1...100).contains(pushPull) else {
            throw ValidationError("--drop 0-300, --k 0-8, --lambda 1-10, --push-pull 1-100")
        }
    }

    func runDemo(on timeline: Timeline) throws -> DemoOutcome {
        let options = GossipDemo.Options(
            seed: common.seed, experiment: GossipExperiment(rawValue: experiment) ?? .story, members: members,
            periods: periods, kill: kill, faults: FaultPlan.Kinds(name: faults) ?? [], dropPerMille: drop,
            indirectProbes: k, lambda: lambda, pushPullPeriods: pushPull, variant: SwimVariant(rawValue: variant) ?? .correct)
        return GossipDemo.run(options, on: timeline)
    }
}
