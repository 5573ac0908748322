/// The invariants of an eventually consistent store (Vogels 2009, "Eventually Consistent";
/// Terry et al. 1994 for the monotonic-per-replica guarantees), checked from outside the
/// replicas against their actual stores:
///
/// - monotonic versions: no replica's version of a key ever moves backwards, across merges,
///   read repairs, crashes and restarts;
/// - convergence: once writes stop and faults heal, every replica holds the same entries
///   (judged by the harness against a deadline);
/// - LWW winner: the converged entry of each key is the highest version any replica accepted
///   for it, so anti-entropy lost no acknowledged write except to a higher version. A write
///   whose replica crashed after making it durable but before acknowledging it (the harness
///   handed the replica the write and heard nothing back) is indeterminate: it may surface
///   later or never, so the converged entry may also be such a write, provided it carries the
///   key, value and replica the harness sent, a timestamp no earlier than when it was sent
///   (the hybrid clock never runs behind physical time), and a version above every
///   acknowledged write of the key (otherwise LWW should have dropped it).
///
/// Simplifications:
/// - Versions are compared in full, values by equality of the entry; there is no history
///   checker of reads (an eventually consistent read may legitimately return stale data).

public struct ConvergenceChecker: Sendable {
    /// Each replica's store as last observed.
    private var lastEntries: [[KVEntry?]]
    /// The highest version accepted by any replica for each key.
    public private(set) var winners: [KVEntry?]
    public private(set) var writesAccepted = 0
    /// Writes handed to a replica that acknowledged nothing (it crashed first), per key.
    private var unacknowledged: [[UnacknowledgedWrite]]
    public var writesUnacknowledged: Int { unacknowledged.reduce(0) { $0 + $1.count } }
    /// Writes whose version was later superseded by a write at another replica.
    public private(set) var writesSuperseded = 0

    /// `initial` is the data every replica starts from (all nil for empty stores).
    public init(replicas: Int, initial: [KVEntry?]) {
        lastEntries = Array(repeating: [], count: replicas)
        winners = initial
        unacknowledged = Array(repeating: [], count: initial.count)
    }

    /// What the harness knows of a write that got no acknowledgement: what it sent, where, when.
    struct UnacknowledgedWrite: Sendable {
        var value: UInt64
        var replica: Int
        var sentMicros: UInt64
    }

    /// Records a write the harness handed to `replica` at `sentMicros` (virtual microseconds)
    /// that was never acknowledged: neither accepted nor lost.
    public mutating func recordUnacknowledged(key: Int, value: UInt64, replica: Int, sentMicros: UInt64) {
        unacknowledged[key].append(UnacknowledgedWrite(value: value, replica: replica, sentMicros: sentMicros))
    }

    /// Whether `entry` may be an unacknowledged write that surfaced and rightly won.
    private func isIndeterminateWinner(_ entry: KVEntry) -> Bool {
        if let best = winners[entry.key], best.version >= entry.version { return false }
        return unacknowledged[entry.key].contains {
            $0.value == entry.value && $0.replica == entry.version.replica && entry.version.timestamp >= $0.sentMicros
        }
    }

    /// Records a write a replica accepted.
    public mutating func recordWrite(_ entry: KVEntry) {
        writesAccepted += 1
        if let current = winners[entry.key], current.version.timestamp > 0 {
            if current.version < entry.version {
                if current.version.replica != entry.version.replica { writesSuperseded += 1 }
                winners[entry.key] = entry
            } else if current.version.replica != entry.version.replica {
                writesSuperseded += 1
            }
        } else {
            winners[entry.key] = entry
        }
    }

    /// Compares `replica`'s store with what it held when last observed (before a crash too);
    /// returns the first key that went backwards, described.
    public mutating func observe(replica: Int, entries: [KVEntry?]) -> String? {
        let before = lastEntries[replica]
        // An untouched store still shares its buffer with the one seen last: equality is then
        // a pointer comparison, and there is nothing to check.
        if entries == before { return nil }
        lastEntries[replica] = entries
        guard before.count == entries.count else { return nil }
        for key in entries.indices {
            guard let old = before[key]?.version else { continue }
            guard let new = entries[key]?.version, new >= old else {
                let now = entries[key].map { $0.version.description } ?? "nothing"
                return "n\(replica) key k\(key) went from \(old) back to \(now)"
            }
        }
        return nil
    }

    /// True when every replica holds exactly the same entries.
    public static func converged(_ stores: [[KVEntry?]]) -> Bool {
        guard let first = stores.first else { return true }
        return stores.dropFirst().allSatisfy { $0 == first }
    }

    /// The first key whose converged entry is neither the highest accepted write nor an
    /// unacknowledged write above it.
    public func checkWinners(_ entries: [KVEntry?]) -> String? {
        for key in entries.indices where entries[key] != winners[key] {
            if let entry = entries[key], isIndeterminateWinner(entry) { continue }
            let got = entries[key].map { "\($0.version)=\($0.value)" } ?? "nothing"
            let want = winners[key].map { "\($0.version)=\($0.value)" } ?? "nothing"
            return "key k\(key) converged to \(got) but the highest accepted write is \(want)"
        }
        return nil
    }

    /// For each store, the number of keys where it does not hold the newest version present
    /// in any of `stores`: how far each replica lags.
    public static func lag(_ stores: [[KVEntry?]]) -> [Int] {
        guard let keyCount = stores.first?.count else { return [] }
        var newest: [LWWVersion?] = Array(repeating: nil, count: keyCount)
        for store in stores {
            for key in 0..<keyCount {
                if let v = store[key]?.version, newest[key].map({ $0 < v }) ?? true { newest[key] = v }
            }
        }
        return stores.map { store in (0..<keyCount).filter { store[$0]?.version != newest[$0] }.count }
    }
}
