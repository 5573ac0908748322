/// The positive-negative counter (Shapiro et al. 2011, §3.1.2, Specification 7): a pair of
/// G-Counters, one for increments and one for decrements; the value is their difference and
/// the join is the pair-wise join. Delta-mutators ship only the touched entry of one half
/// (Almeida et al. 2018, §4.1).
///
/// Simplifications:
/// - No bound on the value (a bounded counter, Balegas et al. 2015, needs escrow rights).
public struct PNCounter: ReplicatedData, Hashable, Sendable, CustomStringConvertible {
    public private(set) var increments = GCounter()
    public private(set) var decrements = GCounter()

    public init() {}

    /// An update: add (positive) or subtract (negative) `amount`.
    public struct Operation: Equatable, Sendable, CustomStringConvertible {
        public var amount: Int64
        public init(_ amount: Int64) { self.amount = amount }
        public var description: String { amount >= 0 ? "+\(amount)" : "\(amount)" }
    }

    public var value: Int64 { Int64(increments.value) - Int64(decrements.value) }

    @discardableResult
    public mutating func increment(by amount: UInt64 = 1, replica: ReplicaID) -> PNCounter {
        var delta = PNCounter()
        delta.increments = increments.increment(by: amount, replica: replica)
        return delta
    }

    @discardableResult
    public mutating func decrement(by amount: UInt64 = 1, replica: ReplicaID) -> PNCounter {
        var delta = PNCounter()
        delta.decrements = decrements.increment(by: amount, replica: replica)
        return delta
    }

    @discardableResult
    public mutating func apply(_ operation: Operation, replica: ReplicaID) -> PNCounter {
        operation.amount >= 0
            ? increment(by: UInt64(operation.amount), replica: replica)
            : decrement(by: UInt64(-operation.amount), replica: replica)
    }

    public mutating func merge(_ other: PNCounter) {
        increments.merge(other.increments)
        decrements.merge(other.decrements)
    }

    public var encodedSize: Int { increments.encodedSize + decrements.encodedSize }
    public var description: String { "\(value) (+\(increments.counts) -\(decrements.counts))" }
}
