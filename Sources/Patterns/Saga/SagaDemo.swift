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
    /// A run's settings; each default is written here once (see `declaration`).
    public struct Options: DemoOptions, Sendable {
        public var seed: UInt64 = 1
        /// `story`: the story's scripted crashes and outage only; drawn kinds add random faults
        /// to them; `none` runs the story without any fault.
        public var faults = FaultMode.story
        /// Scripted faults (`--inject`), added to the drawn ones.
        public var injected: [ScheduledFault] = []
        /// Concurrent sagas with seeded outcomes after the scripted story.
        public var burst = 4
        public var dropPerMille: UInt32 = 30
        public var duplicatePerMille: UInt32 = 30
        public var transientErrorPerMille: UInt32 = 30
        public var maxActionAttempts = 4
        public var variant = SagaVariant.correct

        /// Whether the story's own crashes and outage happen.
        var scripted: Bool { faults != .none }

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
        var rng = SeededRNG(seed: options.seed).stream(1)
        let window = FaultWindow(start: faultsStart, end: faultsEnd, meanGap: .milliseconds(700),
                                 maxOutage: .milliseconds(600), maxDown: 2, baseline: options.network)
        let drawn = FaultPlan.draw(options.faults, nodeCount: 5, window: window, rng: &rng)
        timeline.announce(drawn)
        let plan = FaultPlan(drawn.plan.faults + options.injected)
        printPlan(plan, on: timeline)
        let sim = Simulator<SagaNode, Never>(seed: options.seed, nodeCount: 5, network: options.network, faults: plan,
                                             disks: (0..<5).map { SagaNode.firstDisk(id: $0, config: config) })
        var burstRNG = sim.stream(3)
        let burst = SagaScenario.burst(count: options.burst, firstSaga: SagaScenario.story.count + 1, rng: &burstRNG)
        let story = options.scripted ? SagaScenario.story : SagaScenario.story.map(\.withoutFault)
        let harness = SagaHarness(sim: sim, timeline: timeline, story: story, burst: burst, scripted: options.scripted)
        timeline.section("the story: node 0 orchestrates; n1 flight, n2 hotel, n3 car, n4 payment")
        let breach = harness.run(limit: .zero + horizon(options))
        SagaReport(harness: harness).print(on: timeline)
        let finding = breach.map {
            InvariantViolation(invariant: $0.invariant, detail: $0.detail, seed: options.seed,
                               step: sim.stats.events, time: sim.now)
        }
        // An unfinished saga is a horizon reached, not a broken saga.
        var outcome = DemoOutcome()
        if finding?.invariant == SagaInvariantChecker.liveness {
            outcome.shortfall = finding
            if harness.reachedLimit {
                outcome.shortfall?.detail += " (the horizon of \(horizon(options)) follows from --burst, --drop, --dup, "
                    + "--transient and --action-attempts; the run stopped looking, nothing is known to be lost)"
            } else {
                // Not a horizon: nothing was left to happen, so the saga can never finish.
                outcome.shortfall?.detail += " when the run went quiet at \(sim.now), long before the horizon of "
                    + "\(horizon(options)): no message, timer or fault was left, so it never will (a stall"
                    + (sim.isUp(0) ? ")" : "; the orchestrator n0 is down and nothing restarts it)")
            }
        } else {
            outcome.violation = finding
        }
        SagaReport(harness: harness).summary(outcome, on: timeline)
        return outcome
    }

    /// How long a run may take: the faults' window and the story's outages and pauses, then
    /// each saga in turn (the burst's run at once, counted as one more), each of its up to
    /// eight requests retried until answered: four times the expected attempts on this
    /// network and these refusals, each a timeout, the longest backoff and the slowest delivery.
    /// A correct run ends long before; the bound only stops a stall.
    static func horizon(_ options: Options) -> SimDuration {
        let config = options.config
        let delivered = UInt64(1000 - options.dropPerMille) * UInt64(1000 - options.dropPerMille)
            * UInt64(1000 - options.transientErrorPerMille) / 1000
        let attempts = 4_000_000 / max(delivered, 1) + 1
        let perAttempt = config.requestTimeout + config.backoffCap + .milliseconds(150)
        let sagas = UInt64(SagaScenario.story.count + 1)
        return .seconds(15) + perAttempt * (attempts * 8 * sagas)
    }

    /// Header settings that follow from the parameters.
    static func details(_ options: Options) -> [(String, JSONValue)] {
        let config = options.config
        return [
            ("story-faults", .string(options.scripted
                ? "orchestrator crashes in sagas 6 and 7, car outage in saga 8"
                    + (options.burst > 0 ? ", one crash during the burst" : "") : "none")),
            ("delay", .string("2-12ms+tail")),
            ("timeout-ms", JSONValue(config.requestTimeout.milliseconds)),
            ("backoff-ms", .string("\(config.backoffBase.milliseconds)..\(config.backoffCap.milliseconds) full-jitter")),
            ("horizon-ms", JSONValue(horizon(options).milliseconds)),
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
