import Simulation

/// Checks what a look-aside cache promises about freshness, from the outside: every completed
/// write and every completed read, in the order they complete.
///
/// A read is stale when a write of a newer version had completed (store updated and cache
/// invalidated) before the read began. Then:
/// - with leases, or without a cache, no read may be stale (leases refuse the stale set);
/// - plain look-aside may serve a stale hit, left by a fill that read the store before a racing
///   write and set the cache after that write's delete; the entry lives `ttl` after the fill,
///   so the staleness (read start minus the newer write's completion) must stay below
///   `ttl + (filledAt - readAt)`: the TTL bound plus the filler's own lag.
///
/// Simplifications: the checker trusts the ghost fields (`readAt`, `filledAt`) the cache stores
/// beside each entry; real systems cannot observe them, a simulator can.
public struct FreshnessChecker: Sendable {
    public let ttl: SimDuration
    public let strict: Bool
    /// Per key, completed writes in completion order: (time, highest version completed so far).
    private var completed: [[(at: SimTime, maxVersion: Int)]]
    public private(set) var staleReads = 0
    public private(set) var maxStaleness = SimDuration.zero
    public private(set) var checkedReads = 0

    public init(keys: Int, ttl: SimDuration, strict: Bool) {
        self.ttl = ttl
        self.strict = strict
        completed = Array(repeating: [], count: keys)
    }

    public mutating func writeCompleted(key: Int, version: Int, at now: SimTime) {
        let highest = max(version, completed[key].last?.maxVersion ?? 0)
        completed[key].append((now, highest))
    }

    /// Checks one completed read; returns what is wrong, if anything.
    public mutating func readCompleted(key: Int, version: Int, start: SimTime,
                                       entry: CacheServer.Entry?) -> String? {
        checkedReads += 1
        // The first write, completed before the read began, that is newer than what was read.
        guard let newer = completed[key].first(where: { $0.maxVersion > version }), newer.at < start else {
            return nil
        }
        let staleness = start - newer.at
        staleReads += 1
        maxStaleness = max(maxStaleness, staleness)
        let detail = "key \(key): read began \(staleness) after v\(newer.maxVersion) was written and"
            + " invalidated, yet returned v\(version)"
        guard let entry, !strict else { return detail }
        let bound = ttl + (entry.filledAt - entry.readAt)
        guard staleness < bound else {
            return detail + " from a cache entry filled at \(entry.filledAt), past the TTL bound \(bound)"
        }
        return nil
    }
}
