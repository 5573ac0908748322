import Simulation

/// The printed parts of the load-balancing demo: setup, per-policy events, the tables and the
/// summary. Numbers are formatted with integer arithmetic so output is byte-identical.
///
/// Simplifications: percentiles are nearest-rank on the completed requests only; timed-out
/// requests are counted separately, not folded into the tail.
extension LoadBalancingDemo {
    static func describeSetup(_ options: Options, workload: BurstyWorkload, faults: FaultPlan, on timeline: Timeline) {
        timeline.section("setup")
        let classes = (0..<options.backends).map { "b\($0)=\(speedName(speed(of: $0, of: options.backends)))" }
        timeline.note("backends: \(classes.joined(separator: " ")) (fast 1us/unit, medium 2us, slow 6us);"
            + " each serves one request at a time, FIFO")
        // Requests per second the backends can serve at the mean work; none without arrivals
        // (a short, slow stream may have none, and there is no mean work to divide by).
        let capacity = workload.meanWork == 0 ? 0 : (0..<options.backends).reduce(0) {
            $0 + 1_000_000_000 / (speed(of: $1, of: options.backends) * workload.meanWork)
        }
        timeline.note("workload: \(workload.arrivals.count) requests, open loop, mean work \(workload.meanWork) units"
            + " (5% are 10x long); base \(options.baseRate)/s, bursts \(options.burstRate)/s;"
            + " cluster capacity ~\(capacity)/s")
        var events = workload.bursts.map { ($0.0, "burst", "arrivals at \(options.burstRate)/s until \($0.1)") }
        events += faults.faults.map { ($0.at, "fault", "\($0.fault)\(role(of: $0.fault))") }
        for (at, kind, message) in events.sorted(by: { $0.0 < $1.0 }) {
            timeline.event(at, kind, message)
        }
    }

    /// Which process a crash or restart hits: n0 balances, n1... are backends b0...
    private static func role(of fault: Fault) -> String {
        switch fault {
        case .crash(let n), .restart(let n): n == 0 ? " (the balancer)" : " (backend b\(n - 1))"
        default: ""
        }
    }

    static func narrate(_ result: PolicyRun.Result, on timeline: Timeline) {
        timeline.section("policy \(result.policy.rawValue)")
        for (at, backend, until) in result.ejections.prefix(6) {
            timeline.event(at, node: 0, "eject", "b\(backend) ejected after 3 consecutive timeouts, until \(until)")
        }
        if result.ejections.count > 6 {
            timeline.note("... \(result.ejections.count - 6) more ejections")
        }
        timeline.note("\(result.policy.rawValue): \(result.latencies.count) completed, \(result.timeouts) timed out,"
            + " p99 \(ms(Figures.percentile(result.outcomes, 990))), max queue \(result.maxQueue)")
    }

    static func printPolicyTable(_ results: [PolicyRun.Result], options: Options, on timeline: Timeline) {
        let slow = (0..<options.backends).filter { speed(of: $0, of: options.backends) == 6000 }
        let rows: [[JSONValue]] = results.map { r in
            let total = max(r.routed.reduce(0, +), 1)
            let slowShare = slow.reduce(0) { $0 + r.routed[$1] } * 1000 / total
            return [.string(r.policy.rawValue), .string(ms(Figures.percentile(r.outcomes, 500))),
                    .string(ms(Figures.percentile(r.outcomes, 990))), .string(ms(r.latencies.last ?? 0)),
                    JSONValue(r.timeouts), JSONValue(r.maxQueue), .string(permille(slowShare)),
                    JSONValue(r.ejections.count)]
        }
        timeline.table("Latency per policy (same arrivals, same crash; ms)",
                       columns: ["policy", "p50", "p99", "max ok", "timeouts", "max queue", "to slow", "ejections"],
                       rows: rows)
        timeline.note("p50/p99 count a timed-out request as slower than any success ('timeout');"
            + " 'max ok' is the slowest success; 'to slow' the share routed to the slow backends.")
    }

    static func printBinsTable(_ rows: [BallsIntoBins.Row], on timeline: Timeline) {
        let table: [[JSONValue]] = rows.map { r in
            [JSONValue(r.n), JSONValue(r.trials), .string(fixed(r.oneChoice, 2)), .string(fixed(r.oneChoiceFormula, 2)),
             .string(fixed(r.twoChoices, 2)), .string(fixed(r.twoChoicesFormula, 2))]
        }
        timeline.table("Balls into bins: n balls, n bins, mean maximum load",
                       columns: ["n", "trials", "1 choice", "ln n/ln ln n", "2 choices", "ln ln n/ln 2"],
                       rows: table)
        timeline.note("The formulas are leading terms: one random choice sits above ln n/ln ln n by"
            + " slowly vanishing lower-order terms; two choices tracks ln ln n/ln 2 + O(1). The gap"
            + " widens with n: an exponential improvement from one extra probe.")
    }

    static func summarize(_ results: [PolicyRun.Result], rows: [BallsIntoBins.Row], requests: Int, on timeline: Timeline) {
        let byP99 = results.sorted {
            (Figures.percentile($0.outcomes, 990), $0.timeouts) < (Figures.percentile($1.outcomes, 990), $1.timeouts)
        }
        let random = results.first { $0.policy == .random }!
        let p2c = results.first { $0.policy == .powerOfTwo }!
        let big = rows.last!
        timeline.summary([
            ("requests per policy", JSONValue(requests)),
            ("policies", JSONValue(results.count)),
            ("best p99 policy", .string(byP99[0].policy.rawValue)),
            ("best p99 us", micros(Figures.percentile(byP99[0].outcomes, 990))),
            ("worst p99 policy", .string(byP99.last!.policy.rawValue)),
            ("worst p99 us", micros(Figures.percentile(byP99.last!.outcomes, 990))),
            ("p2c p99 us", micros(Figures.percentile(p2c.outcomes, 990))),
            ("random p99 us", micros(Figures.percentile(random.outcomes, 990))),
            ("p2c timeouts", JSONValue(p2c.timeouts)),
            ("random timeouts", JSONValue(random.timeouts)),
            ("p2c max queue", JSONValue(p2c.maxQueue)),
            ("random max queue", JSONValue(random.maxQueue)),
            ("balls n", JSONValue(big.n)),
            ("balls mean max load x1000, 1 choice", JSONValue(Int((big.oneChoice * 1000).rounded()))),
            ("balls mean max load x1000, 2 choices", JSONValue(Int((big.twoChoices * 1000).rounded()))),
        ])
    }

    /// A latency in whole microseconds; null when the percentile is a timed-out request.
    static func micros(_ nanos: UInt64) -> JSONValue {
        nanos == .max ? .null : JSONValue(nanos / 1000)
    }

    static func ms(_ nanos: UInt64) -> String {
        if nanos == .max { return "timeout" }
        let tenths = (nanos + 50_000) / 100_000
        return "\(tenths / 10).\(tenths % 10)"
    }

    static func permille(_ value: Int) -> String { "\(value / 10).\(value % 10)%" }

    static func fixed(_ value: Double, _ decimals: Int) -> String {
        var scale = 1
        for _ in 0..<decimals { scale *= 10 }
        let scaled = Int((value * Double(scale)).rounded())
        let fraction = String(scaled % scale)
        return "\(scaled / scale).\(String(repeating: "0", count: decimals - fraction.count))\(fraction)"
    }
}
