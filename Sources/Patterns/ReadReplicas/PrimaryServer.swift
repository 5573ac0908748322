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
/// - The primary is never replaced (failover is another pattern): it may crash, and restarts
///   from its write-ahead log; values are the LSN of the write.
/// - A client numbers its operations, one at a time, and retries a write until answered; the
///   primary answers a retry with the LSN it gave the first copy, and ignores copies older than
///   the client's latest (client sequence numbers, as in Ongaro's Raft thesis, §6.3), so a write
///   is in the log at most once.
public struct PrimaryServer: Sendable {
    public struct Entry: Sendable, Equatable {
        public var lsn: Int
        public var key: Int
        public var committedAt: SimTime
        /// Who wrote it, with which operation number (-1: unknown), for answering retries.
        public var client: NodeID = -1
        public var op: Int = -1
    }

    /// What a write request gets: a new entry, the entry an earlier copy made, or nothing (a
    /// copy of an operation the client has since moved past).
    enum WriteAnswer: Equatable {
        case appended(lsn: Int)
        case again(lsn: Int)
        case stale
    }

    struct Follower: Sendable {
        var node: NodeID
        var nextToSend = 1
        var acked = 0
        var lastProgress = SimTime.zero
    }

    /// log[i] has LSN i + 1.
    private(set) var log = WriteAheadLog()
    /// The LSN of the last write of each key (0: never written).
    public private(set) var versions: [Int]
    /// Per client, its latest operation in the log and that operation's LSN.
    private var latest: [NodeID: (op: Int, lsn: Int)] = [:]
    var followers: [Follower]
    let batch = 64
    let resendAfter = SimDuration.milliseconds(100)

    init(keys: Int, replicas: [NodeID]) {
        versions = Array(repeating: 0, count: keys)
        followers = replicas.map { Follower(node: $0) }
    }

    public var lsn: Int { log.count }

    /// The time the write with index `i` (LSN `i + 1`) was committed.
    func committedAt(_ i: Int) -> SimTime { log[i].committedAt }

    mutating func write(key: Int, at now: SimTime) -> Int {
        log.append(Entry(lsn: log.count + 1, key: key, committedAt: now))
        versions[key] = log.count
        return log.count
    }

    /// A client's write: appended once, whatever the number of copies that arrive.
    mutating func write(key: Int, client: NodeID, op: Int, at now: SimTime) -> WriteAnswer {
        if let last = latest[client], op <= last.op { return op == last.op ? .again(lsn: last.lsn) : .stale }
        log.append(Entry(lsn: log.count + 1, key: key, committedAt: now, client: client, op: op))
        versions[key] = log.count
        latest[client] = (op, log.count)
        return .appended(lsn: log.count)
    }

    /// After a restart: the log from disk, and what follows from it.
    mutating func restore(_ durable: WriteAheadLog) {
        log = durable
        for i in 0..<durable.count {
            let entry = durable[i]
            versions[entry.key] = entry.lsn
            if entry.client >= 0 { latest[entry.client] = (entry.op, entry.lsn) }
        }
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
            out.append((followers[i].node, start, log.entries((start - 1)..<end)))
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
