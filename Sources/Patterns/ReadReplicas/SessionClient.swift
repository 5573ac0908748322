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
    }

    let settings: Settings
    public private(set) var token = 0
    var operations: [Int: Operation] = [:]

    init(_ settings: Settings) { self.settings = settings }

    var minLSN: Int { settings.routing == .session && !settings.forgetTokens ? token : 0 }

    mutating func read(op: Int, key: Int, _ context: inout NodeContext<ReplicaNode>) {
        let target = settings.routing == .primaryOnly
            ? settings.primary : settings.replicas[Int(context.rng.below(UInt64(settings.replicas.count)))]
        operations[op] = Operation(key: key, start: context.now, target: target)
        context.send(.read(op: op, key: key, minLSN: minLSN), to: target)
        if target != settings.primary { context.setTimer(.readTimeout(op), after: settings.readTimeout) }
    }

    mutating func write(op: Int, key: Int, _ context: inout NodeContext<ReplicaNode>) {
        operations[op] = Operation(key: key, start: context.now, target: settings.primary)
        context.send(.write(op: op, key: key), to: settings.primary)
    }

    mutating func answered(op: Int, version: Int, servedLSN: Int, from node: NodeID, _ context: inout NodeContext<ReplicaNode>) {
        guard let operation = operations[op], operation.target == node else { return }
        operations[op] = nil
        context.cancelTimer(.readTimeout(op))
        token = max(token, servedLSN)
        context.output(.readDone(op: op, key: operation.key, version: version, servedLSN: servedLSN, by: node,
                                 start: operation.start, redirected: operation.redirected))
    }

    mutating func wrote(op: Int, lsn: Int, _ context: inout NodeContext<ReplicaNode>) {
        guard let operation = operations.removeValue(forKey: op) else { return }
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
