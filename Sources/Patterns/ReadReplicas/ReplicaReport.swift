import Simulation

/// The printed parts of the read-replica demo. Integer formatting only, for identical bytes.
///
/// Simplifications: percentiles are nearest-rank; a read's time lag is how long ago the oldest
/// write its replica lacked was committed.
extension ReadReplicasDemo {
    static func describe(_ options: Options, bursts: [(SimTime, SimTime)], faults: FaultPlan, on timeline: Timeline) {
        timeline.section("setup")
        let speeds = (0..<options.replicas).map {
            "n\($0 + 1) \(ReplicaRun.applyCost(replica: $0).nanoseconds / 1000)us/entry"
        }
        timeline.note("primary n0 ships its log every 5 ms to replicas (\(speeds.joined(separator: ", ")));"
            + " \(options.sessions) sessions, one operation at a time, \(options.writePerMille / 10)% writes over"
            + " \(options.keys) keys, half the reads on the key the session last wrote")
        var events = bursts.map { ($0.0, "burst", "write burst until \($0.1) (think time 6 ms -> 1.5 ms)") }
        events += faults.faults.map { ($0.at, "fault", "\($0.fault)" + role($0.fault, options)) }
        for (at, kind, text) in events.sorted(by: { $0.0 < $1.0 }) { timeline.event(at, kind, text) }
    }

    /// Whose crash or restart a fault is, for the timeline.
    static func role(_ fault: Fault, _ options: Options) -> String {
        let node: NodeID
        switch fault {
        case .crash(let n), .restart(let n), .crashAfterWrite(let n), .crashDuringWrite(let n): node = n
        case .partition, .heal, .network, .link: return ""
        }
        if node == 0 { return " (primary)" }
        return node <= options.replicas ? " (replica)" : " (session \(node - 1 - options.replicas))"
    }

    static func narrate(_ routing: ReadRouting, _ m: ReplicaRun.Metrics, on timeline: Timeline) {
        timeline.section("reads: \(routing.rawValue)")
        for (at, node, text) in m.firstAnomalies { timeline.event(at, node: node, "anomaly", text) }
        timeline.note("\(routing.rawValue): \(m.reads) reads, \(m.writes) writes; \(m.onReplica) served by replicas,"
            + " \(m.held) held for the log, \(m.redirected) sent to the primary")
    }

    static func printTables(_ results: [(ReadRouting, ReplicaRun.Metrics)], options: Options, on timeline: Timeline) {
        let lagRun = results.first { $0.0 == .replicas }!.1
        let lagRows: [[JSONValue]] = (0..<options.replicas).map { r in
            let lsn = lagRun.sampledLSN[r].sorted(), time = lagRun.sampledTime[r].sorted()
            return [.string("n\(r + 1)"), .string("\(ReplicaRun.applyCost(replica: r).nanoseconds / 1000)us"),
                    JSONValue(Figures.percentile(lsn, 500)), JSONValue(Figures.percentile(lsn, 990)), JSONValue(lsn.last ?? 0),
                    .string(Figures.millis(Figures.percentile(time, 990))), .string(Figures.millis(time.last ?? 0))]
        }
        timeline.table("Replica lag behind the primary, sampled every 10 ms",
                       columns: ["replica", "apply", "p50 LSN", "p99 LSN", "max LSN", "p99 ms", "max ms"], rows: lagRows)
        let rows: [[JSONValue]] = results.map { routing, m in
            [.string(routing.rawValue), .string(Figures.percent(m.onReplica, of: m.reads)), JSONValue(m.redirected),
             JSONValue(m.held), JSONValue(m.staleReads), JSONValue(m.ryw), JSONValue(m.monotonic),
             .string(Figures.millis(Figures.percentile(m.readLatencies, 500))), .string(Figures.millis(Figures.percentile(m.readLatencies, 990))),
             JSONValue(Figures.percentile(m.servedLagLSN, 990)), .string(Figures.millis(m.servedLagTime.last ?? 0))]
        }
        timeline.table("Reads by routing (same sessions, same crash; latency in ms)",
                       columns: ["routing", "replica", "to primary", "held", "stale", "RYW", "mono", "p50", "p99",
                                 "lag p99", "lag max"],
                       rows: rows)
        timeline.note("stale: missing a write committed before the read began; RYW: older than the session's own write;"
            + " mono: older than what the session read before; lag: LSNs (p99) and ms (max) the serving"
            + " replica was behind.")
    }

    /// `part` of `whole` in per mille; JSON null when there is no whole.
    static func perMille(_ part: Int, _ whole: Int) -> JSONValue {
        whole > 0 ? JSONValue(part * 1000 / whole) : .null
    }

    static func summarize(_ results: [(ReadRouting, ReplicaRun.Metrics)], options: Options, on timeline: Timeline) {
        let primary = results[0].1, eventual = results[1].1, session = results[2].1
        let micros = { (latencies: [UInt64], perMille: Int) in JSONValue(Figures.percentile(latencies, perMille) / 1_000) }
        timeline.summary([
            ("replica share ‰, primary-only", perMille(primary.onReplica, primary.reads)),
            ("replica share ‰, without tokens", perMille(eventual.onReplica, eventual.reads)),
            ("replica share ‰, with tokens", perMille(session.onReplica, session.reads)),
            ("read-your-writes anomalies without tokens", JSONValue(eventual.ryw)),
            ("monotonic-read anomalies without tokens", JSONValue(eventual.monotonic)),
            ("read-your-writes anomalies with tokens", JSONValue(session.ryw)),
            ("monotonic-read anomalies with tokens", JSONValue(session.monotonic)),
            ("stale reads without tokens", JSONValue(eventual.staleReads)),
            ("stale reads with tokens", JSONValue(session.staleReads)),
            ("reads held with tokens", JSONValue(session.held)),
            ("reads sent to the primary with tokens", JSONValue(session.redirected)),
            ("read p50 us with tokens", micros(session.readLatencies, 500)),
            ("read p99 us with tokens", micros(session.readLatencies, 990)),
            ("read p50 us without tokens", micros(eventual.readLatencies, 500)),
            ("read p99 us without tokens", micros(eventual.readLatencies, 990)),
            ("invariants", .string("prefix consistency in every mode; read-your-writes and monotonic reads with"
                + " tokens: held (stale reads of others' writes are allowed: tokens promise the session's own"
                + " history, not recency)")),
        ])
    }
}
