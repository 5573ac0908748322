/// `dsadvisor demo gossip`: SWIM group membership (Das, Gupta & Motivala, DSN 2002) with
/// push-pull anti-entropy of a key-value map. The story (64 members) crashes members, isolates
/// one briefly (suspicion absorbs it: it refutes), splits the group for longer than the
/// suspicion timeout (each side confirms the other dead, then rejoins after the heal) and
/// restarts a crashed member; the scale experiment (1,000 members) measures time to first
/// detection and dissemination rounds against the paper's analysis.
///
/// Simplifications:
/// - Static membership (no joins or leaves); see `SwimNode` for the protocol's own.
import Simulation

public enum GossipDemo {
    public struct Options: Sendable {
        public var seed: UInt64
        public var experiment: GossipExperiment
        /// nil: 64 for the story, 1,000 for the scale experiment.
        public var members: Int?
        public var periods: Int
        /// nil: 3 for the story, 10 for the scale experiment.
        public var kill: Int?
        public var faults: FaultPlan.Kinds
        public var dropPerMille: UInt32
        public var indirectProbes: Int
        public var lambda: Int
        public var pushPullPeriods: Int
        public var variant: SwimVariant

        public init(seed: UInt64 = 1, experiment: GossipExperiment = .story, members: Int? = nil, periods: Int = 100,
                    kill: Int? = nil, faults: FaultPlan.Kinds = [], dropPerMille: UInt32 = 0, indirectProbes: Int = 3,
                    lambda: Int = 3, pushPullPeriods: Int = 5, variant: SwimVariant = .correct) {
            self.seed = seed
            self.experiment = experiment
            self.members = members
            self.periods = periods
            self.kill = kill
            self.faults = faults
            self.dropPerMille = dropPerMille
            self.indirectProbes = indirectProbes
            self.lambda = lambda
            self.pushPullPeriods = pushPullPeriods
            self.variant = variant
        }

        var memberCount: Int { members ?? (experiment == .scale ? 1_000 : 64) }
        var killCount: Int { kill ?? (experiment == .scale ? 10 : 3) }

        var config: SwimConfig {
            SwimConfig(members: memberCount, indirectProbes: indirectProbes, lambda: lambda,
                       pushPullPeriods: pushPullPeriods, variant: variant)
        }

        var network: NetworkConditions {
            NetworkConditions(delayMin: .milliseconds(1), delayMax: .milliseconds(10), dropPerMille: dropPerMille)
        }
    }

    public static func run(_ options: Options, on timeline: Timeline) -> DemoOutcome {
        let config = options.config
        timeline.header(demo: "gossip", seed: options.seed, settings: settings(options, config))
        var rng = SeededRNG(seed: options.seed).stream(5)
        var scenario = GossipScenario.make(options.experiment, members: config.members, kill: options.killCount,
                                           suspicionPeriods: config.suspicionPeriods, period: config.period, rng: &rng)
        let random = FaultPlan.random(kinds: options.faults, nodeCount: config.members,
                                      start: SimTime.zero + config.period * 5, end: SimTime.zero + config.period * 60,
                                      meanGap: config.period * 6, maxOutage: config.period * 15,
                                      maxDown: max(1, config.members / 10), baseline: options.network, rng: &rng)
        if !random.faults.isEmpty {
            scenario.faults += random.faults
            scenario.faultsEndPeriod = max(scenario.faultsEndPeriod, 60)
            scenario.notes.append("random plan: \(random.faults.count) faults between periods 5 and 60")
        }
        timeline.section("plan (period = \(config.period.milliseconds)ms)")
        for note in scenario.notes { timeline.note("  " + note) }
        let sim = Simulator<SwimNode, Never>(seed: options.seed, nodeCount: config.members, network: options.network,
                                             faults: FaultPlan(scenario.faults),
                                             disks: Array(repeating: SwimDisk(config: config), count: config.members))
        timeline.section("the run, digested per protocol period (first report of each change)")
        let harness = GossipHarness(sim: sim, config: config, scenario: scenario, timeline: timeline)
        let breach = harness.run(periods: options.periods)
        let violation = breach.map {
            InvariantViolation(invariant: $0.invariant, detail: $0.detail, seed: options.seed,
                               step: sim.stats.events, time: sim.now)
        }
        let report = GossipReport(harness: harness, options: options)
        report.print(on: timeline)
        report.summary(violation: violation, on: timeline)
        return DemoOutcome(violation: violation)
    }

    static func settings(_ options: Options, _ config: SwimConfig) -> [(String, JSONValue)] {
        [
            ("experiment", .string(options.experiment.rawValue)),
            ("members", JSONValue(config.members)),
            ("periods", JSONValue(options.periods)),
            ("kill", JSONValue(options.killCount)),
            ("faults", .string(FaultPlan.Kinds.names.first { FaultPlan.Kinds(name: $0) == options.faults } ?? "custom")),
            ("drop", .string("\(options.dropPerMille)‰")),
            ("period", .string("\(config.period.milliseconds)ms")),
            ("ping-timeout", .string("\(config.pingTimeout.milliseconds)ms")),
            ("k", JSONValue(config.indirectProbes)),
            ("lambda", JSONValue(config.lambda)),
            ("piggyback", .string("\(config.transmitLimit)x, \(config.piggybackPerMessage)/msg")),
            ("suspicion", .string("\(config.suspicionPeriods) periods")),
            ("push-pull", .string("every \(config.pushPullPeriods) periods")),
            ("variant", .string(config.variant.rawValue)),
        ]
    }
}
