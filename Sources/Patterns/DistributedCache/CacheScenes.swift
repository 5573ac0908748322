import Simulation

/// Scenes 2 and 3 of the distributed-cache demo: the stale-set race, staged with a pause, and
/// a hot key's expiry under a read storm.
///
/// Simplifications: both scenes use one key and no faults, so that the effect is the only
/// thing happening; the race is staged deterministically (a 30 ms pause in the filler), as the
/// memcache paper describes it, rather than waited for.
extension DistributedCacheDemo {
    static let raceKey = 7

    /// Scene 2: A misses and reads v0, stalls; B writes v1 and deletes; A sets v0; C reads.
    static func raceScene(_ options: Options, into results: inout [(CacheMode, CacheRun.Metrics)],
                          on timeline: Timeline) -> InvariantViolation? {
        timeline.section("scene 2: the stale-set race (a fill delayed past a write's delete)")
        timeline.note("app A reads key \(raceKey) (miss), reads the store, then stalls 30 ms before filling;"
            + " app B writes the key at 10 ms (store, then delete); app C reads at 60, 150 and"
            + " \(options.ttl.milliseconds + 80) ms.")
        let ttl = options.ttl
        let schedule = [
            CacheRun.Step(at: .zero, app: 0, command: .read(op: 0, key: raceKey, pauseBeforeFill: .milliseconds(30))),
            CacheRun.Step(at: .zero + .milliseconds(10), app: 1, command: .write(op: 1, key: raceKey)),
            CacheRun.Step(at: .zero + .milliseconds(60), app: 2, command: .read(op: 2, key: raceKey, pauseBeforeFill: .zero)),
            CacheRun.Step(at: .zero + .milliseconds(150), app: 2, command: .read(op: 3, key: raceKey, pauseBeforeFill: .zero)),
            CacheRun.Step(at: .zero + ttl + .milliseconds(80), app: 2, command: .read(op: 4, key: raceKey, pauseBeforeFill: .zero)),
        ]
        for mode in [CacheMode.plain, .leases] {
            timeline.note("[\(mode.rawValue)]")
            let run = CacheRun(settings: settings(options, mode: mode))
            let (metrics, violation) = run.run(schedule, until: .zero + ttl + .seconds(1)) { now, node, output in
                narrateRace(now, node: node, output, apps: 1 + options.cacheNodes, on: timeline)
            }
            if let violation { return violation }
            results.append((mode, metrics))
        }
        return nil
    }

    static func narrateRace(_ now: SimTime, node: NodeID, _ output: CacheClusterNode.Output, apps: Int, on timeline: Timeline) {
        let who = node >= apps ? ["A", "B", "C"][min(node - apps, 2)] : "cache n\(node)"
        switch output {
        case let .readDone(_, _, version, _, source, _):
            timeline.event(now, node: node, "read", "app \(who) reads v\(version) (\(source.rawValue))")
        case let .writeDone(_, _, version, _):
            timeline.event(now, node: node, "write", "app \(who) wrote v\(version); store updated, cache entry deleted")
        case let .filled(_, version):
            timeline.event(now, node: node, "fill", "\(who) accepts set v\(version)")
        case let .setRejected(_, version):
            timeline.event(now, node: node, "reject", "\(who) refuses set v\(version): its lease was invalidated by the delete")
        case .storeServed, .waited:
            break
        }
    }

    /// Scene 3: a hot key read at `herdRate`, expiring at its TTL.
    static func herdScene(_ options: Options, root: SeededRNG, into results: inout [(CacheMode, CacheRun.Metrics)],
                          on timeline: Timeline) -> InvariantViolation? {
        timeline.section("scene 3: a hot key expires under \(options.herdRate) reads/s")
        var rng = root.stream(3)
        let ttl = options.ttl
        let end = SimTime.zero + ttl + .milliseconds(120)
        var schedule: [CacheRun.Step] = []
        var now = SimTime.zero
        while now < end {
            schedule.append(CacheRun.Step(at: now, app: Int(rng.below(UInt64(options.apps))),
                                          command: .read(op: schedule.count, key: 0, pauseBeforeFill: .zero)))
            now = now + SimDuration.random(in: .zero, .seconds(2) / options.herdRate, using: &rng)
        }
        for mode in [CacheMode.plain, .leases] {
            var settings = settings(options, mode: mode)
            settings.trackedKey = 0
            let (metrics, violation) = CacheRun(settings: settings).run(schedule, until: end + .seconds(1))
            if let violation { return violation }
            results.append((mode, metrics))
        }
        printHerd(results, ttl: ttl, on: timeline)
        return nil
    }
}
