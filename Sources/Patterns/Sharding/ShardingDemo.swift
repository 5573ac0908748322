import Simulation

/// `dsadvisor demo sharding`: range versus hash sharding of a key space under a skewed
/// workload, then a live load-based split and move of the hot range (Bigtable, Chang et al.
/// OSDI 2006 §5; MongoDB chunk migration; CockroachDB load-based splitting) with a versioned
/// routing table and "wrong shard, version v" redirects, checked for overlapping ownership
/// and lost acknowledged writes at every step.
///
/// Simplifications: see the headers of `RoutingTable`, `StorageNode`, `ShardMigration`,
/// `PlacementService` and `ShardClient`; the hash column is computed from the same key
/// distribution, not simulated.
public enum ShardingDemo {
    /// A run's settings; each default is written here once (see `declaration`).
    public struct Options: DemoOptions, Sendable {
        public var seed: UInt64 = 1
        public var nodes = 4
        public var shards = 4
        public var clients = 6
        public var keys = 1000
        public var hotPerMille: UInt32 = 600
        public var moves = 3
        public var lossPerMille: UInt32 = 10
        /// `story` cuts a node off during the first move; `none` does not; `crash`, `partition`,
        /// `drop` or `all` draw crashes of any node, cuts, one-way links, slow links and lossy
        /// periods from the seed instead.
        public var faults = FaultMode.story
        /// The broken variant for tests: switch ownership without freeze and catch-up.
        public var unsafeSkipCatchUp = false

        var config: ShardingConfig {
            // The hot range sits somewhere in the key space, chosen by the seed.
            var rng = SeededRNG(seed: seed).stream(0x5A4D)
            let width = max(8, keys / 16)
            let low = Int(rng.below(UInt64(keys - width)))
            return ShardingConfig(keySpace: keys, initialShards: shards, nodes: nodes, clients: clients,
                                  workload: Workload(keySpace: keys, hotLow: low, hotWidth: width, hotPerMille: hotPerMille),
                                  maxMoves: moves, copyChunk: max(12, keys / 80), unsafeSkipCatchUp: unsafeSkipCatchUp)
        }

        var network: NetworkConditions {
            var rng = SeededRNG(seed: seed).stream(0x7E7)
            return NetworkConditions(delayMin: .milliseconds(1), delayMax: .milliseconds(3 + rng.below(4)),
                                     dropPerMille: lossPerMille, duplicatePerMille: lossPerMille / 2)
        }
    }

    public static func run(_ options: Options, on timeline: Timeline) -> DemoOutcome {
        let config = options.config
        compareSchemes(config, seed: options.seed, timeline)
        timeline.section("range-sharded cluster: placement n0, storage n1..n\(config.nodes), clients"
            + " n\(config.nodes + 1)..n\(config.nodes + config.clients)")
        var rng = SeededRNG(seed: options.seed).stream(0xFA17)
        let drawn = FaultPlan.draw(options.faults, nodeCount: config.nodeCount, window: faultWindow(options), rng: &rng)
        timeline.announce(drawn)
        let run = ShardingRun(config: config, seed: options.seed, network: options.network, faults: options.faults == .story,
                              drawn: drawn.plan, timeline: timeline)
        let violation = run.execute()
        ShardingReport.tables(run, timeline)
        timeline.summary(ShardingReport.summary(run, violation: violation))
        return DemoOutcome(violation: violation)
    }

    /// Drawn faults strike while clients run, from just before the balancer starts, at the
    /// story's pace (its cut lasts 40-120 ms).
    static func faultWindow(_ options: Options) -> FaultWindow {
        let config = options.config
        return FaultWindow(start: SimTime.zero + .milliseconds(150), end: config.stopClientsAt,
                           meanGap: .milliseconds(200), maxOutage: .milliseconds(150),
                           maxDown: max(1, (config.nodeCount - 1) / 2), baseline: options.network)
    }

    /// The same key distribution under equal ranges and under hashing, from 20,000 draws.
    static func compareSchemes(_ config: ShardingConfig, seed: UInt64, _ timeline: Timeline) {
        var rng = SeededRNG(seed: seed).stream(0xC0)
        let draws = 20_000
        var range = Array(repeating: 0, count: config.initialShards)
        var hash = Array(repeating: 0, count: config.initialShards)
        for _ in 0..<draws {
            let key = config.workload.draw(&rng)
            range[config.workload.rangeShard(key, shards: config.initialShards)] += 1
            hash[Workload.hashShard(key, shards: config.initialShards)] += 1
        }
        let rows: [[JSONValue]] = (0..<config.initialShards).map { s in
            let low = config.keySpace * s / config.initialShards, high = config.keySpace * (s + 1) / config.initialShards
            return [.string("s\(s)"), .string("[\(low),\(high))"), .string(permille(range[s], of: draws)),
                    .string(permille(hash[s], of: draws))]
        }
        timeline.table("Share of operations per shard, same skewed keys (\(draws) draws)",
                       columns: ["shard", "range shard", "range", "hash"], rows: rows)
        let mean = draws / config.initialShards
        timeline.note("max/mean: range \(ratio(range.max()!, mean)), hash \(ratio(hash.max()!, mean)). Hashing"
            + " spreads the hot range but gives up range scans and still cannot split one hot key; range"
            + " sharding keeps order, so the hot range must be split and moved. That is what follows.")
    }

    static func permille(_ count: Int, of total: Int) -> String {
        let tenths = total == 0 ? 0 : count * 1000 / total
        return "\(tenths / 10).\(tenths % 10)%"
    }

    static func ratio(_ a: Int, _ b: Int) -> String {
        let hundredths = b == 0 ? 0 : a * 100 / b
        return "\(hundredths / 100).\(hundredths % 100 < 10 ? "0" : "")\(hundredths % 100)x"
    }
}
