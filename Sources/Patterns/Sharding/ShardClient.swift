import Simulation

/// A client of the sharded store with a cached, versioned routing table (Bigtable's client
/// library caches tablet locations, §5.1; MongoDB's mongos caches the chunk map): it sends each
/// operation to the owner its table names; on "wrong shard, version v" it fetches the current
/// table from the placement service and retries there; on "moving" it backs off and retries.
/// One operation is outstanding at a time and retries reuse its request id, so a node's
/// session table can answer a retry without applying it twice.
///
/// Simplifications:
/// - Closed loop, one operation in flight, a fixed 1 ms think time; keys drawn from the
///   skewed workload with the simulator's generator.
struct ShardClient {
    typealias Context = NodeContext<ShardingNode>

    struct Pending {
        var request: Int
        var key: Int
        var operation: Operation
        var issued: SimTime
    }

    let id: NodeID
    let config: ShardingConfig
    var table: RoutingTable?
    var nextRequest = 1
    var pending: Pending?
    var completed = 0
    var redirects = 0
    var movingRetries = 0
    var timeouts = 0
    /// After a redirect: the retry waits for a fresher table (or the timeout).
    var awaitingTable = false
    /// The retry timer is a backoff, not a timeout.
    var backingOff = false

    init(id: NodeID, config: ShardingConfig) {
        self.id = id
        self.config = config
    }

    mutating func start(_ context: inout Context) {
        context.send(.tableRequest, to: config.placement)
        context.setTimer(.tick, after: .milliseconds(2))
    }

    /// After a restart: the operation in flight is sent again under its request id (a node's
    /// session table answers it if it was applied); otherwise the loop goes on.
    mutating func resume(_ context: inout Context) {
        awaitingTable = false
        backingOff = false
        if table == nil { context.send(.tableRequest, to: config.placement) }
        if pending != nil && table != nil {
            send(&context)
        } else {
            context.setTimer(.tick, after: .milliseconds(2))
        }
    }

    mutating func fire(_ timer: ShardingTimer, _ context: inout Context) {
        switch timer {
        case .tick:
            guard pending == nil, context.now < config.stopClientsAt else { return }
            guard table != nil else {
                context.send(.tableRequest, to: config.placement)
                context.setTimer(.tick, after: .milliseconds(5))
                return
            }
            let key = config.workload.draw(&context.rng)
            let write = context.rng.chance(perMille: config.writePerMille)
            let operation: Operation = write ? .put(id * 1_000_000 + nextRequest) : .get
            pending = Pending(request: nextRequest, key: key, operation: operation, issued: context.now)
            nextRequest += 1
            send(&context)
        case .retry:
            guard pending != nil else { return }
            if awaitingTable { context.send(.tableRequest, to: config.placement) }
            if !backingOff && !awaitingTable { timeouts += 1 }
            send(&context)
        case .report: break
        }
    }

    private mutating func send(_ context: inout Context) {
        awaitingTable = false
        backingOff = false
        guard let pending, let table, let owner = table.owner(of: pending.key) else { return }
        context.send(.request(request: pending.request, key: pending.key, pending.operation, tableVersion: table.version),
                     to: owner)
        context.setTimer(.retry, after: config.requestTimeout)
    }

    private mutating func backOff(_ context: inout Context) {
        awaitingTable = false
        backingOff = true
        context.setTimer(.retry, after: .milliseconds(3))
    }

    mutating func receive(_ message: ShardingMessage, _ context: inout Context) {
        switch message {
        case let .table(fresh):
            guard fresh.version > (table?.version ?? 0) else {
                // No newer table: the node that refused us is the stale one. Back off, retry.
                if awaitingTable { backOff(&context) }
                return
            }
            table = fresh
            if pending != nil && awaitingTable { send(&context) }
        case let .reply(request, key, result):
            guard let current = pending, current.request == request else { return }
            switch result {
            case .wrongShard(let version):
                redirects += 1
                context.output(.redirected)
                if redirects <= 3 || redirects % 25 == 0 {
                    context.output(.note("redirect", "client n\(id): key \(key) is not on that node (its version"
                        + " \(version), ours \(table?.version ?? 0)); refreshing the table [redirect #\(redirects)]"))
                }
                context.send(.tableRequest, to: config.placement)
                awaitingTable = true
                context.setTimer(.retry, after: config.requestTimeout)
            case .moving:
                movingRetries += 1
                backOff(&context)
            case .value, .written:
                pending = nil
                completed += 1
                context.output(.completed(key: key, current.operation, result, issued: current.issued))
                context.cancelTimer(.retry)
                context.setTimer(.tick, after: .milliseconds(1))
            }
        default: break
        }
    }
}
