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
    /// A run's settings; each default is written here once (see `declaration`).
    public struct Options: DemoOptions, Sendable {
        public var seed: UInt64 = 1
        public var backends = 8
        /// Length of the arrival stream.
        public var duration = SimDuration.milliseconds(3000)
        public var baseRate: UInt64 = 1500
        public var burstRate: UInt64 = 3500
        /// The balancer's per-request deadline.
        public var timeout = SimDuration.milliseconds(250)
        /// `crash`: one backend crashes mid-run (the seed picks which and when).
        public var faults = FaultMode.drawn(.crash)
        /// Scripted faults (`--inject`), added to the drawn crash.
        public var injected: [ScheduledFault] = []
        /// The largest n of the balls-into-bins table is 10^binsExponent.
        public var binsExponent = 6
        /// A deliberately broken balancer that never releases a timed-out request's slot.
        var leakOnTimeout = false
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
        let root = SeededRNG(seed: options.seed)
        var workloadRNG = root.stream(1)
        let workload = BurstyWorkload(BurstyWorkload.Settings(
            duration: options.duration, baseRate: options.baseRate,
            burstRate: options.burstRate), rng: &workloadRNG)
        var faultRNG = root.stream(2)
        let faults = crashPlan(options, rng: &faultRNG)
        describeSetup(options, workload: workload, faults: faults, on: timeline)

        var results: [PolicyRun.Result] = []
        var outcome = DemoOutcome.passed
        for policy in BalancingPolicy.allCases {
            let result = PolicyRun(policy: policy, options: options, workload: workload, faults: faults).run()
            results.append(result)
            narrate(result, on: timeline)
            if let violation = result.violation { return DemoOutcome(violation: violation) }
            outcome = outcome.combined(with: DemoOutcome(shortfall: result.shortfall))
        }
        printPolicyTable(results, options: options, on: timeline)

        var binsRNG = root.stream(3)
        let rows = BallsIntoBins.run(sizes: binSizes(upTo: options.binsExponent), rng: &binsRNG)
        printBinsTable(rows, on: timeline)
        summarize(results, rows: rows, requests: workload.arrivals.count, on: timeline)
        return outcome
    }

    static func crashPlan(_ options: Options, rng: inout SeededRNG) -> FaultPlan {
        guard options.faults.kinds.contains(.crash) else { return FaultPlan(options.injected) }
        let backend = 1 + Int(rng.below(UInt64(options.backends)))
        let start = SimDuration.random(in: options.duration / 5, options.duration * 3 / 5, using: &rng)
        let outage = SimDuration.random(in: .milliseconds(300), .milliseconds(600), using: &rng)
        return FaultPlan([ScheduledFault(at: .zero + start, .crash(backend)),
                          ScheduledFault(at: .zero + start + outage, .restart(backend))] + options.injected)
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
