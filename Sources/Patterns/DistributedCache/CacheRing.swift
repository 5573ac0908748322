/// A minimal consistent-hash ring that partitions keys over cache nodes (Karger et al.,
/// STOC 1997; the client-side partitioning of memcache, Nishtala et al., NSDI 2013, §3), with
/// virtual nodes to even out the arcs.
///
/// Simplifications:
/// - Membership is fixed: a crashed cache node keeps its arc, and its keys are read from the
///   store meanwhile (no rehashing to a neighbour, which would need invalidation on rejoin).
/// - SplitMix64's finaliser as the hash.
public struct CacheRing: Sendable {
    private var points: [(position: UInt64, owner: Int)] = []
    public let owners: Int

    public init(owners: Int, virtualNodes: Int = 64) {
        precondition(owners > 0, "a ring needs an owner")
        self.owners = owners
        for owner in 0..<owners {
            for replica in 0..<virtualNodes {
                points.append((CacheRing.mix(UInt64(owner) << 32 | UInt64(replica)), owner))
            }
        }
        points.sort { $0.position != $1.position ? $0.position < $1.position : $0.owner < $1.owner }
    }

    /// The index (0..<owners) of the node that caches `key`.
    public func owner(of key: Int) -> Int {
        let position = CacheRing.mix(UInt64(key) ^ 0x5bd1_e995_0000_0000)
        var low = 0
        var high = points.count
        while low < high {
            let mid = (low + high) / 2
            if points[mid].position < position { low = mid + 1 } else { high = mid }
        }
        return points[low == points.count ? 0 : low].owner
    }

    static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
