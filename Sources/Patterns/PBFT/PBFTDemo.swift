import Simulation

/// The PBFT demo (Castro & Liskov 1999, OSDI): 3f+1 replicas and a few clients on the
/// simulator. The default run tells the paper's story: normal operation, a primary that turns
/// Byzantine and equivocates, its detection and replacement by a view change whose NEW-VIEW
/// re-issues what prepared, and requests continuing in the new view, with checkpoints
/// garbage-collecting the log throughout. Every execution and every accepted reply is checked
/// against `BFTSafetyChecker`.
///
/// With more than f faulty replicas (`faulty > f`) the coalition attacks: the primary
/// equivocates and the faulty replicas vote in both quorums, and the demo shows correct
/// replicas executing different requests at the same sequence number, reported as the outcome
/// the theory predicts (quorums of 2f+1 out of 3f+1 intersect in only f+1 replicas, which may
/// all be faulty), not as a failure.
///
/// Simplifications:
/// - Network faults (loss bursts, partitions) come from the seed or `--inject`; replicas do not crash.

public enum PBFTDemo {
    /// A run's settings; each default is written here once (see `declaration`).
    public struct Options: DemoOptions, Sendable {
        public var seed: UInt64 = 1
        public var f = 1
        public var clients = 2
        public var requestsPerClient = 12
        public var behaviour = ByzantineBehaviour.equivocate
        /// Number of faulty replicas; nil means f (none when `behaviour` is none). More than f
        /// shows the predicted safety break.
        public var faulty: Int?
        public var checkpointInterval = 4
        /// Faulty replicas behave until this sequence number; nil draws it from the seed.
        public var misbehaveFromSeq: Int?
        /// Network faults drawn from the seed (replicas do not crash, so crash is never drawn).
        public var faults = FaultMode.drawn(.drop)
        /// Drawn network faults happen in [0, faultWindow) and are healed by its end.
        public var faultWindow = SimDuration.milliseconds(600)
        /// Network faults scripted with `--inject`, added to the drawn ones.
        public var injections: [ScheduledFault] = []

        /// How many replicas are faulty in this run.
        public var faultyCount: Int { faulty ?? (behaviour == .none ? 0 : f) }
    }

    static let baseline = NetworkConditions(delayMin: .microseconds(500), delayMax: .milliseconds(4))

    public static func run(_ options: Options, on timeline: Timeline) -> DemoOutcome {
        let o = options
        var rng = SeededRNG(seed: o.seed).stream(7)
        let config = makeConfig(o, rng: &rng)
        var planRNG = SeededRNG(seed: o.seed).stream(8)
        let plan = drawNetworkFaults(o, nodeCount: config.replicas + o.clients, rng: &planRNG)
        printSetup(o, config: config, plan: plan, on: timeline)
        let printer = timeline.quiet ? nil : BFTPrinter(timeline: timeline, faulty: config.faulty, replicas: config.replicas)
        timeline.section("run: \(o.clients) clients, \(o.clients * o.requestsPerClient) requests")
        let result = BFTRun(options: o, config: config, plan: plan, printer: printer).run()
        printTables(result, config: config, options: o, on: timeline)
        printSummary(result, config: config, options: o, on: timeline)
        return DemoOutcome(violation: result.violation, shortfall: result.shortfall)
    }

    /// Loss bursts and partitions from the seed, all healed by the end of the fault window,
    /// and the injected faults.
    /// Loss is capped at 5-15%: PBFT recovers from loss through client retransmission and
    /// view changes, so heavier loss only turns the story into a string of view changes.
    static func drawNetworkFaults(_ o: Options, nodeCount: Int, rng: inout SeededRNG) -> FaultPlan {
        let window = FaultWindow(start: SimTime.zero + .milliseconds(50), end: SimTime.zero + o.faultWindow,
                                 meanGap: o.faultWindow / 3, maxOutage: o.faultWindow / 4, maxDown: 0, baseline: baseline)
        let raw = FaultPlan.draw(o.faults, nodeCount: nodeCount, window: window, rng: &rng)
        // Swarm testing keeps the heavy loss it drew.
        let drawn = raw.plan.faults.map { scheduled in
            guard raw.profile == nil, case .network(var conditions) = scheduled.fault,
                  conditions.dropPerMille > baseline.dropPerMille else {
                return scheduled
            }
            conditions.dropPerMille = 50 + conditions.dropPerMille % 100
            return ScheduledFault(at: scheduled.at, .network(conditions))
        }
        return FaultPlan(drawn + o.injections)
    }

    /// The faulty set: an equivocating coalition always holds the first primary (only a
    /// primary can equivocate); otherwise the seed picks it.
    static func makeConfig(_ o: Options, rng: inout SeededRNG) -> BFTConfig {
        let n = 3 * o.f + 1
        var candidates = Array(0..<n)
        var faulty: [NodeID] = []
        if o.behaviour == .equivocate && o.faultyCount > 0 {
            faulty.append(0)
            candidates.removeFirst()
        }
        candidates.shuffle(using: &rng)
        faulty += candidates.prefix(max(0, o.faultyCount - faulty.count))
        let misbehave = o.misbehaveFromSeq ?? (2 + Int(rng.below(6)))
        // A coalition that can complete two quorums always does; a smaller one sometimes
        // commits one side (leaving the other half to catch up), sometimes stalls the view.
        let both: UInt32 = o.faultyCount > o.f ? 1_000 : 350
        return BFTConfig(f: o.f, clients: o.clients, checkpointInterval: o.checkpointInterval,
                         logWindow: 2 * o.checkpointInterval, keys: KeyRing(secret: rng.next()),
                         faulty: faulty.sorted(), behaviour: o.faultyCount == 0 ? .none : o.behaviour,
                         misbehaveFromSeq: misbehave, commitBothWaysPerMille: both)
    }

    private static func printSetup(_ o: Options, config: BFTConfig, plan: FaultPlan, on timeline: Timeline) {
        let faultyNames = config.faulty.map { "n\($0)" }.joined(separator: ",")
        timeline.note("n = 3f+1 = \(config.replicas) replicas n0..n\(config.replicas - 1), clients "
                      + (config.firstClient..<(config.firstClient + o.clients)).map { "n\($0)" }.joined(separator: ",")
                      + ". Prepared = pre-prepare + 2f = \(2 * o.f) prepares; committed = 2f+1 = \(2 * o.f + 1) commits; "
                      + "a client accepts f+1 = \(o.f + 1) matching replies. Signatures: a replica can sign only as itself.")
        if config.faulty.isEmpty {
            timeline.note("No faulty replicas.")
        } else {
            timeline.note("Faulty (\(o.behaviour.rawValue), from seq \(config.misbehaveFromSeq)): \(faultyNames)"
                          + (config.behaviour == .equivocate ? (config.commitBothWaysPerMille >= 1_000
                              ? "; the coalition commits both variants"
                              : "; the primary commits both variants with odds \(config.commitBothWaysPerMille)‰") : "")
                          + (config.faulty.count > o.f
                              ? ". That is MORE than f = \(o.f): the theory predicts that safety can break." : "."))
        }
        let faults = plan.faults.map { "\($0.at): \($0.fault)" }
        let source = o.injections.isEmpty ? "from the seed" : "from the seed and injected"
        timeline.note("network faults (\(source)): " + (faults.isEmpty ? "none" : faults.joined(separator: "; ")))
    }

    private static func printTables(_ r: BFTRunResult, config: BFTConfig, options o: Options, on timeline: Timeline) {
        let n = config.replicas
        let requests = max(1, r.executedSeqs)
        let expected: [(String, Int)] = [("pre-prepare", n - 1), ("prepare", (n - 1) * (n - 1)), ("commit", n * (n - 1)),
                                         ("reply", n)]
        let rows: [[JSONValue]] = expected.map { kind, perRequest in
            let sent = r.sentByKind[kind] ?? 0
            return [.string(kind), JSONValue(sent), .string(ratio(sent, requests)), JSONValue(perRequest)]
        }
        timeline.table("Messages per agreed sequence number (\(r.executedSeqs) numbers; O(n^2) from prepare and commit)",
                       columns: ["message", "sent", "per seq", "fault-free"], rows: rows)
        let other = ["request", "checkpoint", "view-change", "new-view", "state-transfer", "coalition"]
        timeline.table("Other messages", columns: ["message", "sent"],
                       rows: other.map { [.string($0), JSONValue(r.sentByKind[$0] ?? 0)] })
    }

    private static func printSummary(_ r: BFTRunResult, config: BFTConfig, options o: Options, on timeline: Timeline) {
        let expectBreak = config.faulty.count > config.f
        let latencies = r.latencies.sorted()
        var rows: [(String, JSONValue)] = [
            ("requests", JSONValue(r.requested)),
            ("requests accepted", JSONValue(r.accepted)),
            ("retransmissions", JSONValue(r.retransmits)),
            ("latency median us", JSONValue(latencies.isEmpty ? 0 : latencies[latencies.count / 2].nanoseconds / 1_000)),
            ("latency max us", JSONValue(latencies.last.map { $0.nanoseconds / 1_000 } ?? 0)),
            ("executed through seq", JSONValue(r.executedSeqs)),
            ("view-change messages", JSONValue(r.viewChangesSent)),
            ("new views", .string(r.newViews.isEmpty ? "none" : r.newViews.map(String.init).joined(separator: ","))),
            ("final view", JSONValue(r.finalView)),
            ("final primary", .string("n\(config.primary(of: r.finalView))")),
            ("stable checkpoints", .string(r.stableCheckpoints.isEmpty ? "none"
                : r.stableCheckpoints.sorted().map(String.init).joined(separator: ","))),
            ("state transfers", JSONValue(r.stateTransfers)),
            ("rejected", JSONValue(r.rejected)),
            ("messages sent", JSONValue(r.stats?.messagesSent ?? 0)),
            ("messages dropped", JSONValue(r.stats?.messagesDropped ?? 0)),
            ("finished us", JSONValue(r.finished.nanoseconds / 1_000)),
            ("horizon us", JSONValue(r.horizon.nanoseconds / 1_000)),
        ]
        if expectBreak {
            if let c = r.conflicts.first {
                rows.append(("safety", .string("BROKEN, AS PREDICTED with \(config.faulty.count) > f = \(config.f) faulty: "
                    + "at seq \(c.seq) correct n\(c.first.replica) executed \(label(c.first.request)) while correct "
                    + "n\(c.second.replica) executed \(label(c.second.request)); \(r.conflicts.count) conflicting execution(s). "
                    + "Quorums of 2f+1 intersect in f+1 replicas, all faulty here.")))
            } else {
                rows.append(("safety", .string("no conflict observed in this run, though \(config.faulty.count) > f faulty "
                                               + "replicas could have caused one")))
            }
        } else {
            rows.append(("invariants", .string(r.violation == nil
                ? "held: every correct replica executed the same request at every sequence number, in order; "
                    + "every accepted result is the agreed order's"
                : "BROKEN (see below)")))
        }
        timeline.summary(rows)
    }

    static func ratio(_ a: Int, _ b: Int) -> String {
        let tenths = (a * 10 + b / 2) / b
        return "\(tenths / 10).\(tenths % 10)"
    }

    static func label(_ request: BFTRequest) -> String { request.isNull ? "null" : "c\(request.client)#\(request.timestamp)" }
}
