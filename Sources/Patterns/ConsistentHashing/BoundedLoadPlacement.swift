/// Consistent hashing with bounded loads. Mirrokni, Thorup & Zadimoghaddam, "Consistent
/// Hashing with Bounded Loads" (SODA 2018), §2: every bin has capacity ⌈(1+ε)·m/n⌉ for m
/// balls and n bins; a ball goes to the first bin clockwise from its hash that is not full.
/// No bin ever exceeds the capacity, so max/mean ≤ 1+ε (plus rounding), whatever the ring's
/// lumpiness. Vimeo and Google Cloud Pub/Sub use it for cache and subscriber affinity.
///
/// Capacity is integer arithmetic (ε in per mille), so no rounding of a double ever decides
/// where a key goes.
///
/// Simplifications:
/// - Batch placement: keys are placed in the order given against a capacity computed from
///   their total count. The paper's dynamic version reassigns incrementally on each insert
///   or delete; rebalancing figures here come from placing every key again.
import Simulation

public struct BoundedLoadPlacement: Sendable {
    public let ring: HashRing
    public let epsilonPerMille: Int

    public init(ring: HashRing, epsilonPerMille: Int) {
        precondition(epsilonPerMille > 0, "epsilon must be positive")
        self.ring = ring
        self.epsilonPerMille = epsilonPerMille
    }

    /// ⌈(1+ε)·keys/nodes⌉, in integers.
    public static func capacity(keys: Int, nodes: Int, epsilonPerMille: Int) -> Int {
        let numerator = (1000 + epsilonPerMille) * keys
        let denominator = 1000 * nodes
        return (numerator + denominator - 1) / denominator
    }

    /// The node of each key hash, in input order, and the capacity that bounded them.
    public func assign(_ hashes: [UInt64]) -> (owners: [NodeID], capacity: Int) {
        let nodeCount = ring.nodes.count
        let capacity = Self.capacity(keys: hashes.count, nodes: nodeCount, epsilonPerMille: epsilonPerMille)
        let maxNode = (ring.nodes.last ?? 0) + 1
        var load = [Int](repeating: 0, count: maxNode)
        var owners: [NodeID] = []
        owners.reserveCapacity(hashes.count)
        let points = ring.points
        for hash in hashes {
            var index = ring.successor(of: hash)
            // Total capacity ≥ keys, so some node has room and the walk ends.
            while load[points[index].node] >= capacity {
                index = index + 1 == points.count ? 0 : index + 1
            }
            let node = points[index].node
            load[node] += 1
            owners.append(node)
        }
        return (owners, capacity)
    }
}
