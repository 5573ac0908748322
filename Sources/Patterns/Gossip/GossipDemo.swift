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
    /// A run's settings; each default is written here once (see `declaration`).
    public struct Options: DemoOptions, Sendable {
        public var seed: UInt64 = 1
        public var experiment = GossipExperiment.story
        /// nil: 64 for the story, 1,000 for the scale experiment.
        public var members: Int?
        public var periods = 100
        /// nil: 3 for the story, 10 for the scale experiment; at most half the members.
        public var kill: Int?
        public var faults = FaultMode.none
        public var dropPerMille: UInt32 = 0
        public var indirectProbes = 3
        public var lambda = 3
        public var pushPullPeriods = 5
        public var variant = SwimVariant.correct
        /// Scripted faults (`--inject`), on top of the scenario's.
        public var injections: [ScheduledFault] = []

        var memberCount: Int { members ?? (experiment == .scale ? 1_000 : 64) }
        var killCount: Int { min(kill ?? (experiment == .scale ? 10 : 3), memberCount / 2) }

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
        var rng = SeededRNG(seed: options.seed).stream(5)
        var scenario = GossipScenario.make(options.experiment, members: config.members, kill: options.killCount,
                                           suspicionPeriods: config.suspicionPeriods, period: config.period, rng: &rng)
        let window = FaultWindow(start: SimTime.zero + config.period * 5, end: SimTime.zero + config.period * 60,
                                 meanGap: config.period * 6, maxOutage: config.period * 15,
                                 maxDown: max(1, config.members / 10), baseline: options.network)
        let random = FaultPlan.draw(options.faults, nodeCount: config.members, window: window, rng: &rng)
        if let profile = random.profile { scenario.notes.append("swarm faults for this seed: \(profile)") }
        if !random.plan.faults.isEmpty {
            scenario.faults += random.plan.faults
            scenario.faultsEndPeriod = max(scenario.faultsEndPeriod, 60)
            scenario.notes.append("random plan: \(random.plan.faults.count) faults between periods 5 and 60")
        }
        if let last = options.injections.last {
            scenario.faults += options.injections
            let period = Int(last.at.nanoseconds / config.period.nanoseconds) + 1
            scenario.faultsEndPeriod = max(scenario.faultsEndPeriod, period)
            scenario.notes.append("injected: \(options.injections.count) faults, the last in period \(period)")
        }
        timeline.section("plan (period = \(config.period.milliseconds)ms)")
        for note in scenario.notes { timeline.note("  " + note) }
        let sim = Simulator<SwimNode, Never>(seed: options.seed, nodeCount: config.members, network: options.network,
                                             faults: FaultPlan(scenario.faults),
                                             disks: Array(repeating: SwimDisk(config: config), count: config.members))
        timeline.section("the run, digested per protocol period (first report of each change)")
        let harness = GossipHarness(sim: sim, config: config, scenario: scenario, timeline: timeline)
        let breach = harness.run(periods: options.periods)
        let finding = breach.map {
            InvariantViolation(invariant: $0.invariant, detail: $0.detail, seed: options.seed,
                               step: sim.stats.events, time: sim.now)
        }
        let report = GossipReport(harness: harness, options: options)
        report.print(on: timeline)
        report.summary(on: timeline)
        return breach?.liveness == true ? DemoOutcome(shortfall: finding) : DemoOutcome(violation: finding)
    }

    /// The header's settings that follow from the parameters.
    static func details(_ options: Options) -> [(String, JSONValue)] {
        let config = options.config
        return [
            ("members-run", JSONValue(config.members)),
            ("kill-run", JSONValue(options.killCount)),
            ("period-ms", JSONValue(config.period.milliseconds)),
            ("ping-timeout-ms", JSONValue(config.pingTimeout.milliseconds)),
            ("piggyback", .string("\(config.transmitLimit)x, \(config.piggybackPerMessage)/msg")),
            ("suspicion-periods", JSONValue(config.suspicionPeriods)),
            ("horizon-periods", JSONValue(GossipLiveness.horizon(config))),
        ]
    }
}
