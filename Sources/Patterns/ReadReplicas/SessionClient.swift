import Simulation

/// A client session that reads from replicas. Without tokens it reads any replica, and so may
/// not see its own writes, or may see time go backwards when its next read lands on a replica
/// further behind. With a session token (the highest LSN this session has written or read) it
/// asks the replica for at least that LSN, which restores read-your-writes and monotonic reads
/// (Terry et al., PDIS 1994, §3; the token is MongoDB's `afterClusterTime`, or a PostgreSQL
/// client comparing `pg_last_wal_replay_lsn()` with its commit LSN).
///
/// Simplifications:
/// - A replica is drawn uniformly per read (a load-balanced pool), not pinned per session.
/// - A read that a replica redirects, or that times out on a crashed replica, goes to the
///   primary, which is always current.
/// - A request to the primary that goes unanswered (lost, cut off, the primary down) is sent
///   again after `readTimeout`, then twice as long each time up to 16 times it; the primary
///   answers every copy of a write with the one LSN it gave it (see `PrimaryServer`).
public struct SessionClient: Sendable {
    public struct Settings: Sendable {
        public var routing: ReadRouting
        public var primary: NodeID
        public var replicas: [NodeID]
        public var readTimeout: SimDuration
        var forgetTokens = false
    }

    struct Operation: Sendable {
        var key: Int
        var start: SimTime
        var redirected = false
        var target: NodeID
        var isWrite = false
        /// Copies sent to the primary so far.
        var attempts = 0
    }

    let settings: Settings
    public private(set) var token = 0
    var operations: [Int: Operation] = [:]

    init(_ settings: Settings) { self.settings = settings }

    /// A restarted client resumes its session with the token it had persisted; the operation
    /// it was running is gone with its memory.
    mutating func restore(token: Int) { self.token = token }

    var minLSN: Int { settings.routing == .session && !settings.forgetTokens ? token : 0 }

    mutating func read(op: Int, key: Int, _ context: inout NodeContext<ReplicaNode>) {
        let target = settings.routing == .primaryOnly
            ? settings.primary : settings.replicas[Int(context.rng.below(UInt64(settings.replicas.count)))]
        operations[op] = Operation(key: key, start: context.now, target: target)
        context.send(.read(op: op, key: key, minLSN: minLSN), to: target)
        if target != settings.primary {
            context.setTimer(.readTimeout(op), after: settings.readTimeout)
        } else {
            armRetry(op, &context)
        }
    }

    mutating func write(op: Int, key: Int, _ context: inout NodeContext<ReplicaNode>) {
        operations[op] = Operation(key: key, start: context.now, target: settings.primary, isWrite: true)
        context.send(.write(op: op, key: key), to: settings.primary)
        armRetry(op, &context)
    }

    /// Counts a copy sent to the primary and sets the timer to send the next one.
    private mutating func armRetry(_ op: Int, _ context: inout NodeContext<ReplicaNode>) {
        guard var operation = operations[op] else { return }
        let backoff = UInt64(1) << UInt64(min(operation.attempts, 4))
        operation.attempts += 1
        operations[op] = operation
        context.setTimer(.retry(op), after: settings.readTimeout * backoff)
    }

    /// The primary has not answered: ask it again.
    mutating func retry(op: Int, _ context: inout NodeContext<ReplicaNode>) {
        guard let operation = operations[op], operation.target == settings.primary else { return }
        if operation.isWrite {
            context.send(.write(op: op, key: operation.key), to: settings.primary)
        } else {
            context.send(.read(op: op, key: operation.key, minLSN: minLSN), to: settings.primary)
        }
        armRetry(op, &context)
    }

    mutating func answered(op: Int, version: Int, servedLSN: Int, from node: NodeID, _ context: inout NodeContext<ReplicaNode>) {
        guard let operation = operations[op], operation.target == node else { return }
        operations[op] = nil
        context.cancelTimer(.readTimeout(op))
        context.cancelTimer(.retry(op))
        token = max(token, servedLSN)
        context.output(.readDone(op: op, key: operation.key, version: version, servedLSN: servedLSN, by: node,
                                 start: operation.start, redirected: operation.redirected))
    }

    mutating func wrote(op: Int, lsn: Int, _ context: inout NodeContext<ReplicaNode>) {
        guard let operation = operations.removeValue(forKey: op) else { return }
        context.cancelTimer(.retry(op))
        token = max(token, lsn)
        context.output(.writeDone(op: op, key: operation.key, lsn: lsn, start: operation.start))
    }

    /// The replica sent us away, or did not answer in time: read from the primary.
    mutating func goToPrimary(op: Int, _ context: inout NodeContext<ReplicaNode>) {
        guard var operation = operations[op], operation.target != settings.primary else { return }
        context.cancelTimer(.readTimeout(op))
        operation.redirected = true
        operation.target = settings.primary
        operations[op] = operation
        context.send(.read(op: op, key: operation.key, minLSN: minLSN), to: settings.primary)
        armRetry(op, &context)
    }
}

/// Where a client sends its reads.
public enum ReadRouting: String, CaseIterable, Sendable {
    case primaryOnly = "primary only"
    /// Any replica, no token: eventual consistency.
    case replicas = "replicas"
    /// Any replica that has caught up with the session's token.
    case session = "replicas+token"
}
