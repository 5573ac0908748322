import Simulation

/// The placement service of a range-sharded store (Bigtable's master, Chang et al. OSDI 2006
/// §5.2; MongoDB's config server and balancer): it owns the authoritative routing table and
/// its version, collects per-shard load reports, and when one node carries much more than the
/// average it splits that node's hottest shard where the load halves (a load-based split, as
/// CockroachDB does) and moves one half to the least-loaded node. It commits the move — a new
/// routing version naming the new owner — only after the source reports the destination has
/// every write, and re-sends the table to any node that reports an older version.
///
/// Simplifications:
/// - One placement node, never replaced: it may crash and restarts from its disk (real ones
///   are replicated: Chubby, a config server replica set, Raft meta ranges).
/// - One move at a time; at most `maxMoves` per run.
struct PlacementService {
    typealias Context = NodeContext<ShardingNode>

    struct MoveRecord {
        var plan: MovePlan
        var started: SimTime
        var finished: SimTime?
        var loadMoved: Int
    }

    let config: ShardingConfig
    var table: RoutingTable
    /// Every version the table went through, for the checker.
    var history: [RoutingTable]
    var loads: [Int: ShardLoad] = [:]
    var nodeVersions: [NodeID: Int] = [:]
    var moves: [MoveRecord] = []
    var splits = 0
    /// After a move, wait for load reports that reflect it.
    var quietUntil = SimTime.zero

    init(config: ShardingConfig) {
        self.config = config
        table = RoutingTable(keySpace: config.keySpace, shards: config.initialShards, owners: config.storageIDs)
        history = [table]
    }

    var moving: MoveRecord? { moves.last.flatMap { $0.finished == nil ? $0 : nil } }

    mutating func start(_ context: inout Context) {
        context.setTimer(.tick, after: .milliseconds(10))
    }

    mutating func fire(_ timer: ShardingTimer, _ context: inout Context) {
        guard timer == .tick else { return }
        if let move = moving {
            context.send(.startMove(move.plan), to: move.plan.from)
        } else if context.now >= max(config.balanceFrom, quietUntil) {
            balance(&context)
        }
        context.setTimer(.tick, after: .milliseconds(10))
    }

    mutating func receive(_ message: ShardingMessage, from sender: NodeID, _ context: inout Context) {
        switch message {
        case .tableRequest:
            context.send(.table(table), to: sender)
        case let .load(version, reports):
            nodeVersions[sender] = version
            for report in reports where table.entry(shard: report.shard)?.owner == sender {
                loads[report.shard] = report
            }
            if version < table.version { context.send(.assign(table), to: sender) }
        case let .moveReady(move):
            commit(move, &context)
        default: break
        }
    }

    /// Node load: the sum of its shards' last reports.
    func nodeLoads() -> [(node: NodeID, load: Int)] {
        config.storageIDs.map { node in
            (node, table.entries.filter { $0.owner == node }.map { loads[$0.shard]?.operations ?? 0 }.reduce(0, +))
        }
    }

    private mutating func balance(_ context: inout Context) {
        guard moves.count < config.maxMoves else { return }
        let perNode = nodeLoads()
        let total = perNode.map(\.load).reduce(0, +)
        guard total >= 40, let hot = perNode.max(by: { $0.load < $1.load || ($0.load == $1.load && $0.node > $1.node) }),
              let cold = perNode.min(by: { $0.load < $1.load || ($0.load == $1.load && $0.node < $1.node) }),
              hot.load * perNode.count * 10 >= total * 13  // the hottest node carries 1.3x the mean
        else { return }
        let hotShards = table.entries.filter { $0.owner == hot.node }
        guard let shard = hotShards.max(by: { (loads[$0.shard]?.operations ?? 0) < (loads[$1.shard]?.operations ?? 0) }),
              let report = loads[shard.shard], shard.high - shard.low >= 2 else { return }
        // Hand the cold node about half the difference: split where the moved side carries that.
        let target = (hot.load - cold.load) / 2
        let split = splitPoint(shard, report: report, target: target)
        let oldVersion = table.version
        guard let right = table.split(shard: shard.shard, at: split.key) else { return }
        splits += 1
        history.append(table)
        broadcast(&context)
        let moved = split.moveLeft ? shard.shard : right
        let entry = table.entry(shard: moved)!
        let plan = MovePlan(move: moves.count + 1, shard: moved, low: entry.low, high: entry.high, from: hot.node, to: cold.node)
        moves.append(MoveRecord(plan: plan, started: context.now, loadMoved: split.load))
        context.output(.note("split", "placement: n\(hot.node) carries \(hot.load) of \(total) ops in the last"
            + " window; splits shard \(shard.shard) \(shard.rangeText) at \(split.key) (version \(oldVersion) ->"
            + " \(table.version)); moves shard \(moved) \(entry.rangeText), ~\(split.load) ops, to n\(cold.node)"))
        context.send(.startMove(plan), to: plan.from)
    }

    /// The bucket boundary whose left (or right) side's load is closest to `target`.
    private func splitPoint(_ shard: RoutingTable.Entry, report: ShardLoad, target: Int)
        -> (key: Int, moveLeft: Bool, load: Int) {
        let width = shard.high - shard.low
        var best = (key: shard.low + width / 2, moveLeft: false, load: report.operations / 2)
        var bestGap = Int.max
        var left = 0
        for cut in 1..<8 {
            left += report.buckets[cut - 1]
            let key = shard.low + width * cut / 8
            guard key > shard.low, key < shard.high else { continue }
            for (moveLeft, load) in [(true, left), (false, report.operations - left)] where abs(load - target) < bestGap {
                bestGap = abs(load - target)
                best = (key, moveLeft, load)
            }
        }
        return best
    }

    private mutating func commit(_ move: Int, _ context: inout Context) {
        guard let current = moving, current.plan.move == move else { return }
        table.move(shard: current.plan.shard, to: current.plan.to)
        history.append(table)
        moves[moves.count - 1].finished = context.now
        loads = [:]
        quietUntil = context.now + config.reportInterval * 2
        context.output(.note("switch", "placement: shard \(current.plan.shard) now on n\(current.plan.to) at"
            + " routing version \(table.version) (move took \(context.now - current.started))"))
        broadcast(&context)
    }

    private func broadcast(_ context: inout Context) {
        for node in config.storageIDs { context.send(.assign(table), to: node) }
    }
}
