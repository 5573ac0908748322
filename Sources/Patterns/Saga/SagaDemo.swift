/// `dsadvisor demo saga`: an orchestrated trip-booking saga (Garcia-Molina & Salem, "Sagas",
/// SIGMOD 1987; orchestrated as Temporal/Cadence do) on the deterministic simulator: one saga
/// that commits, one refused at each step in turn, a flaky compensation, an orchestrator crash
/// mid-saga recovered from the saga log, a participant outage that exhausts an action's
/// retries, then a burst of concurrent sagas drawn from the seed, on a network that loses,
/// duplicates and delays messages.
///
/// Simplifications:
/// - One orchestrator (node 0) and four participants (nodes 1–4); no orchestrator failover.
/// - See the other files of this module for the protocol's own simplifications.
import Simulation

public enum SagaDemo {
    public struct Options: Sendable {
        public var seed: UInt64
        public var faults: FaultPlan.Kinds
        /// Concurrent sagas with seeded outcomes after the scripted story.
        public var burst: Int
        public var dropPerMille: UInt32
        public var duplicatePerMille: UInt32
        public var transientErrorPerMille: UInt32
        public var maxActionAttempts: Int
        public var variant: SagaVariant

        public init(seed: UInt64 = 1, faults: FaultPlan.Kinds = [], burst: Int = 4,
                    dropPerMille: UInt32 = 30, duplicatePerMille: UInt32 = 30,
                    transientErrorPerMille: UInt32 = 30, maxActionAttempts: Int = 4,
                    variant: SagaVariant = .correct) {
            self.seed = seed
            self.faults = faults
            self.burst = burst
            self.dropPerMille = dropPerMille
            self.duplicatePerMille = duplicatePerMille
            self.transientErrorPerMille = transientErrorPerMille
            self.maxActionAttempts = maxActionAttempts
            self.variant = variant
        }

        var network: NetworkConditions {
            NetworkConditions(delayMin: .milliseconds(2), delayMax: .milliseconds(12),
                              tailPerMille: 10, tailDelayMax: .milliseconds(120),
                              dropPerMille: dropPerMille, duplicatePerMille: duplicatePerMille)
        }

        var config: SagaConfig {
            SagaConfig(maxActionAttempts: maxActionAttempts, transientErrorPerMille: transientErrorPerMille,
                       variant: variant)
        }
    }

    static let faultsStart = SimTime.zero + .milliseconds(200)
    static let faultsEnd = SimTime.zero + .seconds(6)

    public static func run(_ options: Options, on timeline: Timeline) -> DemoOutcome {
        let config = options.config
        timeline.header(demo: "saga", seed: options.seed, settings: settings(options, config))
        var rng = SeededRNG(seed: options.seed).stream(1)
        let plan = FaultPlan.random(kinds: options.faults, nodeCount: 5, start: faultsStart, end: faultsEnd,
                                    meanGap: .milliseconds(700), maxOutage: .milliseconds(600), maxDown: 2,
                                    baseline: options.network, rng: &rng)
        printPlan(plan, on: timeline)
        let sim = Simulator<SagaNode, Never>(seed: options.seed, nodeCount: 5, network: options.network, faults: plan,
                                             disks: (0..<5).map { SagaNode.firstDisk(id: $0, config: config) })
        var burstRNG = sim.stream(3)
        let burst = SagaScenario.burst(count: options.burst, firstSaga: SagaScenario.story.count + 1, rng: &burstRNG)
        let harness = SagaHarness(sim: sim, timeline: timeline, story: SagaScenario.story, burst: burst)
        timeline.section("the story: node 0 orchestrates; n1 flight, n2 hotel, n3 car, n4 payment")
        let breach = harness.run(limit: SimTime.zero + .seconds(120))
        SagaReport(harness: harness).print(on: timeline)
        let violation = breach.map {
            InvariantViolation(invariant: $0.invariant, detail: $0.detail, seed: options.seed,
                               step: sim.stats.events, time: sim.now)
        }
        SagaReport(harness: harness).summary(violation: violation, on: timeline)
        return DemoOutcome(violation: violation)
    }

    static func settings(_ options: Options, _ config: SagaConfig) -> [(String, JSONValue)] {
        [
            ("faults", .string(FaultPlan.Kinds.names.first { FaultPlan.Kinds(name: $0) == options.faults } ?? "custom")),
            ("burst", JSONValue(options.burst)),
            ("drop", .string("\(options.dropPerMille)‰")),
            ("dup", .string("\(options.duplicatePerMille)‰")),
            ("delay", .string("2-12ms+tail")),
            ("transient", .string("\(config.transientErrorPerMille)‰")),
            ("timeout", .string(config.requestTimeout.description)),
            ("backoff", .string("\(config.backoffBase)..\(config.backoffCap) full-jitter")),
            ("action-attempts", JSONValue(config.maxActionAttempts)),
            ("variant", .string(config.variant.rawValue)),
        ]
    }

    static func printPlan(_ plan: FaultPlan, on timeline: Timeline) {
        guard !plan.faults.isEmpty else { return }
        timeline.section("random fault plan (drawn from the seed)")
        for fault in plan.faults {
            timeline.note("  at \(fault.at): \(fault.fault)")
        }
    }
}
