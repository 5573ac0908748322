/// A simulated Raft cluster under test: the simulator, the safety checker run after every
/// step, and queries a harness needs (who leads, what is committed). The demo, the election
/// experiment and the 6.824-style tests all drive Raft through it.
///
/// Simplifications:
/// - A violation stops the cluster for good: later steps are refused, so the first broken
///   invariant is the one reported.

import Simulation

/// What the harness schedules for itself on the simulator's queue.
public enum RaftHarnessEvent: Sendable {
    /// A reply on its way back to a client slot.
    case clientReply(from: NodeID, ClientReply)
    /// A client's request went unanswered for too long.
    case clientTimeout(slot: Int, attempt: Int)
    /// A client slot finished thinking and issues its next operation.
    case clientReady(slot: Int)
    /// A step of a scripted story (the demo's default run).
    case script(Int)
}

public final class RaftCluster {
    public typealias Sim = Simulator<RaftNode, RaftHarnessEvent>

    public let sim: Sim
    public let config: RaftConfig
    // Touched on every step by this class alone, on one thread: dynamic exclusivity checks
    // on these properties would cost more than the work they guard.
    @exclusivity(unchecked) public private(set) var checker: RaftSafetyChecker
    @exclusivity(unchecked) public private(set) var violation: InvariantViolation?

    /// `configure`, when given, chooses each node's settings; otherwise every node gets
    /// `config`. `disks`, when given, is the state each node boots from (see `Simulator`).
    public init(seed: UInt64, nodeCount: Int, config: RaftConfig = RaftConfig(),
                network: NetworkConditions = .reliable, storage: StorageConditions = .instant,
                faults: FaultPlan = .none, disks: [RaftDurable?]? = nil,
                configure: (@Sendable (NodeID) -> RaftConfig)? = nil) {
        self.config = config
        checker = RaftSafetyChecker(nodeCount: nodeCount)
        sim = Sim(seed: seed, nodeCount: nodeCount, network: network, storage: storage, faults: faults,
                  disks: disks) { id, cluster, durable in
            RaftNode(id: id, cluster: cluster, durable: durable, config: configure?(id) ?? config)
        }
    }

    public var now: SimTime { sim.now }
    public var nodeCount: Int { sim.cluster.count }

    /// Runs every event up to `limit`, checking invariants after each step; `observe` sees each
    /// step (and the outputs it produced, in `sim.outputs`) and may stop the run by returning
    /// false. Returns false when stopped early or by a violation.
    @discardableResult
    public func run(until limit: SimTime, observe: (Sim.Occurrence) -> Bool = { _ in true }) -> Bool {
        guard violation == nil else { return false }
        return sim.run(until: limit) { occurrence in
            if let failure = check(occurrence) {
                violation = InvariantViolation(invariant: failure.invariant, detail: failure.detail,
                                               seed: sim.seed, step: sim.stats.events, time: sim.now)
                return false
            }
            return observe(occurrence)
        }
    }

    /// Runs for `duration` more.
    @discardableResult
    public func run(for duration: SimDuration, observe: (Sim.Occurrence) -> Bool = { _ in true }) -> Bool {
        run(until: sim.now + duration, observe: observe)
    }

    private func check(_ occurrence: Sim.Occurrence) -> SafetyFailure? {
        if case .faultApplied(.crash(let id)) = occurrence, sim.storage != .instant {
            checker.crashedWithWritesInFlight(id, disk: sim.disks[id])
        }
        if case .faultApplied(.restart(let id)) = occurrence,
           let failure = checker.restarted(id, nodes: sim.nodes, disks: sim.disks) {
            return failure
        }
        guard !sim.outputs.isEmpty else { return nil }
        return checker.observe(sim.outputs, nodes: sim.nodes, disks: sim.disks)
    }

    // MARK: Queries

    /// The leader of the highest term among running nodes, if any.
    public var leader: NodeID? {
        var best: (id: NodeID, term: Term)?
        for case let node? in sim.nodes where node.role == .leader {
            if best == nil || node.currentTerm > best!.term { best = (node.id, node.currentTerm) }
        }
        return best?.id
    }

    /// All running nodes that believe they lead, with their terms.
    public var leaders: [(id: NodeID, term: Term)] {
        sim.nodes.compactMap { node in node.flatMap { $0.role == .leader ? ($0.id, $0.currentTerm) : nil } }
    }

    public func node(_ id: NodeID) -> RaftNode? { sim.nodes[id] }

    /// How many running nodes applied through `index`, and the entry the checker saw committed there.
    public func appliedCount(_ index: Int) -> Int {
        sim.nodes.reduce(0) { $0 + (($1?.lastApplied ?? 0) >= index ? 1 : 0) }
    }

    public var committed: [LogEntry] { checker.committed }

    /// Every node is up, one leader leads the highest term, it has committed its whole log,
    /// and every node has applied exactly that much.
    public var isConverged: Bool {
        guard let leaderID = leader, let leaderNode = sim.nodes[leaderID],
              leaderNode.commitIndex == leaderNode.log.lastIndex else { return false }
        for node in sim.nodes {
            guard let node, node.currentTerm == leaderNode.currentTerm,
                  node.lastApplied == leaderNode.commitIndex else { return false }
        }
        return true
    }

    /// Hands a client command to `node` after `delay`.
    public func submit(_ request: ClientRequest, to node: NodeID, after delay: SimDuration = .zero) {
        sim.submit(.client(request), to: node, after: delay)
    }
}
