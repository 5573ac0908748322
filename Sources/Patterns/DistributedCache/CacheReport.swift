import Simulation

/// The tables and summary of the distributed-cache demo. Numbers are formatted with integer
/// arithmetic so that output is byte-identical.
///
/// Simplifications: percentiles are nearest-rank; "store reads/s" averages over the stream.
extension DistributedCacheDemo {
    static func printSteadyTable(_ results: [(CacheMode, CacheRun.Metrics)], durationMs: UInt64, on timeline: Timeline) {
        let rows: [[JSONValue]] = results.map { mode, m in
            [.string(mode.rawValue), .string(mode == .noCache ? "-" : Figures.percent(m.hits, of: m.reads)),
             JSONValue(m.storeReads * 1000 / Int(max(durationMs, 1))), JSONValue(m.peakStoreLoad),
             .string(Figures.millis(Figures.percentile(m.readLatencies, 500))), .string(Figures.millis(Figures.percentile(m.readLatencies, 990))),
             JSONValue(m.storeOnly), JSONValue(m.staleReads), .string(Figures.millis(m.maxStaleness.nanoseconds)),
             JSONValue(m.rejectedSets)]
        }
        timeline.table("Scene 1: same operations, same crash (latency in ms)",
                       columns: ["mode", "hit", "store rd/s", "peak store q", "p50", "p99", "bypass", "stale", "max stale",
                                 "refused sets"],
                       rows: rows)
        timeline.note("The hit ratio is bounded by the TTL as much as by capacity: a key read r times a"
            + " second hits at most rT/(1+rT) of the time, and most Zipf mass sits in the tail.")
        timeline.note("bypass: reads that timed out (20 ms) on the crashed cache server and went to the store."
            + " A stale read began after a newer write had completed. Plain look-aside allows them"
            + " up to the TTL (plus the filler's lag); leases refuse the late fills that cause them.")
    }

    static func printHerd(_ results: [(CacheMode, CacheRun.Metrics)], ttl: SimDuration, on timeline: Timeline) {
        // The key is filled within a few ms of time zero; look from just before its expiry.
        let from = SimTime(nanoseconds: ttl.nanoseconds - min(ttl.nanoseconds, 5_000_000))
        let bucket = SimDuration.milliseconds(5)
        var rows: [[JSONValue]] = []
        let counts = (0..<12).map { b in
            results.map { _, m in
                m.trackedStoreReads.filter { $0 >= from + bucket * UInt64(b) && $0 < from + bucket * UInt64(b + 1) }.count
            }
        }
        let widest = min(counts.flatMap { $0 }.max() ?? 0, 30)
        for b in 0..<12 {
            var row: [JSONValue] = [.string("+\(b * 5 - 5) ms")]
            if b == 0 { row[0] = "-5 ms" }
            for count in counts[b] {
                // Bars padded to one width so that they read left-aligned in a right-aligned column.
                let bar = String(repeating: "#", count: min(count, 30))
                row.append(.string("\(count) " + bar + String(repeating: " ", count: widest - bar.count)))
            }
            rows.append(row)
        }
        timeline.table("Scene 3: store reads of the hot key per 5 ms around its expiry (TTL \(ttl.milliseconds) ms)",
                       columns: ["t - TTL"] + results.map { $0.0.rawValue }, rows: rows)
        let summary: [[JSONValue]] = results.map { mode, m in
            [.string(mode.rawValue), JSONValue(expiryReads(m, ttl: ttl)), JSONValue(m.peakStoreLoad),
             JSONValue(m.waits), .string(Figures.millis(Figures.percentile(m.readLatencies, 990)))]
        }
        timeline.table("Scene 3 totals", columns: ["mode", "store reads after expiry", "peak store q",
                                                    "lease waits", "p99 ms"], rows: summary)
    }

    static func expiryReads(_ m: CacheRun.Metrics, ttl: SimDuration) -> Int {
        m.trackedStoreReads.filter { $0 >= .zero + ttl / 2 }.count
    }

    static func summarize(_ options: Options, steady: [(CacheMode, CacheRun.Metrics)], race: [(CacheMode, CacheRun.Metrics)],
                          herd: [(CacheMode, CacheRun.Metrics)], on timeline: Timeline) {
        func steadyMetric(_ mode: CacheMode) -> CacheRun.Metrics { steady.first { $0.0 == mode }!.1 }
        let none = steadyMetric(.noCache), plain = steadyMetric(.plain), leases = steadyMetric(.leases)
        let ttl = options.ttl
        let racePlain = race[0].1, raceLeases = race[1].1
        func perMille(_ part: Int, _ whole: Int) -> JSONValue { whole == 0 ? .null : JSONValue(part * 1000 / whole) }
        timeline.summary([
            ("hit ratio per mille, plain", perMille(plain.hits, plain.reads)),
            ("hit ratio per mille, leases", perMille(leases.hits, leases.reads)),
            ("store reads, no cache", JSONValue(none.storeReads)),
            ("store reads, plain", JSONValue(plain.storeReads)),
            ("store reads, leases", JSONValue(leases.storeReads)),
            ("stale reads, plain", JSONValue(plain.staleReads)),
            ("max staleness us, plain", JSONValue(plain.maxStaleness.nanoseconds / 1000)),
            ("stale reads, leases", JSONValue(leases.staleReads)),
            ("stale-set race: stale reads, plain", JSONValue(racePlain.staleReads)),
            ("stale-set race: sets refused, leases", JSONValue(raceLeases.rejectedSets)),
            ("stale-set race: stale reads, leases", JSONValue(raceLeases.staleReads)),
            ("hot-key expiry: store reads, plain", JSONValue(expiryReads(herd[0].1, ttl: ttl))),
            ("hot-key expiry: store reads, leases", JSONValue(expiryReads(herd[1].1, ttl: ttl))),
            ("hot-key expiry: peak store queue, plain", JSONValue(herd[0].1.peakStoreLoad)),
            ("hot-key expiry: peak store queue, leases", JSONValue(herd[1].1.peakStoreLoad)),
        ])
    }
}
