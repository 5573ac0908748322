import Simulation

/// An asynchronous read replica: it receives the primary's log in order, applies one entry per
/// `applyCost` (its speed: a smaller machine, or one also serving heavy reads, falls behind
/// under write bursts), and serves reads from what it has applied. A read may carry a session
/// token, the lowest LSN the client may see (Terry et al., "Session Guarantees for Weakly
/// Consistent Replicated Data", PDIS 1994; the LSN-based causal tokens of MongoDB's causally
/// consistent sessions and Aurora/PostgreSQL replica routing): a replica behind the token holds
/// the read until it catches up, for at most `maxWait`, and otherwise tells the client to go to
/// the primary.
///
/// Simplifications:
/// - Entries arriving out of order or with a gap are dropped and re-sent by the primary.
/// - Applied entries survive a crash (the data files), received-but-unapplied ones do not; a
///   restarted replica resumes from its last applied LSN, behind by the whole outage.
public struct ReplicaServer: Sendable {
    struct HeldRead: Sendable {
        var client: NodeID
        var op: Int
        var key: Int
        var minLSN: Int
        var deadline: SimTime
    }

    public private(set) var applied = 0
    public private(set) var versions: [Int]
    var inbox: [PrimaryServer.Entry] = []
    var inboxHead = 0
    var held: [HeldRead] = []
    let applyCost: SimDuration
    let maxWait: SimDuration

    init(keys: Int, applyCost: SimDuration, maxWait: SimDuration) {
        versions = Array(repeating: 0, count: keys)
        self.applyCost = applyCost
        self.maxWait = maxWait
    }

    mutating func restore(applied: Int, versions: [Int]) {
        self.applied = applied
        if !versions.isEmpty { self.versions = versions }
    }

    /// The highest LSN received, applied or not.
    var received: Int { applied + inbox.count - inboxHead }

    /// Accepts the part of a batch that continues the log; returns whether the apply loop
    /// needs starting.
    mutating func receive(from start: Int, _ entries: [PrimaryServer.Entry]) -> Bool {
        let idle = inboxHead == inbox.count
        let skip = received + 1 - start
        guard skip >= 0, skip < entries.count else { return false }
        inbox.append(contentsOf: entries[skip...])
        return idle
    }

    /// Applies the next entry; returns whether more are waiting.
    mutating func applyNext() -> Bool {
        guard inboxHead < inbox.count else { return false }
        let entry = inbox[inboxHead]
        inboxHead += 1
        versions[entry.key] = entry.lsn
        applied = entry.lsn
        if inboxHead > 1024 && inboxHead * 2 > inbox.count {
            inbox.removeFirst(inboxHead)
            inboxHead = 0
        }
        return inboxHead < inbox.count
    }

    enum ReadAnswer {
        case value(version: Int, servedLSN: Int)
        case hold
        case redirect
    }

    /// Serves a read now, holds it for the log to catch up, or sends it to the primary.
    mutating func read(client: NodeID, op: Int, key: Int, minLSN: Int, at now: SimTime) -> ReadAnswer {
        if applied >= minLSN { return .value(version: versions[key], servedLSN: applied) }
        guard maxWait > .zero else { return .redirect }
        held.append(HeldRead(client: client, op: op, key: key, minLSN: minLSN, deadline: now + maxWait))
        return .hold
    }

    /// Held reads that can now be answered (caught up) or must be redirected (deadline passed).
    mutating func releaseHeld(at now: SimTime) -> (ready: [HeldRead], expired: [HeldRead]) {
        guard !held.isEmpty else { return ([], []) }
        let ready = held.filter { applied >= $0.minLSN }
        let expired = held.filter { applied < $0.minLSN && $0.deadline <= now }
        held.removeAll { applied >= $0.minLSN || $0.deadline <= now }
        return (ready, expired)
    }

    /// The earliest deadline of a held read, for the node's timer.
    var nextDeadline: SimTime? { held.map(\.deadline).min() }
}
