import Simulation

/// The load-balancing demo: one bursty open-loop stream replayed through round robin, random,
/// least connections, power of two choices and a consistent-hash ring, against backends of
/// different speeds, one of which crashes mid-run; then the balls-into-bins table behind the
/// power of two choices (Mitzenmacher, IEEE TPDS 2001).
///
/// Simplifications:
/// - One balancer; clients talk to it without network delay, so latency is measured at the
///   balancer, from arrival to reply.
/// - Backend speeds are fixed classes: the first quarter fast, the last quarter three times
///   slower than the middle.
public enum LoadBalancingDemo {
    public struct Options: Sendable {
        public var seed: UInt64
        public var backends: Int
        public var durationMs: UInt64
        public var baseRate: UInt64
        public var burstRate: UInt64
        public var timeoutMs: UInt64
        public var crash: Bool
        /// The largest n of the balls-into-bins table is 10^binsExponent.
        public var binsExponent: Int
        /// A deliberately broken balancer that never releases a timed-out request's slot.
        var leakOnTimeout = false

        public init(seed: UInt64 = 1, backends: Int = 8, durationMs: UInt64 = 3000, baseRate: UInt64 = 1500,
                    burstRate: UInt64 = 3500, timeoutMs: UInt64 = 250, crash: Bool = true, binsExponent: Int = 6) {
            self.seed = seed
            self.backends = backends
            self.durationMs = durationMs
            self.baseRate = baseRate
            self.burstRate = burstRate
            self.timeoutMs = timeoutMs
            self.crash = crash
            self.binsExponent = binsExponent
        }
    }

    /// Nanoseconds per unit of work for backend `index` of `count`.
    static func speed(of index: Int, of count: Int) -> UInt64 {
        let quarter = max(count / 4, 1)
        if index < quarter { return 1000 }
        if index >= count - quarter { return 6000 }
        return 2000
    }

    static func speedName(_ nanos: UInt64) -> String {
        nanos == 1000 ? "fast" : nanos == 2000 ? "medium" : "slow"
    }

    public static func run(_ options: Options, on timeline: Timeline) -> DemoOutcome {
        timeline.header(demo: "load-balancer", seed: options.seed, settings: [
            ("backends", JSONValue(options.backends)), ("duration_ms", JSONValue(options.durationMs)),
            ("base_rate", JSONValue(options.baseRate)), ("burst_rate", JSONValue(options.burstRate)),
            ("timeout_ms", JSONValue(options.timeoutMs)), ("crash", .bool(options.crash)),
            ("bins_max", .string("1e\(options.binsExponent)")),
        ])
        let root = SeededRNG(seed: options.seed)
        var workloadRNG = root.stream(1)
        let workload = BurstyWorkload(BurstyWorkload.Settings(
            duration: .milliseconds(options.durationMs), baseRate: options.baseRate,
            burstRate: options.burstRate), rng: &workloadRNG)
        var faultRNG = root.stream(2)
        let faults = crashPlan(options, rng: &faultRNG)
        describeSetup(options, workload: workload, faults: faults, on: timeline)

        var results: [PolicyRun.Result] = []
        for policy in BalancingPolicy.allCases {
            let result = PolicyRun(policy: policy, options: options, workload: workload, faults: faults).run()
            results.append(result)
            narrate(result, on: timeline)
            if let violation = result.violation { return DemoOutcome(violation: violation) }
        }
        printPolicyTable(results, options: options, on: timeline)

        var binsRNG = root.stream(3)
        let rows = BallsIntoBins.run(sizes: binSizes(upTo: options.binsExponent), rng: &binsRNG)
        printBinsTable(rows, on: timeline)
        summarize(results, rows: rows, requests: workload.arrivals.count, on: timeline)
        return .passed
    }

    static func crashPlan(_ options: Options, rng: inout SeededRNG) -> FaultPlan {
        guard options.crash else { return .none }
        let backend = 1 + Int(rng.below(UInt64(options.backends)))
        let earliest = SimDuration.milliseconds(options.durationMs / 5)
        let start = SimDuration.random(in: earliest, .milliseconds(options.durationMs * 3 / 5), using: &rng)
        let outage = SimDuration.random(in: .milliseconds(300), .milliseconds(600), using: &rng)
        return FaultPlan([ScheduledFault(at: .zero + start, .crash(backend)),
                          ScheduledFault(at: .zero + start + outage, .restart(backend))])
    }

    static func binSizes(upTo exponent: Int) -> [(n: Int, trials: Int)] {
        var sizes: [(Int, Int)] = []
        var n = 100
        for e in 2...max(exponent, 2) {
            // About 4 million balls per row in total, at least three trials.
            sizes.append((n, max(3, min(500, 4_000_000 / (n * 2)))))
            if e < exponent { n *= 10 }
        }
        return sizes
    }
}
