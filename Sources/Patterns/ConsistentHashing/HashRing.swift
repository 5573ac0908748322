/// A consistent-hash ring with virtual nodes. Karger et al., "Consistent Hashing and Random
/// Trees" (STOC 1997), §4; virtual nodes and the preference list as in Dynamo (DeCandia et
/// al., SOSP 2007, §4.2–4.3). Each physical node owns `virtualNodes` points (tokens) at
/// `Hash64.hash("n<id>#<i>")`; a key belongs to the first point at or after its hash,
/// wrapping past the top. Adding or removing a node moves only the keys whose successor
/// point changed: about K/N of them.
///
/// The N replicas of a key are the first N *distinct physical* nodes met walking clockwise
/// from the key: a point whose node was already chosen is skipped, and the walk stops after
/// one full turn. Taking the next N points instead would often give the same server twice,
/// leaving a key with fewer real copies than promised.
///
/// Simplifications:
/// - Points are recomputed from labels, so a node's tokens are fixed by its id; Dynamo's
///   later strategy (equal-sized partitions, §6.2) is not modelled.
/// - Two points at the same position are ordered by node id (a tie that needs a 64-bit
///   collision; it only has to be deterministic).
import Simulation

public struct HashRing: Sendable {
    public struct Point: Sendable, Hashable {
        public let position: UInt64
        public let node: NodeID
    }

    /// How a node's points are placed: the standard hash, or FNV-1a without the finalizer
    /// (kept only to show why the finalizer is there).
    public enum Placement: String, Sendable {
        case fnv1aMix = "FNV-1a + SplitMix64 finalizer"
        case fnv1aOnly = "FNV-1a alone"
    }

    public let virtualNodes: Int
    public let placement: Placement
    /// Sorted by position, then node.
    public private(set) var points: [Point] = []
    /// The physical nodes on the ring, ascending.
    public private(set) var nodes: [NodeID] = []
    /// `points[i].position`, contiguous, for the lookup.
    @usableFromInline private(set) var positions: [UInt64] = []
    /// A radix index over the top bits of the hash: slot s holds the first point at or after
    /// `s << shift`. About two slots per point, so a lookup reads one slot and then scans
    /// fewer than one point on average, instead of a binary search's ~log2(points) dependent,
    /// unpredictable steps.
    @usableFromInline private(set) var slots: [UInt32] = []
    @usableFromInline private(set) var shift: UInt64 = 63

    public init(nodes: [NodeID], virtualNodes: Int, placement: Placement = .fnv1aMix) {
        precondition(virtualNodes > 0, "a node needs at least one point")
        self.virtualNodes = virtualNodes
        self.placement = placement
        for node in nodes { add(node) }
    }

    /// The positions of `node`'s points.
    public func positions(of node: NodeID) -> [UInt64] {
        (0..<virtualNodes).map { index in
            let raw = Hash64.fnv1a("n\(node)#\(index)")
            return placement == .fnv1aMix ? Hash64.mix(raw) : raw
        }
    }

    public mutating func add(_ node: NodeID) {
        guard !nodes.contains(node) else { return }
        nodes.append(node)
        nodes.sort()
        points += positions(of: node).map { Point(position: $0, node: node) }
        points.sort { $0.position != $1.position ? $0.position < $1.position : $0.node < $1.node }
        rebuildIndex()
    }

    public mutating func remove(_ node: NodeID) {
        nodes.removeAll { $0 == node }
        points.removeAll { $0.node == node }
        rebuildIndex()
    }

    private mutating func rebuildIndex() {
        positions = points.map(\.position)
        var bits: UInt64 = 1
        while (1 << bits) < 2 * points.count && bits < 22 { bits += 1 }
        shift = 64 - bits
        slots = [UInt32](repeating: 0, count: 1 << Int(bits))
        var next = 0
        for slot in slots.indices {
            let start = UInt64(slot) << shift
            while next < positions.count && positions[next] < start { next += 1 }
            slots[slot] = UInt32(next)
        }
    }

    /// The index of the first point at or after `hash`, wrapping to 0.
    @inlinable
    public func successor(of hash: UInt64) -> Int {
        positions.withUnsafeBufferPointer { positions in
            slots.withUnsafeBufferPointer { slots in
                guard !slots.isEmpty else { return 0 }
                var index = Int(slots[Int(hash >> shift)])
                while index < positions.count && positions[index] < hash { index += 1 }
                return index == positions.count ? 0 : index
            }
        }
    }

    /// The node that owns a key hash: the first point clockwise.
    @inlinable
    public func owner(ofHash hash: UInt64) -> NodeID {
        points[successor(of: hash)].node
    }

    public func owner(of key: String) -> NodeID { owner(ofHash: Hash64.hash(key)) }

    /// The preference list: the first `count` distinct physical nodes clockwise from `hash`
    /// (fewer when the ring has fewer nodes). With `count` ≥ the node count it is the full
    /// preference order, which Dynamo's sloppy quorum and hinted handoff continue down.
    public func replicas(ofHash hash: UInt64, count: Int) -> [NodeID] {
        let wanted = min(count, nodes.count)
        guard wanted > 0 else { return [] }
        var chosen: [NodeID] = []
        chosen.reserveCapacity(wanted)
        var index = successor(of: hash)
        // One full turn at most: after it every physical node has been met.
        for _ in 0..<points.count {
            let node = points[index].node
            if !chosen.contains(node) {
                chosen.append(node)
                if chosen.count == wanted { break }
            }
            index = index + 1 == points.count ? 0 : index + 1
        }
        return chosen
    }

    public func replicas(of key: String, count: Int) -> [NodeID] {
        replicas(ofHash: Hash64.hash(key), count: count)
    }

    /// How many points a walk from `hash` passes before it has `count` distinct nodes:
    /// `count` when no point had to be skipped.
    public func pointsWalked(from hash: UInt64, count: Int) -> Int {
        guard !points.isEmpty else { return 0 }
        var seen: [NodeID] = []
        var index = successor(of: hash)
        var walked = 0
        while seen.count < min(count, nodes.count) && walked < points.count {
            let node = points[index].node
            if !seen.contains(node) { seen.append(node) }
            walked += 1
            index = index + 1 == points.count ? 0 : index + 1
        }
        return walked
    }
}
