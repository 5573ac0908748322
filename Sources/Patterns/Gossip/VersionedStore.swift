/// The key-value map that members keep consistent by push-pull anti-entropy (Demers et al.,
/// "Epidemic algorithms for replicated database maintenance", PODC 1987, §1.3: anti-entropy
/// by periodic full-state exchange with a random peer; Cassandra's and memberlist's push-pull
/// state sync work the same way). Each key carries a version; the higher version wins, ties go
/// to the higher writer id (then value), so merging is commutative, associative and idempotent.
///
/// Simplifications:
/// - Keys and values are small integers; the store is a sorted array (a few keys), exchanged
///   whole. Writes are local and volatile: a member that crashes before an exchange loses them.
import Simulation

public struct VersionedEntry: Equatable, Sendable, CustomStringConvertible {
    public var key: Int
    public var value: Int
    public var version: UInt64
    public var writer: NodeID

    public init(key: Int, value: Int, version: UInt64, writer: NodeID) {
        self.key = key
        self.value = value
        self.version = version
        self.writer = writer
    }

    /// A total order, so that merging commutes even if a restarted writer (whose writes are
    /// volatile) ever reused a version: version, then writer, then value.
    func supersedes(_ other: VersionedEntry) -> Bool {
        (version, writer, value) > (other.version, other.writer, other.value)
    }

    public var description: String { "k\(key)=\(value)@v\(version)" }
}

public struct VersionedStore: Equatable, Sendable {
    /// Sorted by key.
    public private(set) var entries: [VersionedEntry] = []

    public init(entries: [VersionedEntry] = []) {
        for entry in entries { _ = merge(entry) }
    }

    public func entry(_ key: Int) -> VersionedEntry? {
        entries.first { $0.key == key }
    }

    /// A local write: one version past the newest this member has seen for the key.
    public mutating func put(key: Int, value: Int, writer: NodeID) -> VersionedEntry {
        let entry = VersionedEntry(key: key, value: value, version: (entry(key)?.version ?? 0) + 1, writer: writer)
        _ = merge(entry)
        return entry
    }

    /// Merges one entry; true when it changed the store.
    public mutating func merge(_ incoming: VersionedEntry) -> Bool {
        guard let index = entries.firstIndex(where: { $0.key >= incoming.key }) else {
            entries.append(incoming)
            return true
        }
        if entries[index].key != incoming.key {
            entries.insert(incoming, at: index)
            return true
        }
        guard incoming.supersedes(entries[index]) else { return false }
        entries[index] = incoming
        return true
    }

    /// Merges a whole remote state; returns how many keys changed.
    public mutating func merge(_ remote: VersionedStore) -> Int {
        remote.entries.reduce(0) { $0 + (merge($1) ? 1 : 0) }
    }
}
