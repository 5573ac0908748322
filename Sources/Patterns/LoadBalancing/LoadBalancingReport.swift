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
        let capacity = (0..<options.backends).reduce(0.0) {
            $0 + 1e9 / Double(speed(of: $1, of: options.backends) * workload.meanWork)
        }
        timeline.note("workload: \(workload.arrivals.count) requests, open loop, mean work \(workload.meanWork) units"
            + " (5% are 10x long); base \(options.baseRate)/s, bursts \(options.burstRate)/s;"
            + " cluster capacity ~\(Int(capacity))/s")
        var events = workload.bursts.map { ($0.0, "burst", "arrivals at \(options.burstRate)/s until \($0.1)") }
        events += faults.faults.map { ($0.at, "fault", "\($0.fault) (backend b\(nodeOf($0.fault) - 1))") }
        for (at, kind, message) in events.sorted(by: { $0.0 < $1.0 }) {
            timeline.event(at, kind, message)
        }
    }

    private static func nodeOf(_ fault: Fault) -> Int {
        switch fault {
        case .crash(let n), .restart(let n): n
        default: 0
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
            ("requests", .string("\(requests) per policy, \(results.count) policies")),
            ("best p99", .string("\(byP99[0].policy.rawValue) \(ms(Figures.percentile(byP99[0].outcomes, 990)))")),
            ("worst p99", .string("\(byP99.last!.policy.rawValue) \(ms(Figures.percentile(byP99.last!.outcomes, 990)))")),
            ("p2c vs random", .string("p99 \(ms(Figures.percentile(p2c.outcomes, 990))) vs \(ms(Figures.percentile(random.outcomes, 990))),"
                + " timeouts \(p2c.timeouts) vs \(random.timeouts), max queue \(p2c.maxQueue) vs \(random.maxQueue)")),
            ("balls n=\(big.n)", .string("max load \(fixed(big.oneChoice, 2)) -> \(fixed(big.twoChoices, 2)) with two choices")),
            ("invariants", .string("exactly-once, in-flight accounting, ring affinity: held")),
        ])
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
