import Simulation

/// A bounded LRU map with per-entry expiry, O(1) for every operation: a dictionary from key to
/// slot, and an intrusive doubly-linked list threaded through parallel arrays (the layout of
/// memcached's item LRU, without its slab classes). The head is the most recently used entry,
/// the tail the next to evict.
///
/// Simplifications:
/// - Entries count one unit each; no byte-size accounting or slab classes.
/// - Expired entries are removed lazily, when looked up or when they reach the tail.
public struct LRUCache<Value>: Sendable where Value: Sendable {
    public let capacity: Int
    private var slotOf: [Int: Int] = [:]
    private var keys: [Int] = []
    private var values: [Value] = []
    private var expires: [SimTime] = []
    private var prev: [Int] = []
    private var next: [Int] = []
    private var free: [Int] = []
    private var head = -1
    private var tail = -1
    public private(set) var evictions = 0

    public init(capacity: Int) {
        precondition(capacity > 0, "an LRU needs room for one entry")
        self.capacity = capacity
    }

    public var count: Int { slotOf.count }

    /// The live value of `key`, marked most recently used; an expired entry is dropped.
    public mutating func get(_ key: Int, now: SimTime) -> Value? {
        guard let slot = slotOf[key] else { return nil }
        guard expires[slot] > now else {
            remove(key)
            return nil
        }
        moveToFront(slot)
        return values[slot]
    }

    /// The value without touching recency or expiry, for inspection.
    public func peek(_ key: Int) -> (value: Value, expires: SimTime)? {
        slotOf[key].map { (values[$0], expires[$0]) }
    }

    /// Inserts or replaces `key`, evicting the least recently used entry when full.
    public mutating func put(_ key: Int, _ value: Value, expires at: SimTime) {
        if let slot = slotOf[key] {
            values[slot] = value
            expires[slot] = at
            moveToFront(slot)
            return
        }
        if slotOf.count == capacity, tail >= 0 {
            remove(keys[tail])
            evictions += 1
        }
        let slot: Int
        if let reused = free.popLast() {
            slot = reused
            keys[slot] = key
            values[slot] = value
            expires[slot] = at
        } else {
            slot = keys.count
            keys.append(key)
            values.append(value)
            expires.append(at)
            prev.append(-1)
            next.append(-1)
        }
        slotOf[key] = slot
        linkFront(slot)
    }

    @discardableResult
    public mutating func remove(_ key: Int) -> Bool {
        guard let slot = slotOf.removeValue(forKey: key) else { return false }
        unlink(slot)
        free.append(slot)
        return true
    }

    /// Keys from most to least recently used (for tests and inspection).
    public var keysByRecency: [Int] {
        var out: [Int] = []
        var slot = head
        while slot >= 0 {
            out.append(keys[slot])
            slot = next[slot]
        }
        return out
    }

    private mutating func moveToFront(_ slot: Int) {
        guard slot != head else { return }
        unlink(slot)
        linkFront(slot)
    }

    private mutating func linkFront(_ slot: Int) {
        prev[slot] = -1
        next[slot] = head
        if head >= 0 { prev[head] = slot }
        head = slot
        if tail < 0 { tail = slot }
    }

    private mutating func unlink(_ slot: Int) {
        if prev[slot] >= 0 { next[prev[slot]] = next[slot] } else { head = next[slot] }
        if next[slot] >= 0 { prev[next[slot]] = prev[slot] } else { tail = prev[slot] }
        prev[slot] = -1
        next[slot] = -1
    }
}
