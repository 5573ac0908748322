/// The multi-value register (Shapiro et al. 2011, §3.2.2, Specification 10; Dynamo's
/// "siblings", DeCandia et al. 2007 §4.4): each value carries the version vector of its
/// write. A write supersedes every value it has seen; the join keeps every value not strictly
/// dominated by another, so concurrent writes survive side by side until someone overwrites
/// them all.
///
/// Simplifications:
/// - Version vectors rather than dots plus a causal context (Almeida et al. 2018, §6.3): a
///   little larger on the wire, but it is the specification the paper states.
/// - The delta of a write is the new state itself, one entry; the register is small.
public struct MVRegister<Value: Comparable & WireSized>: ReplicatedData, CustomStringConvertible {
    public struct Entry: Comparable {
        public var value: Value
        public var version: VersionVector

        public static func < (a: Entry, b: Entry) -> Bool {
            a.version != b.version ? a.version < b.version : a.value < b.value
        }
    }

    /// An antichain under version-vector order, sorted so that equal states are equal arrays.
    public private(set) var entries: [Entry] = []

    public init() {}

    /// The concurrent values, in a deterministic order.
    public var values: [Value] { entries.map(\.value).sorted() }

    /// Everything this register has seen: the join of its entries' vectors.
    public var context: VersionVector {
        entries.reduce(into: VersionVector()) { $0.merge($1.version) }
    }

    @discardableResult
    public mutating func assign(_ value: Value, replica: ReplicaID) -> MVRegister {
        var version = context
        version.increment(replica)
        entries = [Entry(value: value, version: version)]
        return self
    }

    @discardableResult
    public mutating func apply(_ value: Value, replica: ReplicaID) -> MVRegister {
        assign(value, replica: replica)
    }

    public mutating func merge(_ other: MVRegister) {
        let union = sortedUnion(entries, other.entries)
        entries = union.filter { candidate in
            !union.contains { candidate.version.happenedBefore($0.version) }
        }
    }

    public var encodedSize: Int {
        entries.reduce(WireSize.varint(UInt64(entries.count))) {
            $0 + $1.value.encodedSize + $1.version.encodedSize
        }
    }

    public var description: String {
        entries.isEmpty ? "⊥" : "{" + entries.map { "\($0.value)\($0.version)" }.joined(separator: ", ") + "}"
    }
}
