import Simulation

/// The service-mesh demo: a client's requests cross three hops (edge -> A -> B -> C), each
/// through a sidecar proxy, while C degrades: one replica slows down, then all of C fails, then
/// it recovers. Four sidecar configurations face the same requests and the same failures:
/// no retries; three retries per hop (the retry storm: up to 4^3 = 64 requests at C per client
/// request); three retries within a retry budget (Linkerd/Envoy, 20% plus 10 per second); and
/// the budget with outlier ejection and a circuit breaker.
///
/// Simplifications: see each file; one client, three replicas per service, no control plane
/// (policies are configured at boot).
public enum ServiceMeshDemo {
    /// A run's settings; each default is written here once (see `declaration`).
    public struct Options: DemoOptions, Sendable {
        public var seed: UInt64 = 1
        public var replicas = 3
        /// Client requests per second.
        public var rate: UInt64 = 300
        public var maxRetries = 3
        /// Retry budget: retries as a percentage of requests, plus the policy's floor per second.
        public var budgetPercent = 20
        /// Length of the request stream.
        public var duration = SimDuration.milliseconds(3000)
        /// A deliberately broken retry budget in the budgeted configurations.
        public var variant: RetryBudget.Flaw?
    }

    static func configurations(_ options: Options) -> [(String, Sidecar.Policy)] {
        let r = options.maxRetries
        var budgeted = Sidecar.Policy(maxRetries: r, budget: true, outlierDetection: false, circuitBreaker: false)
        budgeted.budgetFlaw = options.variant
        var full = Sidecar.Policy(maxRetries: r, budget: true, outlierDetection: true, circuitBreaker: true)
        full.budgetFlaw = options.variant
        return [
            ("no retries", Sidecar.Policy(maxRetries: 0, budget: false, outlierDetection: false, circuitBreaker: false)),
            ("retry \(r)x", Sidecar.Policy(maxRetries: r, budget: false, outlierDetection: false, circuitBreaker: false)),
            ("retry+budget", budgeted),
            ("full", full),
        ]
    }

    public static func run(_ options: Options, on timeline: Timeline) -> DemoOutcome {
        let root = SeededRNG(seed: options.seed)
        var rng = root.stream(1)
        var arrivals: [SimTime] = []
        var now = SimTime.zero
        while true {
            now = now + SimDuration.random(in: .zero, .seconds(2) / options.rate, using: &rng)
            guard now < .zero + options.duration else { break }
            arrivals.append(now)
        }
        let phases = drawPhases(options, rng: &rng)
        let slowReplica = Int(rng.below(UInt64(options.replicas)))
        describe(options, phases: phases, slowReplica: slowReplica, requests: arrivals.count, on: timeline)

        var results: [(String, MeshRun.Metrics)] = []
        var outcome = DemoOutcome.passed
        for (name, policy) in configurations(options) {
            var policy = policy
            policy.budgetPerMille = options.budgetPercent * 10
            let run = MeshRun(name: name, policy: policy, options: options, arrivals: arrivals, phases: phases,
                              slowReplica: slowReplica)
            let (metrics, violation, shortfall) = run.run()
            if let violation { return DemoOutcome(violation: violation) }
            outcome = outcome.combined(with: DemoOutcome(shortfall: shortfall))
            narrate(name, metrics, on: timeline)
            results.append((name, metrics))
        }
        printTables(results, phases: phases, on: timeline)
        summarize(results, options: options, on: timeline)
        return outcome
    }

    /// Healthy, then gray (one C replica slow), outage (all of C failing), brownout (C at a tenth
    /// of its capacity), recovery; the seed moves each boundary by up to a tenth of the run.
    static func drawPhases(_ options: Options, rng: inout SeededRNG) -> [MeshRun.Phase] {
        let d = options.duration
        func around(_ permille: UInt64) -> SimTime {
            .zero + d * permille / 1000 + SimDuration.random(in: .zero, d / 10, using: &rng)
        }
        let gray = around(100), outage = around(300), brownout = around(500), recovery = around(750)
        return [MeshRun.Phase(name: "healthy", start: .zero), MeshRun.Phase(name: "gray", start: gray),
                MeshRun.Phase(name: "outage", start: outage), MeshRun.Phase(name: "brownout", start: brownout),
                MeshRun.Phase(name: "recovery", start: recovery)]
    }
}
