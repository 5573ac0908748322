import Simulation

/// One memcached-like cache server: an LRU with TTL, and optionally leases (Nishtala et al.,
/// "Scaling Memcache at Facebook", NSDI 2013, §3.2.1). A lease is a token handed to the first
/// client that misses on a key; only a set carrying the live token is accepted, and a delete
/// invalidates it. That one mechanism solves both problems of look-aside caching:
/// - stale sets: a fill that read the store before a write is rejected, because the write's
///   delete invalidated its token;
/// - thundering herds: while a lease is out, other clients that miss are told to wait and retry
///   instead of all going to the store (request coalescing across clients).
///
/// Simplifications:
/// - Memcache hands out one lease per key per 10 s; here a lease is simply exclusive until it is
///   used, invalidated, or `leaseTimeout` passes (a crashed filler must not block the key).
/// - Tokens carry the server's boot epoch, so a set sent before a crash is rejected after it.
/// - No stale-value return to waiting clients (memcache's optional "stale gets").
public struct CacheServer: Sendable {
    /// What a cached entry holds: the store version, and ghost fields the checker reads (when the
    /// filler read the store, when the entry was filled).
    public struct Entry: Sendable, Equatable {
        public var version: Int
        public var readAt: SimTime
        public var filledAt: SimTime
    }

    public enum Lookup: Sendable, Equatable {
        case hit(Entry)
        /// Go to the store; fill with this token (nil when leases are off).
        case miss(token: UInt64?)
        /// Someone else is filling the key: retry shortly.
        case wait
    }

    public let ttl: SimDuration
    public let leases: Bool
    public let leaseTimeout: SimDuration
    public private(set) var lru: LRUCache<Entry>
    private var leaseOf: [Int: (token: UInt64, issued: SimTime)] = [:]
    private var nextToken: UInt64
    public private(set) var rejectedSets = 0

    public init(capacity: Int, ttl: SimDuration, leases: Bool, leaseTimeout: SimDuration, epoch: UInt64) {
        self.ttl = ttl
        self.leases = leases
        self.leaseTimeout = leaseTimeout
        lru = LRUCache(capacity: capacity)
        nextToken = epoch << 32
    }

    public mutating func get(_ key: Int, now: SimTime) -> Lookup {
        if let entry = lru.get(key, now: now) { return .hit(entry) }
        guard leases else { return .miss(token: nil) }
        if let lease = leaseOf[key], now - lease.issued < leaseTimeout { return .wait }
        nextToken += 1
        leaseOf[key] = (nextToken, now)
        return .miss(token: nextToken)
    }

    /// A fill after a miss. Returns false when the set is refused (lease gone or mismatched).
    @discardableResult
    public mutating func set(_ key: Int, version: Int, token: UInt64?, readAt: SimTime, now: SimTime) -> Bool {
        if leases {
            guard let token, let lease = leaseOf[key], lease.token == token else {
                rejectedSets += 1
                return false
            }
            leaseOf[key] = nil
        }
        lru.put(key, Entry(version: version, readAt: readAt, filledAt: now), expires: now + ttl)
        return true
    }

    /// Invalidation after a write: drop the entry and any lease on the key.
    public mutating func delete(_ key: Int) {
        lru.remove(key)
        leaseOf[key] = nil
    }
}
