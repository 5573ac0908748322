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
    public struct Options: Sendable {
        public var seed: UInt64
        public var breaker: BreakerConfig
        /// Length of the scenario, in seconds.
        public var seconds: UInt64
        public var callTimeout: SimDuration
        public var callGapMin: SimDuration
        public var callGapMax: SimDuration
        /// Also run without a breaker, for the comparison table.
        public var compare: Bool
        /// A deliberately broken breaker, to watch the auditor catch it.
        public var flaw: Breaker.Flaw?

        public init(seed: UInt64 = 1, breaker: BreakerConfig = .demo, seconds: UInt64 = 60,
                    callTimeout: SimDuration = .seconds(1), callGapMin: SimDuration = .milliseconds(30),
                    callGapMax: SimDuration = .milliseconds(70), compare: Bool = true, flaw: Breaker.Flaw? = nil) {
            self.seed = seed
            self.breaker = breaker
            self.seconds = seconds
            self.callTimeout = callTimeout
            self.callGapMin = callGapMin
            self.callGapMax = callGapMax
            self.compare = compare
            self.flaw = flaw
        }
    }

    struct RunResult {
        var phases: [PhaseStats]
        var transitions = 0
        var violation: InvariantViolation?
    }

    public static func run(_ options: Options, on timeline: Timeline) -> DemoOutcome {
        let c = options.breaker
        timeline.header(demo: "circuit-breaker", seed: options.seed, settings: [
            ("failureRateThreshold", JSONValue(c.failureRateThreshold)),
            ("slowCallRateThreshold", JSONValue(c.slowCallRateThreshold)),
            ("slowCallDurationThresholdMs", JSONValue(c.slowCallDurationThreshold.milliseconds)),
            ("permittedNumberOfCallsInHalfOpenState", JSONValue(c.permittedNumberOfCallsInHalfOpenState)),
            ("slidingWindowType", .string(c.slidingWindowType.rawValue)),
            ("slidingWindowSize", JSONValue(c.slidingWindowSize)),
            ("minimumNumberOfCalls", JSONValue(c.minimumNumberOfCalls)),
            ("waitDurationInOpenStateMs", JSONValue(c.waitDurationInOpenState.milliseconds)),
            ("automaticTransition", .bool(c.automaticTransitionFromOpenToHalfOpenEnabled)),
            ("maxWaitDurationInHalfOpenStateMs", JSONValue(c.maxWaitDurationInHalfOpenState.milliseconds)),
            ("seconds", JSONValue(options.seconds)), ("callTimeoutMs", JSONValue(options.callTimeout.milliseconds)),
            ("callGapMs", .string("\(options.callGapMin.milliseconds)..\(options.callGapMax.milliseconds)")),
            ("compare", .bool(options.compare)), ("flaw", .string(options.flaw?.rawValue ?? "none")),
        ])
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
            ("caller error rate", .string("\(total.errorPercent)% with breaker"
                + (plain.map { ", \($0.errorPercent)% without" } ?? ""))),
            ("caller mean latency", .string("\(total.meanMillis)ms with breaker"
                + (plain.map { ", \($0.meanMillis)ms without" } ?? ""))),
            ("calls timed out", .string("\(total.timeouts) with breaker" + (plain.map { ", \($0.timeouts) without" } ?? ""))),
            ("downstream load", .string("\(total.served) requests with breaker"
                + (plain.map { ", \($0.served) without" } ?? ""))),
        ]
        if plain != nil {
            rows.append(("reading", .string("the breaker turns waits on a dead service into instant "
                + "errors and keeps load off it; the price is calls shed while the service was "
                + "merely flaky or slow but would have answered (compare err% per phase)")))
        }
        rows.append(("invariants", .string(with.violation == nil
            ? "held: every decision matched resilience4j's rules; every call finished" : "BROKEN")))
        timeline.summary(rows)
        return DemoOutcome(violation: with.violation)
    }

    static func runOnce(_ options: Options, scenario: Scenario, breaker: Bool, timeline: Timeline?) -> RunResult {
        let setup = BreakerNode.Setup(scenario: scenario, breaker: breaker ? options.breaker : nil, flaw: options.flaw,
                                      callTimeout: options.callTimeout, callGapMin: options.callGapMin,
                                      callGapMax: options.callGapMax)
        let sim = Simulator<BreakerNode, Int>(seed: options.seed, nodeCount: 2, network: .reliable, faults: scenario.faults,
                                              disks: [setup, setup])
        for (index, phase) in scenario.phases.enumerated() {
            sim.schedule(index, after: phase.start - .zero)
        }
        var result = RunResult(phases: Array(repeating: PhaseStats(), count: scenario.phases.count))
        var auditor = BreakerAuditor(config: options.breaker)
        var printer = BreakerPrinter(timeline: timeline, config: options.breaker)
        let end = SimTime.zero + scenario.duration + options.callTimeout + .seconds(1)
        sim.run(until: end) { occurrence in
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
            result.violation = InvariantViolation(invariant: "every call finishes",
                detail: "\(issued) calls issued, \(finished) finished (answered, timed out or shed)",
                seed: options.seed, step: sim.stats.events, time: sim.now)
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
