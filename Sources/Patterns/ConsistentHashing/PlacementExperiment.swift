/// The measurements behind the `consistent-hashing` demo, with the invariants checked on
/// every placement they compute. Karger et al. (STOC 1997) for the ring; Lamping & Veach
/// (2014) for jump hash; Mirrokni, Thorup & Zadimoghaddam (SODA 2018) for bounded loads.
///
/// Invariants: when a node joins, every key that moves goes to it; when a node leaves, only
/// its keys move; a preference list holds distinct physical nodes, as many as asked (or all
/// nodes); bounded loads never exceed ⌈(1+ε)·K/N⌉.
///
/// Simplifications:
/// - Keys are strings `user:<random>` drawn from the seed; there are no values and no
///   data transfer, only ownership.
import Simulation

struct PlacementExperiment {
    /// One scheme's figures for the join-then-leave story.
    struct Rebalance {
        let scheme: String
        let movedOnAdd: Int
        /// nil when the scheme cannot remove that node (jump hash removes only its last bucket).
        let movedOnRemove: Int?
        let before: LoadStatistics
    }

    let seed: UInt64
    let nodes: [NodeID]
    let hashes: [UInt64]
    let names: [String]
    /// Checks performed so far; a violation's "step".
    private(set) var checks: UInt64 = 0
    private(set) var violation: InvariantViolation?

    init(seed: UInt64, keys: Int, nodes: Int) {
        self.seed = seed
        self.nodes = Array(0..<nodes)
        var rng = SeededRNG(seed: seed).stream(0x4B45_5953)
        names = (0..<keys).map { _ in "user:\(rng.next() >> 24)" }
        hashes = names.map(Hash64.hash)
    }

    var joiner: NodeID { nodes.count }
    /// The node that leaves after the join: one of the originals, chosen by the seed.
    var leaver: NodeID { Int(seed % UInt64(nodes.count)) }

    mutating func fail(_ invariant: String, _ detail: String) {
        guard violation == nil else { return }
        violation = InvariantViolation(invariant: invariant, detail: detail, seed: seed, step: checks, time: .zero)
    }

    mutating func expectMovesOnlyTo(_ node: NodeID, _ before: [NodeID], _ after: [NodeID], scheme: String) {
        checks += 1
        if let bad = LoadStatistics.moved(before, after).first(where: { after[$0] != node }) {
            fail("join moves keys only to the new node",
                 "\(scheme): \(names[bad]) moved n\(before[bad]) -> n\(after[bad]) when n\(node) joined")
        }
    }

    mutating func expectMovesOnlyFrom(_ node: NodeID, _ before: [NodeID], _ after: [NodeID], scheme: String) {
        checks += 1
        if let bad = LoadStatistics.moved(before, after).first(where: { before[$0] != node }) {
            fail("leave moves only the leaving node's keys",
                 "\(scheme): \(names[bad]) moved n\(before[bad]) -> n\(after[bad]) when n\(node) left")
        }
    }

    func owners(_ ring: HashRing) -> [NodeID] { hashes.map(ring.owner(ofHash:)) }

    mutating func ringRebalance(virtualNodes: Int) -> Rebalance {
        var ring = HashRing(nodes: nodes, virtualNodes: virtualNodes)
        let base = owners(ring)
        ring.add(joiner)
        let grown = owners(ring)
        ring.remove(leaver)
        let shrunk = owners(ring)
        let scheme = "ring v=\(virtualNodes)"
        expectMovesOnlyTo(joiner, base, grown, scheme: scheme)
        expectMovesOnlyFrom(leaver, grown, shrunk, scheme: scheme)
        return Rebalance(scheme: scheme, movedOnAdd: LoadStatistics.moved(base, grown).count,
                         movedOnRemove: LoadStatistics.moved(grown, shrunk).count,
                         before: LoadStatistics(owners: base, nodes: nodes))
    }

    /// hash mod N, with the survivors renumbered after a leave, as a naive shard map does.
    func moduloRebalance() -> Rebalance {
        let n = UInt64(nodes.count)
        let base = hashes.map { NodeID($0 % n) }
        let grown = hashes.map { NodeID($0 % (n + 1)) }
        let survivors = (nodes + [joiner]).filter { $0 != leaver }
        let shrunk = hashes.map { survivors[Int($0 % UInt64(survivors.count))] }
        return Rebalance(scheme: "hash mod N", movedOnAdd: LoadStatistics.moved(base, grown).count,
                         movedOnRemove: LoadStatistics.moved(grown, shrunk).count,
                         before: LoadStatistics(owners: base, nodes: nodes))
    }

    mutating func jumpRebalance() -> Rebalance {
        let n = Int32(nodes.count)
        let base = hashes.map { NodeID(JumpHash.bucket($0, buckets: n)) }
        let grown = hashes.map { NodeID(JumpHash.bucket($0, buckets: n + 1)) }
        expectMovesOnlyTo(joiner, base, grown, scheme: "jump hash")
        return Rebalance(scheme: "jump hash", movedOnAdd: LoadStatistics.moved(base, grown).count,
                         movedOnRemove: nil, before: LoadStatistics(owners: base, nodes: nodes))
    }

    mutating func boundedRebalance(virtualNodes: Int, epsilonPerMille: Int) -> Rebalance {
        var ring = HashRing(nodes: nodes, virtualNodes: virtualNodes)
        let base = bounded(ring, epsilonPerMille)
        ring.add(joiner)
        let grown = bounded(ring, epsilonPerMille)
        ring.remove(leaver)
        let shrunk = bounded(ring, epsilonPerMille)
        return Rebalance(scheme: "bounded e=\(epsilonPerMille / 10)% v=\(virtualNodes)",
                         movedOnAdd: LoadStatistics.moved(base, grown).count, movedOnRemove: LoadStatistics.moved(grown, shrunk).count,
                         before: LoadStatistics(owners: base, nodes: nodes))
    }

    /// Places every key with bounded loads and checks the capacity.
    mutating func bounded(_ ring: HashRing, _ epsilonPerMille: Int) -> [NodeID] {
        let (owners, capacity) = BoundedLoadPlacement(ring: ring, epsilonPerMille: epsilonPerMille).assign(hashes)
        let stats = LoadStatistics(owners: owners, nodes: ring.nodes)
        checks += 1
        if let worst = stats.counts.max(), worst > capacity {
            fail("bounded loads stay within capacity", "a node holds \(worst) keys; capacity \(capacity)")
        }
        return owners
    }

    /// Load statistics for a ring with `virtualNodes` points per node.
    func spread(virtualNodes: Int, placement: HashRing.Placement = .fnv1aMix) -> LoadStatistics {
        let ring = HashRing(nodes: nodes, virtualNodes: virtualNodes, placement: placement)
        return LoadStatistics(owners: owners(ring), nodes: nodes)
    }

    /// Checks every key's preference list; returns how many keys needed the walk to skip a
    /// point, and the total number of points skipped.
    mutating func checkReplicas(_ ring: HashRing, count: Int, naiveWalk: Bool) -> (keys: Int, skipped: Int) {
        var keys = 0, skipped = 0
        let wanted = min(count, ring.nodes.count)
        for (index, hash) in hashes.enumerated() {
            let list = naiveWalk ? Self.nextPoints(ring, hash, count) : ring.replicas(ofHash: hash, count: count)
            checks += 1
            if Set(list).count != list.count || list.count != wanted || list.first != ring.owner(ofHash: hash) {
                fail("replicas are distinct physical nodes",
                     "\(names[index]) got preference list " + list.map { "n\($0)" }.joined(separator: ","))
                return (keys, skipped)
            }
            let walked = ring.pointsWalked(from: hash, count: count)
            if walked > wanted { keys += 1; skipped += walked - wanted }
        }
        return (keys, skipped)
    }

    /// The design sketch's walk: the nodes of the next `count` points, duplicates and all.
    /// Kept only so a test can show the replica check catching it.
    static func nextPoints(_ ring: HashRing, _ hash: UInt64, _ count: Int) -> [NodeID] {
        let start = ring.successor(of: hash)
        return (0..<count).map { ring.points[(start + $0) % ring.points.count].node }
    }
}
