import Simulation

/// A versioned range-sharding routing table, as kept by Bigtable's METADATA tablets (Chang et
/// al., OSDI 2006, §5.1), MongoDB's config servers (chunk map with a collection version) and
/// CockroachDB's meta ranges: contiguous key ranges, each owned by one node, the whole
/// covering the key space exactly; every change (split, move) makes a new version.
///
/// Simplifications:
/// - Integer keys in `0..<keySpace`; one replica per shard (no Raft group per range).
public struct RoutingTable: Equatable, Sendable {
    public struct Entry: Equatable, Sendable {
        public var shard: Int
        public var low: Int
        public var high: Int
        public var owner: NodeID

        public func contains(_ key: Int) -> Bool { low <= key && key < high }
        public var rangeText: String { "[\(low),\(high))" }
    }

    public private(set) var version: Int
    public private(set) var entries: [Entry]
    public let keySpace: Int
    public private(set) var nextShard: Int

    /// `shards` equal ranges, shard i on `owners[i % owners.count]`.
    public init(keySpace: Int, shards: Int, owners: [NodeID]) {
        precondition(shards > 0 && keySpace >= shards && !owners.isEmpty)
        self.keySpace = keySpace
        version = 1
        entries = (0..<shards).map { i in
            Entry(shard: i, low: keySpace * i / shards, high: keySpace * (i + 1) / shards, owner: owners[i % owners.count])
        }
        nextShard = shards
    }

    /// The entry holding `key`, by binary search over the sorted ranges.
    public func entry(for key: Int) -> Entry? {
        var low = 0, high = entries.count
        while low < high {
            let mid = (low + high) / 2
            if entries[mid].high <= key { low = mid + 1 } else { high = mid }
        }
        return low < entries.count && entries[low].contains(key) ? entries[low] : nil
    }

    public func owner(of key: Int) -> NodeID? { entry(for: key)?.owner }

    public func entry(shard: Int) -> Entry? { entries.first { $0.shard == shard } }

    /// Splits `shard` at `key` into `[low, key)` (keeps the id) and `[key, high)` (a new id).
    @discardableResult
    public mutating func split(shard: Int, at key: Int) -> Int? {
        guard let index = entries.firstIndex(where: { $0.shard == shard }),
              entries[index].low < key, key < entries[index].high else { return nil }
        var right = entries[index]
        right.shard = nextShard
        right.low = key
        entries[index].high = key
        entries.insert(right, at: index + 1)
        nextShard += 1
        version += 1
        return right.shard
    }

    public mutating func move(shard: Int, to owner: NodeID) {
        guard let index = entries.firstIndex(where: { $0.shard == shard }) else { return }
        entries[index].owner = owner
        version += 1
    }

    /// Why the table is malformed (a gap, an overlap, out of order), or nil.
    public func problem() -> String? {
        var expected = 0
        for entry in entries {
            if entry.low != expected {
                return "shard \(entry.shard) \(entry.rangeText) starts at \(entry.low), expected \(expected)"
            }
            if entry.high <= entry.low { return "shard \(entry.shard) is empty" }
            expected = entry.high
        }
        return expected == keySpace ? nil : "ranges end at \(expected), key space is \(keySpace)"
    }
}
