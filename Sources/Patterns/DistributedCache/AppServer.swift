import Simulation

/// An application server using the cache look-aside (cache-aside), as memcache's web servers do
/// (Nishtala et al., NSDI 2013, §2): a read asks the key's cache server (chosen on the ring),
/// and on a miss reads the store and fills the cache; a write updates the store first and then
/// deletes the key from the cache (delete, not set: deletes are idempotent and cannot install a
/// value older than one a concurrent writer installed).
///
/// Simplifications:
/// - A cache server that does not answer within `opTimeout` is skipped: the read goes to the
///   store and does not fill. A delete is resent until acknowledged, so a write completes only
///   once its invalidation has landed (or the server restarted empty).
/// - `pauseBeforeFill` stalls one read between its store read and its fill (a GC pause), to
///   stage the stale-set race on demand.
public struct AppServer: Sendable {
    public struct Settings: Sendable {
        public var mode: CacheMode
        public var cacheNodes: Int
        public var opTimeout: SimDuration
        public var waitRetry: SimDuration
    }

    enum Phase: Sendable {
        case cacheGet
        case storeRead(fill: Bool)
        case pausedBeforeFill
        case waitingForLease
        case storeWrite
        case deleting
    }

    struct Operation: Sendable {
        var key: Int
        var start: SimTime
        var phase: Phase
        var token: UInt64? = nil
        var version = 0
        var readAt = SimTime.zero
        var pause: SimDuration = .zero
    }

    let settings: Settings
    let ring: CacheRing
    var operations: [Int: Operation] = [:]

    init(_ settings: Settings) {
        self.settings = settings
        ring = CacheRing(owners: settings.cacheNodes)
    }

    func cacheNode(of key: Int) -> NodeID { 1 + ring.owner(of: key) }

    mutating func read(op: Int, key: Int, pauseBeforeFill: SimDuration, _ context: inout NodeContext<CacheClusterNode>) {
        var operation = Operation(key: key, start: context.now, phase: .cacheGet)
        operation.pause = pauseBeforeFill
        if settings.mode == .noCache {
            operation.phase = .storeRead(fill: false)
            context.send(.storeRead(op: op, key: key), to: 0)
        } else {
            context.send(.get(op: op, key: key), to: cacheNode(of: key))
            context.setTimer(.op(op), after: settings.opTimeout)
        }
        operations[op] = operation
    }

    mutating func write(op: Int, key: Int, _ context: inout NodeContext<CacheClusterNode>) {
        operations[op] = Operation(key: key, start: context.now, phase: .storeWrite)
        context.send(.storeWrite(op: op, key: key), to: 0)
    }

    mutating func cacheReplied(op: Int, key: Int, _ lookup: CacheServer.Lookup, _ context: inout NodeContext<CacheClusterNode>) {
        guard var operation = operations[op], case .cacheGet = operation.phase else { return }
        context.cancelTimer(.op(op))
        switch lookup {
        case .hit(let entry):
            operations[op] = nil
            context.output(.readDone(op: op, key: key, version: entry.version, start: operation.start,
                                     source: .hit, entry: entry))
        case .miss(let token):
            operation.token = token
            operation.phase = .storeRead(fill: true)
            operations[op] = operation
            context.send(.storeRead(op: op, key: key), to: 0)
        case .wait:
            operation.phase = .waitingForLease
            operations[op] = operation
            context.output(.waited(op: op, key: key))
            context.setTimer(.op(op), after: settings.waitRetry)
        }
    }

    mutating func storeReplied(op: Int, version: Int, servedAt: SimTime, _ context: inout NodeContext<CacheClusterNode>) {
        guard var operation = operations[op] else { return }
        operation.version = version
        operation.readAt = servedAt
        switch operation.phase {
        case .storeRead(let fill):
            if fill && operation.pause > .zero {
                operation.phase = .pausedBeforeFill
                operations[op] = operation
                context.setTimer(.op(op), after: operation.pause)
                return
            }
            if fill { sendFill(operation, &context) }
            operations[op] = nil
            context.output(.readDone(op: op, key: operation.key, version: version, start: operation.start,
                                     source: fill ? .fill : .store, entry: nil))
        case .storeWrite:
            guard settings.mode != .noCache else {
                operations[op] = nil
                context.output(.writeDone(op: op, key: operation.key, version: version, start: operation.start))
                return
            }
            operation.phase = .deleting
            operations[op] = operation
            sendDelete(op: op, key: operation.key, &context)
        default:
            break
        }
    }

    mutating func deleteAcked(op: Int, _ context: inout NodeContext<CacheClusterNode>) {
        guard let operation = operations[op], case .deleting = operation.phase else { return }
        context.cancelTimer(.op(op))
        operations[op] = nil
        context.output(.writeDone(op: op, key: operation.key, version: operation.version, start: operation.start))
    }

    mutating func timerFired(op: Int, _ context: inout NodeContext<CacheClusterNode>) {
        guard var operation = operations[op] else { return }
        switch operation.phase {
        case .cacheGet:
            // The cache server is down or slow: read the store, and do not fill.
            operation.phase = .storeRead(fill: false)
            operations[op] = operation
            context.send(.storeRead(op: op, key: operation.key), to: 0)
        case .waitingForLease:
            operation.phase = .cacheGet
            operations[op] = operation
            context.send(.get(op: op, key: operation.key), to: cacheNode(of: operation.key))
            context.setTimer(.op(op), after: settings.opTimeout)
        case .pausedBeforeFill:
            sendFill(operation, &context)
            operations[op] = nil
            context.output(.readDone(op: op, key: operation.key, version: operation.version,
                                     start: operation.start, source: .fill, entry: nil))
        case .deleting:
            sendDelete(op: op, key: operation.key, &context)
        case .storeRead, .storeWrite:
            break
        }
    }

    private func sendFill(_ operation: Operation, _ context: inout NodeContext<CacheClusterNode>) {
        context.send(.set(key: operation.key, version: operation.version, token: operation.token,
                          readAt: operation.readAt), to: cacheNode(of: operation.key))
    }

    private func sendDelete(op: Int, key: Int, _ context: inout NodeContext<CacheClusterNode>) {
        context.send(.delete(op: op, key: key), to: cacheNode(of: key))
        context.setTimer(.op(op), after: settings.opTimeout)
    }
}

/// How the application uses the cache.
public enum CacheMode: String, CaseIterable, Sendable {
    /// Every read goes to the store.
    case noCache = "no-cache"
    /// Look-aside without leases: herds on expiry, stale sets after a racing write.
    case plain
    /// Look-aside with memcache leases: one filler per key, stale sets refused.
    case leases
}
