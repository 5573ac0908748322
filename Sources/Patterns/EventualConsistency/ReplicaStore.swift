/// One replica's key-value store under last-writer-wins, with the Merkle tree that
/// summarises it (Dynamo, DeCandia et al. 2007, §4.7; Cassandra's LWW cells).
///
/// The store only ever moves a key forward: `merge` keeps the larger version, and a local
/// write takes a timestamp past every one the replica has seen. That is the property the demo
/// checks live ("no replica goes backwards on a key").
///
/// Simplifications:
/// - A fixed key space `0..<keyCount` held in an array, so iteration order is the key order.
/// - The whole store is the durable state (a real replica writes a commit log and SSTables).

public struct ReplicaStore: Sendable {
    public private(set) var entries: [KVEntry?]
    public private(set) var tree: MerkleTree
    /// The hybrid clock: the largest timestamp this replica has issued or seen.
    public private(set) var clock: UInt64 = 0
    /// Deliberately broken merge, for proving that the checker catches a store that goes
    /// backwards. Never set outside tests and the checker's self-test.
    public var acceptsOlderVersions = false

    public init(keyCount: Int, treeDepth: Int, preloaded: Bool = false) {
        entries = preloaded ? ReplicaStore.initialData(keyCount: keyCount) : Array(repeating: nil, count: keyCount)
        tree = MerkleTree(depth: treeDepth, keyCount: keyCount)
        for key in entries.indices where entries[key] != nil { tree.touch(key: key) }
    }

    /// The data set every replica starts from when preloaded: each key at version (0, n0),
    /// as after a bulk load that all replicas took, so that the stores begin in sync.
    public static func initialData(keyCount: Int) -> [KVEntry?] {
        (0..<keyCount).map { KVEntry(key: $0, version: LWWVersion(timestamp: 0, replica: 0), value: 0) }
    }

    public var keyCount: Int { entries.count }

    /// A write accepted by this replica: stamped past everything the replica has seen.
    @discardableResult
    public mutating func write(key: Int, value: UInt64, replica: Int, physicalMicros: UInt64) -> KVEntry {
        clock = max(physicalMicros, clock + 1)
        let entry = KVEntry(key: key, version: LWWVersion(timestamp: clock, replica: replica), value: value)
        entries[key] = entry
        tree.touch(key: key)
        return entry
    }

    /// Applies a remote entry if it is newer. Returns true when the store changed.
    @discardableResult
    public mutating func merge(_ entry: KVEntry) -> Bool {
        clock = max(clock, entry.version.timestamp)
        if let current = entries[entry.key], current.version >= entry.version {
            guard acceptsOlderVersions, current.version != entry.version else { return false }
        }
        entries[entry.key] = entry
        tree.touch(key: entry.key)
        return true
    }

    /// The versions held in `keys`, absent keys left out.
    public func versions(in keys: Range<Int>) -> [KeyVersion] {
        keys.compactMap { key in entries[key].map { KeyVersion(key: key, version: $0.version) } }
    }

    /// Compares a peer's versions of `keys` with ours: what we must send (ours is newer or the
    /// peer lacks it) and what we must ask for (theirs is newer or we lack it).
    public func diff(peerVersions: [KeyVersion], over keys: Range<Int>)
        -> (send: [KVEntry], pull: [Int])
    {
        var theirs: [LWWVersion?] = Array(repeating: nil, count: keys.count)
        for kv in peerVersions where keys.contains(kv.key) { theirs[kv.key - keys.lowerBound] = kv.version }
        var send: [KVEntry] = []
        var pull: [Int] = []
        for key in keys {
            let mine = entries[key]
            let other = theirs[key - keys.lowerBound]
            switch (mine, other) {
            case let (m?, o?) where m.version > o: send.append(m)
            case let (m?, o?) where m.version < o: pull.append(key)
            case let (m?, nil): send.append(m)
            case (nil, _?): pull.append(key)
            default: break
            }
        }
        return (send, pull)
    }

    /// The tree with every hash current.
    public mutating func freshTree() -> MerkleTree {
        tree.refresh(entries)
        return tree
    }

    /// Number of keys that hold a value.
    public var filledKeys: Int { entries.reduce(0) { $0 + ($1 == nil ? 0 : 1) } }
}
