import Simulation

/// One run of the sharded store: builds the simulator, feeds every step to the checker, and
/// keeps the tallies the demo prints (load per shard and node before and after balancing,
/// each move's figures).
///
/// Simplifications:
/// - Load is counted from what nodes report serving, not sampled as a real balancer does.
final class ShardingRun {
    struct MoveFigures {
        var keys = 0
        var streamed = 0
        var frozen = SimDuration.zero
    }

    let config: ShardingConfig
    let seed: UInt64
    let timeline: Timeline
    /// The fault scene, drawn from the seed: while the first move runs, its source, its
    /// destination or the placement service is cut off from everyone for a while.
    enum Script {
        case cut(victim: Int)
        case heal
    }

    let sim: Simulator<ShardingNode, Script>
    let end: SimTime
    var checker: ShardingChecker
    var violation: InvariantViolation?
    /// Every operation served while clients ran: when, and which key.
    var servedLog: [(time: SimTime, key: Int)] = []
    var figures: [Int: MoveFigures] = [:]
    var redirects = 0
    var served = 0

    /// `faults`: the story's cut during the first move; `drawn`: faults drawn from the seed.
    init(config: ShardingConfig, seed: UInt64, network: NetworkConditions, faults: Bool, drawn: FaultPlan = .none,
         timeline: Timeline) {
        self.config = config
        self.seed = seed
        self.timeline = timeline
        sim = Simulator(seed: seed, nodeCount: config.nodeCount, network: network, faults: drawn,
                        disks: Array(repeating: ShardingDurable(config: config), count: config.nodeCount))
        end = config.stopClientsAt + .milliseconds(200)
        checker = ShardingChecker(config: config)
        if faults {
            var rng = sim.stream(0xC07)
            let at = config.balanceFrom - .zero + .milliseconds(5 + rng.below(40))
            sim.schedule(.cut(victim: Int(rng.below(3))), after: at)
            sim.schedule(.heal, after: at + .milliseconds(40 + rng.below(80)))
        }
    }

    func storage(_ id: NodeID) -> StorageNode? {
        if case .storage(let node)? = sim.nodes[id]?.role { return node }
        return nil
    }

    var placement: PlacementService? {
        if case .placement(let p)? = sim.nodes[config.placement]?.role { return p }
        return nil
    }

    var clients: [ShardClient] {
        config.clientIDs.compactMap { if case .client(let c)? = sim.nodes[$0]?.role { return c } else { return nil } }
    }

    func execute() -> InvariantViolation? {
        sim.run(until: end) { occurrence in
            self.play(occurrence)
            self.afterStep()
            if let failure = self.checker.failure {
                self.violation = InvariantViolation(invariant: failure.invariant, detail: failure.detail, seed: self.seed,
                                                    step: self.sim.stats.events, time: self.sim.now)
                return false
            }
            return true
        }
        guard violation == nil, let placement else { return violation }
        var nodes: [NodeID: StorageNode] = [:]
        for id in config.storageIDs { nodes[id] = storage(id) }
        _ = checker.finish(table: placement.table, nodes: nodes)
        if let failure = checker.failure {
            violation = InvariantViolation(invariant: failure.invariant, detail: failure.detail, seed: seed,
                                           step: sim.stats.events, time: sim.now)
        }
        return violation
    }

    private func play(_ occurrence: Simulator<ShardingNode, Script>.Occurrence) {
        switch occurrence {
        case .external(.cut(let victim)):
            let move = placement?.moving?.plan
            let node: NodeID
            let role: String
            switch (victim, move) {
            case (0, let plan?): (node, role) = (plan.from, "the source of move #\(plan.move)")
            case (1, let plan?): (node, role) = (plan.to, "the destination of move #\(plan.move)")
            case (2, _): (node, role) = (config.placement, "the placement service")
            default: (node, role) = (config.storageIDs[Int(seed % UInt64(config.nodes))], "a storage node")
            }
            timeline.event(sim.now, node: node, "cut", "n\(node), \(role), is cut off from every other node")
            sim.inject(.partition(.isolate(node, nodeCount: config.nodeCount)))
        case .external(.heal):
            sim.inject(.heal)
        case .faultApplied(let fault):
            timeline.event(sim.now, "fault", fault.description)
        default: break
        }
    }

    private func afterStep() {
        guard let placement else { return }
        checker.observe(history: placement.history)
        var serving: [(node: NodeID, low: Int, high: Int)] = []
        for id in config.storageIDs {
            guard let node = storage(id) else { continue }
            serving += node.servingRanges.map { (id, $0.low, $0.high) }
        }
        checker.observe(serving: serving)
        for (node, output) in sim.outputs { report(node, output) }
    }

    private func report(_ node: NodeID, _ output: ShardingOutput) {
        switch output {
        case let .note(kind, message):
            timeline.event(sim.now, node: node, kind, message)
        case let .served(key, _, _):
            served += 1
            if let storage = storage(node) { checker.served(key: key, by: storage) }
            if sim.now < config.stopClientsAt { servedLog.append((sim.now, key)) }
        case let .completed(key, operation, result, issued):
            checker.completed(key: key, operation, result, issued: issued, now: sim.now)
        case .redirected:
            redirects += 1
        case let .activated(low, high):
            if let storage = storage(node) { checker.activated(low: low, high: high, on: storage) }
        case let .moved(move, keys, streamed, frozen):
            figures[move] = MoveFigures(keys: keys, streamed: streamed, frozen: frozen)
        }
    }
}
