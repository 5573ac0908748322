/// The coordinator side of `StoreNode`: Dynamo's put and get (DeCandia et al., SOSP 2007,
/// §4.5), sloppy quorum and hinted handoff (§4.6), read repair (§4.7, §6). A put goes to the
/// key's N home replicas (the first N distinct nodes clockwise on the ring) and succeeds at W
/// acknowledgements; a get asks the same N and answers at R replies with the causally-maximal
/// versions of everything it heard. A home replica silent for `fallbackAfter` is replaced by
/// the next node of the walk, which keeps the write as a hint for it. Strict quorums count
/// only home replicas; sloppy ones count fallbacks too.
///
/// Simplifications:
/// - Coordinator state is volatile: a crashed coordinator's requests time out at the client.
/// - Read repair runs once every home replica has answered, or at the timeout.
import ConsistentHashing
import Simulation
import VectorClocks

struct PendingPut {
    let key: String
    let version: Version
    let policy: QuorumPolicy
    let home: [NodeID]
    let walk: [NodeID]
    var acked: [NodeID] = []
    /// Fallback node → the home replica it stands in for.
    var stand: [(holder: NodeID, target: NodeID)] = []
    var tried: [NodeID]
    var replied = false

    /// Acknowledgements that count toward W: home replicas that acknowledged, and under a
    /// sloppy quorum home replicas whose stand-in acknowledged. A replica and its stand-in
    /// count once: after the handoff they are one copy, not two.
    var counted: Int {
        home.filter { target in
            acked.contains(target)
                || (policy.sloppy && stand.contains { $0.target == target && acked.contains($0.holder) })
        }.count
    }

    /// Home replicas with neither an acknowledgement nor an acknowledged stand-in.
    var uncovered: [NodeID] {
        home.filter { target in
            !acked.contains(target) && !stand.contains { $0.target == target && acked.contains($0.holder) }
        }
    }
}

struct PendingGet {
    let key: String
    let policy: QuorumPolicy
    let home: [NodeID]
    let walk: [NodeID]
    var responses: [(node: NodeID, versions: [Version])] = []
    var tried: [NodeID]
    var replied = false

    var counted: Int {
        responses.filter { home.contains($0.node) || policy.sloppy }.count
    }
}

extension StoreNode {
    mutating func coordinatePut(_ request: Int, key: String, value: String, clock: VectorClock,
                                policy: QuorumPolicy, _ context: inout NodeContext<StoreNode>) {
        let walk = ring.replicas(ofHash: Hash64.hash(key), count: cluster.count)
        let home = Array(walk.prefix(policy.n))
        let version = Version(clock: clock, value: value,
                              stamp: Version.Stamp(nanoseconds: context.now.nanoseconds, node: id))
        var pending = PendingPut(key: key, version: version, policy: policy, home: home, walk: walk, tried: home)
        for replica in home where replica != id {
            context.send(.store(request: request, key: key, versions: [version], hintFor: nil,
                                resolution: policy.resolution), to: replica)
        }
        if home.contains(id) {
            applyStore(key: key, versions: [version], hintFor: nil, resolution: policy.resolution, &context)
            pending.acked.append(id)
        }
        puts[request] = pending
        context.setTimer(.fallback(request: request), after: policy.fallbackAfter)
        context.setTimer(.timeout(request: request), after: policy.timeout)
        settlePut(request, &context)
    }

    mutating func coordinateGet(_ request: Int, key: String, policy: QuorumPolicy,
                                _ context: inout NodeContext<StoreNode>) {
        let walk = ring.replicas(ofHash: Hash64.hash(key), count: cluster.count)
        let home = Array(walk.prefix(policy.n))
        var pending = PendingGet(key: key, policy: policy, home: home, walk: walk, tried: home)
        for replica in home where replica != id {
            context.send(.fetch(request: request, key: key), to: replica)
        }
        if home.contains(id) { pending.responses.append((id, localVersions(key))) }
        gets[request] = pending
        context.setTimer(.fallback(request: request), after: policy.fallbackAfter)
        context.setTimer(.timeout(request: request), after: policy.timeout)
        settleGet(request, &context)
    }

    mutating func storedAck(_ request: Int, from sender: NodeID, _ context: inout NodeContext<StoreNode>) {
        guard var pending = puts[request], !pending.acked.contains(sender) else { return }
        pending.acked.append(sender)
        puts[request] = pending
        settlePut(request, &context)
    }

    mutating func fetchedReply(_ request: Int, _ versions: [Version], from sender: NodeID,
                               _ context: inout NodeContext<StoreNode>) {
        guard var pending = gets[request], !pending.responses.contains(where: { $0.node == sender }) else { return }
        pending.responses.append((sender, versions))
        gets[request] = pending
        settleGet(request, &context)
    }

    /// Replies once W acknowledgements count; forgets the request once every home replica
    /// holds the write itself or through a stand-in.
    private mutating func settlePut(_ request: Int, _ context: inout NodeContext<StoreNode>) {
        guard var pending = puts[request] else { return }
        if !pending.replied && pending.counted >= pending.policy.w {
            pending.replied = true
            context.output(.putDone(request: request, key: pending.key, ok: true, version: pending.version, acks: pending.acked))
        }
        if pending.replied && pending.uncovered.isEmpty {
            puts[request] = nil
            context.cancelTimer(.fallback(request: request))
            context.cancelTimer(.timeout(request: request))
        } else {
            puts[request] = pending
        }
    }

    private mutating func settleGet(_ request: Int, _ context: inout NodeContext<StoreNode>) {
        guard var pending = gets[request] else { return }
        if !pending.replied && pending.counted >= pending.policy.r {
            pending.replied = true
            let merged = pending.responses.reduce([]) { pending.policy.resolution.reconcile($0, $1.versions) }
            context.output(.getDone(request: request, ok: true, versions: merged, from: pending.responses.map(\.node)))
        }
        gets[request] = pending
        let homeAnswered = pending.home.allSatisfy { node in pending.responses.contains { $0.node == node } }
        if pending.replied && homeAnswered { finishGet(request, &context) }
    }

    /// Sends each stale home replica the reconciled versions, and forgets the request.
    private mutating func finishGet(_ request: Int, _ context: inout NodeContext<StoreNode>) {
        guard let pending = gets.removeValue(forKey: request) else { return }
        context.cancelTimer(.fallback(request: request))
        context.cancelTimer(.timeout(request: request))
        let resolution = pending.policy.resolution
        let merged = pending.responses.reduce([]) { resolution.reconcile($0, $1.versions) }
        for (node, versions) in pending.responses where pending.home.contains(node) {
            guard merged.contains(where: { !resolution.covers(versions, $0) }) else { continue }
            if node == id {
                applyStore(key: pending.key, versions: merged, hintFor: nil, resolution: resolution, &context)
            } else {
                context.send(.store(request: nil, key: pending.key, versions: merged, hintFor: nil,
                                    resolution: resolution), to: node)
            }
            context.output(.repaired(key: pending.key, replica: node))
        }
    }

    /// For every home replica still silent, try the next untried node of the walk.
    mutating func fallbackRound(_ request: Int, _ context: inout NodeContext<StoreNode>) {
        if var pending = puts[request] {
            for target in pending.uncovered where !pending.acked.contains(target) {
                guard let holder = pending.walk.first(where: { !pending.tried.contains($0) }) else { break }
                pending.tried.append(holder)
                pending.stand.append((holder, target))
                if holder == id {
                    applyStore(key: pending.key, versions: [pending.version], hintFor: target,
                               resolution: pending.policy.resolution, &context)
                    pending.acked.append(id)
                } else {
                    context.send(.store(request: request, key: pending.key, versions: [pending.version],
                                        hintFor: target, resolution: pending.policy.resolution), to: holder)
                }
            }
            puts[request] = pending
            context.setTimer(.fallback(request: request), after: pending.policy.fallbackAfter)
            settlePut(request, &context)
        }
        if var pending = gets[request], pending.policy.sloppy, pending.counted < pending.policy.r {
            let missing = pending.home.filter { node in !pending.responses.contains { $0.node == node } }
            for _ in missing {
                guard let extra = pending.walk.first(where: { !pending.tried.contains($0) }) else { break }
                pending.tried.append(extra)
                if extra == id {
                    pending.responses.append((id, localVersions(pending.key)))
                } else {
                    context.send(.fetch(request: request, key: pending.key), to: extra)
                }
            }
            gets[request] = pending
            context.setTimer(.fallback(request: request), after: pending.policy.fallbackAfter)
            settleGet(request, &context)
        }
    }

    /// The coordinator's patience is over: fail what has no quorum, repair what it can.
    mutating func expire(_ request: Int, _ context: inout NodeContext<StoreNode>) {
        if let pending = puts.removeValue(forKey: request) {
            context.cancelTimer(.fallback(request: request))
            if !pending.replied {
                context.output(.putDone(request: request, key: pending.key, ok: false, version: pending.version, acks: pending.acked))
            }
        }
        if var pending = gets[request] {
            if !pending.replied {
                pending.replied = true
                context.output(.getDone(request: request, ok: false, versions: [], from: pending.responses.map(\.node)))
            }
            gets[request] = pending
            finishGet(request, &context)
        }
    }
}
