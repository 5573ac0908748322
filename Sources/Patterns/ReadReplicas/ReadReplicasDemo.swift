import Simulation

/// The read-replica demo: a primary ships its log asynchronously to three replicas of different
/// speeds while sessions write and read under write bursts, and one replica crashes and comes
/// back behind. The same sessions run three ways: reads on the primary only; reads on any
/// replica (stale reads, read-your-writes and monotonic-read anomalies); reads on any replica
/// with session tokens (Terry et al., "Session Guarantees for Weakly Consistent Replicated
/// Data", PDIS 1994), where a replica serves a read only once it has replayed the session's
/// highest LSN, else holds it briefly or sends it to the primary.
///
/// With faults drawn from the seed (`--faults crash,partition,drop` or `all`) any node may
/// crash, the primary and the clients included, links may be cut or slowed and messages lost;
/// the same plan strikes each routing mode's run.
///
/// Simplifications: see each file; a crashed primary restarts from its log but is never
/// replaced, and there is no replica promotion (that is failover, another pattern).
public enum ReadReplicasDemo {
    /// A run's settings; each default is written here once (see `declaration`).
    public struct Options: DemoOptions, Sendable {
        public var seed: UInt64 = 1
        public var replicas = 3
        public var sessions = 12
        public var keys = 50
        public var durationMs: UInt64 = 2000
        public var writePerMille: UInt32 = 200
        public var maxWaitMs: UInt64 = 10
        /// `story` crashes one replica mid-run (the seed picks which and when); `none` does not;
        /// named kinds or `all` draw faults of any node from the seed instead.
        public var faults = FaultMode.story
        /// A broken replica router that drops the session token.
        var forgetTokens = false
    }

    public static func run(_ options: Options, on timeline: Timeline) -> DemoOutcome {
        let root = SeededRNG(seed: options.seed)
        var rng = root.stream(1)
        let bursts = drawBursts(options, rng: &rng)
        let faults: FaultPlan
        if options.faults == .story {
            faults = crashPlan(options, rng: &rng)
        } else {
            var faultRNG = root.stream(2)
            let drawn = FaultPlan.draw(options.faults, nodeCount: 1 + options.replicas + options.sessions,
                                       window: faultWindow(options), rng: &faultRNG)
            timeline.announce(drawn)
            faults = drawn.plan
        }
        describe(options, bursts: bursts, faults: faults, on: timeline)
        var results: [(ReadRouting, ReplicaRun.Metrics)] = []
        for routing in ReadRouting.allCases {
            let settings = ReplicaRun.Settings(
                seed: options.seed, routing: routing, replicas: options.replicas, sessions: options.sessions,
                keys: options.keys, duration: .milliseconds(options.durationMs), writePerMille: options.writePerMille,
                maxWait: .milliseconds(options.maxWaitMs), faults: faults, bursts: bursts,
                forgetTokens: options.forgetTokens)
            let (metrics, violation) = ReplicaRun(settings: settings).run()
            if let violation { return DemoOutcome(violation: violation) }
            narrate(routing, metrics, on: timeline)
            results.append((routing, metrics))
        }
        printTables(results, options: options, on: timeline)
        summarize(results, options: options, on: timeline)
        return .passed
    }

    /// Calm periods (mean 500 ms) alternate with write bursts (mean 200 ms).
    static func drawBursts(_ options: Options, rng: inout SeededRNG) -> [(SimTime, SimTime)] {
        var bursts: [(SimTime, SimTime)] = []
        let end = SimTime.zero + .milliseconds(options.durationMs)
        var now = SimTime.zero + SimDuration.random(in: .milliseconds(150), .milliseconds(450), using: &rng)
        while now < end {
            let stop = min(end, now + SimDuration.random(in: .milliseconds(100), .milliseconds(300), using: &rng))
            bursts.append((now, stop))
            now = stop + SimDuration.random(in: .milliseconds(250), .milliseconds(750), using: &rng)
        }
        return bursts
    }

    /// Drawn faults strike from a tenth of the run to its end, at the story's pace (a fault
    /// every eighth of the run, outages up to 250 ms); the steady mix keeps a majority up.
    static func faultWindow(_ options: Options) -> FaultWindow {
        let nodes = 1 + options.replicas + options.sessions
        return FaultWindow(start: .zero + .milliseconds(options.durationMs / 10), end: .zero + .milliseconds(options.durationMs),
                           meanGap: .milliseconds(max(options.durationMs / 8, 1)), maxOutage: .milliseconds(250),
                           maxDown: max(1, (nodes - 1) / 2), baseline: ReplicaRun.network)
    }

    static func crashPlan(_ options: Options, rng: inout SeededRNG) -> FaultPlan {
        guard options.faults == .story else { return .none }
        let node = 1 + Int(rng.below(UInt64(options.replicas)))
        let earliest = SimDuration.milliseconds(options.durationMs * 3 / 10)
        let start = SimDuration.random(in: earliest, .milliseconds(options.durationMs * 6 / 10), using: &rng)
        let outage = SimDuration.random(in: .milliseconds(100), .milliseconds(250), using: &rng)
        return FaultPlan([ScheduledFault(at: .zero + start, .crash(node)),
                          ScheduledFault(at: .zero + start + outage, .restart(node))])
    }
}
