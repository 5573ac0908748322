/// The Replicated Growable Array, a sequence CRDT for text (Roh, Jeon, Kim & Lee 2011,
/// "Replicated abstract data types: building blocks for collaborative applications", §4),
/// in its state-based tree form (Attiya, Burckhardt, Gotsman, Morrison, Yang & Zawirski 2016,
/// "Specification and complexity of collaborative text editing", §5; the same shape as
/// Grishchenko's causal tree). Every character gets a unique id, a Lamport timestamp
/// (counter, replica), and remembers the id of the character it was typed after (its
/// origin). The document is the depth-first walk of the tree of origins, siblings taken
/// newest first. Deletion marks an id as removed (a tombstone) so that later inserts that
/// reference it still find their place.
///
/// The state is two grow-only sets (the inserted characters and the removed ids), so the join
/// is union and the order is set inclusion; the text is a function of the state alone, which
/// is why every replica that has the same state shows the same text.
///
/// Why siblings newest first: a replica that types "abc" puts b after a and c after b, each
/// with a larger timestamp than anything it had seen, so its run stays contiguous and ahead of
/// any older concurrent insert at the same place. Concurrent runs at one position therefore
/// never interleave character by character; they are ordered by their first timestamps.
///
/// Simplifications:
/// - Tombstones are kept forever; discarding them safely needs causal stability (every
///   replica has seen the delete), which needs membership. The demo reports their count.
/// - The text is rebuilt from the tree on each read, O(n log n); fine for notes.
public struct RGA: ReplicatedData, CustomStringConvertible {
    /// A Lamport timestamp: unique per inserted character, totally ordered.
    public struct ID: Comparable, Hashable, Sendable, CustomStringConvertible {
        public var counter: UInt64
        public var replica: ReplicaID

        public init(_ counter: UInt64, _ replica: ReplicaID) {
            self.counter = counter
            self.replica = replica
        }

        public static func < (a: ID, b: ID) -> Bool {
            a.counter != b.counter ? a.counter < b.counter : a.replica < b.replica
        }

        var encodedSize: Int { WireSize.varint(counter) + WireSize.varint(replica) }
        public var description: String { "\(counter).n\(replica)" }
    }

    /// One inserted character.
    public struct Atom: Comparable {
        public var id: ID
        /// The character it was typed after; nil for the start of the document.
        public var origin: ID?
        public var character: Character

        public static func < (a: Atom, b: Atom) -> Bool { a.id < b.id }
        public static func == (a: Atom, b: Atom) -> Bool { a.id == b.id }
    }

    public enum Operation: Equatable {
        /// Type `text` so that it starts at visible position `at` (0: the start).
        case insert(String, at: Int)
        /// Delete `count` visible characters starting at visible position `at`.
        case delete(at: Int, count: Int)
    }

    /// Every character ever inserted, sorted by id.
    public private(set) var atoms: [Atom] = []
    /// The ids of deleted characters, sorted.
    public private(set) var removed: [ID] = []

    public init() {}

    init(atoms: [Atom], removed: [ID]) {
        self.atoms = atoms
        self.removed = removed
    }

    // MARK: Reading

    /// The visible characters' ids, in document order.
    public var visibleIDs: [ID] { documentOrder().filter { !isRemoved($0.id) }.map(\.id) }

    public var text: String {
        String(documentOrder().lazy.filter { !self.isRemoved($0.id) }.map(\.character))
    }

    public var tombstoneCount: Int { removed.count }

    func isRemoved(_ id: ID) -> Bool {
        let index = lowerBound(removed, id) { $0 }
        return index < removed.count && removed[index] == id
    }

    /// The depth-first walk of the origin tree, children newest first. Atoms whose origin
    /// has not arrived yet (possible only mid-gossip with out-of-order deltas) are hidden
    /// until it does.
    func documentOrder() -> [Atom] {
        // Children of each origin, newest first: sort by (origin, id descending).
        let byParent = atoms.sorted { a, b in
            if a.origin != b.origin {
                guard let ao = a.origin else { return true }
                guard let bo = b.origin else { return false }
                return ao < bo
            }
            return b.id < a.id
        }
        var out: [Atom] = []
        out.reserveCapacity(atoms.count)
        var stack: [Atom] = children(of: nil, in: byParent).reversed()
        while let atom = stack.popLast() {
            out.append(atom)
            stack.append(contentsOf: children(of: atom.id, in: byParent).reversed())
        }
        return out
    }

    private func children(of parent: ID?, in byParent: [Atom]) -> ArraySlice<Atom> {
        let start: Int
        if let parent {
            start = lowerBound(byParent, parent) { $0.origin ?? ID(0, Int.min) }
        } else {
            start = 0
        }
        var end = start
        while end < byParent.count && byParent[end].origin == parent { end += 1 }
        return byParent[start..<end]
    }

    // MARK: Delta-mutators

    /// Types `text` at visible position `position` as `replica`. Delta: the new atoms.
    @discardableResult
    public mutating func insert(_ text: String, at position: Int, replica: ReplicaID) -> RGA {
        let visible = visibleIDs
        let clamped = min(max(position, 0), visible.count)
        var origin: ID? = clamped == 0 ? nil : visible[clamped - 1]
        var clock = atoms.last?.id.counter ?? 0
        var fresh: [Atom] = []
        for character in text {
            clock += 1
            let atom = Atom(id: ID(clock, replica), origin: origin, character: character)
            fresh.append(atom)
            origin = atom.id
        }
        atoms = sortedUnion(atoms, fresh)
        return RGA(atoms: fresh, removed: [])
    }

    /// Deletes `count` visible characters from `position`. Delta: their ids.
    @discardableResult
    public mutating func delete(at position: Int, count: Int, replica: ReplicaID) -> RGA {
        let visible = visibleIDs
        let start = min(max(position, 0), visible.count)
        let end = min(start + max(count, 0), visible.count)
        let gone = visible[start..<end].sorted()
        removed = sortedUnion(removed, gone)
        return RGA(atoms: [], removed: gone)
    }

    @discardableResult
    public mutating func apply(_ operation: Operation, replica: ReplicaID) -> RGA {
        switch operation {
        case let .insert(text, at): insert(text, at: at, replica: replica)
        case let .delete(at, count): delete(at: at, count: count, replica: replica)
        }
    }

    public mutating func merge(_ other: RGA) {
        atoms = sortedUnion(atoms, other.atoms)
        removed = sortedUnion(removed, other.removed)
    }

    public static func == (a: RGA, b: RGA) -> Bool {
        a.removed == b.removed && a.atoms.elementsEqual(b.atoms) { $0.id == $1.id }
    }

    public var encodedSize: Int {
        let atomBytes = atoms.reduce(WireSize.varint(UInt64(atoms.count))) {
            $0 + $1.id.encodedSize + 1 + ($1.origin?.encodedSize ?? 0) + String($1.character).utf8.count
        }
        return removed.reduce(atomBytes + WireSize.varint(UInt64(removed.count))) { $0 + $1.encodedSize }
    }

    public var description: String { "\"\(text)\"" }
}
