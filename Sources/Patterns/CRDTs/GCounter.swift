/// The grow-only counter (Shapiro et al. 2011, §3.1.1, Specification 6): one entry per
/// replica, each incremented only by its owner; the value is the sum, the join is the
/// pointwise maximum. Its delta-mutator (Almeida et al. 2018, §4.1, Figure 2) ships just the
/// owner's entry.
///
/// Simplifications:
/// - Increments are by a positive amount; the entry is a `UInt64` and does not overflow in
///   any run this demo makes.
public struct GCounter: ReplicatedData, Hashable, Sendable, CustomStringConvertible {
    public private(set) var counts = VersionVector()

    public init() {}

    public var value: UInt64 { counts.total }

    /// Adds `amount` on behalf of `replica`; returns the delta `{replica: new entry}`.
    @discardableResult
    public mutating func increment(by amount: UInt64 = 1, replica: ReplicaID) -> GCounter {
        counts[replica] += amount
        var delta = GCounter()
        delta.counts[replica] = counts[replica]
        return delta
    }

    /// What `replica` itself has added, as far as this state knows.
    public func contribution(of replica: ReplicaID) -> UInt64 { counts[replica] }

    public mutating func merge(_ other: GCounter) { counts.merge(other.counts) }

    @discardableResult
    public mutating func apply(_ amount: UInt64, replica: ReplicaID) -> GCounter {
        increment(by: amount, replica: replica)
    }

    public var encodedSize: Int { counts.encodedSize }
    public var description: String { "\(value) \(counts)" }
}
