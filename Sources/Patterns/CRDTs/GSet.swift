/// The grow-only set (Shapiro et al. 2011, §3.3.1, Specification 11): add only; the join is
/// set union. The delta of `add(e)` is `{e}` (Almeida et al. 2018, §4.1).
///
/// Simplifications:
/// - Kept as a sorted array, so union is a linear merge and equal sets are equal arrays.
public struct GSet<Element: Comparable & Hashable & WireSized>: ReplicatedData, Hashable, CustomStringConvertible {
    public private(set) var elements: [Element] = []

    public init() {}

    public init<S: Sequence>(_ items: S) where S.Element == Element {
        elements = Array(Set(items)).sorted()
    }

    public func contains(_ element: Element) -> Bool {
        let index = lowerBound(elements, element) { $0 }
        return index < elements.count && elements[index] == element
    }

    public var count: Int { elements.count }

    @discardableResult
    public mutating func insert(_ element: Element) -> GSet {
        let index = lowerBound(elements, element) { $0 }
        if index == elements.count || elements[index] != element {
            elements.insert(element, at: index)
        }
        return GSet([element])
    }

    @discardableResult
    public mutating func apply(_ element: Element, replica: ReplicaID) -> GSet { insert(element) }

    public mutating func merge(_ other: GSet) { elements = sortedUnion(elements, other.elements) }

    public var encodedSize: Int {
        elements.reduce(WireSize.varint(UInt64(elements.count))) { $0 + $1.encodedSize }
    }

    public var description: String { "{" + elements.map { "\($0)" }.joined(separator: ", ") + "}" }
}
