import Simulation

/// The printed parts of the service-mesh demo. Integer formatting only, for identical bytes.
///
/// Simplifications: amplification is requests arriving at C per client request, attributed to
/// the phase in which the client request arrived.
extension ServiceMeshDemo {
    static func describe(_ options: Options, phases: [MeshRun.Phase], slowReplica: Int, requests: Int,
                         on timeline: Timeline) {
        timeline.section("setup")
        let r = options.replicas
        timeline.note("edge n0 -> A n1..n\(r) -> B n\(r + 1)..n\(2 * r) -> C n\(2 * r + 1)..n\(3 * r);"
            + " per-try timeouts 1000/250/50 ms; C: 4 workers, ~2 ms per request, sheds above 64 inside;"
            + " \(requests) client requests at \(options.rate)/s, open loop")
        timeline.event(phases[1].start, "phase", "gray failure: C replica n\(2 * r + 1 + slowReplica) answers 300 ms late")
        timeline.event(phases[2].start, "phase", "outage: every C replica answers 503 (its database is down)")
        timeline.event(phases[3].start, "phase", "brownout: C answers again, at a tenth of its capacity"
            + " (~600/s, just above the offered load)")
        timeline.event(phases[4].start, "phase", "recovery: C back to full capacity")
    }

    static func narrate(_ name: String, _ m: MeshRun.Metrics, on timeline: Timeline) {
        timeline.section("config \(name)")
        for (at, node, text) in m.events.prefix(5) { timeline.event(at, node: node, "eject", text) }
        if m.events.count > 5 { timeline.note("... \(m.events.count - 5) more ejections") }
        timeline.note("\(name): \(m.ok)/\(m.latencies.count) ok, \(m.retries) retries, \(m.tryTimeouts) try timeouts,"
            + " \(m.budgetDenied) retries denied by the budget, \(m.overflows) breaker overflows, \(m.shed) shed by C")
    }

    static func printTables(_ results: [(String, MeshRun.Metrics)], phases: [MeshRun.Phase], on timeline: Timeline) {
        let overall: [[JSONValue]] = results.map { name, m in
            let roots = m.rootsByPhase.reduce(0, +)
            return [.string(name), .string(Figures.percent(m.ok, of: roots)), .string(Figures.millis(Figures.percentile(m.latencies, 500))),
                    .string(Figures.millis(Figures.percentile(m.latencies, 990))), .string(Figures.ratio(m.bottomByPhase.reduce(0, +), roots)),
                    JSONValue(m.maxTree), JSONValue(m.retries), JSONValue(m.ejections), JSONValue(m.overflows)]
        }
        timeline.table("Per configuration (same requests, same failures; latency in ms)",
                       columns: ["config", "success", "p50", "p99", "C load", "max/req", "retries", "ejected",
                                 "overflow"],
                       rows: overall)
        timeline.note("C load: requests reaching C per client request; max/req: the most any one client"
            + " request caused at C (the bound is (1+retries)^3).")
        let byPhase: [[JSONValue]] = results.map { name, m in
            [.string(name)] + phases.indices.map { p in
                .string("\(Figures.percent(m.okByPhase[p], of: m.rootsByPhase[p])) \(Figures.ratio(m.bottomByPhase[p], m.rootsByPhase[p]))")
            }
        }
        timeline.table("Success and C load (x) by phase", columns: ["config"] + phases.map(\.name), rows: byPhase)
    }

    static func summarize(_ results: [(String, MeshRun.Metrics)], options: Options, on timeline: Timeline) {
        let storm = results[1].1, budget = results[2].1, full = results[3].1, bare = results[0].1
        let gray = 1, outage = 2, brownout = 3
        /// Requests at C per client request in a phase, in thousandths.
        func load(_ m: MeshRun.Metrics, _ p: Int) -> JSONValue {
            m.rootsByPhase[p] == 0 ? .null : JSONValue(m.bottomByPhase[p] * 1000 / m.rootsByPhase[p])
        }
        /// Client requests of a phase answered successfully, per mille.
        func success(_ m: MeshRun.Metrics, _ p: Int) -> JSONValue {
            m.rootsByPhase[p] == 0 ? .null : JSONValue(m.okByPhase[p] * 1000 / m.rootsByPhase[p])
        }
        timeline.summary([
            ("outage C load per request x1000, \(results[1].0)", load(storm, outage)),
            ("outage C load per request x1000, retry+budget", load(budget, outage)),
            ("most C requests for one request, \(results[1].0)", JSONValue(storm.maxTree)),
            ("most C requests for one request, retry+budget", JSONValue(budget.maxTree)),
            ("budget percent", JSONValue(options.budgetPercent)),
            ("budget floor per second", JSONValue(configurations(options)[2].1.budgetMinPerSecond)),
            ("gray success per mille, no retries", success(bare, gray)),
            ("gray success per mille, retry+budget", success(budget, gray)),
            ("gray success per mille, full", success(full, gray)),
            ("brownout success per mille, no retries", success(bare, brownout)),
            ("brownout success per mille, \(results[1].0)", success(storm, brownout)),
            ("brownout success per mille, full", success(full, brownout)),
            ("brownout C load per request x1000, \(results[1].0)", load(storm, brownout)),
        ])
    }
}
