/// The harness around a cluster of `StoreNode`s: it plays the clients, remembers every
/// acknowledged write, and checks the store's promises while the run goes on. Dynamo
/// (SOSP 2007) for the store; Bailis et al., "Probabilistically Bounded Staleness for
/// Practical Partial Quorums" (VLDB 2012) for measuring how stale partial quorums read.
///
/// Invariants:
/// - Read-after-acknowledged-write: with R + W > N and a strict quorum, a get that starts
///   after a put was acknowledged returns versions covering it (its clock or a later one;
///   under last-writer-wins a stamp at least as late). With R + W ≤ N or a sloppy quorum a
///   miss is counted as a stale read, not a violation.
/// - An acknowledged put is on the stable storage of at least W nodes when acknowledged.
/// - Durability: at every crash and at the end, every acknowledged put is covered by what
///   some disk holds.
///
/// Liveness: within `settleTime` after the last fault (slowed links included), every hint is
/// handed back. Missing it
/// is a shortfall (the hint is still on its holder's disk), not a violation.
///
/// Simplifications:
/// - Clients are callbacks run at virtual times the harness schedules.
import Simulation
import VectorClocks

final class KVCluster {
    enum Cue { case action(Int) }

    struct Acked {
        let version: Version
        let at: SimTime
    }

    let sim: Simulator<StoreNode, Cue>
    /// What requests carry.
    let policy: QuorumPolicy
    /// What the checks hold the store to: `policy`, unless a test claims a stronger one to
    /// prove that the checks catch a store that does not deliver it.
    var claimed: QuorumPolicy
    /// Events go here when not nil.
    let timeline: Timeline?
    private var nextRequest = 1
    private var actions: [Int: () -> Void] = [:]
    private var nextAction = 1
    private var putCallbacks: [Int: (Bool, Version) -> Void] = [:]
    private var getCallbacks: [Int: (Bool, [Version]) -> Void] = [:]
    private var getStarted: [Int: (key: String, at: SimTime)] = [:]
    private(set) var acknowledged: [String: [Acked]] = [:]
    private(set) var violation: InvariantViolation?
    /// A liveness goal not reached by the end of the run.
    private(set) var shortfall: InvariantViolation?
    private(set) var reads = 0, staleReads = 0, failedReads = 0, writes = 0, failedWrites = 0
    private(set) var hintsStored = 0, handoffs = 0, repairs = 0
    /// How each client's name prints in clocks.
    var actorNames: [NodeID: String] = [:]

    /// The demo's seed, named in violations (the simulator may run on a derived one).
    let seed: UInt64

    init(seed: UInt64, simulatorSeed: UInt64? = nil, nodes: Int, policy: QuorumPolicy, network: NetworkConditions,
         faults: FaultPlan, timeline: Timeline?) {
        self.seed = seed
        sim = Simulator(seed: simulatorSeed ?? seed, nodeCount: nodes, network: network, faults: faults)
        self.policy = policy
        claimed = policy
        self.timeline = timeline
    }

    // MARK: Client operations

    func at(_ delay: SimDuration, _ body: @escaping () -> Void) {
        actions[nextAction] = body
        sim.schedule(.action(nextAction), after: delay)
        nextAction += 1
    }

    func put(_ key: String, _ value: String, clock: VectorClock, via node: NodeID,
             then done: @escaping (Bool, Version) -> Void = { _, _ in }) {
        let request = nextRequest
        nextRequest += 1
        putCallbacks[request] = done
        sim.submit(.put(request: request, key: key, value: value, clock: clock, policy: policy), to: node)
    }

    func get(_ key: String, via node: NodeID, then done: @escaping (Bool, [Version]) -> Void) {
        let request = nextRequest
        nextRequest += 1
        getCallbacks[request] = done
        getStarted[request] = (key, sim.now)
        sim.submit(.get(request: request, key: key, policy: policy), to: node)
    }

    /// Runs until `limit` or a violation; true when no invariant broke.
    @discardableResult
    func run(until limit: SimTime) -> Bool {
        sim.run(until: limit) { occurrence in
            self.observe(occurrence)
            return self.violation == nil
        }
        return violation == nil
    }

    // MARK: Observation

    private func observe(_ occurrence: Simulator<StoreNode, Cue>.Occurrence) {
        switch occurrence {
        case let .external(.action(id)):
            actions.removeValue(forKey: id)?()
        case let .faultApplied(fault):
            timeline?.event(sim.now, "fault", fault.description)
            if case .crash = fault { checkDurability("crash") }
        case let .commandLost(node, command):
            lost(command, at: node)
        default:
            break
        }
        for (node, output) in sim.outputs {
            handle(output, at: node)
            if violation != nil { return }
        }
    }

    private func lost(_ command: StoreNode.Command, at node: NodeID) {
        switch command {
        case let .put(request, _, value, clock, _):
            failedWrites += 1
            putCallbacks.removeValue(forKey: request)?(false, Version(clock: clock, value: value,
                                                                      stamp: .init(nanoseconds: 0, node: node)))
        case let .get(request, _, _):
            failedReads += 1
            getStarted[request] = nil
            getCallbacks.removeValue(forKey: request)?(false, [])
        }
    }

    private func handle(_ output: StoreNode.Output, at node: NodeID) {
        switch output {
        case let .putDone(request, key, ok, version, acks):
            finishPut(request, key: key, ok: ok, version: version, acks: acks)
        case let .getDone(request, ok, versions, _):
            finishGet(request, ok: ok, versions: versions)
        case let .hintStored(key, target, holder):
            hintsStored += 1
            timeline?.event(sim.now, node: holder, "hint", "holds \(key) for n\(target) (n\(target) did not answer)")
        case let .handedOff(key, target):
            handoffs += 1
            timeline?.event(sim.now, node: node, "handoff", "n\(target) now has \(key); hint dropped")
        case let .repaired(key, replica):
            repairs += 1
            timeline?.event(sim.now, node: node, "repair", "read repair sends n\(replica) the latest \(key)")
        }
    }

    private func finishPut(_ request: Int, key: String, ok: Bool, version: Version, acks: [NodeID]) {
        if ok {
            writes += 1
            acknowledged[key, default: []].append(Acked(version: version, at: sim.now))
            let onDisk = sim.cluster.filter { covered(version, key: key, onDiskOf: $0) }
            if onDisk.count < claimed.w {
                fail("acknowledged put is on W disks", "\(key) \(format(version)) on the disks of "
                     + "\(onDisk.map { "n\($0)" }), W=\(claimed.w); acknowledged by \(acks.map { "n\($0)" })")
            }
        } else {
            failedWrites += 1
        }
        putCallbacks.removeValue(forKey: request)?(ok, version)
    }

    private func finishGet(_ request: Int, ok: Bool, versions: [Version]) {
        guard let started = getStarted.removeValue(forKey: request) else { return }
        if ok {
            reads += 1
            let due = (acknowledged[started.key] ?? []).filter { $0.at <= started.at }
            if let missed = due.first(where: { !policy.resolution.covers(versions, $0.version) }) {
                staleReads += 1
                if claimed.overlaps {
                    fail("read sees every write acknowledged before it began",
                         "get \(started.key) from \(started.at) returned \(versions.map(format)) but missed "
                             + "\(format(missed.version)) acknowledged at \(missed.at)")
                }
            }
        } else {
            failedReads += 1
        }
        getCallbacks.removeValue(forKey: request)?(ok, versions)
    }

    // MARK: Checks

    /// Whether `node`'s disk (data or hints) covers `version` of `key`.
    func covered(_ version: Version, key: String, onDiskOf node: NodeID) -> Bool {
        guard let storage = sim.disks[node] ?? nil else { return false }
        let held = (storage.data[key] ?? []) + storage.hints.filter { $0.key == key }.flatMap(\.versions)
        return policy.resolution.covers(held, version)
    }

    func checkDurability(_ when: String) {
        for key in acknowledged.keys.sorted() {
            for acked in acknowledged[key] ?? [] where !sim.cluster.contains(where: { covered(acked.version, key: key, onDiskOf: $0) }) {
                fail("acknowledged writes are durable", "at \(when): \(key) \(format(acked.version)) is on no disk")
                return
            }
        }
    }

    /// Every hint handed back by now, `settle` after the last fault; otherwise a shortfall
    /// naming how many hints are still held.
    func checkHandoffComplete(settle: SimDuration) {
        let pending = sim.cluster.flatMap { node in ((sim.disks[node] ?? nil)?.hints ?? []).map { (node, $0) } }
        guard let (holder, hint) = pending.first, shortfall == nil else { return }
        shortfall = InvariantViolation(
            invariant: "hints are handed back",
            detail: "\(pending.count) hints still held (first: n\(holder) holds \(hint.key) for n\(hint.target)) "
                + "\(settle.milliseconds) ms after the last fault; a horizon computed from the delays and timeouts, "
                + "not lost data: every hint is still on its holder's disk",
            seed: seed, step: sim.stats.events, time: sim.now)
    }

    /// How long a run goes on after its last fault before hints are checked: the slowest
    /// message sent under a drawn fault lands (`slowestDelivery`), requests still in flight
    /// time out (each may leave a hint), then a handoff round trip follows the handoff timer.
    /// From the run's own settings and faults, so a slower network or a slowed link gets a
    /// longer horizon.
    static func settleTime(_ policy: QuorumPolicy, _ network: NetworkConditions, plan: FaultPlan = .none) -> SimDuration {
        let roundTrip = (network.delayMax + network.tailDelayMax) * 2
        return slowestDelivery(network, plan: plan) + policy.timeout * 2 + StoreNode.handoffEvery * 2 + roundTrip * 2
            + .milliseconds(500)
    }

    /// The longest a message sent while `plan`'s faults are in force can take to land: the
    /// slowest network the plan sets, and at least the bound of a lossy period (which
    /// stretches delays up to 5x, see `FaultPlan.random`), plus the longest extra delay of a
    /// slowed link. A slowed link (swarm faults slow one by up to seconds) delays a message
    /// by the extra it was sent with even after the heal, and a hint sent that way is only
    /// stored, and can only be handed back, once it lands.
    static func slowestDelivery(_ network: NetworkConditions, plan: FaultPlan) -> SimDuration {
        var slowest = network.delayMax * 5 + network.tailDelayMax
        var linkExtra = SimDuration.zero
        for scheduled in plan.faults {
            switch scheduled.fault {
            case .network(let conditions): slowest = max(slowest, conditions.delayMax + conditions.tailDelayMax)
            case .link(let link): linkExtra = max(linkExtra, link.extraDelay)
            default: break
            }
        }
        return slowest + linkExtra
    }

    /// When a run whose drawn faults end by `end` is over: `settle` after its last fault.
    static func horizon(end: SimTime, plan: FaultPlan, settle: SimDuration) -> SimTime {
        max(end, plan.faults.last?.at ?? .zero) + settle
    }

    func fail(_ invariant: String, _ detail: String) {
        guard violation == nil else { return }
        violation = InvariantViolation(invariant: invariant, detail: detail, seed: seed,
                                       step: sim.stats.events, time: sim.now)
    }

    /// All versions of `key` on any disk, reconciled: what an anti-entropy pass would find.
    func audit(_ key: String) -> [Version] {
        sim.cluster.reduce([]) { merged, node in
            guard let storage = sim.disks[node] ?? nil else { return merged }
            let held = (storage.data[key] ?? []) + storage.hints.filter { $0.key == key }.flatMap(\.versions)
            return policy.resolution.reconcile(merged, held)
        }
    }

    func format(_ version: Version) -> String {
        "\"\(version.value)\"" + formatClock(version.clock)
    }

    func formatClock(_ clock: VectorClock) -> String {
        "[" + clock.entries.map { "\(actorNames[$0.node] ?? "c\($0.node)"):\($0.counter)" }.joined(separator: " ") + "]"
    }
}
