/// Version vectors (Parker et al. 1983, "Detection of mutual inconsistency in distributed
/// systems"), used as the payload of the G-Counter (Shapiro et al. 2011, §3.1.1,
/// Specification 6) and as the causal metadata of the MV-Register (§3.2.2) and of the
/// compact part of a causal context (Almeida et al. 2018, §5.1).
///
/// Simplifications:
/// - Stored as an array of (replica, counter) pairs sorted by replica, zeros omitted, so that
///   equal vectors are equal arrays; lookups are binary searches. With a handful of replicas
///   this beats a dictionary and never leaks hash order.

/// A unique event name: the `counter`-th event of `replica` (a "dot", Almeida et al. §5.1).
public struct Dot: Comparable, Hashable, Sendable, CustomStringConvertible, WireSized {
    public var replica: ReplicaID
    public var counter: UInt64

    public init(_ replica: ReplicaID, _ counter: UInt64) {
        self.replica = replica
        self.counter = counter
    }

    public static func < (a: Dot, b: Dot) -> Bool {
        a.replica != b.replica ? a.replica < b.replica : a.counter < b.counter
    }

    public var encodedSize: Int { WireSize.varint(replica) + WireSize.varint(counter) }
    public var description: String { "n\(replica).\(counter)" }
}

/// A map from replica to counter, ordered pointwise. It is itself a join-semilattice
/// (pointwise max), which is all a G-Counter is.
public struct VersionVector: StateCRDT, Comparable, Hashable, Sendable, CustomStringConvertible {
    /// Sorted by replica; every counter is positive.
    public private(set) var entries: [Dot] = []

    public init() {}

    public init(_ pairs: [(ReplicaID, UInt64)]) {
        for (replica, counter) in pairs { self[replica] = max(self[replica], counter) }
    }

    public subscript(replica: ReplicaID) -> UInt64 {
        get {
            let index = lowerBound(entries, replica) { $0.replica }
            return index < entries.count && entries[index].replica == replica ? entries[index].counter : 0
        }
        set {
            let index = lowerBound(entries, replica) { $0.replica }
            let present = index < entries.count && entries[index].replica == replica
            switch (present, newValue) {
            case (true, 0): entries.remove(at: index)
            case (true, _): entries[index].counter = newValue
            case (false, 0): break
            case (false, _): entries.insert(Dot(replica, newValue), at: index)
            }
        }
    }

    /// Bumps `replica`'s entry and returns the new value: the dot of a new event.
    @discardableResult
    public mutating func increment(_ replica: ReplicaID) -> UInt64 {
        let next = self[replica] + 1
        self[replica] = next
        return next
    }

    /// Pointwise maximum.
    public mutating func merge(_ other: VersionVector) {
        if other.entries.isEmpty { return }
        if entries.isEmpty { entries = other.entries; return }
        var out: [Dot] = []
        out.reserveCapacity(max(entries.count, other.entries.count))
        var i = 0
        var j = 0
        let a = entries
        let b = other.entries
        while i < a.count || j < b.count {
            if j == b.count || (i < a.count && a[i].replica < b[j].replica) {
                out.append(a[i]); i += 1
            } else if i == a.count || b[j].replica < a[i].replica {
                out.append(b[j]); j += 1
            } else {
                out.append(Dot(a[i].replica, max(a[i].counter, b[j].counter))); i += 1; j += 1
            }
        }
        entries = out
    }

    /// `self ≤ other` pointwise: every event `self` has seen, `other` has seen too.
    public func isDominated(by other: VersionVector) -> Bool {
        entries.allSatisfy { other[$0.replica] >= $0.counter }
    }

    /// Strictly before: dominated and different.
    public func happenedBefore(_ other: VersionVector) -> Bool {
        self != other && isDominated(by: other)
    }

    /// Neither dominates the other.
    public func isConcurrent(with other: VersionVector) -> Bool {
        !isDominated(by: other) && !other.isDominated(by: self)
    }

    /// The sum of all entries (a G-Counter's value).
    public var total: UInt64 { entries.reduce(0) { $0 + $1.counter } }

    /// A total order used only to keep collections of vectors canonical (lexicographic).
    public static func < (a: VersionVector, b: VersionVector) -> Bool {
        a.entries.lexicographicallyPrecedes(b.entries)
    }

    public var encodedSize: Int {
        entries.reduce(WireSize.varint(UInt64(entries.count))) { $0 + $1.encodedSize }
    }

    public var description: String {
        "[" + entries.map { "n\($0.replica):\($0.counter)" }.joined(separator: " ") + "]"
    }
}
