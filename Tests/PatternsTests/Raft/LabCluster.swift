import Raft
import Simulation

/// A test harness in the manner of the MIT 6.824 Raft lab's `config.go`: connect and
/// disconnect servers, crash and restart them, start commands and wait until enough servers
/// have applied them. Every step runs under the safety checker; `violation` is the first break.
final class LabCluster {
    let cluster: RaftCluster
    private(set) var disconnected: Set<NodeID> = []
    private(set) var crashed: Set<NodeID> = []
    private var nextValue = 0
    /// AppendEntries rejections seen, per follower (fast backup keeps these few).
    private(set) var rejections: [Int]
    private(set) var installs = 0
    private(set) var maxLogEntries = 0

    init(nodes: Int, seed: UInt64, config: RaftConfig = RaftConfig(), network: NetworkConditions = .reliable) {
        cluster = RaftCluster(seed: seed, nodeCount: nodes, config: config, network: network)
        rejections = Array(repeating: 0, count: nodes)
    }

    var n: Int { cluster.nodeCount }
    var violation: InvariantViolation? { cluster.violation }
    var messages: UInt64 { cluster.sim.stats.messagesSent }

    /// Runs for `duration` of simulated time, recording what the tests assert on.
    func run(_ duration: SimDuration) {
        cluster.run(for: duration) { occurrence in
            if case .delivered(let from, _, .appendEntriesReply(let reply)) = occurrence, !reply.success {
                rejections[from] += 1
            }
            for (_, output) in cluster.sim.outputs {
                if case .snapshotInstalled = output { installs += 1 }
            }
            for case let node? in cluster.sim.nodes { maxLogEntries = max(maxLogEntries, node.log.entries.count) }
            return true
        }
    }

    func run(ms: UInt64) { run(.milliseconds(ms)) }

    /// Runs until some server reports an output matching `match` (then stops at once, before
    /// anything else happens) or `limit` passes. Returns the server.
    func runUntil(limit: SimDuration = .seconds(10), _ match: (NodeID, RaftOutput) -> Bool) -> NodeID? {
        var found: NodeID?
        cluster.run(for: limit) { _ in
            for (node, output) in cluster.sim.outputs where match(node, output) { found = node }
            return found == nil
        }
        return found
    }

    func resetRejections() { rejections = Array(repeating: 0, count: n) }

    // MARK: Faults

    private func applyPartition() {
        let connected = (0..<n).filter { !disconnected.contains($0) }
        if disconnected.isEmpty {
            cluster.sim.inject(.heal)
        } else {
            let groups = [connected] + disconnected.sorted().map { [$0] }
            cluster.sim.inject(.partition(Partition(groups: groups, nodeCount: n)))
        }
        run(.microseconds(1))
    }

    func disconnect(_ id: NodeID) {
        disconnected.insert(id)
        applyPartition()
    }

    func connect(_ id: NodeID) {
        disconnected.remove(id)
        applyPartition()
    }

    func crash(_ id: NodeID) {
        crashed.insert(id)
        cluster.sim.inject(.crash(id))
        run(.microseconds(1))
    }

    func restart(_ id: NodeID) {
        crashed.remove(id)
        cluster.sim.inject(.restart(id))
        run(.microseconds(1))
    }

    func isLive(_ id: NodeID) -> Bool { !disconnected.contains(id) && !crashed.contains(id) }

    // MARK: Queries

    /// 6.824's checkOneLeader: within 5 s, exactly one leader per term among live servers;
    /// returns the leader of the newest term.
    func checkOneLeader() -> NodeID? {
        for _ in 0..<10 {
            run(ms: 500)
            var byTerm: [Term: [NodeID]] = [:]
            for id in 0..<n where isLive(id) {
                if let node = cluster.node(id), node.role == .leader { byTerm[node.currentTerm, default: []].append(id) }
            }
            if byTerm.values.contains(where: { $0.count > 1 }) { return nil }
            if let newest = byTerm.keys.max() { return byTerm[newest]!.first }
        }
        return nil
    }

    func liveLeaders() -> [NodeID] {
        (0..<n).filter { isLive($0) && cluster.node($0)?.role == .leader }
    }

    func term(of id: NodeID) -> Term { cluster.node(id)?.currentTerm ?? 0 }

    /// Servers (up, whatever their connectivity) that applied index `index`.
    func nCommitted(_ index: Int) -> Int { cluster.appliedCount(index) }

    /// A fresh write command.
    func command() -> ClientRequest {
        nextValue += 1
        return ClientRequest(client: 1_000 + nextValue, sequence: 1, operation: .write(key: nextValue % 3, value: nextValue))
    }

    /// Hands `request` to `node` (6.824's Start) and returns the index it took, if `node` leads.
    func start(_ request: ClientRequest, at node: NodeID) -> Int? {
        guard cluster.node(node)?.role == .leader else { return nil }
        cluster.submit(request, to: node)
        run(.microseconds(1))
        guard let log = cluster.node(node)?.log else { return nil }
        var index = log.lastIndex
        while index > log.snapshotIndex {
            if log.entry(at: index)?.payload == .client(request) { return index }
            index -= 1
        }
        return nil
    }

    /// 6.824's one(): keeps offering a command to whoever leads until `expected` servers
    /// apply it, for up to 10 s. Returns its index.
    func one(_ request: ClientRequest? = nil, expected: Int) -> Int? {
        let request = request ?? command()
        let deadline = cluster.now + .seconds(10)
        while cluster.now < deadline, violation == nil {
            for candidate in (0..<n) where isLive(candidate) {
                guard let index = start(request, at: candidate) else { continue }
                for _ in 0..<20 {
                    run(ms: 100)
                    if nCommitted(index) >= expected, cluster.committed.count >= index,
                       cluster.committed[index - 1].payload == .client(request) {
                        return index
                    }
                }
                break
            }
            run(ms: 50)
        }
        return nil
    }
}
