/// The circuit-breaker demo: a caller calls a downstream that turns flaky, then dies, then
/// recovers slowly; the run is made twice on the same seed, once through a `Breaker` and once
/// without, and the caller's error rate and latency are compared phase by phase. An
/// independent `BreakerAuditor` checks every breaker decision against resilience4j's rules,
/// and every call must finish (answered, timed out, or shed).
///
/// Reference: resilience4j CircuitBreaker documentation ("CircuitBreaker" in the
/// resilience4j guide) and `CircuitBreakerStateMachine`; Nygard, *Release It!*, ch. 5.
///
/// Simplifications: see `Breaker`, `BreakerNode` and `Scenario`.
import Simulation

public enum CircuitBreakerDemo {
    /// A run's settings; each default is written here once (see `declaration`). The breaker
    /// starts from a preset (the demo's, or resilience4j's with `resilience4jDefaults`) and
    /// takes each setting given explicitly over it, in whatever order they were typed.
    public struct Options: DemoOptions, Sendable {
        public var seed: UInt64 = 1
        public var resilience4jDefaults = false
        public var failureRate: Int?
        public var slowRate: Int?
        public var slowCallMs: Int?
        public var halfOpenCalls: Int?
        public var windowType: BreakerConfig.WindowType?
        public var windowSize: Int?
        public var minCalls: Int?
        public var openWaitMs: Int?
        public var automaticTransition = false
        /// Reopen if half-open has not decided within this time; zero: never (resilience4j's).
        public var halfOpenMaxWait = SimDuration.zero
        /// Length of the scenario, in seconds.
        public var seconds: UInt64 = 60
        public var callTimeout = SimDuration.seconds(1)
        public var callGapMin = SimDuration.milliseconds(30)
        public var callGapMax = SimDuration.milliseconds(70)
        /// Also run without a breaker, for the comparison table.
        public var compare = true
        /// A deliberately broken breaker, to watch the auditor catch it.
        public var flaw: Breaker.Flaw?
        /// Scripted faults (`--inject`), added to the scenario's crash of the downstream.
        public var injected: [ScheduledFault] = []

        /// The breaker the run uses: the preset, then every setting given explicitly.
        public var breaker: BreakerConfig {
            var c = resilience4jDefaults ? BreakerConfig.resilience4jDefaults : BreakerConfig.demo
            if let failureRate { c.failureRateThreshold = failureRate }
            if let slowRate { c.slowCallRateThreshold = slowRate }
            if let slowCallMs { c.slowCallDurationThreshold = .milliseconds(UInt64(slowCallMs)) }
            if let halfOpenCalls { c.permittedNumberOfCallsInHalfOpenState = halfOpenCalls }
            if let windowType { c.slidingWindowType = windowType }
            if let windowSize { c.slidingWindowSize = windowSize }
            if let minCalls { c.minimumNumberOfCalls = minCalls }
            if let openWaitMs { c.waitDurationInOpenState = .milliseconds(UInt64(openWaitMs)) }
            if automaticTransition { c.automaticTransitionFromOpenToHalfOpenEnabled = true }
            c.maxWaitDurationInHalfOpenState = halfOpenMaxWait
            return c
        }

        /// Every call has finished by then: the last is issued within a gap of the scenario's
        /// end and is answered, shed or timed out within the caller's timeout.
        var horizon: SimTime { .zero + .seconds(seconds) + .seconds(1) + callGapMax + callTimeout }
    }

    struct RunResult {
        var phases: [PhaseStats]
        var transitions = 0
        var violation: InvariantViolation?
        /// Calls still open at the horizon (liveness).
        var shortfall: InvariantViolation?
    }

    public static func run(_ options: Options, on timeline: Timeline) -> DemoOutcome {
        var rng = SeededRNG(seed: options.seed).stream(1)
        let scenario = Scenario.standard(seconds: options.seconds, rng: &rng)
        timeline.table("Scenario (downstream n1)", columns: ["phase", "from", "to", "errors", "latency"],
                       rows: scenario.phases.map { p in
            [.string(p.name), .string("\(p.start)"), .string("\(p.end)"),
             .string(p.health.down ? "crashed" : "\(p.health.errorPerMille / 10)%"),
             .string(p.health.down ? "timeout" : "\(p.health.latencyMin.milliseconds)-\(p.health.latencyMax.milliseconds)ms")]
        })
        timeline.section("Calls through the breaker (n0 calls n1)")
        let with = runOnce(options, scenario: scenario, breaker: true, timeline: timeline)
        let without = options.compare ? runOnce(options, scenario: scenario, breaker: false, timeline: nil) : nil
        printComparison(scenario, with: with, without: without, timeline: timeline)
        let total = combined(with)
        let plain = without.map(combined)
        var rows: [(String, JSONValue)] = [
            ("calls", JSONValue(total.calls)), ("shed by breaker", JSONValue(total.shed)),
            ("state changes", JSONValue(with.transitions)),
            ("caller errors per mille, with breaker", JSONValue(total.errorPerMille)),
            ("caller mean latency us, with breaker", JSONValue(total.meanMicros)),
            ("calls timed out, with breaker", JSONValue(total.timeouts)),
            ("downstream requests, with breaker", JSONValue(total.served)),
        ]
        if let plain {
            rows += [
                ("caller errors per mille, without", JSONValue(plain.errorPerMille)),
                ("caller mean latency us, without", JSONValue(plain.meanMicros)),
                ("calls timed out, without", JSONValue(plain.timeouts)),
                ("downstream requests, without", JSONValue(plain.served)),
            ]
        }
        timeline.summary(rows)
        if plain != nil {
            timeline.note("The breaker turns waits on a dead service into instant errors and keeps load off it;"
                + " the price is calls shed while the service was merely flaky or slow but would have answered"
                + " (compare err% per phase).")
        }
        var outcome = DemoOutcome(violation: with.violation ?? without?.violation,
                                  shortfall: with.shortfall ?? without?.shortfall)
        if outcome.violation != nil { outcome.shortfall = nil }
        return outcome
    }

    static func runOnce(_ options: Options, scenario: Scenario, breaker: Bool, timeline: Timeline?) -> RunResult {
        let setup = BreakerNode.Setup(scenario: scenario, breaker: breaker ? options.breaker : nil, flaw: options.flaw,
                                      callTimeout: options.callTimeout, callGapMin: options.callGapMin,
                                      callGapMax: options.callGapMax)
        let faults = FaultPlan(scenario.faults.faults + options.injected)
        let sim = Simulator<BreakerNode, Int>(seed: options.seed, nodeCount: 2, network: .reliable, faults: faults,
                                              disks: [setup, setup])
        for (index, phase) in scenario.phases.enumerated() {
            sim.schedule(index, after: phase.start - .zero)
        }
        var result = RunResult(phases: Array(repeating: PhaseStats(), count: scenario.phases.count))
        var auditor = BreakerAuditor(config: options.breaker)
        var printer = BreakerPrinter(timeline: timeline, config: options.breaker)
        sim.run(until: options.horizon) { occurrence in
            if case .external(let index) = occurrence {
                printer.phase(scenario.phases[index], at: sim.now)
            }
            for (_, output) in sim.outputs {
                switch output {
                case .served(_):
                    result.phases[scenario.phaseIndex(at: sim.now)].served += 1
                case .finished(let call):
                    result.phases[scenario.phaseIndex(at: call.startedAt)].add(call)
                case .audit(let event):
                    if case .transition = event { result.transitions += 1 }
                    printer.show(event, at: sim.now)
                    if let broken = auditor.observe(event) {
                        result.violation = InvariantViolation(invariant: "breaker follows resilience4j's rules",
                            detail: broken, seed: options.seed, step: sim.stats.events, time: sim.now)
                        return false
                    }
                }
            }
            return true
        }
        if result.violation == nil, breaker, let broken = auditor.finish() {
            result.violation = InvariantViolation(invariant: "breaker follows resilience4j's rules",
                detail: broken, seed: options.seed, step: sim.stats.events, time: sim.now)
        }
        let finished = result.phases.reduce(0) { $0 + $1.calls }
        let issued = sim.nodes[0].map { Int($0.nextID) } ?? finished
        if result.violation == nil, finished != issued {
            result.shortfall = InvariantViolation(invariant: "every call finishes",
                detail: "\(issued) calls issued, \(finished) finished (answered, timed out or shed) by the horizon"
                    + " \(options.horizon) (the scenario's end plus a call gap, the caller's timeout and a second);"
                    + " a horizon, not lost calls", seed: options.seed, step: sim.stats.events, time: sim.now)
        }
        return result
    }

    static func combined(_ run: RunResult) -> PhaseStats {
        run.phases.reduce(into: PhaseStats()) { $0.merge($1) }
    }

    static func printComparison(_ scenario: Scenario, with: RunResult, without: RunResult?, timeline: Timeline) {
        func row(_ phase: String, _ label: String, _ s: PhaseStats) -> [JSONValue] {
            [.string(phase), .string(label), JSONValue(s.calls), JSONValue(s.shed), JSONValue(s.timeouts),
             .double(s.errorPercent), .double(s.meanMillis), JSONValue(s.percentileMillis(99)), JSONValue(s.served)]
        }
        var rows: [[JSONValue]] = []
        for (index, phase) in scenario.phases.enumerated() {
            rows.append(row("\(index + 1) \(phase.name)", "yes", with.phases[index]))
            if let without { rows.append(row("", "no", without.phases[index])) }
        }
        timeline.table("Caller's view per phase, with and without the breaker (same seed)",
                       columns: ["phase", "breaker", "calls", "shed", "timeouts", "err%", "mean ms", "p99 ms", "served"],
                       rows: rows)
    }
}
