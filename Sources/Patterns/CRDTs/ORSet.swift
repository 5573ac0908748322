/// The add-wins observed-remove set, in its optimized causal form: the "AWORSet" of Almeida,
/// Shoker & Baquero 2018, "Delta state replicated data types", §6.2 (Figure 5), which is the
/// tombstone-free OR-Set of Bieniusa et al. 2012, "An optimized conflict-free replicated set"
/// (the original OR-Set is Shapiro et al. 2011, §3.3.5, Specification 15).
///
/// The state is a dot store plus a causal context. Every `add(e)` mints a fresh dot
/// (replica, counter) and tags `e` with it, dropping the dots of `e` this replica had seen;
/// `remove(e)` drops the dots of `e` it has seen. Nothing is left behind: the context already
/// records those dots as seen, which is what tells another replica "this tag was removed"
/// rather than "this tag is new to me". The join keeps a tagged element when both sides have
/// it, or when one side has it and the other has never seen its dot:
///
///     (s, c) ⊔ (s', c') = ((s ∩ s') ∪ {x ∈ s | dot(x) ∉ c'} ∪ {x ∈ s' | dot(x) ∉ c}, c ∪ c')
///
/// A concurrent add carries a dot the remover never saw, so it survives: add wins.
///
/// Simplifications:
/// - The dot store is one array of (element, dot) pairs sorted by element then dot, so the
///   join is a single linear merge (dots are unique, so equal pairs are the same add), and
///   lookups are binary searches.
public struct ORSet<Element: Comparable & Hashable & WireSized>: ReplicatedData, CustomStringConvertible {
    /// One live add: `element` tagged with the dot of the add that produced it.
    public struct Tagged: Comparable {
        public var element: Element
        public var dot: Dot

        public static func < (a: Tagged, b: Tagged) -> Bool {
            a.element != b.element ? a.element < b.element : a.dot < b.dot
        }
    }

    public enum Operation: Equatable {
        case add(Element)
        /// Several adds at once (an import); one delta for all of them.
        case addAll([Element])
        case remove(Element)
        case clear
    }

    public private(set) var store: [Tagged] = []
    public private(set) var context = CausalContext()

    public init() {}

    init(store: [Tagged], context: CausalContext) {
        self.store = store
        self.context = context
    }

    // MARK: Queries

    /// The present elements, sorted, each once.
    public var elements: [Element] {
        var out: [Element] = []
        for tagged in store where out.last != tagged.element { out.append(tagged.element) }
        return out
    }

    public func contains(_ element: Element) -> Bool {
        let index = lowerBound(store, element) { $0.element }
        return index < store.count && store[index].element == element
    }

    /// The dots currently tagging `element` (more than one after concurrent adds).
    public func dots(of element: Element) -> [Dot] {
        store[range(of: element)].map(\.dot)
    }

    private func range(of element: Element) -> Range<Int> {
        let start = lowerBound(store, element) { $0.element }
        var end = start
        while end < store.count && store[end].element == element { end += 1 }
        return start..<end
    }

    // MARK: Delta-mutators

    /// Adds `element` as `replica`. Delta: the new tagged element, and a context holding the
    /// new dot and the dots it supersedes (so the add also cleans up old tags elsewhere).
    @discardableResult
    public mutating func add(_ element: Element, replica: ReplicaID) -> ORSet {
        let dot = context.nextDot(for: replica)
        let span = range(of: element)
        let superseded = store[span].map(\.dot)
        let tagged = Tagged(element: element, dot: dot)
        store.replaceSubrange(span, with: [tagged])
        context.insert(dot)
        return ORSet(store: [tagged], context: CausalContext(dots: superseded + [dot]))
    }

    /// Adds every element of `elements` at once, in one linear pass over the store; the delta
    /// is the join of the single adds' deltas.
    @discardableResult
    public mutating func addAll(_ elements: [Element], replica: ReplicaID) -> ORSet {
        var unique: [Element] = []
        for element in elements.sorted() where unique.last != element { unique.append(element) }
        var fresh: [Tagged] = []
        fresh.reserveCapacity(unique.count)
        for element in unique {
            let dot = context.nextDot(for: replica)
            context.insert(dot)
            fresh.append(Tagged(element: element, dot: dot))
        }
        var kept: [Tagged] = []
        var superseded: [Dot] = []
        var next = 0
        for tagged in store {
            while next < unique.count && unique[next] < tagged.element { next += 1 }
            if next < unique.count && unique[next] == tagged.element {
                superseded.append(tagged.dot)
            } else {
                kept.append(tagged)
            }
        }
        store = sortedUnion(kept, fresh)
        return ORSet(store: fresh, context: CausalContext(dots: superseded + fresh.map(\.dot)))
    }

    /// Removes `element` as far as this replica has observed it. Delta: no elements, and a
    /// context holding the removed dots.
    @discardableResult
    public mutating func remove(_ element: Element) -> ORSet {
        let span = range(of: element)
        let removed = store[span].map(\.dot)
        store.removeSubrange(span)
        return ORSet(store: [], context: CausalContext(dots: removed))
    }

    /// Removes every observed element.
    @discardableResult
    public mutating func removeAll() -> ORSet {
        let removed = store.map(\.dot)
        store.removeAll()
        return ORSet(store: [], context: CausalContext(dots: removed))
    }

    public static func isRemoval(_ operation: Operation) -> Bool {
        if case .remove = operation { return true }
        return false
    }

    @discardableResult
    public mutating func apply(_ operation: Operation, replica: ReplicaID) -> ORSet {
        switch operation {
        case .add(let element): add(element, replica: replica)
        case .addAll(let elements): addAll(elements, replica: replica)
        case .remove(let element): remove(element)
        case .clear: removeAll()
        }
    }

    // MARK: Join

    public mutating func merge(_ other: ORSet) {
        let mine = store
        let theirs = other.store
        var out: [Tagged] = []
        out.reserveCapacity(max(mine.count, theirs.count))
        var i = 0
        var j = 0
        while i < mine.count && j < theirs.count {
            let a = mine[i]
            let b = theirs[j]
            // Elements compared once each way (a string comparison is the costly part).
            let aLess = a.element < b.element
            let sameElement = !aLess && !(b.element < a.element)
            if aLess || (sameElement && a.dot < b.dot) {
                if !other.context.contains(a.dot) { out.append(a) }
                i += 1
            } else if sameElement && a.dot == b.dot {
                out.append(a)
                i += 1
                j += 1
            } else {
                if !context.contains(b.dot) { out.append(b) }
                j += 1
            }
        }
        while i < mine.count {
            if !other.context.contains(mine[i].dot) { out.append(mine[i]) }
            i += 1
        }
        while j < theirs.count {
            if !context.contains(theirs[j].dot) { out.append(theirs[j]) }
            j += 1
        }
        store = out
        context.merge(other.context)
    }

    public static func == (a: ORSet, b: ORSet) -> Bool {
        a.context == b.context && a.store.elementsEqual(b.store) { $0.element == $1.element && $0.dot == $1.dot }
    }

    public var encodedSize: Int {
        store.reduce(context.encodedSize + WireSize.varint(UInt64(store.count))) {
            $0 + $1.element.encodedSize + $1.dot.encodedSize
        }
    }

    public var description: String {
        "{" + elements.map { "\($0)" }.joined(separator: ", ") + "}"
    }
}
