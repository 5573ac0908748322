import Simulation

/// The sharding demo's tables and summary: load per shard and per node before and after the
/// balancer acted, each move's figures, and the counts that show the protocol at work.
///
/// Simplifications:
/// - "Before" is the traffic until the first split; "after" is from one report window after
///   the last switch until the clients stop.
enum ShardingReport {
    struct Window {
        var from: SimTime
        var to: SimTime
        var perKey: [Int]
        var span: UInt64 { max(1, (to - from).milliseconds) }

        func opsPerSecond(_ low: Int, _ high: Int) -> Int {
            perKey[low..<high].reduce(0, +) * 1000 / Int(span)
        }
    }

    static func windows(_ run: ShardingRun) -> (before: Window, after: Window?) {
        let stop = run.config.stopClientsAt
        let moves = run.placement?.moves ?? []
        let firstSplit = moves.first?.started ?? stop
        let settled = moves.last?.finished.map { $0 + run.config.reportInterval }
        func window(_ from: SimTime, _ to: SimTime) -> Window {
            var perKey = Array(repeating: 0, count: run.config.keySpace)
            for op in run.servedLog where op.time >= from && op.time < to { perKey[op.key] += 1 }
            return Window(from: from, to: to, perKey: perKey)
        }
        let before = window(.zero, firstSplit)
        guard let settled, settled < stop else { return (before, nil) }
        return (before, window(settled, stop))
    }

    static func tables(_ run: ShardingRun, _ timeline: Timeline) {
        guard let placement = run.placement else { return }
        let (before, after) = windows(run)
        let first = placement.history[0]
        timeline.table("Load per shard before balancing (version 1, \(before.from)..\(before.to))",
                       columns: ["shard", "range", "node", "ops/s"],
                       rows: first.entries.map { shardRow($0, before) })
        if let after {
            timeline.table("Load per shard after balancing (version \(placement.table.version), \(after.from)..\(after.to))",
                           columns: ["shard", "range", "node", "ops/s"],
                           rows: placement.table.entries.map { shardRow($0, after) })
        }
        let nodeRows: [[JSONValue]] = run.config.storageIDs.map { node in
            [.string("n\(node)"), JSONValue(nodeLoad(node, first, before)),
             after.map { JSONValue(nodeLoad(node, placement.table, $0)) } ?? .null]
        }
        timeline.table("Load per node (ops/s)", columns: ["node", "before", "after"], rows: nodeRows)
        let moveRows: [[JSONValue]] = placement.moves.map { move in
            let figures = run.figures[move.plan.move]
            return [.string("#\(move.plan.move)"), .string("s\(move.plan.shard) [\(move.plan.low),\(move.plan.high))"),
                    .string("n\(move.plan.from)->n\(move.plan.to)"), figures.map { JSONValue($0.keys) } ?? .null,
                    figures.map { JSONValue($0.streamed) } ?? .null, .string(figures.map { "\($0.frozen)" } ?? "-"),
                    .string(move.finished.map { "\($0 - move.started)" } ?? "unfinished")]
        }
        timeline.table("Moves", columns: ["move", "shard", "nodes", "keys copied", "writes streamed", "frozen", "took"],
                       rows: moveRows)
    }

    private static func shardRow(_ entry: RoutingTable.Entry, _ window: Window) -> [JSONValue] {
        [.string("s\(entry.shard)"), .string(entry.rangeText), .string("n\(entry.owner)"),
         JSONValue(window.opsPerSecond(entry.low, entry.high))]
    }

    private static func nodeLoad(_ node: NodeID, _ table: RoutingTable, _ window: Window) -> Int {
        table.entries.filter { $0.owner == node }.map { window.opsPerSecond($0.low, $0.high) }.reduce(0, +)
    }

    static func summary(_ run: ShardingRun, violation: InvariantViolation?) -> [(String, JSONValue)] {
        let clients = run.clients
        let completed = clients.map(\.completed).reduce(0, +)
        let writes = run.checker.acked.map(\.count).reduce(0, +)
        let (before, after) = windows(run)
        var rows: [(String, JSONValue)] = [
            ("operations completed", JSONValue(completed)),
            ("acknowledged writes", JSONValue(writes)),
            ("routing versions", JSONValue(run.placement?.table.version ?? 0)),
            ("wrong-shard redirects", JSONValue(run.redirects)),
            ("moving retries", JSONValue(clients.map(\.movingRetries).reduce(0, +))),
            ("timeouts", JSONValue(clients.map(\.timeouts).reduce(0, +))),
        ]
        if let placement = run.placement {
            /// The hottest node's load over the mean, in percent.
            let hottest = { (table: RoutingTable, window: Window) -> JSONValue in
                let loads = run.config.storageIDs.map { nodeLoad($0, table, window) }
                let mean = max(1, loads.reduce(0, +) / loads.count)
                return JSONValue((loads.max() ?? 0) * 100 / mean)
            }
            rows += [
                ("splits", JSONValue(placement.splits)),
                ("moves finished", JSONValue(placement.moves.filter { $0.finished != nil }.count)),
                ("hottest node % of mean, before", hottest(placement.history[0], before)),
                ("hottest node % of mean, after", after.map { hottest(placement.table, $0) } ?? .null),
            ]
        }
        rows += [
            ("events", JSONValue(run.sim.stats.events)),
            ("messages", JSONValue(run.sim.stats.messagesSent)),
            ("dropped", JSONValue(run.sim.stats.messagesDropped)),
        ]
        rows.append(("invariants", .string(violation == nil
            ? "held: versions partition the keys, no key served by two nodes, no acked write lost"
            : "BROKEN: \(violation!.invariant)")))
        return rows
    }
}
