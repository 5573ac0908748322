/// A causal context: the set of every dot (event) a replica has seen, stored as a version
/// vector for the contiguous prefix of each replica's events plus a "dot cloud" for the
/// events seen out of order (Almeida, Shoker & Baquero 2018, "Delta state replicated data
/// types", §5.1 "Causal CRDTs", and the compaction of §7.1). Delta groups arrive out of
/// order over a lossy network, so the cloud is real; once the gaps fill, `compact` folds the
/// cloud back into the vector, and the context is again a few integers per replica.
///
/// Simplifications:
/// - The cloud is a sorted array of dots, merged linearly; fine for the few out-of-order dots
///   a gossip round leaves behind.

/// A set of dots, kept canonical: the vector holds, per replica, the largest `k` such that
/// dots 1...k are all present; the cloud holds exactly the other dots, sorted.
public struct CausalContext: StateCRDT, Hashable, Sendable, CustomStringConvertible {
    public private(set) var compact = VersionVector()
    public private(set) var cloud: [Dot] = []

    public init() {}

    /// The context holding exactly `dots`.
    public init<S: Sequence>(dots: S) where S.Element == Dot {
        cloud = dots.sorted()
        normalize()
    }

    @inline(__always)
    public func contains(_ dot: Dot) -> Bool {
        if dot.counter <= compact[dot.replica] { return true }
        guard !cloud.isEmpty else { return false }
        let index = lowerBound(cloud, dot) { $0 }
        return index < cloud.count && cloud[index] == dot
    }

    /// The next dot of `replica`. A replica's own events are always contiguous in its own
    /// context (it made all of them), so the vector entry is its latest event.
    public func nextDot(for replica: ReplicaID) -> Dot {
        Dot(replica, compact[replica] + 1)
    }

    public mutating func insert(_ dot: Dot) {
        guard !contains(dot) else { return }
        if dot.counter == compact[dot.replica] + 1 {
            compact[dot.replica] = dot.counter
            if !cloud.isEmpty { normalize() }
        } else {
            cloud.insert(dot, at: lowerBound(cloud, dot) { $0 })
        }
    }

    public mutating func merge(_ other: CausalContext) {
        compact.merge(other.compact)
        cloud = sortedUnion(cloud, other.cloud)
        normalize()
    }

    /// Folds cloud dots that extend (or fall inside) the vector into it. The cloud is sorted
    /// by (replica, counter), so one pass suffices.
    mutating func normalize() {
        guard !cloud.isEmpty else { return }
        var kept: [Dot] = []
        var index = 0
        while index < cloud.count {
            let replica = cloud[index].replica
            var top = compact[replica]
            while index < cloud.count && cloud[index].replica == replica {
                let dot = cloud[index]
                if dot.counter == top + 1 {
                    top += 1
                } else if dot.counter > top {
                    kept.append(dot)
                }
                index += 1
            }
            compact[replica] = top
        }
        cloud = kept
    }

    /// How many dots are held out of order (a measure of pending gaps).
    public var cloudSize: Int { cloud.count }

    public var encodedSize: Int {
        cloud.reduce(compact.encodedSize + WireSize.varint(UInt64(cloud.count))) { $0 + $1.encodedSize }
    }

    public var description: String {
        cloud.isEmpty ? compact.description : "\(compact) + {\(cloud.map(\.description).joined(separator: " "))}"
    }
}
