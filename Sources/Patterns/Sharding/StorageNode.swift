import Simulation

/// A storage node of a range-sharded store (Bigtable tablet server, Chang et al. OSDI 2006
/// §5; MongoDB shard; CockroachDB store): it serves a key only if its own routing table says
/// it owns the key and the key's range is not frozen by an outgoing move; otherwise it answers
/// "wrong shard, version v" (or "moving, retry") so the client refreshes its table. It counts
/// load per shard for the balancer. The move protocol's two ends are in `ShardMigration.swift`.
///
/// Simplifications:
/// - One copy of each shard (no replication): a crashed node's ranges are unavailable until
///   it restarts from its disk (see `ShardingNode`).
/// - A per-client session table (last request and answer) makes retries idempotent; it moves
///   with the data.
struct StorageNode {
    typealias Context = NodeContext<ShardingNode>

    struct Outgoing {
        var plan: MovePlan
        var copied = 0
        var log: [StreamEntry] = []
        var acked = 0
        var frozenAt: SimTime?
        var lastSent = SimTime.zero
        var snapshot: (items: [(key: Int, item: Item)], sessions: [Session])
        /// Whether the destination has acknowledged anything, so it knows the move even when empty.
        var heard = false
        var snapshotDone: Bool { heard && copied >= snapshot.items.count }
    }

    struct Incoming {
        var plan: MovePlan
        var copied = 0
        var total: Int
        var applied = 0
    }

    let id: NodeID
    let config: ShardingConfig
    var table: RoutingTable
    var store: [Int: Item] = [:]
    var sessions: [NodeID: Session] = [:]
    var outgoing: [Outgoing] = []
    var incoming: [Incoming] = []
    var finishedMoves: [Int] = []
    /// Load in the current report window, by shard id, with eight buckets per shard.
    var window: [Int: ShardLoad] = [:]
    var served = 0
    var nextRefresh = SimTime.zero

    init(id: NodeID, config: ShardingConfig) {
        self.id = id
        self.config = config
        table = RoutingTable(keySpace: config.keySpace, shards: config.initialShards, owners: config.storageIDs)
        // Every key starts with a loaded value (version 1), so moves copy real data.
        for entry in table.entries where entry.owner == id {
            for key in entry.low..<entry.high { store[key] = Item(value: -key, version: 1) }
        }
    }

    /// Whether this node may answer for `key` right now.
    func serves(_ key: Int) -> Bool {
        table.owner(of: key) == id && !isFrozen(key)
    }

    func isFrozen(_ key: Int) -> Bool {
        outgoing.contains { $0.frozenAt != nil && $0.plan.low <= key && key < $0.plan.high }
    }

    /// The ranges this node answers for, for the overlap check: what its table gives it,
    /// minus frozen ranges (which may not match its table's entries if it missed a split).
    var servingRanges: [(low: Int, high: Int)] {
        var pieces = table.entries.filter { $0.owner == id }.map { (low: $0.low, high: $0.high) }
        for move in outgoing where move.frozenAt != nil {
            pieces = pieces.flatMap { piece -> [(low: Int, high: Int)] in
                guard move.plan.low < piece.high && piece.low < move.plan.high else { return [piece] }
                return [(piece.low, move.plan.low), (move.plan.high, piece.high)].filter { $0.low < $0.high }
            }
        }
        return pieces
    }

    mutating func start(_ context: inout Context) {
        context.setTimer(.tick, after: .milliseconds(5))
        context.setTimer(.report, after: config.reportInterval)
    }

    mutating func fire(_ timer: ShardingTimer, _ context: inout Context) {
        switch timer {
        case .tick:
            pumpMoves(&context)
            context.setTimer(.tick, after: .milliseconds(5))
        case .report:
            let loads = window.keys.sorted().compactMap { window[$0] }
            context.send(.load(version: table.version, loads), to: config.placement)
            window = [:]
            context.setTimer(.report, after: config.reportInterval)
        case .retry: break
        }
    }

    mutating func receive(_ message: ShardingMessage, from sender: NodeID, _ context: inout Context) {
        switch message {
        case let .request(request, key, operation, clientVersion):
            // A client that has seen a newer routing version than ours: refresh, as a MongoDB
            // shard does on a request carrying a newer shard version.
            if clientVersion > table.version && context.now >= nextRefresh {
                nextRefresh = context.now + .milliseconds(5)
                context.send(.tableRequest, to: config.placement)
            }
            handle(request: request, key: key, operation, from: sender, &context)
        case let .assign(newTable), let .table(newTable): adopt(newTable, &context)
        case let .startMove(plan): beginMove(plan, &context)
        case let .snapshot(plan, offset, items, sessions, total):
            receiveSnapshot(plan, offset: offset, items: items, sessions: sessions, total: total, from: sender, &context)
        case let .stream(move, entries): receiveStream(move, entries: entries, from: sender, &context)
        case let .streamAck(move, copied, sequence): streamAcknowledged(move, copied: copied, sequence: sequence)
        default: break
        }
    }

    private mutating func handle(request: Int, key: Int, _ operation: Operation, from client: NodeID,
                                 _ context: inout Context) {
        if let session = sessions[client], session.request == request {
            context.send(.reply(request: request, key: key, session.result), to: client)
            return
        }
        guard serves(key) else {
            let answer: OpResult = table.owner(of: key) == id ? .moving : .wrongShard(version: table.version)
            context.send(.reply(request: request, key: key, answer), to: client)
            return
        }
        let result: OpResult
        switch operation {
        case .get:
            result = .value(store[key])
        case .put(let value):
            let item = Item(value: value, version: (store[key]?.version ?? 0) + 1)
            store[key] = item
            result = .written(version: item.version)
            for index in outgoing.indices where outgoing[index].plan.low <= key && key < outgoing[index].plan.high {
                let sequence = outgoing[index].log.count + 1
                outgoing[index].log.append(StreamEntry(sequence: sequence, key: key, item: item, client: client,
                                                       request: request))
            }
        }
        sessions[client] = Session(client: client, request: request, result: result)
        count(key)
        served += 1
        context.output(.served(key: key, operation, result))
        context.send(.reply(request: request, key: key, result), to: client)
    }

    private mutating func count(_ key: Int) {
        guard let entry = table.entry(for: key) else { return }
        var load = window[entry.shard] ?? ShardLoad(shard: entry.shard, operations: 0, buckets: Array(repeating: 0, count: 8))
        load.operations += 1
        load.buckets[(key - entry.low) * 8 / (entry.high - entry.low)] += 1
        window[entry.shard] = load
    }

    /// A newer routing table: ranges it gives away are released, ranges it brings in go live.
    private mutating func adopt(_ newTable: RoutingTable, _ context: inout Context) {
        guard newTable.version > table.version else { return }
        table = newTable
        for move in outgoing where table.entry(shard: move.plan.shard)?.owner == move.plan.to {
            for key in move.plan.low..<move.plan.high { store[key] = nil }
            let frozenFor = move.frozenAt.map { context.now - $0 }
            context.output(.moved(move: move.plan.move, keys: move.snapshot.items.count, streamed: move.log.count,
                                  frozen: frozenFor ?? .zero))
            context.output(.note("release", "n\(id) releases shard \(move.plan.shard) [\(move.plan.low),"
                + "\(move.plan.high)) at version \(table.version)"
                + (frozenFor.map { "; it was frozen \($0)" } ?? "")))
        }
        outgoing.removeAll { table.entry(shard: $0.plan.shard)?.owner == $0.plan.to }
        for move in incoming where table.entry(shard: move.plan.shard)?.owner == id {
            finishedMoves.append(move.plan.move)
            context.output(.activated(low: move.plan.low, high: move.plan.high))
            context.output(.note("activate", "n\(id) serves shard \(move.plan.shard) [\(move.plan.low),"
                + "\(move.plan.high)) from version \(table.version)"))
        }
        incoming.removeAll { table.entry(shard: $0.plan.shard)?.owner == id }
    }
}
