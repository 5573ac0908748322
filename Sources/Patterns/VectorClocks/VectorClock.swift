/// Vector clocks: the partial order of events in a distributed system, exactly.
/// Lamport, "Time, Clocks, and the Ordering of Events in a Distributed System" (CACM 1978)
/// defines happens-before; Fidge, "Timestamps in Message-Passing Systems That Preserve the
/// Partial Ordering" (1988) and Mattern, "Virtual Time and Global States of Distributed
/// Systems" (1989, §4) give the vector that characterises it: a → b iff V(a) < V(b).
/// Dynamo (DeCandia et al., SOSP 2007, §4.4) uses the same structure as a version vector.
///
/// A clock is a sparse map node → counter. An entry that is absent means zero, on *both*
/// sides of every comparison: a clock that has never heard of node k is behind one that has
/// seen k's first event, not incomparable with it. Zero counters are never stored, so two
/// clocks that mean the same thing are also `==` and hash alike.
///
/// Simplifications:
/// - Entries are never pruned. Dynamo truncates the oldest entries past a threshold (§4.4),
///   which can make it report a false conflict; a demo-sized cluster never needs it.
/// - Node identities are simulator `NodeID`s rather than opaque server names.
import Simulation

public struct VectorClock: Hashable, Sendable, CustomStringConvertible, ExpressibleByDictionaryLiteral {
    public struct Entry: Hashable, Sendable {
        public let node: NodeID
        public let counter: UInt64
    }

    /// Sorted by node, no zero counters.
    public private(set) var entries: [Entry]

    public init() { entries = [] }

    public init(_ counters: [(NodeID, UInt64)]) {
        entries = []
        for (node, counter) in counters { self[node] = max(self[node], counter) }
    }

    public init(dictionaryLiteral elements: (NodeID, UInt64)...) { self.init(elements) }

    /// The counter of `node`; zero when the clock has no entry for it.
    public subscript(node: NodeID) -> UInt64 {
        get {
            guard let index = position(of: node) else { return 0 }
            return entries[index].counter
        }
        set {
            let at = insertionIndex(of: node)
            let present = at < entries.count && entries[at].node == node
            switch (present, newValue) {
            case (true, 0): entries.remove(at: at)
            case (true, _): entries[at] = Entry(node: node, counter: newValue)
            case (false, 0): break
            case (false, _): entries.insert(Entry(node: node, counter: newValue), at: at)
            }
        }
    }

    /// Records one local event (or a send) at `node`.
    public mutating func increment(_ node: NodeID) { self[node] += 1 }

    public func incremented(_ node: NodeID) -> VectorClock {
        var copy = self
        copy.increment(node)
        return copy
    }

    /// The least upper bound: the pointwise maximum.
    public mutating func merge(_ other: VectorClock) { self = merged(with: other) }

    public func merged(with other: VectorClock) -> VectorClock {
        let a = entries, b = other.entries
        var result: [Entry] = []
        result.reserveCapacity(max(a.count, b.count))
        var i = 0, j = 0
        while i < a.count && j < b.count {
            if a[i].node < b[j].node {
                result.append(a[i]); i += 1
            } else if b[j].node < a[i].node {
                result.append(b[j]); j += 1
            } else {
                result.append(Entry(node: a[i].node, counter: max(a[i].counter, b[j].counter)))
                i += 1; j += 1
            }
        }
        result += a[i...]
        result += b[j...]
        var clock = VectorClock()
        clock.entries = result
        return clock
    }

    /// How `self` relates to `other` in the happens-before order. Walks the union of both
    /// clocks' nodes, reading an absent entry as zero on either side.
    public func compare(_ other: VectorClock) -> CausalOrder {
        let a = entries, b = other.entries
        var less = false, greater = false
        var i = 0, j = 0
        while i < a.count && j < b.count {
            if a[i].node < b[j].node {
                greater = true; i += 1          // other reads this node as zero
            } else if b[j].node < a[i].node {
                less = true; j += 1             // self reads this node as zero
            } else {
                if a[i].counter < b[j].counter { less = true }
                if a[i].counter > b[j].counter { greater = true }
                i += 1; j += 1
            }
        }
        // Entries left on one side only are positive counters the other side reads as zero.
        if i < a.count { greater = true }
        if j < b.count { less = true }
        switch (less, greater) {
        case (false, false): return .equal
        case (true, false): return .before
        case (false, true): return .after
        case (true, true): return .concurrent
        }
    }

    /// `self` → `other`: strictly earlier in the happens-before order.
    public func happenedBefore(_ other: VectorClock) -> Bool { compare(other) == .before }

    /// `self` ≥ `other` pointwise: `self` has seen everything `other` has (or is equal).
    public func dominates(_ other: VectorClock) -> Bool {
        let order = compare(other)
        return order == .after || order == .equal
    }

    public func isConcurrent(with other: VectorClock) -> Bool { compare(other) == .concurrent }

    /// The sum of all counters: how many events the clock has seen.
    public var total: UInt64 { entries.reduce(0) { $0 + $1.counter } }

    /// `{n0:2 n3:1}`, nodes in ascending order.
    public var description: String {
        "{" + entries.map { "n\($0.node):\($0.counter)" }.joined(separator: " ") + "}"
    }

    /// `[2,0,0,1]`: the textbook dense form for a cluster of `count` nodes.
    public func dense(count: Int) -> String {
        "[" + (0..<count).map { String(self[$0]) }.joined(separator: ",") + "]"
    }

    private func position(of node: NodeID) -> Int? {
        let at = insertionIndex(of: node)
        return at < entries.count && entries[at].node == node ? at : nil
    }

    private func insertionIndex(of node: NodeID) -> Int {
        var low = 0, high = entries.count
        while low < high {
            let mid = (low + high) / 2
            if entries[mid].node < node { low = mid + 1 } else { high = mid }
        }
        return low
    }
}

/// The four ways two events can relate.
public enum CausalOrder: String, Sendable, CaseIterable {
    /// The left clock happened before the right one.
    case before
    case after
    case equal
    /// Neither saw the other: the events are concurrent.
    case concurrent

    public var inverse: CausalOrder {
        switch self {
        case .before: .after
        case .after: .before
        case .equal, .concurrent: self
        }
    }
}
