import Simulation

/// The eventual-consistency demo: replicas take writes independently under last-writer-wins,
/// suffer partitions, loss and crashes drawn from the seed, and converge through Merkle-tree
/// anti-entropy (Merkle 1987; Dynamo, DeCandia et al. 2007, §4.7) and read repair. The same
/// workload and faults are then replayed with full-state exchange, and the two are compared
/// on convergence time and bytes.
///
/// Simplifications:
/// - See `ECReplica` (full replication, W = 1) and `LWWVersion` (one hybrid timestamp).
/// - Faults end when writes stop, so convergence is judged on a healed network.

public enum EventualConsistencyDemo {
    /// A run's settings; each default is written here once (see `declaration`).
    public struct Options: DemoOptions, Sendable {
        public var seed: UInt64 = 1
        public var replicas = 5
        public var keys = 2_048
        public var writes = 600
        public var reads = 80
        /// Replicas each read asks, coordinator included; capped at `replicas`.
        public var readQuorum = 3
        public var treeDepth = 7
        /// Start from a bulk-loaded data set every replica holds, as a long-running store would.
        public var preloaded = true
        /// The mode whose run is printed; the other one is run silently for the comparison.
        public var mode = AntiEntropyMode.merkle
        public var faults = FaultMode.drawn(.all)
        public var writePhase = SimDuration.milliseconds(2_000)
        public var antiEntropyPeriod = SimDuration.milliseconds(200)
        /// Scripted faults (`--inject`), on top of the drawn ones.
        public var injections: [ScheduledFault] = []
        /// A merge that accepts older versions: only for proving the checker works.
        public var brokenMerge = false

        /// The read quorum a run uses: never more replicas than there are.
        var quorum: Int { min(readQuorum, replicas) }

        /// How long replicas get, once writes stop and the last fault is over, to become
        /// identical. A Merkle session takes at most `treeDepth + 3` round trips, each at most
        /// twice the network's longest delay; a replica starts one with a random peer about
        /// every `antiEntropyPeriod` (up to 1.5 times that). Push-pull with random peers
        /// spreads a difference to everyone in about log2(n) + ln(n) rounds (Demers et al.
        /// 1987); the horizon allows 10 rounds per replica, far beyond that even when loss
        /// and duplicates cost a session now and then.
        public var horizon: SimDuration {
            let roundTrip = (EventualConsistencyDemo.baseline.delayMax + EventualConsistencyDemo.baseline.tailDelayMax) * 2
            let round = antiEntropyPeriod * 3 / 2 + roundTrip * UInt64(treeDepth + 3)
            return round * UInt64(10 * replicas)
        }
    }

    /// The network between faults: LAN delays with a little loss and duplication.
    static let baseline = NetworkConditions(delayMin: .milliseconds(1), delayMax: .milliseconds(10),
                                            tailPerMille: 10, tailDelayMax: .milliseconds(100),
                                            dropPerMille: 10, duplicatePerMille: 5)

    public static func run(_ options: Options, on timeline: Timeline) -> DemoOutcome {
        let o = options
        let root = SeededRNG(seed: o.seed)
        var workloadRNG = root.stream(1)
        var faultRNG = root.stream(2)
        let workload = ECWorkload.draw(replicas: o.replicas, keyCount: o.keys, writes: o.writes, reads: o.reads,
                                       readQuorum: o.quorum, duration: o.writePhase, rng: &workloadRNG)
        let (drawn, swarm) = drawFaults(o, rng: &faultRNG)
        let plan = FaultPlan(drawn.faults + o.injections)
        timeline.announce(swarm)
        printNotes(o, plan: plan, on: timeline)

        timeline.section("\(o.mode.rawValue) anti-entropy: writes, faults and repairs")
        let printed = ECSimulationRun(options: o, mode: o.mode, workload: workload, plan: plan,
                                      baseline: baseline, printer: timeline.quiet ? nil : ECPrinter(timeline: timeline)).run()
        if let convergence = printed.convergence {
            timeline.event(printed.quiesce + convergence, "converged",
                           "all \(o.replicas) replicas identical, Merkle root \(hex(printed.finalRoot)), "
                           + "\(convergence) after writes stopped")
        }
        let otherMode: AntiEntropyMode = o.mode == .merkle ? .full : .merkle
        let other = ECSimulationRun(options: o, mode: otherMode, workload: workload, plan: plan,
                                    baseline: baseline, printer: nil).run()
        let results = o.mode == .merkle ? [printed, other] : [other, printed]
        printComparison(results, options: o, on: timeline)
        printSummary(printed, other: other, options: o, plan: plan, on: timeline)
        return DemoOutcome(violation: printed.violation ?? other.violation,
                           shortfall: printed.shortfall ?? other.shortfall)
    }

    /// Faults drawn from the seed: a partition of random shape early in the write phase (when
    /// partitions are allowed), then random crashes, drops and partitions until writes stop.
    /// Everything is healed by the end of the write phase.
    static func drawFaults(_ o: Options, rng: inout SeededRNG) -> (FaultPlan, DrawnFaults) {
        var faults: [ScheduledFault] = []
        var rest = SimTime.zero + o.writePhase / 10
        let kinds = o.faults.kinds
        if kinds.contains(.partition) && o.replicas > 1 {
            let start = SimTime.zero + SimDuration.random(in: o.writePhase / 10, o.writePhase / 5, using: &rng)
            let end = start + SimDuration.random(in: o.writePhase / 5, o.writePhase * 2 / 5, using: &rng)
            var nodes = Array(0..<o.replicas)
            nodes.shuffle(using: &rng)
            let cut = 1 + Int(rng.below(UInt64(o.replicas - 1)))
            let split = Partition.split(Array(nodes[..<cut]), Array(nodes[cut...]), nodeCount: o.replicas)
            faults += [ScheduledFault(at: start, .partition(split)), ScheduledFault(at: end, .heal)]
            rest = end
        }
        let window = FaultWindow(start: rest, end: SimTime.zero + o.writePhase, meanGap: o.writePhase / 4,
                                 maxOutage: o.writePhase / 3, maxDown: max(1, (o.replicas - 1) / 2), baseline: baseline)
        let random = FaultPlan.draw(o.faults, nodeCount: o.replicas, window: window, rng: &rng)
        return (FaultPlan(faults + random.plan.faults), random)
    }

    private static func printNotes(_ o: Options, plan: FaultPlan, on timeline: Timeline) {
        let perLeaf = (o.keys + (1 << o.treeDepth) - 1) >> o.treeDepth
        timeline.note("Each replica takes writes alone (W=1); every other copy is made by anti-entropy "
                      + "(every ~\(o.antiEntropyPeriod) with a random peer) or by read repair. Merkle tree: "
                      + "\(1 << o.treeDepth) leaves of ~\(perLeaf) keys"
                      + (o.preloaded ? "; all replicas start from the same \(o.keys)-key data set." : "."))
        let faults = plan.faults.map { "\($0.at): \($0.fault)" }
        timeline.note("fault plan (from the seed): " + (faults.isEmpty ? "none" : faults.joined(separator: "; ")))
    }

    private static func printComparison(_ results: [ECRunResult], options o: Options, on timeline: Timeline) {
        let rows: [[JSONValue]] = results.map { r in
            [.string(r.mode.rawValue),
             .string(r.convergence.map(\.description) ?? "never"),
             JSONValue(r.sessions), JSONValue(r.antiEntropyMessages),
             .string(kib(r.antiEntropyBytes)), .string(kib(r.bytesToConverge)),
             .string(r.sessions == 0 ? "-" : kib(r.antiEntropyBytes / r.sessions)),
             JSONValue(r.keysApplied)]
        }
        timeline.table("Anti-entropy, same workload, seed and faults (bytes: whole run, and after writes stop)",
                       columns: ["mode", "converged in", "sessions", "msgs", "bytes", "to converge",
                                 "per session", "keys applied"],
                       rows: rows)
        timeline.note("Merkle pays up to \(o.treeDepth + 3) round trips per session (one per tree level, then "
                      + "versions and entries) to send only differing ranges and keys; full-state exchange "
                      + "ships the whole store in one round trip, so it may converge sooner at many times the bytes.")
    }

    private static func printSummary(_ r: ECRunResult, other: ECRunResult, options o: Options, plan: FaultPlan,
                                     on timeline: Timeline) {
        timeline.summary([
            ("writes accepted", JSONValue(r.writesAccepted)),
            ("writes lost to down replicas", JSONValue(r.writesLost)),
            ("writes unacknowledged (crash)", JSONValue(r.writesUnacknowledged)),
            ("writes superseded (LWW)", JSONValue(r.writesSuperseded)),
            ("quorum reads", JSONValue(r.readsDone)),
            ("read quorum", JSONValue(o.quorum)),
            ("reads that saw a stale replica", JSONValue(r.readsStale)),
            ("read repairs", JSONValue(r.readRepairs)),
            ("anti-entropy sessions", JSONValue(r.sessions)),
            ("sessions with equal roots", JSONValue(r.sessionsInSync)),
            ("differing leaves", JSONValue(r.leavesDiffering)),
            ("keys applied", JSONValue(r.keysApplied)),
            ("convergence us", r.convergence.map { JSONValue($0.nanoseconds / 1_000) } ?? .null),
            ("horizon us", JSONValue(o.horizon.nanoseconds / 1_000)),
            ("anti-entropy bytes \(r.mode.rawValue)", JSONValue(r.antiEntropyBytes)),
            ("anti-entropy bytes \(other.mode.rawValue)", JSONValue(other.antiEntropyBytes)),
            ("faults scheduled", JSONValue(plan.faults.count)),
            ("crashes", JSONValue(r.stats?.crashes ?? 0)),
            ("messages sent", JSONValue(r.stats?.messagesSent ?? 0)),
            ("messages delivered", JSONValue(r.stats?.messagesDelivered ?? 0)),
            ("messages dropped", JSONValue(r.stats?.messagesDropped ?? 0)),
            ("invariants", .string(r.violation == nil && other.violation == nil
                                   ? "held: versions never went backwards; converged replicas hold the highest write"
                                   : "BROKEN (see below)")),
        ])
    }

    static func kib(_ bytes: Int) -> String {
        bytes < 10_240 ? "\(bytes) B" : "\(bytes / 1_024) KiB"
    }

    static func formatted(_ x: Double) -> String {
        let tenths = Int((x * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }

    static func hex(_ x: UInt64) -> String {
        let digits = String(x, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
