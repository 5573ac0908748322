import Simulation

/// The invariants of the sharding demo, checked after every simulator step and at the end:
/// - every routing version the placement service commits covers the key space exactly, with
///   no overlap and no gap;
/// - no key is served by two nodes at once: the ranges the nodes answer for (owned at their
///   own version, not frozen) never overlap;
/// - a node only answers for a key it owns at its version;
/// - no acknowledged write is lost: per key, no version is acknowledged twice with different
///   values; a read returns at least the newest write acknowledged before the read began; a
///   destination that starts serving a range holds every acknowledged write in it; and at the
///   end each key's owner holds its newest acknowledged write.
///
/// Simplifications:
/// - Ground truth is the acknowledgements clients received, in simulator order.
struct ShardingChecker {
    let config: ShardingConfig
    /// Per key: (time acknowledged, version, value) for every acknowledged write, in order.
    var acked: [[(time: SimTime, version: Int, value: Int)]]
    var versionsChecked = 0
    var failure: (invariant: String, detail: String)?

    init(config: ShardingConfig) {
        self.config = config
        acked = Array(repeating: [], count: config.keySpace)
    }

    private mutating func fail(_ invariant: String, _ detail: String) {
        if failure == nil { failure = (invariant, detail) }
    }

    mutating func observe(history: [RoutingTable]) {
        while versionsChecked < history.count {
            let table = history[versionsChecked]
            versionsChecked += 1
            if let problem = table.problem() {
                fail("routing versions partition the key space", "version \(table.version): \(problem)")
            }
        }
    }

    /// No two nodes answer for the same key at the same moment.
    mutating func observe(serving: [(node: NodeID, low: Int, high: Int)]) {
        let sorted = serving.sorted { $0.low < $1.low || ($0.low == $1.low && $0.node < $1.node) }
        for (a, b) in zip(sorted, sorted.dropFirst()) where b.low < a.high {
            fail("no key served by two shards at once", "n\(a.node) serves [\(a.low),\(a.high)) while n\(b.node)"
                + " serves [\(b.low),\(b.high))")
        }
    }

    mutating func served(key: Int, by node: StorageNode) {
        if !node.serves(key) {
            fail("a node serves only keys it owns", "n\(node.id) answered for key \(key), which it does not own"
                + " unfrozen at its version \(node.table.version)")
        }
    }

    mutating func completed(key: Int, _ operation: Operation, _ result: OpResult, issued: SimTime, now: SimTime) {
        switch (operation, result) {
        case let (.put(value), .written(version)):
            if let same = acked[key].first(where: { $0.version == version }), same.value != value {
                fail("no acknowledged write lost", "key \(key) version \(version) acknowledged for value \(same.value)"
                    + " and again for \(value): one of them was lost")
            }
            acked[key].append((now, version, value))
        case let (.get, .value(item)):
            let before = acked[key].filter { $0.time <= issued }.map(\.version).max() ?? 0
            if (item?.version ?? 0) < before {
                fail("no acknowledged write lost", "key \(key) read version \(item?.version ?? 0) although version"
                    + " \(before) was acknowledged before the read began")
            }
        default: break
        }
    }

    /// A node that starts serving a range must hold every write acknowledged in it.
    mutating func activated(low: Int, high: Int, on node: StorageNode) {
        for key in low..<high {
            guard let newest = acked[key].max(by: { $0.version < $1.version }) else { continue }
            let held = node.store[key]?.version ?? 0
            if held < newest.version {
                fail("no acknowledged write lost", "n\(node.id) starts serving key \(key) at version \(held), but"
                    + " version \(newest.version) was acknowledged")
                return
            }
        }
    }

    /// The end: every key's owner holds its newest acknowledged write.
    mutating func finish(table: RoutingTable, nodes: [NodeID: StorageNode]) -> (keys: Int, writes: Int) {
        var keys = 0, writes = 0
        for key in 0..<config.keySpace {
            guard let newest = acked[key].max(by: { $0.version < $1.version }) else { continue }
            keys += 1
            writes += acked[key].count
            guard let owner = table.owner(of: key), let node = nodes[owner] else { continue }
            let held = node.store[key]
            if held == nil || held!.version < newest.version
                || (held!.version == newest.version && held!.value != newest.value) {
                fail("no acknowledged write lost", "key \(key): n\(owner) holds \(held.map { "v\($0.version)" } ?? "nothing")"
                    + ", newest acknowledged is v\(newest.version)")
                break
            }
        }
        return (keys, writes)
    }
}
