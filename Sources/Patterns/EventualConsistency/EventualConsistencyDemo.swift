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
    public struct Options: Sendable {
        public var seed: UInt64
        public var replicas: Int
        public var keys: Int
        public var writes: Int
        public var reads: Int
        public var readQuorum: Int
        public var treeDepth: Int
        /// Start from a bulk-loaded data set every replica holds, as a long-running store would.
        public var preloaded: Bool
        /// The mode whose run is printed; the other one is run silently for the comparison.
        public var mode: AntiEntropyMode
        public var faults: FaultPlan.Kinds
        public var writePhase: SimDuration
        public var antiEntropyPeriod: SimDuration
        public var deadline: SimDuration
        /// A merge that accepts older versions: only for proving the checker works.
        public var brokenMerge: Bool

        public init(seed: UInt64 = 1, replicas: Int = 5, keys: Int = 2_048, writes: Int = 600, reads: Int = 80,
                    readQuorum: Int = 3, treeDepth: Int = 7, preloaded: Bool = true, mode: AntiEntropyMode = .merkle,
                    faults: FaultPlan.Kinds = .all, writePhase: SimDuration = .milliseconds(2_000),
                    antiEntropyPeriod: SimDuration = .milliseconds(200), deadline: SimDuration = .seconds(10),
                    brokenMerge: Bool = false) {
            self.seed = seed
            self.replicas = replicas
            self.keys = keys
            self.writes = writes
            self.reads = reads
            self.readQuorum = readQuorum
            self.treeDepth = treeDepth
            self.preloaded = preloaded
            self.mode = mode
            self.faults = faults
            self.writePhase = writePhase
            self.antiEntropyPeriod = antiEntropyPeriod
            self.deadline = deadline
            self.brokenMerge = brokenMerge
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
                                       readQuorum: o.readQuorum, duration: o.writePhase, rng: &workloadRNG)
        let plan = drawFaults(o, rng: &faultRNG)
        printHeader(o, plan: plan, on: timeline)

        timeline.section("\(o.mode.rawValue) anti-entropy: writes, faults and repairs")
        let printed = ECSimulationRun(options: o, mode: o.mode, workload: workload, plan: plan,
                                      baseline: baseline, printer: timeline.quiet ? nil : ECPrinter(timeline: timeline)).run()
        if let convergence = printed.convergence {
            timeline.event(SimTime.zero + o.writePhase + convergence, "converged",
                           "all \(o.replicas) replicas identical, Merkle root \(hex(printed.finalRoot)), "
                           + "\(convergence) after writes stopped")
        }
        let otherMode: AntiEntropyMode = o.mode == .merkle ? .full : .merkle
        let other = ECSimulationRun(options: o, mode: otherMode, workload: workload, plan: plan,
                                    baseline: baseline, printer: nil).run()
        let results = o.mode == .merkle ? [printed, other] : [other, printed]
        printComparison(results, options: o, on: timeline)
        printSummary(printed, other: other, options: o, plan: plan, on: timeline)
        return DemoOutcome(violation: printed.violation ?? other.violation)
    }

    /// Faults drawn from the seed: a partition of random shape early in the write phase (when
    /// partitions are allowed), then random crashes, drops and partitions until writes stop.
    /// Everything is healed by the end of the write phase.
    static func drawFaults(_ o: Options, rng: inout SeededRNG) -> FaultPlan {
        var faults: [ScheduledFault] = []
        var rest = SimTime.zero + o.writePhase / 10
        if o.faults.contains(.partition) && o.replicas > 1 {
            let start = SimTime.zero + SimDuration.random(in: o.writePhase / 10, o.writePhase / 5, using: &rng)
            let end = start + SimDuration.random(in: o.writePhase / 5, o.writePhase * 2 / 5, using: &rng)
            var nodes = Array(0..<o.replicas)
            nodes.shuffle(using: &rng)
            let cut = 1 + Int(rng.below(UInt64(o.replicas - 1)))
            let split = Partition.split(Array(nodes[..<cut]), Array(nodes[cut...]), nodeCount: o.replicas)
            faults += [ScheduledFault(at: start, .partition(split)), ScheduledFault(at: end, .heal)]
            rest = end
        }
        let random = FaultPlan.random(
            kinds: o.faults, nodeCount: o.replicas, start: rest, end: SimTime.zero + o.writePhase,
            meanGap: o.writePhase / 4, maxOutage: o.writePhase / 3,
            maxDown: max(1, (o.replicas - 1) / 2), baseline: baseline, rng: &rng)
        return FaultPlan(faults + random.faults)
    }

    private static func printHeader(_ o: Options, plan: FaultPlan, on timeline: Timeline) {
        let faultNames = FaultPlan.Kinds.names.filter { FaultPlan.Kinds(name: $0) == o.faults }.first ?? "custom"
        timeline.header(demo: "eventual-consistency", seed: o.seed, settings: [
            ("replicas", JSONValue(o.replicas)), ("keys", JSONValue(o.keys)), ("writes", JSONValue(o.writes)),
            ("reads", JSONValue(o.reads)), ("read-quorum", JSONValue(o.readQuorum)),
            ("tree-depth", JSONValue(o.treeDepth)), ("preloaded", .bool(o.preloaded)), ("mode", .string(o.mode.rawValue)),
            ("faults", .string(faultNames)), ("write-phase-ms", JSONValue(o.writePhase.milliseconds)),
            ("anti-entropy-ms", JSONValue(o.antiEntropyPeriod.milliseconds)),
            ("deadline-ms", JSONValue(o.deadline.milliseconds)), ("versions", "LWW (hybrid timestamp, replica)"),
        ])
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
        let ratio = r.antiEntropyBytes == 0 ? 0 : Double(other.antiEntropyBytes) / Double(r.antiEntropyBytes)
        let saving = r.mode == .merkle
            ? "full-state exchange sent \(formatted(ratio))x the bytes of Merkle"
            : "Merkle sent \(formatted(ratio))x the bytes of full-state exchange"
        timeline.summary([
            ("writes", .string("\(r.writesAccepted) accepted, \(r.writesLost) lost to down replicas, "
                               + "\(r.writesSuperseded) superseded by a later write elsewhere (LWW)")),
            ("reads", .string("\(r.readsDone) quorum reads of \(o.readQuorum), \(r.readsStale) saw a stale replica, "
                              + "\(r.readRepairs) read repairs applied")),
            ("anti-entropy", .string("\(r.sessions) sessions, \(r.sessionsInSync) found equal roots, "
                                     + "\(r.leavesDiffering) differing leaves, \(r.keysApplied) keys applied")),
            ("convergence", .string(r.convergence.map { "\($0) after writes stopped" } ?? "not reached")),
            ("bytes", .string(saving)),
            ("faults", .string("\(plan.faults.count) scheduled, \(r.stats?.crashes ?? 0) crashes, "
                               + "\(r.stats?.messagesDropped ?? 0) messages dropped")),
            ("messages", .string("\(r.stats?.messagesSent ?? 0) sent, \(r.stats?.messagesDelivered ?? 0) delivered")),
            ("invariants", .string(r.violation == nil && other.violation == nil
                                   ? "held: versions never went backwards; all replicas converged to the highest write"
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
