import Simulation

/// The primary of an asynchronously replicated store: it orders every write in a log, numbers it
/// with a log sequence number (LSN), applies it, acknowledges the client at once, and ships the
/// log to each replica in the background (PostgreSQL streaming replication, MySQL binlog
/// shipping; Kleppmann, "Designing Data-Intensive Applications", ch. 5, "Leaders and
/// Followers"). A replica is therefore always a prefix of the primary's log, some way behind.
///
/// Simplifications:
/// - Every `shipInterval` the primary sends each replica the entries after what it last sent
///   (at most `batch`); if a replica's acknowledged position has not moved for `resendAfter`
///   it starts again from there (lost batches). A restarted replica says hello with the LSN it
///   had replayed, and shipping resumes from there.
/// - The primary never fails (failover is another pattern); values are the LSN of the write.
public struct PrimaryServer: Sendable {
    public struct Entry: Sendable, Equatable {
        public var lsn: Int
        public var key: Int
        public var committedAt: SimTime
    }

    struct Follower: Sendable {
        var node: NodeID
        var nextToSend = 1
        var acked = 0
        var lastProgress = SimTime.zero
    }

    /// log[i] has LSN i + 1.
    public private(set) var log: [Entry] = []
    /// The LSN of the last write of each key (0: never written).
    public private(set) var versions: [Int]
    var followers: [Follower]
    let batch = 64
    let resendAfter = SimDuration.milliseconds(100)

    init(keys: Int, replicas: [NodeID]) {
        versions = Array(repeating: 0, count: keys)
        followers = replicas.map { Follower(node: $0) }
    }

    public var lsn: Int { log.count }

    mutating func write(key: Int, at now: SimTime) -> Int {
        log.append(Entry(lsn: log.count + 1, key: key, committedAt: now))
        versions[key] = log.count
        return log.count
    }

    /// The batches to send now, one per replica that is behind.
    mutating func shipments(at now: SimTime) -> [(NodeID, Int, [Entry])] {
        var out: [(NodeID, Int, [Entry])] = []
        for i in followers.indices {
            if followers[i].nextToSend > followers[i].acked + 1 && now - followers[i].lastProgress >= resendAfter {
                followers[i].nextToSend = followers[i].acked + 1
                followers[i].lastProgress = now
            }
            let start = followers[i].nextToSend
            guard start <= log.count else { continue }
            // Nothing was in flight: the resend clock starts with this batch.
            if start == followers[i].acked + 1 { followers[i].lastProgress = now }
            let end = min(log.count, start + batch - 1)
            out.append((followers[i].node, start, Array(log[(start - 1)..<end])))
            followers[i].nextToSend = end + 1
        }
        return out
    }

    /// The latest acknowledgement wins, even when lower: an old ack overtaken by a restart must
    /// not make the primary believe the replica has entries it lost (it would then resend from
    /// too far on, and the replica would wait for the gap for ever).
    mutating func acknowledged(by node: NodeID, received: Int, at now: SimTime) {
        guard let i = followers.firstIndex(where: { $0.node == node }) else { return }
        if received > followers[i].acked { followers[i].lastProgress = now }
        followers[i].acked = received
    }

    /// A replica restarted from its data files at `applied`: resume shipping from there.
    mutating func hello(from node: NodeID, applied: Int, at now: SimTime) {
        guard let i = followers.firstIndex(where: { $0.node == node }) else { return }
        followers[i] = Follower(node: node, nextToSend: applied + 1, acked: applied, lastProgress: now)
    }
}
