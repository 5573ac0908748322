/// The Raft demo: a replicated key-value store on the deterministic simulator, driven by
/// Jepsen-style clients, under a scripted story (the default) or a fault plan drawn from the
/// seed, plus any faults scripted with `--inject`. Raft's safety properties are checked after
/// every step; at the end the replicas must have converged and the client history must be
/// linearizable (Ongaro & Ousterhout 2014; Kingsbury's Jepsen methodology).
///
/// Simplifications:
/// - A run ends once every operation has completed, every fault has been undone and the
///   cluster has converged. After the last fault, a run that stops progressing for longer than
///   `RaftHorizon` allows (computed from the timeouts, the workload and the disks) ends
///   INCOMPLETE: the run stopped looking, nothing is known to be lost.

import Simulation

public enum RaftDemo {
    /// What the run does instead of the demo.
    public enum Experiment: String, CaseIterable, Sendable {
        /// The paper's Figure 16: downtime after a leader crash per election-timeout range.
        case electionTimeouts = "election-timeouts"
    }

    /// A run's settings; each default is written here once (see `declaration`).
    public struct Options: DemoOptions, Sendable {
        public var nodes = 5
        public var seed: UInt64 = 1
        public var clients = 4
        public var operations = 40
        public var keys = 3
        public var faults = FaultMode.story
        public var readMode = RaftConfig.ReadMode.readIndex
        public var preVote = true
        public var snapshotEvery = 10
        /// A deliberately broken Raft, which the checkers must catch.
        public var flaw: RaftFlaw?
        public var checkQuorum = true
        /// How long each disk write takes to become durable (instant by default).
        public var storage = StorageConditions.instant
        /// Faults scripted with `--inject`, added to the story's or the drawn plan.
        public var injections: [ScheduledFault] = []
        /// Where `--history` writes the client history; the CLI writes the file.
        public var historyPath: String?
        public var experiment: Experiment?
        /// Trials per timeout range of the election experiment.
        public var trials = 1000
        /// Configurations the linearizability search may explore per key before it gives up.
        public var searchBudget = 1_000_000
    }

    /// What a run produced, for callers that need more than the verdict.
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
        if options.experiment == .electionTimeouts {
            return RaftElectionExperiment.run(trials: options.trials, seed: options.seed, on: timeline)
        }
        var result = execute(options, on: timeline)
        if options.historyPath != nil {
            result.outcome.artifacts.append(DemoArtifact(parameter: "history",
                                                         lines: result.history.map(\.json.serialized)))
        }
        return result.outcome
    }

    static func config(_ options: Options) -> RaftConfig {
        RaftConfig(preVote: options.preVote, checkQuorum: options.checkQuorum, readMode: options.readMode,
                   snapshotThreshold: options.snapshotEvery, maxEntriesPerMessage: batchLimit(options),
                   flaw: options.flaw)
    }

    /// How many entries ride in one AppendEntries: 64, except that under swarm faults a seed
    /// may draw small batches, so that followers hold a log's older entries without its newer
    /// ones (the states of the paper's Figure 8, and logs longer than what a message vouched for).
    static func batchLimit(_ options: Options) -> Int {
        guard case .swarm = options.faults else { return 64 }
        var rng = SeededRNG(seed: options.seed).stream(4)
        return rng.pick([64, 64, 4, 1])!
    }

    static func workload(_ options: Options) -> RaftWorkload {
        RaftWorkload(clients: options.clients, operations: options.operations, keys: options.keys,
                     span: max(.seconds(4), .milliseconds(UInt64(options.operations) * 25)))
    }

    public static func execute(_ options: Options, on timeline: Timeline) -> Result {
        let config = config(options)
        let workload = workload(options)
        let faultEnd = workload.start + workload.span
        let (plan, drawn) = faultPlan(options, end: faultEnd)
        let storage = storage(options)
        timeline.announce(drawn)
        if storage != options.storage {
            timeline.note("disk for this seed: writes durable after \(storage.writeLatency.milliseconds)"
                + "–\((storage.writeLatency + storage.writeJitter).milliseconds) ms")
        }
        var nemesis = RaftNemesis.draw(options, faultEnd: faultEnd)
        if let nemesis { timeline.note("nemesis for this seed: \(nemesis)") }
        printFaults(options, plan: plan, on: timeline)

        let cluster = RaftCluster(seed: options.seed, nodeCount: options.nodes, config: config,
                                  network: baseline, storage: storage, faults: plan)
        let clients = RaftClients(workload: workload, nodeCount: options.nodes, rng: cluster.sim.stream(1))
        let narrator = RaftNarrator(timeline: timeline)
        let story = options.faults == .story ? RaftStory(nodeCount: options.nodes) : nil
        story?.schedule(on: cluster)
        clients.start(on: cluster)
        timeline.section("timeline")

        // Liveness is judged once the last fault, drawn or injected, is over.
        let quietAfter = max(faultEnd, plan.faults.last?.at ?? .zero)
        let horizon = RaftHorizon(config: config, workload: workload, network: baseline, storage: storage,
                                  quietAfter: quietAfter)
        var converged = false
        var progress = Progress(at: quietAfter)
        cluster.run(until: horizon.limit) { occurrence in
            if case .external(.script(let step)) = occurrence { story?.perform(step, on: cluster, timeline: timeline) }
            clients.observe(occurrence, on: cluster)
            narrator.observe(occurrence, cluster: cluster, clients: clients)
            nemesis?.observe(cluster)
            guard cluster.now >= quietAfter else { return true }
            if clients.isDone && (story?.isFinished ?? true) && cluster.isConverged {
                converged = true
                return false
            }
            progress.update(cluster: cluster, clients: clients)
            return cluster.now - progress.at < horizon.patience
        }
        // Replicas are compared once converged; before that they may differ by design.
        let violation = cluster.violation ?? (converged ? stateMachineCheck(cluster) : nil)
        let linearizability = violation == nil
            ? LinearizabilityChecker(budget: options.searchBudget).check(clients.history) : nil
        var outcome = DemoOutcome(violation: violation ?? linearizabilityViolation(linearizability, cluster))
        if outcome.violation == nil && !converged {
            outcome.shortfall = shortfall(cluster: cluster, clients: clients, horizon: horizon, quietAfter: quietAfter)
        }
        if let linearizability, linearizability.verdict == .unknown {
            outcome.undecided = InvariantViolation(
                invariant: "linearizability",
                detail: "the search gave up after \(options.searchBudget) configurations on one key "
                    + "(\(linearizability.detail)): the history was neither shown linearizable nor shown not",
                seed: cluster.sim.seed, step: cluster.sim.stats.events, time: cluster.now)
        }
        RaftSummary(cluster: cluster, clients: clients, narrator: narrator, linearizability: linearizability,
                    outcome: outcome).print(on: timeline)
        return Result(outcome: outcome, history: clients.history, events: cluster.sim.stats.events,
                      simulatedTime: cluster.now)
    }

    /// The last time the run moved towards its goals: an operation completed, or an entry was
    /// committed or applied somewhere.
    struct Progress {
        var at: SimTime
        var completed = 0
        var committed = 0
        var applied = 0

        mutating func update(cluster: RaftCluster, clients: RaftClients) {
            var commit = 0, apply = 0
            for case let node? in cluster.sim.nodes {
                commit = max(commit, node.commitIndex)
                apply += node.lastApplied
            }
            if clients.completions.count > completed || commit > committed || apply > applied {
                at = cluster.now
            }
            completed = max(completed, clients.completions.count)
            committed = max(committed, commit)
            applied = max(applied, apply)
        }
    }

    /// The disk of the run: `--disk-write-ms`, except that under swarm faults a seed with the
    /// default instant disk draws its own, since overlapping a write with messages is where
    /// votes and acknowledgements sent before they are durable break Raft (thesis §10.2.1).
    static func storage(_ options: Options) -> StorageConditions {
        guard case .swarm = options.faults, options.storage == .instant else { return options.storage }
        var rng = SeededRNG(seed: options.seed).stream(3)
        let disks = [StorageConditions.instant, StorageConditions(writeLatency: .milliseconds(14)),
                     StorageConditions(writeLatency: .milliseconds(1), writeJitter: .milliseconds(29))]
        return rng.pick(disks)!
    }

    /// The drawn faults (the steady mix for named kinds, a swarm configuration for `all`) and
    /// the injected ones, in one plan.
    static func faultPlan(_ options: Options, end: SimTime) -> (plan: FaultPlan, drawn: DrawnFaults) {
        var rng = SeededRNG(seed: options.seed).stream(2)
        var window = FaultWindow(start: .zero + .milliseconds(800), end: end, meanGap: .milliseconds(700),
                                 maxOutage: .milliseconds(1500), maxDown: (options.nodes - 1) / 2, baseline: baseline)
        window.trapsDuringWrites = true
        let drawn = FaultPlan.draw(options.faults, nodeCount: options.nodes, window: window, rng: &rng)
        return (FaultPlan(drawn.plan.faults + options.injections), drawn)
    }

    /// The liveness goal not reached within the horizon: which figure fell short.
    static func shortfall(cluster: RaftCluster, clients: RaftClients, horizon: RaftHorizon,
                          quietAfter: SimTime) -> InvariantViolation {
        let leaders = cluster.leaders.map { "n\($0.id)@t\($0.term)" }.joined(separator: ",")
        let down = cluster.sim.nodes.indices.filter { cluster.sim.nodes[$0] == nil }.map { "n\($0)" }
        let reason = cluster.now >= horizon.limit
            ? "the run reached its outer horizon, \(horizon.limit)"
            : "no progress for \(horizon.patience) (ten election rounds, an operation's deadline and a client pause)"
        let detail = "\(reason) after the last fault at \(quietAfter); this is a horizon, not lost data: "
            + "\(clients.completions.count) of \(clients.workload.operations) operations completed "
            + "(\(clients.invoked) invoked), replicas converged: no; leaders: [\(leaders)]"
            + (down.isEmpty ? "" : "; still down: \(down.joined(separator: ","))")
        return InvariantViolation(invariant: "convergence", detail: detail, seed: cluster.sim.seed,
                                  step: cluster.sim.stats.events, time: cluster.now)
    }

    /// After the run: every running replica holds the same state.
    static func stateMachineCheck(_ cluster: RaftCluster) -> InvariantViolation? {
        let stores = cluster.sim.nodes.compactMap { $0?.store }
        guard let first = stores.first, let odd = stores.firstIndex(where: { $0 != first }) else { return nil }
        return InvariantViolation(invariant: "state machine safety",
                                  detail: "replica n\(odd) ended with a different state than n0",
                                  seed: cluster.sim.seed, step: cluster.sim.stats.events, time: cluster.now)
    }

    static func linearizabilityViolation(_ result: LinearizabilityResult?, _ cluster: RaftCluster) -> InvariantViolation? {
        guard let result, result.verdict == .notLinearizable else { return nil }
        let around = result.context.map(\.description).joined(separator: "; ")
        return InvariantViolation(invariant: "linearizability", detail: "\(result.detail). Around it: \(around)",
                                  seed: cluster.sim.seed, step: cluster.sim.stats.events, time: cluster.now)
    }

    static func printFaults(_ options: Options, plan: FaultPlan, on timeline: Timeline) {
        switch options.faults {
        case .story:
            timeline.note(RaftStory.synopsis)
        case .drawn(let kinds) where kinds.isEmpty:
            timeline.note("No faults drawn.")
        default:
            break
        }
        guard !plan.faults.isEmpty else {
            if options.faults != .story && !options.faults.kinds.isEmpty { timeline.note("(no fault drawn)") }
            return
        }
        let source = options.injections.isEmpty ? "drawn from the seed"
            : options.faults.kinds.isEmpty ? "injected" : "drawn from the seed and injected"
        timeline.section("fault plan (\(source))")
        for scheduled in plan.faults {
            timeline.note("  \(scheduled.at)  \(scheduled.fault)")
        }
    }
}
