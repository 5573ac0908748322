import Simulation

/// The distributed-cache demo, in three scenes on the same deployment (a slow store, cache
/// servers partitioned by a consistent-hash ring, application servers reading look-aside):
/// 1. a Zipf workload with writes, without a cache, with plain look-aside and with leases, while
///    one cache server crashes and comes back empty: hit ratio, store load, staleness;
/// 2. the stale-set race (a fill delayed past a racing write's delete), without and with leases;
/// 3. a hot key expiring under heavy reads: the store's load spike without coalescing, and the
///    single fill with leases (Nishtala et al., "Scaling Memcache at Facebook", NSDI 2013, §3.2).
///
/// Simplifications: see the files of each part; the scenes are separate simulations so that
/// each shows one effect with the others held still.
public enum DistributedCacheDemo {
    /// A run's settings; each default is written here once (see `declaration`).
    public struct Options: DemoOptions, Sendable {
        public var seed: UInt64 = 1
        public var cacheNodes = 4
        public var apps = 6
        /// Entries per cache server.
        public var capacity = 250
        public var ttl = SimDuration.milliseconds(400)
        /// Distinct keys, Zipf(1)-distributed.
        public var keys = 10_000
        /// Operations per second in scene 1.
        public var rate: UInt64 = 3000
        public var writePerMille: UInt32 = 50
        /// Length of scene 1.
        public var duration = SimDuration.milliseconds(3000)
        /// `crash`: one cache server crashes in scene 1 (the seed picks which and when).
        public var faults = FaultMode.drawn(.crash)
        /// Scripted faults (`--inject`), added to scene 1's.
        public var injected: [ScheduledFault] = []
        /// Reads per second of the hot key in scene 3.
        public var herdRate: UInt64 = 8000
        /// A broken cache that accepts every fill although the applications believe in leases.
        var sabotageLeases = false
    }

    public static func run(_ options: Options, on timeline: Timeline) -> DemoOutcome {
        let root = SeededRNG(seed: options.seed)
        var steadyResults: [(CacheMode, CacheRun.Metrics)] = []
        if let violation = steadyScene(options, root: root, into: &steadyResults, on: timeline) {
            return DemoOutcome(violation: violation)
        }
        var raceResults: [(CacheMode, CacheRun.Metrics)] = []
        if let violation = raceScene(options, into: &raceResults, on: timeline) {
            return DemoOutcome(violation: violation)
        }
        var herdResults: [(CacheMode, CacheRun.Metrics)] = []
        if let violation = herdScene(options, root: root, into: &herdResults, on: timeline) {
            return DemoOutcome(violation: violation)
        }
        summarize(options, steady: steadyResults, race: raceResults, herd: herdResults, on: timeline)
        return .passed
    }

    static func settings(_ options: Options, mode: CacheMode) -> CacheRun.Settings {
        var settings = CacheRun.Settings(seed: options.seed, mode: mode)
        settings.cacheNodes = options.cacheNodes
        settings.apps = options.apps
        settings.capacity = options.capacity
        settings.ttl = options.ttl
        settings.keys = options.keys
        settings.sabotageLeases = options.sabotageLeases
        return settings
    }

    /// Scene 1: the same Zipf stream against each mode, with the same cache-server crash.
    static func steadyScene(_ options: Options, root: SeededRNG, into results: inout [(CacheMode, CacheRun.Metrics)],
                            on timeline: Timeline) -> InvariantViolation? {
        timeline.section("scene 1: Zipf reads and writes, one cache server crashes")
        var rng = root.stream(1)
        let zipf = ZipfKeys(keys: options.keys)
        var schedule: [CacheRun.Step] = []
        var now = SimTime.zero
        let end = SimTime.zero + options.duration
        var op = 0
        while true {
            now = now + SimDuration.random(in: .zero, .seconds(2) / options.rate, using: &rng)
            guard now < end else { break }
            let key = zipf.draw(&rng)
            let app = Int(rng.below(UInt64(options.apps)))
            let command: CacheClusterNode.Command = rng.chance(perMille: options.writePerMille)
                ? .write(op: op, key: key) : .read(op: op, key: key, pauseBeforeFill: .zero)
            schedule.append(CacheRun.Step(at: now, app: app, command: command))
            op += 1
        }
        var faultRNG = root.stream(2)
        let faults = crashPlan(options, rng: &faultRNG)
        timeline.note("\(schedule.count) operations over \(options.duration.milliseconds) ms, Zipf(1) over \(options.keys) keys"
            + " (top \(options.cacheNodes * options.capacity) keys carry"
            + " \(zipf.headMassPerMillion(options.cacheNodes * options.capacity) / 10_000)% of requests);"
            + " \(options.writePerMille / 10)% writes; store: 8 workers, ~2 ms each")
        for fault in faults.faults {
            timeline.event(fault.at, node: nil, "fault", "\(fault.fault) (cache server)")
        }
        for mode in CacheMode.allCases {
            var settings = settings(options, mode: mode)
            settings.faults = faults
            let (metrics, violation) = CacheRun(settings: settings).run(schedule, until: end + .seconds(1))
            if let violation { return violation }
            results.append((mode, metrics))
        }
        printSteadyTable(results, durationMs: options.duration.milliseconds, on: timeline)
        return nil
    }

    static func crashPlan(_ options: Options, rng: inout SeededRNG) -> FaultPlan {
        guard options.faults.kinds.contains(.crash) else { return FaultPlan(options.injected) }
        let node = 1 + Int(rng.below(UInt64(options.cacheNodes)))
        let start = SimDuration.random(in: options.duration / 4, options.duration / 2, using: &rng)
        let outage = SimDuration.random(in: .milliseconds(100), .milliseconds(300), using: &rng)
        return FaultPlan([ScheduledFault(at: .zero + start, .crash(node)),
                          ScheduledFault(at: .zero + start + outage, .restart(node))] + options.injected)
    }
}
