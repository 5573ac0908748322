import Simulation

/// One simulated run of a story: replicas update while partitioned on a lossy network, heal,
/// gossip, and must converge. The harness checks, at every step:
///
/// - inflation: a replica's new state is an inflation of its previous one (`old ⊔ new = new`),
///   also across a crash and restart (what came back from disk must not have lost anything);
/// - the story's oracle: every state is explained by the log of applied updates, and by the
///   harness's own record of which updates each replica has seen (`ObservationLog`);
/// - liveness: once all faults are healed and the updates have stopped, every replica holds
///   the same state before the deadline, and that state is what the oracle expects.
///
/// Shapiro et al. 2011, §2.2, Proposition 2.1 (strong eventual consistency of CvRDTs under
/// eventual delivery) is the property being exercised; the simulator's drops, duplicates,
/// reorders, partition and crash are the ways delivery is made to struggle.
///
/// Simplifications:
/// - The convergence test compares whole states after every step that changed one, which is
///   cheap at demo sizes (up to 16 replicas, hundreds of elements).
final class ConvergenceRun<Story: DemoStory, Policy: ShippingPolicy> {
    typealias Data = Story.Data
    typealias Node = Replica<Data, Policy>

    /// The harness's own wake-ups: a scripted update, or a background one.
    enum Cue { case scripted(Int), background }

    struct Result {
        var violation: InvariantViolation?
        /// Convergence not reached by the deadline: a horizon, not lost data.
        var shortfall: InvariantViolation?
        var beforeHeal: [Data] = []
        var final: [Data] = []
        var convergedAt: SimTime?
        var bytesToConverge = 0
        var messagesToConverge = 0
        var bytesTotal = 0
        /// Bytes shipped in the second half of the cooldown, once acknowledgements settled.
        var bytesIdle = 0
        var updatesApplied = 0
        var updatesLost = 0
        var inflationChecks = 0
        var stats: Simulator<Node, Cue>.Statistics?
    }

    let sim: Simulator<Node, Cue>
    private(set) var story: Story
    let scenario: Scenario
    private let script: [ScriptedUpdate<Data>]
    private let timeline: Timeline?
    private var workload: SeededRNG
    private var result = Result()
    /// The last state each replica was seen with (kept across its crash).
    private var lastSeen: [Data]
    private var pendingUpdates: Int
    private var dirty = false
    private var log: ObservationLog<Data>

    init(story: Story, scenario: Scenario, updates: Int, seed: UInt64, timeline: Timeline?,
         variant: CRDTsDemo.Variant? = nil) {
        var story = story
        script = story.script(scenario)
        self.story = story
        self.scenario = scenario
        self.timeline = timeline
        log = ObservationLog(replicas: scenario.replicas)
        let makeNode: Simulator<Node, Cue>.NodeFactory? = switch variant {
        case .removeWins: { Node(id: $0, cluster: $1, durable: $2, replaysRemovals: true) }
        case nil: nil
        }
        sim = Simulator(seed: seed, nodeCount: scenario.replicas, network: scenario.network, faults: scenario.faults,
                        makeNode: makeNode)
        lastSeen = Array(repeating: Data(), count: scenario.replicas)
        var times = sim.stream(1)
        workload = sim.stream(2)
        pendingUpdates = script.count + updates
        for index in script.indices {
            sim.schedule(.scripted(index), after: script[index].at - .zero)
        }
        let window = SimDuration(nanoseconds: scenario.healAt.nanoseconds - 20_000_000)
        for _ in 0..<updates {
            sim.schedule(.background, after: SimDuration.random(in: .milliseconds(10), window, using: &times))
        }
    }

    func run() -> Result {
        sim.run(until: scenario.deadline) { occurrence in self.observe(occurrence) }
        result.stats = sim.stats
        result.final = lastSeen
        if result.violation == nil && result.convergedAt == nil {
            let values = lastSeen.enumerated().map { "n\($0.offset)=\(story.render($0.element))" }
            result.shortfall = InvariantViolation(
                invariant: "convergence",
                detail: "replicas still differ at the horizon, \(scenario.deadline - scenario.healAt) after healing "
                    + "(a horizon, not lost data): " + values.joined(separator: " "),
                seed: sim.seed, step: sim.stats.events, time: sim.now)
        }
        return result
    }

    // MARK: Observing each step

    private func observe(_ occurrence: Simulator<Node, Cue>.Occurrence) -> Bool {
        switch occurrence {
        case let .external(cue):
            issue(cue)
        case let .faultApplied(fault):
            report(fault)
        case let .commandHandled(node, .update(operation)):
            log.issued(operation, by: node)
        case let .delivered(from, to, .state(payload, upTo)), let .delivered(from, to, .deltaGroup(payload, upTo)):
            log.delivered(from: from, to: to, upTo: upTo, payload: payload, deltas: Policy.shipsDeltas)
        case let .commandLost(node, _):
            result.updatesLost += 1
            pendingUpdates -= 1
            timeline?.event(sim.now, node: node, "lost", "update lost: replica is down")
        default:
            break
        }
        for (node, output) in sim.outputs { handle(output, at: node) }
        if let node = touchedNode(occurrence), !checkReplica(node) { return false }
        if dirty { checkConvergence() }
        guard result.violation == nil else { return false }
        if let converged = result.convergedAt, sim.now >= converged + scenario.cooldown { return false }
        return true
    }

    private func touchedNode(_ occurrence: Simulator<Node, Cue>.Occurrence) -> NodeID? {
        switch occurrence {
        case let .delivered(_, to, _): to
        case let .commandHandled(node, _): node
        case let .faultApplied(.restart(node)): node
        default: nil
        }
    }

    private func handle(_ output: Node.Output, at node: NodeID) {
        switch output {
        case let .applied(operation, delta):
            story.record(operation, by: node, delta: delta)
            result.updatesApplied += 1
            pendingUpdates -= 1
            timeline?.event(sim.now, node: node, "update", "\(story.describe(operation)) -> "
                            + story.render(sim.nodes[node]!.state) + " (delta \(delta.encodedSize) B)")
        case let .shipped(_, kind, bytes):
            if kind != "ack", let replica = sim.nodes[node] {
                log.shipped(by: node, sequence: replica.sequence, state: replica.state, deltas: Policy.shipsDeltas)
            }
            result.bytesTotal += bytes
            if let converged = result.convergedAt, sim.now >= converged + scenario.cooldown / 2 {
                result.bytesIdle += bytes
            }
            if result.convergedAt == nil {
                result.bytesToConverge += bytes
                result.messagesToConverge += 1
            }
        case let .merged(from, kind, bytes, inflated):
            guard inflated else { return }
            timeline?.event(sim.now, node: node, "merge", "<- n\(from) \(kind) \(bytes) B: "
                            + story.render(sim.nodes[node]!.state))
        }
    }

    /// Checks inflation and the oracle for a replica whose state may have changed.
    private func checkReplica(_ node: NodeID) -> Bool {
        guard let state = sim.nodes[node]?.state, state != lastSeen[node] else { return true }
        result.inflationChecks += 1
        guard state.isInflation(of: lastSeen[node]) else {
            fail("inflation", "n\(node) went from \(story.render(lastSeen[node])) to \(story.render(state)), "
                 + "which is not an inflation (old ⊔ new ≠ new)")
            return false
        }
        if let problem = story.checkState(state) ?? story.checkObserved(state, seen: log.updates(seenBy: node)) {
            fail("oracle", "n\(node): \(problem)")
            return false
        }
        lastSeen[node] = state
        dirty = true
        return true
    }

    private func checkConvergence() {
        dirty = false
        guard result.convergedAt == nil, sim.now >= scenario.healAt, pendingUpdates == 0,
              sim.cluster.allSatisfy({ sim.isUp($0) }) else { return }
        let first = lastSeen[0]
        guard lastSeen.dropFirst().allSatisfy({ $0 == first }) else { return }
        let wrong = story.checkConverged(first).map { "converged to a wrong value: \($0)" }
            ?? sim.cluster.lazy.compactMap { node in
                self.story.checkObserved(self.lastSeen[node], seen: self.log.updates(seenBy: node)).map { "n\(node): \($0)" }
            }.first
        if let wrong {
            fail("oracle", wrong)
            return
        }
        result.convergedAt = sim.now
        timeline?.event(sim.now, "converge", "all \(scenario.replicas) replicas hold the same state "
                        + "\(sim.now - scenario.healAt) after healing: \(story.render(first))")
    }

    // MARK: Issuing updates and reporting faults

    private func issue(_ cue: Cue) {
        switch cue {
        case let .scripted(index):
            let update = script[index]
            guard let node = sim.nodes[update.replica] else {
                result.updatesLost += 1
                pendingUpdates -= 1
                return
            }
            sim.submit(.update(update.make(node.state, sim.now)), to: update.replica)
        case .background:
            let up = sim.cluster.filter { sim.isUp($0) }
            guard let replica = workload.pick(up), let node = sim.nodes[replica] else {
                pendingUpdates -= 1
                return
            }
            let operation = story.randomOperation(for: replica, state: node.state, now: sim.now, rng: &workload)
            sim.submit(.update(operation), to: replica)
        }
    }

    private func report(_ fault: Fault) {
        switch fault {
        case .heal:
            result.beforeHeal = lastSeen
            timeline?.event(sim.now, "heal", "partition healed; replicas gossip to catch up")
        case .partition(let partition):
            timeline?.event(sim.now, "partition", "network split \(partition): each side keeps accepting updates")
        case .crash(let node):
            timeline?.event(sim.now, node: node, "crash", "crashed; its state and sequence number are on disk")
        case .restart(let node):
            dirty = true
            let state = sim.nodes[node].map { story.render($0.state) } ?? "-"
            timeline?.event(sim.now, node: node, "restart", "restarted from disk: \(state)")
        case .link(let link):
            timeline?.event(sim.now, node: link.from, "link", "\(Fault.link(link))")
        case .crashAfterWrite(let node):
            timeline?.event(sim.now, node: node, "armed", "will crash once its next write is durable")
        case .crashDuringWrite(let node):
            timeline?.event(sim.now, node: node, "armed", "will crash in the middle of its next write")
        case .network(let conditions):
            let what = conditions == scenario.network ? "back to baseline" : "heavy loss"
            timeline?.event(sim.now, "network", "\(what): drop \(conditions.dropPerMille)‰, duplicate "
                            + "\(conditions.duplicatePerMille)‰, delay up to \(conditions.delayMax)")
        }
    }

    private func fail(_ invariant: String, _ detail: String) {
        guard result.violation == nil else { return }
        result.violation = InvariantViolation(invariant: invariant, detail: detail, seed: sim.seed,
                                              step: sim.stats.events, time: sim.now)
    }
}
