/// The contract every state-based CRDT here meets: its states form a join-semilattice and
/// `merge` computes the least upper bound (Shapiro, Preguiça, Baquero & Zawirski 2011,
/// "A comprehensive study of Convergent and Commutative Replicated Data Types", §2.2,
/// Definition 2.4 "CvRDT"). Mutators are delta-mutators in the sense of Almeida, Shoker &
/// Baquero 2018, "Delta state replicated data types", §3: each returns a (small) state `d`
/// such that applying the mutator equals joining `d`, so a replica can ship `d` instead of the
/// whole state.
///
/// Simplifications:
/// - The wire format is an estimate, not a real codec: `encodedSize` counts LEB128 varints for
///   integers and length-prefixed UTF-8 for text, which is what a compact binary encoding
///   (protobuf, CBOR) would spend. It is deterministic, so byte counts can be compared.
/// - Replica identifiers are small integers (the simulator's node ids).

/// A replica's identity: the simulator's node id.
public typealias ReplicaID = Int

/// A join-semilattice. `merge` must be commutative, associative and idempotent, and a state
/// must only ever grow: after `a.merge(b)`, `a` is an upper bound of the old `a` and `b`.
public protocol StateCRDT: Equatable {
    /// Joins `other` into `self` (least upper bound).
    mutating func merge(_ other: Self)
    /// Bytes this state would take on the wire (see the header's note on the estimate).
    var encodedSize: Int { get }
}

extension StateCRDT {
    /// The join of two states, leaving both untouched.
    public func merging(_ other: Self) -> Self {
        var copy = self
        copy.merge(other)
        return copy
    }

    /// True when `self` is an inflation of `earlier` (`earlier ⊑ self`), i.e. joining the
    /// earlier state changes nothing. This is how the lattice order is tested without a
    /// separate `<=`: `a ⊑ b ⟺ a ⊔ b = b`.
    public func isInflation(of earlier: Self) -> Bool {
        merging(earlier) == self
    }
}

/// A CRDT the demo can replicate: it has a bottom element (the empty replica) and one entry
/// point for every kind of update, which returns the delta of that update.
public protocol ReplicatedData: StateCRDT {
    /// An update, as a client issues it.
    associatedtype Operation
    /// The bottom of the lattice: a replica that has seen nothing.
    init()
    /// Applies `operation` as replica `replica` and returns its delta.
    @discardableResult
    mutating func apply(_ operation: Operation, replica: ReplicaID) -> Self
    /// Whether `operation` removes something: what the deliberately broken remove-wins
    /// replica replays after a merge (`Replica.replaysRemovals`).
    static func isRemoval(_ operation: Operation) -> Bool
}

extension ReplicatedData {
    public static func isRemoval(_ operation: Operation) -> Bool { false }
}

/// Values that can say how many bytes they take on the wire.
public protocol WireSized {
    var encodedSize: Int { get }
}

/// Sizes of the primitive encodings the estimates are built from.
public enum WireSize {
    /// LEB128: seven bits per byte.
    public static func varint(_ value: UInt64) -> Int {
        var bytes = 1
        var rest = value >> 7
        while rest != 0 {
            bytes += 1
            rest >>= 7
        }
        return bytes
    }

    public static func varint(_ value: Int) -> Int {
        varint(UInt64(truncatingIfNeeded: value < 0 ? ~(value << 1) : value << 1))
    }

    /// A length-prefixed UTF-8 string.
    public static func text(_ value: String) -> Int {
        let count = value.utf8.count
        return varint(UInt64(count)) + count
    }
}

extension Int: WireSized {
    public var encodedSize: Int { WireSize.varint(self) }
}

extension UInt64: WireSized {
    public var encodedSize: Int { WireSize.varint(self) }
}

extension String: WireSized {
    public var encodedSize: Int { WireSize.text(self) }
}

/// Merges two arrays sorted by `<` into one sorted array without duplicates. The workhorse of
/// every set-like join here: linear, and no hashing (so no per-process order to leak).
@inlinable
func sortedUnion<T: Comparable>(_ a: [T], _ b: [T]) -> [T] {
    if a.isEmpty { return b }
    if b.isEmpty { return a }
    var out: [T] = []
    out.reserveCapacity(max(a.count, b.count))
    var i = 0
    var j = 0
    while i < a.count && j < b.count {
        if a[i] < b[j] {
            out.append(a[i]); i += 1
        } else if b[j] < a[i] {
            out.append(b[j]); j += 1
        } else {
            out.append(a[i]); i += 1; j += 1
        }
    }
    out.append(contentsOf: a[i...])
    out.append(contentsOf: b[j...])
    return out
}

/// The index of the first element of sorted `items` not below `key` (by `key(of:)`).
@inlinable
func lowerBound<T, K: Comparable>(_ items: [T], _ key: K, by keyOf: (T) -> K) -> Int {
    var low = 0
    var high = items.count
    while low < high {
        let mid = (low + high) / 2
        if keyOf(items[mid]) < key { low = mid + 1 } else { high = mid }
    }
    return low
}
