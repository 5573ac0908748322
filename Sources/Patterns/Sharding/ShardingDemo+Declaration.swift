import Simulation

extension ShardingDemo.Options {
    public static var defaults: Self { Self() }
}

/// The sharding demo as the CLI offers it: every parameter, its range and its help.
extension ShardingDemo: DemoDefinition {
    public static var declaration: DemoDeclaration<Options> {
        DemoDeclaration(
            id: "sharding",
            title: "Range vs hash sharding; live split and move with a versioned routing table.",
            story: """
                The same skewed keys under equal ranges and under hashing; then a range-sharded \
                cluster whose balancer splits the hot range and moves it live (snapshot, streamed \
                writes, a short freeze, switch), clients following "wrong shard, version v" \
                redirects. With --faults story a node is cut off during the first move.
                """,
            examples: [
                "demo sharding",
                "demo sharding --seed 4 --nodes 5 --hot 800 --loss 50",
                "demo sharding --unsafe-switch",
            ],
            parameters: [
                .integer("nodes", \.nodes, in: 2...8, help: "Storage nodes."),
                .integer("shards", \.shards, in: 2...16, help: "Initial shards, equal key ranges."),
                .integer("clients", \.clients, in: 1...8, help: "Clients, one operation in flight each."),
                .integer("keys", \.keys, in: 100...100_000, help: "Keys in the key space."),
                .integer("hot", \.hotPerMille, in: 0...1_000, help: "Per-mille of operations aimed at the hot range."),
                .integer("moves", \.moves, in: 0...6, help: "Most moves the balancer makes."),
                .integer("loss", \.lossPerMille, in: 0...300, help: "Per-mille odds that a message is lost (duplicated: half that)."),
                .faults(\.faults, offers: .all, story: true,
                        help: "story cuts a node off during the first move; drawn kinds crash nodes, cut, slow and lose links instead."),
                .flag("unsafe-switch", \.unsafeSkipCatchUp,
                      help: "Switch ownership right after the snapshot, without freeze and catch-up (broken on purpose).").asBrokenVariant(),
            ],
            invariants: [
                DemoInvariant("routing versions partition the key space", .safety,
                              "every routing table version assigns each key to exactly one shard"),
                DemoInvariant("no key served by two shards at once", .safety, "two nodes never serve overlapping ranges"),
                DemoInvariant("a node serves only keys it owns", .safety, "a node answers only for ranges it owns"),
                DemoInvariant("no acknowledged write lost", .safety,
                              "every read and the final owner see the newest acknowledged write"),
            ],
            nodeCount: { 1 + $0.nodes + $0.clients },
            details: { options in
                let config = options.config
                let hot = config.workload
                return [
                    ("hot-range", .string("[\(hot.hotLow),\(hot.hotLow + hot.hotWidth))")),
                    ("write-per-mille", JSONValue(config.writePerMille)),
                    ("copy-chunk", JSONValue(config.copyChunk)),
                ]
            },
            run: run)
    }
}
