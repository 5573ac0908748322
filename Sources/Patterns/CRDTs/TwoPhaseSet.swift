/// The two-phase set (Shapiro et al. 2011, §3.3.2, Specification 12): a G-Set of added
/// elements and a G-Set of removed ones (tombstones). An element is present when added and
/// not removed; once removed it can never come back, and a remove only takes effect for an
/// element the replica has seen added (the precondition `lookup(e)`).
///
/// Simplifications:
/// - The tombstone set grows forever: that is the price of this design, and the reason the
///   OR-Set (see `ORSet`) exists.
public struct TwoPhaseSet<Element: Comparable & Hashable & WireSized>: ReplicatedData, Hashable, CustomStringConvertible {
    public private(set) var added = GSet<Element>()
    public private(set) var removed = GSet<Element>()

    public init() {}

    public enum Operation: Equatable {
        case add(Element)
        case remove(Element)
    }

    public func contains(_ element: Element) -> Bool {
        added.contains(element) && !removed.contains(element)
    }

    public var elements: [Element] { added.elements.filter { !removed.contains($0) } }

    @discardableResult
    public mutating func insert(_ element: Element) -> TwoPhaseSet {
        var delta = TwoPhaseSet()
        delta.added = added.insert(element)
        return delta
    }

    /// Removes `element` if this replica has seen it added; otherwise changes nothing and
    /// returns the empty delta (Specification 12's precondition).
    @discardableResult
    public mutating func remove(_ element: Element) -> TwoPhaseSet {
        var delta = TwoPhaseSet()
        guard added.contains(element) else { return delta }
        delta.removed = removed.insert(element)
        return delta
    }

    @discardableResult
    public mutating func apply(_ operation: Operation, replica: ReplicaID) -> TwoPhaseSet {
        switch operation {
        case .add(let element): insert(element)
        case .remove(let element): remove(element)
        }
    }

    public mutating func merge(_ other: TwoPhaseSet) {
        added.merge(other.added)
        removed.merge(other.removed)
    }

    public var encodedSize: Int { added.encodedSize + removed.encodedSize }
    public var description: String { "{" + elements.map { "\($0)" }.joined(separator: ", ") + "}" }
}
