/// The Raft demo: a replicated key-value store on the deterministic simulator, driven by
/// Jepsen-style clients, under a scripted story (the default) or a fault plan drawn from the
/// seed. Raft's safety properties are checked after every step; at the end the replicas must
/// have converged and the client history must be linearizable (Ongaro & Ousterhout 2014;
/// Kingsbury's Jepsen methodology).
///
/// Simplifications:
/// - A run ends once every operation has completed, every fault has been undone and the
///   cluster has converged. After the last fault, 30 s of simulated time without a completed
///   operation or convergence is reported as a liveness failure.

import Simulation

public enum RaftDemo {
    public enum FaultMode: String, CaseIterable, Sendable {
        /// The default run's script: crash the leader, cut off a follower, restart the old leader.
        case story
        case none, crash, partition, drop, all
    }

    public struct Options: Sendable {
        public var nodes: Int
        public var seed: UInt64
        public var clients: Int
        public var operations: Int
        public var keys: Int
        public var faults: FaultMode
        public var readMode: RaftConfig.ReadMode
        public var preVote: Bool
        public var snapshotEvery: Int
        /// Test fixture: a deliberately broken Raft.
        public var variant: RaftConfig.Variant
        /// How long each disk write takes to become durable (instant by default).
        public var storage: StorageConditions

        public init(nodes: Int = 5, seed: UInt64 = 1, clients: Int = 4, operations: Int = 40, keys: Int = 3,
                    faults: FaultMode = .story, readMode: RaftConfig.ReadMode = .readIndex, preVote: Bool = true,
                    snapshotEvery: Int = 10, variant: RaftConfig.Variant = .correct,
                    storage: StorageConditions = .instant) {
            self.nodes = nodes
            self.seed = seed
            self.clients = clients
            self.operations = operations
            self.keys = keys
            self.faults = faults
            self.readMode = readMode
            self.preVote = preVote
            self.snapshotEvery = snapshotEvery
            self.variant = variant
            self.storage = storage
        }
    }

    /// What a run produced, for callers that need more than the verdict (the CLI's --history).
    public struct Result: Sendable {
        public var outcome: DemoOutcome
        public var history: [HistoryEvent]
        public var events: UInt64
        public var simulatedTime: SimTime
    }

    /// The network every run starts from: a LAN with a thin tail of slow messages.
    public static let baseline = NetworkConditions(delayMin: .milliseconds(2), delayMax: .milliseconds(12),
                                                   tailPerMille: 10, tailDelayMax: .milliseconds(80))

    public static func run(_ options: Options, on timeline: Timeline) -> DemoOutcome {
        execute(options, on: timeline).outcome
    }

    public static func execute(_ options: Options, on timeline: Timeline) -> Result {
        let config = RaftConfig(preVote: options.preVote, readMode: options.readMode,
                                snapshotThreshold: options.snapshotEvery, variant: options.variant)
        let workload = RaftWorkload(clients: options.clients, operations: options.operations, keys: options.keys,
                                    span: max(.seconds(4), .milliseconds(UInt64(options.operations) * 25)))
        let faultEnd = workload.start + workload.span
        let plan = faultPlan(options, end: faultEnd)
        printHeader(options, config: config, workload: workload, plan: plan, on: timeline)

        let cluster = RaftCluster(seed: options.seed, nodeCount: options.nodes, config: config,
                                  network: baseline, storage: options.storage, faults: plan)
        let clients = RaftClients(workload: workload, nodeCount: options.nodes, rng: cluster.sim.stream(1))
        let narrator = RaftNarrator(timeline: timeline)
        let story = options.faults == .story ? RaftStory(nodeCount: options.nodes) : nil
        story?.schedule(on: cluster)
        clients.start(on: cluster)
        timeline.section("timeline")

        let quietAfter = max(faultEnd, plan.faults.last?.at ?? .zero)
        // Liveness: once the faults are over, the clients must keep completing operations and
        // the cluster must converge, each within `patience` of the last progress.
        let patience = SimDuration.seconds(30)
        var converged = false
        var progress = (count: 0, at: quietAfter)
        cluster.run(until: SimTime(nanoseconds: UInt64.max / 2)) { occurrence in
            if case .external(.script(let step)) = occurrence { story?.perform(step, on: cluster, timeline: timeline) }
            clients.observe(occurrence, on: cluster)
            narrator.observe(occurrence, cluster: cluster, clients: clients)
            guard cluster.now >= quietAfter else { return true }
            if clients.isDone && (story?.isFinished ?? true) && cluster.isConverged {
                converged = true
                return false
            }
            if clients.completions.count > progress.count { progress = (clients.completions.count, cluster.now) }
            return cluster.now - max(progress.at, quietAfter) < patience
        }
        let violation = cluster.violation
            ?? finalChecks(cluster: cluster, clients: clients, converged: converged)
        let linearizability = violation == nil ? LinearizabilityChecker().check(clients.history) : nil
        let outcome = DemoOutcome(violation: violation ?? linearizabilityViolation(linearizability, cluster))
        RaftSummary(cluster: cluster, clients: clients, narrator: narrator, linearizability: linearizability,
                    outcome: outcome).print(on: timeline)
        return Result(outcome: outcome, history: clients.history, events: cluster.sim.stats.events,
                      simulatedTime: cluster.now)
    }

    static func faultPlan(_ options: Options, end: SimTime) -> FaultPlan {
        var kinds: FaultPlan.Kinds
        switch options.faults {
        case .story, .none: return .none
        case .crash: kinds = .crash
        case .partition: kinds = .partition
        case .drop: kinds = .drop
        case .all: kinds = .all
        }
        var rng = SeededRNG(seed: options.seed).stream(2)
        return FaultPlan.random(kinds: kinds, nodeCount: options.nodes, start: .zero + .milliseconds(800), end: end,
                                meanGap: .milliseconds(700), maxOutage: .milliseconds(1500),
                                maxDown: (options.nodes - 1) / 2, baseline: baseline, rng: &rng)
    }

    /// After the run: the cluster converged, and every replica holds the same state.
    static func finalChecks(cluster: RaftCluster, clients: RaftClients, converged: Bool) -> InvariantViolation? {
        func violation(_ invariant: String, _ detail: String) -> InvariantViolation {
            InvariantViolation(invariant: invariant, detail: detail, seed: cluster.sim.seed,
                               step: cluster.sim.stats.events, time: cluster.now)
        }
        guard converged else {
            let leaders = cluster.leaders.map { "n\($0.id)@t\($0.term)" }.joined(separator: ",")
            return violation("liveness", "no progress for 30 s after the last fault: \(clients.invoked) of "
                                 + "\(clients.workload.operations) operations invoked, \(clients.completions.count) "
                                 + "completed; converged: no; leaders: [\(leaders)]")
        }
        let stores = cluster.sim.nodes.compactMap { $0?.store }
        if let first = stores.first, let odd = stores.firstIndex(where: { $0 != first }) {
            return violation("state machine safety", "replica n\(odd) ended with a different state than n0")
        }
        return nil
    }

    static func linearizabilityViolation(_ result: LinearizabilityResult?, _ cluster: RaftCluster) -> InvariantViolation? {
        guard let result, result.verdict == .notLinearizable else { return nil }
        let around = result.context.map(\.description).joined(separator: "; ")
        return InvariantViolation(invariant: "linearizability", detail: "\(result.detail). Around it: \(around)",
                                  seed: cluster.sim.seed, step: cluster.sim.stats.events, time: cluster.now)
    }

    static func printHeader(_ options: Options, config: RaftConfig, workload: RaftWorkload, plan: FaultPlan,
                            on timeline: Timeline) {
        timeline.header(demo: "raft", seed: options.seed, settings: [
            ("nodes", JSONValue(options.nodes)), ("clients", JSONValue(options.clients)),
            ("ops", JSONValue(options.operations)), ("keys", JSONValue(options.keys)),
            ("faults", .string(options.faults.rawValue)), ("reads", .string(config.readMode.rawValue)),
            ("prevote", .bool(config.preVote)), ("check-quorum", .bool(config.checkQuorum)),
            ("heartbeat-ms", JSONValue(config.heartbeat.milliseconds)),
            ("election-timeout-ms", .string("\(config.electionTimeoutMin.milliseconds)-\(config.electionTimeoutMax.milliseconds)")),
            ("snapshot-every", JSONValue(config.snapshotThreshold)),
            ("network-ms", .string("\(baseline.delayMin.milliseconds)-\(baseline.delayMax.milliseconds)")),
        ] + (options.storage == .instant ? [] : [("disk-write-ms", JSONValue(options.storage.writeLatency.milliseconds))])
          + (options.variant == .correct ? [] : [("variant", .string(options.variant.rawValue))]))
        switch options.faults {
        case .story:
            timeline.note(RaftStory.synopsis)
        case .none:
            timeline.note("No faults.")
        default:
            timeline.section("fault plan (drawn from the seed)")
            if plan.faults.isEmpty { timeline.note("(no fault drawn)") }
            for scheduled in plan.faults {
                timeline.note("  \(scheduled.at)  \(scheduled.fault)")
            }
        }
    }
}
