/// A minimal consistent-hash ring with virtual nodes (Karger et al., "Consistent Hashing and
/// Random Trees", STOC 1997, §4; virtual nodes as in Dynamo, SOSP 2007, §4.2), used here only
/// for session affinity: a key goes to the first backend clockwise of its hash.
///
/// Simplifications:
/// - Membership is fixed at construction; an unhealthy backend is skipped at lookup time
///   (the walk continues clockwise), which moves only that backend's keys.
/// - The hash is a SplitMix64 finaliser, not MD5/xxHash: well mixed and the same everywhere.
public struct HashRing: Sendable {
    /// Ring points sorted by position; `owner` is a backend index.
    public private(set) var points: [(position: UInt64, owner: Int)] = []
    public let ownerCount: Int

    public init(owners: Int, virtualNodes: Int) {
        precondition(owners > 0 && virtualNodes > 0, "a ring needs owners and points")
        ownerCount = owners
        for owner in 0..<owners {
            for replica in 0..<virtualNodes {
                points.append((HashRing.mix(UInt64(owner) << 32 | UInt64(replica)), owner))
            }
        }
        points.sort { $0.position != $1.position ? $0.position < $1.position : $0.owner < $1.owner }
    }

    /// The index of the first point at or after `position`, wrapping to 0.
    func firstPoint(atOrAfter position: UInt64) -> Int {
        var low = 0
        var high = points.count
        while low < high {
            let mid = (low + high) / 2
            if points[mid].position < position { low = mid + 1 } else { high = mid }
        }
        return low == points.count ? 0 : low
    }

    /// The owner of `key`: the first point clockwise whose owner `accepts`; nil if none does.
    public func owner(of key: UInt64, accepting accepts: (Int) -> Bool = { _ in true }) -> Int? {
        let start = firstPoint(atOrAfter: HashRing.mix(key ^ 0xA5A5_5A5A_0F0F_F0F0))
        for step in 0..<points.count {
            let owner = points[(start + step) % points.count].owner
            if accepts(owner) { return owner }
        }
        return nil
    }

    /// The share of the ring (per mille) each owner holds: the ring's own imbalance.
    public func sharesPerMille() -> [Int] {
        var arcs = [UInt64](repeating: 0, count: ownerCount)
        for (index, point) in points.enumerated() {
            let previous = points[(index + points.count - 1) % points.count].position
            arcs[point.owner] &+= point.position &- previous
        }
        return arcs.map { Int($0 / (UInt64.max / 1000)) }
    }

    /// SplitMix64's finaliser (Steele, Lea & Flood 2014): a bijective 64-bit mixer.
    public static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
